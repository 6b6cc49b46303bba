"""Funnels settings: one module, driven by environment variables (see .env.example)."""

from __future__ import annotations

import os
import zoneinfo
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from budget.env import env_bool, env_decimal, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "data")))

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"
_DEV_JWT_SECRET = "dev-only-jwt-secret-not-for-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY)
JWT_SECRET = env_str("JWT_SECRET", _DEV_JWT_SECRET)
if not DEBUG:
    for _name, _value, _dev in (
        ("SECRET_KEY", SECRET_KEY, _DEV_SECRET_KEY),
        ("JWT_SECRET", JWT_SECRET, _DEV_JWT_SECRET),
    ):
        if _value == _dev or len(_value) < 32:
            raise ImproperlyConfigured(
                f"{_name} must be set to a random value of at least 32 characters when DEBUG "
                "is off (e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')."
            )
    if SECRET_KEY == JWT_SECRET:
        raise ImproperlyConfigured("JWT_SECRET must differ from SECRET_KEY.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

TIME_ZONE = env_str("TIME_ZONE", "UTC")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE {TIME_ZONE!r} is not an IANA time zone.") from None
USE_TZ = True
LANGUAGE_CODE = "en-us"
USE_I18N = True

DEFAULT_CURRENCY = env_str("DEFAULT_CURRENCY", "EUR").upper()
if len(DEFAULT_CURRENCY) != 3 or not DEFAULT_CURRENCY.isalpha():
    raise ImproperlyConfigured(
        f"DEFAULT_CURRENCY must be an ISO 4217 code, not {DEFAULT_CURRENCY!r}."
    )
DEFAULT_FUNNEL_LIMIT: Decimal = env_decimal("DEFAULT_FUNNEL_LIMIT", Decimal("2000.00"))
SINGLE_ACTIVE_DEVICE = env_bool("SINGLE_ACTIVE_DEVICE", True)
# Reverse proxies in front of the app that append to X-Forwarded-For (0: none, trust REMOTE_ADDR).
NUM_PROXIES = env_int("NUM_PROXIES", 0, minimum=0)
# Largest household backup a restore reads, and largest bank file an import reads (bytes).
BACKUP_MAX_BYTES = env_int("BACKUP_MAX_BYTES", 40 * 2**20, minimum=1024)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 5 * 2**20, minimum=1024)

INSTALLED_APPS = [
    "accounts.apps.FunnelsAdminConfig",  # django.contrib.admin, signed in only through TOTP
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "funnels",
    "households",
    "transfers",
]

MIDDLEWARE = [
    # Outermost: request id, one JSON log line and the metrics of every request.
    "budget.observability.RequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Replaces django_otp.middleware.OTPMiddleware: device sessions and TOTP verification.
    "accounts.middleware.DeviceSessionMiddleware",
    "accounts.middleware.SlidingSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "budget.urls"
WSGI_APPLICATION = "budget.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "budget.context_processors.cookie_warning",
            ],
        },
    },
]

# Database: SQLite in DATA_DIR by default; DATABASE_URL (or the older DB_URL) for PostgreSQL.
_database_url = env_str("DATABASE_URL", env_str("DB_URL", ""))
if _database_url:
    try:
        _db = dj_database_url.parse(_database_url, conn_max_age=600, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "db.sqlite3"}
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections, like PostgreSQL's: the PRAGMAs run once per connection, not once
    # per request (README "Benchmark").
    _db["CONN_MAX_AGE"] = 600
    _db["CONN_HEALTH_CHECKS"] = True
    _db["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on the busy
        # timeout instead of failing with "database is locked" halfway through.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
# A suffix keeps parallel test runs against one PostgreSQL server apart.
_db.setdefault("TEST", {})
if os.environ.get("TEST_DB_SUFFIX") and _db["ENGINE"] != "django.db.backends.sqlite3":
    _db["TEST"]["NAME"] = f"test_{_db['NAME']}_{os.environ['TEST_DB_SUFFIX']}"
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache is shared by every worker process (login throttling relies on it).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "funnels_cache",
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS: list[dict[str, str]] = []
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "funnels:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Browser sessions: sliding 30 days (renewed daily by accounts.middleware.SlidingSessionMiddleware),
# HttpOnly, SameSite=Lax. Secure (sent over https only) unless SECURE_COOKIES is off: a family
# serving it over plain http on the LAN turns it off, or browsers drop the cookies and sign-in
# fails (README "Operating it"; `check --deploy` warns while it is off).
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
# A rejected form explains a missing cookie (e.g. a Secure cookie dropped over plain http).
CSRF_FAILURE_VIEW = "budget.views.csrf_failure"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else 60 * 60 * 24 * 365
# HSTS covers this host only and is not submitted for preloading: the subdomains of a
# self-hoster's domain are not ours to pin to https.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Strict Content Security Policy: everything from this origin, scripts only with a nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.DeviceJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "budget.api.AutoSchema",
    "EXCEPTION_HANDLER": "budget.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "COERCE_DECIMAL_TO_STRING": True,
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=30),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": JWT_SECRET,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Funnels API",
    "DESCRIPTION": "REST API v1 of Funnels, the family budget app (docs/api.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The enum components (drf-spectacular's default hook), then the links a client can follow.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "funnels.api.schema_links",
    ],
    # No call to the online validator: every asset and request stays on this origin (CSP).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}

OTP_TOTP_ISSUER = "Funnels"
# django-otp's exponential lockout grows without a useful bound, so a stranger could lock an
# owner out for days: it is off, and accounts.throttling's fixed window is the only throttle.
OTP_TOTP_THROTTLE_FACTOR = 0
# Failed sign-ins allowed per username and per client address in each fixed window (seconds).
LOGIN_THROTTLE_WINDOW = 15 * 60
LOGIN_THROTTLE_PER_USERNAME = 5
LOGIN_THROTTLE_PER_ADDRESS = 20
# Registrations one client address may start per window (each holds a username 10 minutes).
REGISTRATION_THROTTLE_PER_ADDRESS = 10

# Operation (docs/rules.md §10). /metrics answers only a request bearing this token (404 without).
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
# What `manage.py daily` runs once a day (each a function; one taking `day` runs for every
# missed day in turn).
DAILY_JOBS = [
    "households.services.expired_state_flush",
    "funnels.rollover.period_closes_daily",
    "funnels.planned.planned_record_daily",
    "transfers.importing.stale_import_batches_delete",
    "budget.database.planner_statistics_refresh",
]

LOG_LEVEL = env_str("LOG_LEVEL", "WARNING").upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(
        f"LOG_LEVEL must be one of DEBUG/INFO/WARNING/ERROR/CRITICAL, not {LOG_LEVEL!r}."
    )
# One JSON object per line on stderr: a line per request (funnels.request) and every warning
# and error, tracebacks included, each with the request id.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "budget.observability.RequestIdFilter"},
        "redact_paths": {"()": "budget.observability.RedactPathsFilter"},
    },
    "formatters": {"json": {"()": "budget.observability.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id", "redact_paths"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "funnels.request": {"level": "INFO"},
        # Django's own console handler would print a second, plain-text copy while DEBUG is on.
        "django": {"handlers": [], "level": "INFO"},
        # runserver's own access line holds the raw path; the funnels.request line replaces it.
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
    },
}
