"""Every write of the moderation app, one module per aggregate.

``items`` (entering, importing, pre-screening, claiming), ``decisions``, ``tokens``,
``categories``, ``incidents`` and ``removals``; each function opens its own transaction, locks
the row it changes, re-checks state and permission and writes an audit event.
"""
