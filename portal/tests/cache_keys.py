"""Cache keys of the test run: each test counts its rate limits in a namespace of its own.

The suite shares one cache (Redis or the file cache) between its xdist workers, live-server
threads and the server processes some tests start; a fresh namespace per test keeps one test's
counters from reaching another without clearing anybody else's keys.
"""

from __future__ import annotations

NAMESPACE = ["initial"]


def make_key(key: str, key_prefix: str, version: int) -> str:
    return f"{key_prefix}:{NAMESPACE[0]}:{version}:{key}"
