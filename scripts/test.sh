#!/usr/bin/env bash
# Run the whole test suite, browser tests included. With no settings it uses SQLite; CI and
# production-like runs set DATABASE_URL (PostgreSQL) and REDIS_URL (Redis) first.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt

# Browser tests drive Debian's Chromium, and the SAML one's identity provider signs with Debian's
# xmlsec1; install them when we can (root with apt-get).
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v xmlsec1 >/dev/null || missing="$missing xmlsec1"
if [ -n "$missing" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    # shellcheck disable=SC2086  # one word per package
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" --dist loadfile "$@"
