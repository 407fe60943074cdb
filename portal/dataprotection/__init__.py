"""Data protection: subject access export, erasure by anonymisation, retention, the DPO pages.

Every domain app contributes its own part through three functions of its ``api.py`` (see
``registry``); this package gathers them and holds what is the platform's own.
"""
