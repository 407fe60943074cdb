"""Writes of the alumni app: ``records`` (the CRM import) and ``verification`` (the queue)."""
