"""Every write of the registry, one module per aggregate.

``requests`` (submission, acknowledgement, decisions, withdrawal, activation), ``admins``
(administrator rights, the access log, handovers, compliance), ``accounts`` (activity, flagging,
keeping, closure, registering an existing account), ``audits`` (answering the annual audit) and
``notifications`` (who is told what, and the outbox call).
"""
