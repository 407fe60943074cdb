"""Pages of the registry: ``public`` (no sign-in), ``member`` (signed in, object pages that
answer 404 to whoever is not entitled), ``staff`` (staff and comms role pages, 403 without)."""
