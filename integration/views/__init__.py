"""Views of the integration app: the API (api.py) and the client management page (staff.py)."""
