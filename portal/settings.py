"""Settings for the portal, driven by the environment.

With no environment at all the portal runs on a SQLite file, an embedded Celery broker on the
filesystem and the console email backend, so that one command gives a working site. Production
and CI set ``DATABASE_URL`` and ``REDIS_URL`` (PostgreSQL and Redis); ``DJANGO_DEBUG=0`` turns on
the hardened settings that pass ``manage.py check --deploy``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab

from portal import saml_settings

# Generic Django classes (ModelAdmin[M], QuerySet[M], ...) become subscriptable at run time, as
# strict typing writes them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
TESTING = env_bool("PORTAL_TESTING", False)

# A fixed key is acceptable only for local development: production refuses to start without one.
_DEV_SECRET_KEY = "django-insecure-local-development-only-key-not-for-production-use-0000"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    # SAML 2.0 (python3-saml); its URLs answer 404 until an identity provider is configured.
    "allauth.socialaccount.providers.saml",
    "guardian",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "portal",
    "alumni",
    "groups",
    "accounts_registry",
    "mentoring",
    "moderation",
    "integration",
]

# The portal's own apps, in the order their navigation, dashboards and demo data are assembled.
PORTAL_APPS = [
    "portal",
    "alumni",
    "groups",
    "accounts_registry",
    "mentoring",
    "moderation",
    "integration",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.RequestIdMiddleware",
    "portal.input_guard.InputGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.SessionLifetimeMiddleware",
    "portal.middleware.StaffTwoFactorMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.middleware.PermissionsPolicyMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite: a persistent connection per thread brings nothing and holds file locks.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The web process and the worker write concurrently: take the write lock when a transaction
    # starts (so a second writer waits instead of failing with "database is locked"), and let
    # readers carry on beside a writer (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users and sign-in ------------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "portal:home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "portal.forms.SignupForm"
# Failed passwords and failed two-factor codes are counted per account ("key"): five in five
# minutes and that account waits. The address-wide limit is the portal's own (see
# portal.adapters): it counts the *distinct accounts* that failed from one address, so a campus
# NAT or proxy is locked only by someone trying many accounts, never by one person's typos.
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("PORTAL_LOGIN_FAILED_LIMIT", "5/5m/key"),
    "signup": "20/h/ip",
    "reset_password": "10/h/ip,5/h/key",
    "reset_password_email": "5/h/key",
    "confirm_email": "3/10m/key",
}
PORTAL_LOGIN_IP_ACCOUNTS_LIMIT = os.environ.get("PORTAL_LOGIN_IP_ACCOUNTS_LIMIT", "20/15m")
# Behind a reverse proxy, the number of proxies that append to X-Forwarded-For (the client is
# that many entries from the right); 0 trusts no header and uses the socket's address.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("PORTAL_TRUSTED_PROXY_COUNT", "0"))
# Limits of the portal's own public endpoints, per client address ("count/period").
PORTAL_RATE_LIMITS = {
    "account_lookup": os.environ.get("PORTAL_LOOKUP_LIMIT", "60/m"),
    "impersonation_report": os.environ.get("PORTAL_IMPERSONATION_REPORT_LIMIT", "5/h"),
    "unsubscribe": os.environ.get("PORTAL_UNSUBSCRIBE_LIMIT", "20/m"),
    "moderation_api": os.environ.get("PORTAL_MODERATION_API_LIMIT", "120/m"),
    "monitoring_api": os.environ.get("PORTAL_MONITORING_API_LIMIT", "60/m"),
    # Graduate details tried against the alumni records, per address and per account.
    "alumni_verification": os.environ.get("PORTAL_ALUMNI_VERIFICATION_LIMIT", "10/h"),
    "api_client": os.environ.get("PORTAL_API_CLIENT_LIMIT", "600/m"),
    "api_public": os.environ.get("PORTAL_API_PUBLIC_LIMIT", "60/m"),
    # The request form's administrators picker searches as staff type (debounced, 2+ chars).
    "people_search": os.environ.get("PORTAL_PEOPLE_SEARCH_LIMIT", "120/m"),
}


# --- University single sign-on (OpenID Connect; see portal.sso) -----------------------------
def oidc_apps() -> list[dict[str, object]]:
    """allauth OpenID Connect apps from the environment; none (SSO off) when unset.

    One provider: ``PORTAL_OIDC_SERVER_URL``, ``PORTAL_OIDC_CLIENT_ID``, ``PORTAL_OIDC_SECRET``,
    ``PORTAL_OIDC_NAME`` (the button), ``PORTAL_OIDC_ID`` (in the callback URL). Several:
    ``PORTAL_OIDC_PROVIDERS``, a JSON list of objects with those keys in lower case
    (``id``, ``name``, ``server_url``, ``client_id``, ``secret``).
    """
    import json

    raw = os.environ.get("PORTAL_OIDC_PROVIDERS", "").strip()
    if raw:
        entries = json.loads(raw)
    elif os.environ.get("PORTAL_OIDC_SERVER_URL"):
        entries = [
            {
                "id": os.environ.get("PORTAL_OIDC_ID", "university"),
                "name": os.environ.get("PORTAL_OIDC_NAME", "University sign-in"),
                "server_url": os.environ["PORTAL_OIDC_SERVER_URL"],
                "client_id": os.environ.get("PORTAL_OIDC_CLIENT_ID", ""),
                "secret": os.environ.get("PORTAL_OIDC_SECRET", ""),
            }
        ]
    else:
        entries = []
    return [
        {
            "provider_id": entry["id"],
            "name": entry.get("name", entry["id"]),
            "client_id": entry["client_id"],
            "secret": entry.get("secret", ""),
            "settings": {"server_url": entry["server_url"]},
        }
        for entry in entries
    ]


def origin_of(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# SAML 2.0: ``PORTAL_SAML_*`` (portal.saml_settings); the provider class is the portal's.
_OIDC_APPS, _SAML_APPS = oidc_apps(), saml_settings.saml_apps()
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": _OIDC_APPS},
    "saml": {"provider_class": saml_settings.PROVIDER_CLASS, "APPS": _SAML_APPS},
}
# The SSO button's form redirects to the provider, which CSP's form-action must allow: the
# providers' own origins, and any other origin their sign-in pages live on.
SSO_FORM_ACTION = sorted(
    {
        origin_of(str(app["settings"]["server_url"]))  # type: ignore[index]
        for app in _OIDC_APPS
    }
    | set(env_list("PORTAL_OIDC_FORM_ACTION"))
    | saml_settings.saml_form_action(_SAML_APPS, env_list("PORTAL_SAML_FORM_ACTION"))
)
SOCIALACCOUNT_ADAPTER = "portal.sso.SocialAccountAdapter"
MFA_ADAPTER = "portal.sso.MFAAdapter"
# A provider's ``amr`` values that count as the second factor (RFC 8176).
PORTAL_OIDC_MFA_AMR = env_list("PORTAL_OIDC_MFA_AMR", "mfa")
# Linking: an SSO identity signs in to the existing account with the same address only when the
# provider says the address is verified (``email_verified``); allauth then also requires the
# portal's address to be verified, or wipes the account's password. Otherwise the person sees
# the sign-up form, which refuses an address already registered.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
# New people complete the sign-up form (name, alumnus or student): that is where the role comes from.
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False

ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Alumni portal] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Alumni portal"
MFA_TOTP_TOLERANCE = 1  # accept the neighbouring 30 s period: phone clocks drift
MFA_RECOVERY_CODE_COUNT = 10

# --- Sessions (OWASP ASVS 5.0 L2: absolute and idle limits) -----------------------------------
# Database sessions; the key is rotated by every sign-in and again after the second factor.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
PORTAL_SESSION_ABSOLUTE_SECONDS = int(os.environ.get("PORTAL_SESSION_ABSOLUTE_SECONDS", "43200"))
PORTAL_STAFF_IDLE_SECONDS = int(os.environ.get("PORTAL_STAFF_IDLE_SECONDS", "1800"))
PORTAL_IDLE_SECONDS = int(os.environ.get("PORTAL_IDLE_SECONDS", "43200"))
SESSION_COOKIE_AGE = PORTAL_SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_SAMESITE = "Lax"

# --- Cache: shared by every process, so rate limits count across workers ----------------------
CACHE_KEY_PREFIX = os.environ.get("PORTAL_CACHE_PREFIX", "portal")
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1},
        }
    }
else:
    # No Redis: a file cache in var/, shared by the web workers and the Celery worker of one
    # machine (a per-process memory cache would let each gunicorn worker count on its own).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# --- Content-Security-Policy and Permissions-Policy ---------------------------------------------
# Every script and stylesheet is a static file: no inline script or style is allowed. The
# two-factor enrolment page shows its QR code as a data: image.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'", *SSO_FORM_ACTION],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), "
    "interest-cohort=()"
)

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = (
    None  # guardian: no anonymous user row; anonymous visitors hold no object roles
)

# --- The CRM integration API (integration/) ----------------------------------------------------
# Read-only JSON under /api/v1/; authentication, scopes and limits are integration.auth's.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["integration.auth.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["integration.auth.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["integration.auth.PortalRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Alumni portal integration API",
    "DESCRIPTION": (
        "Read-only data for the alumni CRM. Groups, events and the account lookup are public; "
        "the other endpoints need a client token (`Authorization: Bearer <token>`) with their scope."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Swagger UI from the sidecar package's static files: no CDN, no inline script (CSP).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Alumni portal <no-reply@example.ac.uk>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://localhost:8000").rstrip("/")

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
CELERY_BROKER_DIR = VAR_DIR / "celery-broker"
# A silent broker must not hold a web request: fail fast, the outbox keeps the work.
REDIS_TRANSPORT_OPTIONS: dict[str, object] = {
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
    "max_retries": 1,
    "visibility_timeout": 3600,
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("out", "processed", "control"):
        (CELERY_BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(CELERY_BROKER_DIR / "out"),
        "data_folder_out": str(CELERY_BROKER_DIR / "out"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_TRANSPORT_OPTIONS
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Deadlines are found by these periodic sweeps querying the database, never by ETA tasks.
CELERY_BEAT_SCHEDULE = {
    "deliver-outbox": {"task": "portal.tasks.deliver_pending_email", "schedule": 30.0},
    "groups-sla-reminders": {
        "task": "groups.tasks.send_sla_reminders",
        "schedule": timedelta(minutes=15),
    },
    "alumni-verification-reminders": {
        "task": "alumni.tasks.send_verification_reminders",
        "schedule": timedelta(minutes=15),
    },
    "groups-dispatch-communications": {
        "task": "groups.tasks.dispatch_communications",
        "schedule": 60.0,
    },
    "groups-annual-plan-reminders": {
        "task": "groups.tasks.send_annual_plan_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "accounts-inactivity": {
        "task": "accounts_registry.tasks.run_inactivity_checks",
        "schedule": crontab(hour=7, minute=0),
    },
    "accounts-annual-audits": {
        "task": "accounts_registry.tasks.run_annual_audits",
        "schedule": crontab(hour=7, minute=30),
    },
    "accounts-training-expiry": {
        "task": "accounts_registry.tasks.run_training_expiry",
        "schedule": crontab(hour=7, minute=45),
    },
    "accounts-pending-approvals": {
        "task": "accounts_registry.tasks.run_pending_approvals",
        "schedule": crontab(hour=8, minute=15),
    },
    "accounts-advice-overdue": {
        "task": "accounts_registry.tasks.run_advice_overdue",
        "schedule": timedelta(minutes=15),
    },
    "mentoring-meeting-reminders": {
        "task": "mentoring.tasks.send_meeting_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    "moderation-removal-reminders": {
        "task": "moderation.tasks.send_removal_request_reminders",
        "schedule": crontab(minute=0),
    },
    "moderation-escalation-reminders": {
        "task": "moderation.tasks.send_escalation_reminders",
        "schedule": crontab(minute=15),
    },
    "moderation-response-targets": {
        "task": "moderation.tasks.send_response_target_alerts",
        "schedule": timedelta(minutes=5),
    },
    "data-protection-retention": {
        "task": "portal.tasks.retention_sweep",
        "schedule": crontab(hour=3, minute=30),
    },
}

# --- Retention periods (README, "Data protection"; portal.dataprotection.retention) ---------
RETENTION_MENTORING_MONTHS = int(os.environ.get("RETENTION_MENTORING_MONTHS", "12"))
RETENTION_MODERATION_MONTHS = int(os.environ.get("RETENTION_MODERATION_MONTHS", "6"))
RETENTION_UNSUBSCRIBED_MONTHS = int(os.environ.get("RETENTION_UNSUBSCRIBED_MONTHS", "3"))
RETENTION_OUTBOX_DAYS = int(os.environ.get("RETENTION_OUTBOX_DAYS", "90"))
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", str(VAR_DIR / "backups")))

# --- Working-day calendar (portal.workdays) -------------------------------------------------
WORKDAY_CUTOFF = os.environ.get("WORKDAY_CUTOFF", "16:00")
WORKDAY_OPENS = os.environ.get("WORKDAY_OPENS", "09:00")
WORKDAY_CLOSES = os.environ.get("WORKDAY_CLOSES", "17:00")

# --- Page benchmark (bench/pages.py) ----------------------------------------------------------
# Mounts /bench/baseline/, a signed-in page running one query; never set in production.
PORTAL_BENCH_BASELINE = env_bool("PORTAL_BENCH_BASELINE", False)

# --- Institution ------------------------------------------------------------------------------
INSTITUTION_NAME = os.environ.get("INSTITUTION_NAME", "The University")
INSTITUTION_EMAIL_DOMAIN = os.environ.get("INSTITUTION_EMAIL_DOMAIN", "example.ac.uk")


# --- Errors reach the administrators --------------------------------------------------------
# DJANGO_ADMINS="Name <ops@example.ac.uk>,other@example.ac.uk". With DEBUG off, every error of a
# request is emailed to them, and only then does the 500 page say that the team has been told.
def env_addresses(name: str) -> list[tuple[str, str]]:
    """A comma-separated list of ``Name <address>`` or bare addresses, as (name, address)."""
    from email.utils import getaddresses

    pairs = getaddresses([os.environ.get(name, "")])
    return [(display or address, address) for display, address in pairs if "@" in address]


ADMINS = env_addresses("DJANGO_ADMINS")
# Django's default "django" logger would mail them too: django.request stops propagating there,
# so each error is one email (and one JSON log line, from this logger's own console handler).
_ERROR_MAIL = {"handlers": ["console", "mail_admins"], "propagate": False}

# --- Logging: one JSON object per line ------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.middleware.RequestIdLogFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        },
        "mail_admins": {"level": "ERROR", "class": "django.utils.log.AdminEmailHandler"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        **({"django.request": _ERROR_MAIL} if ADMINS and not DEBUG else {}),
    },
}

# --- Production hardening -------------------------------------------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
