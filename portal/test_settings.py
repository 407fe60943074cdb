"""Settings for the test suite: the real settings plus fast hashing and eager tasks.

Tasks run eagerly (in-process, after commit) so that end-to-end tests see their effects; the
tests of the broker itself switch eager mode off and talk to a real worker.
"""

import os

os.environ.setdefault("PORTAL_TESTING", "1")

from portal.settings import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Keep only the limit the tests exercise (sign-up and reset limits would trip over the suite).
ACCOUNT_RATE_LIMITS = {"login_failed": ACCOUNT_RATE_LIMITS["login_failed"]}  # noqa: F405

# The live server answers each request in a thread of its own: persistent connections would
# outlive those threads and keep sessions open on the test database after the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# Every test counts rate limits in a namespace of its own (see portal.tests.cache_keys).
CACHES["default"]["KEY_FUNCTION"] = "portal.tests.cache_keys.make_key"  # noqa: F405
