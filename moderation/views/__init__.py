"""Moderation pages: ``staff`` (moderators and comms), ``member`` (any member of staff's
incident reports), ``public`` (the owner's confirmation link) and ``api`` (the JSON endpoint)."""
