"""Every write in mentoring, one module per aggregate; each function takes ids, not instances.

``programmes`` (create, update, wrap-up), ``applications`` (submit, withdraw), ``matching``
(runs, pins/forbids, confirmation), ``partnerships`` (meetings, email frequency, unavailability,
withdrawal, end), ``concerns`` (report, follow-up), ``surveys`` (answers). Each transition runs
in a transaction with a row lock, re-checks the state and writes an audit event. Emails that show
a partner take the partner's details from ``mentoring.sharing`` only.
"""
