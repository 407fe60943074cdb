"""Every write of the groups app, one module per aggregate.

``groups`` (groups, committees, memberships and consent), ``plans``, ``presences``,
``requests`` (the request state machine), ``communications`` (central sending);
``notifications`` and ``rules`` hold what they share. Each function is
``<entity>_<verb>(*, actor, <entity>_id, ...)`` and runs in one transaction with the row
locked, the state re-checked and an audit event written.
"""
