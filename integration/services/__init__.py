"""Writes of the integration app, one module per aggregate."""
