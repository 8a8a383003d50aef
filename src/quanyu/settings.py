"""Django settings for Quanyu. Everything that varies by deployment is read from the environment
through quanyu.env; the defaults are safe for production (DEBUG off) and the embedded SQLite
database under var/ is the default database.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from quanyu.dbsettings import ASGI_FLAG, database_config
from quanyu.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(env_str("QUANYU_HOME", str(BASE_DIR.parent.parent)))
VAR_DIR = Path(env_str("QUANYU_VAR", str(PROJECT_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("QUANYU_TESTING", False)
# A fixed development key is only acceptable when DEBUG or tests say so; production must set one.
_DEV_SECRET = "quanyu-dev-only-secret-key-do-not-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if (DEBUG or TESTING) else None)
# 32-byte key, base64 (urlsafe) encoded, for AES-GCM encryption of personal data and its keyed hash.
_DEV_PII_KEY = "cXVhbnl1LWRldi1vbmx5LXBpaS1rZXktMzJieXRlcyE="
QUANYU_PII_KEY = env_str("QUANYU_PII_KEY", _DEV_PII_KEY if (DEBUG or TESTING) else None)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if (DEBUG or TESTING) else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "treebeard",
    "quanyu.core.vendor_apps.AxesConfig",
    "django_otp",
    "quanyu.core.vendor_apps.TOTPConfig",
    "quanyu.core",
    "quanyu.areas",
    "quanyu.orgs",
    "quanyu.accounts",
    "quanyu.people",
    "quanyu.catalog",
    "quanyu.notify",
    "quanyu.tickets",
    "quanyu.wishes",
    "quanyu.venues",
    "quanyu.volunteering",
    "quanyu.cogov",
    "quanyu.routing",
    "quanyu.assessment",
    "quanyu.analytics",
    "quanyu.api",
    "quanyu.web",
    "quanyu.demo",
]

MIDDLEWARE = [
    "quanyu.core.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "quanyu.web.middleware.ChineseFirstLocaleMiddleware",
    "quanyu.core.http.NulBytesRefused",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "quanyu.accounts.middleware.SessionTimeoutMiddleware",
    "quanyu.accounts.middleware.PasswordAgeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "quanyu.web.middleware_otp.StaffOTPMiddleware",
    "quanyu.web.middleware.PageMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "quanyu.web.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "quanyu.urls"
WSGI_APPLICATION = "quanyu.wsgi.application"
ASGI_APPLICATION = "quanyu.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "quanyu.web.context.site",
            ],
        },
    }
]

_default_db = f"sqlite:///{VAR_DIR / 'quanyu.sqlite3'}"
# PostgreSQL: a connection pool per process (quanyu.dbsettings says why). Size it so that
# processes × QUANYU_DB_POOL_SIZE (web workers, Celery workers, beat, cron commands) stays below
# the server's max_connections. DB_CONN_MAX_AGE (seconds a connection is kept for reuse) counts
# only without the pool.
DATABASES = {
    "default": database_config(
        env_str("DATABASE_URL", _default_db),
        pool_size=env_int("QUANYU_DB_POOL_SIZE", 8),
        pool_min=env_int("QUANYU_DB_POOL_MIN", 2),
        pool_timeout=env_int("QUANYU_DB_POOL_TIMEOUT", 20),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        asgi=env_bool(ASGI_FLAG, False),
    )
}
# A streaming replica of the primary for the cockpit's reads (quanyu.core.replica): only code
# inside replica_reads() reads from it; writes and migrations stay on the primary.
if env_str("QUANYU_REPLICA_URL", ""):
    DATABASES["replica"] = database_config(
        env_str("QUANYU_REPLICA_URL", ""),
        pool_size=env_int("QUANYU_DB_POOL_SIZE", 8),
        pool_min=env_int("QUANYU_DB_POOL_MIN", 2),
        pool_timeout=env_int("QUANYU_DB_POOL_TIMEOUT", 20),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        asgi=env_bool(ASGI_FLAG, False),
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["quanyu.core.replica.ReplicaRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env_str("QUANYU_TEST_SQLITE", "") or None

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Partitioned tables (core.partitions; docs/DEPLOY.md): months created this far ahead, daily.
QUANYU_PARTITION_MONTHS_AHEAD = env_int("QUANYU_PARTITION_MONTHS_AHEAD", 3)
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "quanyu.accounts.passwords.ComplexityValidator", "OPTIONS": {"kinds": 3}},
]
# Periodic change (等保): days a password is good for before its owner must change it (0 = never;
# off in the demo and the tests, which turn it on where they test it).
QUANYU_PASSWORD_MAX_AGE_DAYS = env_int("QUANYU_PASSWORD_MAX_AGE_DAYS", 0 if (DEBUG or TESTING) else 90)
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# django-axes: lock an account+IP after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
# Counted per account and per client address separately (等保: four wrong guesses on each of many
# accounts from one address lock the address; guesses at one account from many addresses lock it).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success clears only that account's failures (quanyu.accounts.apps): axes' own reset would also
# clear every failure from the address, so an attacker could log in to an account of their own
# between guesses at others and never lock the address.
AXES_RESET_ON_SUCCESS = False
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# A locked-out user sees a page in their language (429), not axes' bare English text.
AXES_LOCKOUT_CALLABLE = "quanyu.web.auth.views.lockout_response"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "web" / "vendor"] if (BASE_DIR / "web" / "vendor").exists() else []
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "quanyu.api.auth.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's three, the JSON one with a depth limit (QUANYU_JSON_MAX_DEPTH).
    "DEFAULT_PARSER_CLASSES": [
        "quanyu.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "quanyu.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "quanyu.api.schema.QuanyuAutoSchema",
    "EXCEPTION_HANDLER": "quanyu.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Quanyu 全域 API",
    "DESCRIPTION": (
        "Party-building-led urban grassroots governance: registry, requests, people, early warning, "
        "wishes, volunteering, venues, assessment."
    ),
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # 190 operations under 40 tags: the tags start folded and a filter box finds one.
    "SWAGGER_UI_SETTINGS": {"docExpansion": "none", "filter": True},
}

# One cache for every web node in production (rate limits, throttles): QUANYU_CACHE_URL=redis://…;
# without it each process keeps its own (the embedded default and the tests).
_CACHE_URL = env_str("QUANYU_CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
    if _CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# Requests filed without an account (quanyu.tickets.limits; "count/period", unit s/m/h/d, or "off"),
# and SMS to a contact number without an account (quanyu.notify.channels.sms).
QUANYU_RATELIMIT_SUBMIT_IP = env_str("QUANYU_RATELIMIT_SUBMIT_IP", "5/10m")
QUANYU_RATELIMIT_SUBMIT_PHONE = env_str("QUANYU_RATELIMIT_SUBMIT_PHONE", "3/1h")
QUANYU_RATELIMIT_OPEN311_KEY = env_str("QUANYU_RATELIMIT_OPEN311_KEY", "300/1h")
QUANYU_SMS_PER_PHONE = env_str("QUANYU_SMS_PER_PHONE", "10/1d")

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "memory://")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", CELERY_BROKER_URL == "memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE

# Map tiles need the internet; empty means vector layers on a plain background.
QUANYU_TILE_URL = env_str("QUANYU_TILE_URL", "")
QUANYU_TILE_ATTRIBUTION = env_str("QUANYU_TILE_ATTRIBUTION", "")

# Security headers. HTTPS-only cookies unless running the local demo/dev server.
SESSION_COOKIE_HTTPONLY = True
# Sessions end with the browser, after QUANYU_SESSION_IDLE_MINUTES without a request, and
# QUANYU_SESSION_MAX_HOURS after the log-in whatever happens (等保 level 3;
# quanyu.accounts.middleware.SessionTimeoutMiddleware).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
QUANYU_SESSION_IDLE_MINUTES = env_int("QUANYU_SESSION_IDLE_MINUTES", 30)
QUANYU_SESSION_MAX_HOURS = env_int("QUANYU_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = QUANYU_SESSION_MAX_HOURS * 3600
# Retention (quanyu.core.retention, 等保 residual information): days a closed ticket keeps its
# submitter's contact, and a settled micro-wish its contact phone and room.
QUANYU_TICKET_CONTACT_DAYS = env_int("QUANYU_TICKET_CONTACT_DAYS", 180)
QUANYU_WISH_CONTACT_DAYS = env_int("QUANYU_WISH_CONTACT_DAYS", 180)
# Log-in records (django-axes' tables: username and address of every log-in and failure) are the
# network log the 网络安全法 keeps six months: deleted after this many days, never fewer than 180.
QUANYU_LOGIN_RECORD_DAYS = env_int("QUANYU_LOGIN_RECORD_DAYS", 180)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not (DEBUG or TESTING))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": [
            "'self'",
            "data:",
            "blob:",
            *([QUANYU_TILE_URL.split("/{")[0]] if QUANYU_TILE_URL else []),
        ],
        "style-src": ["'self'", "'unsafe-inline'"],
        # Scripts only from our own static files: no inline code, no eval (Alpine's CSP build,
        # htmx with allowEval off).
        "script-src": ["'self'"],
        # No <base> pointing elsewhere, and forms post only back to us.
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# SMTP (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend): host, port, login, TLS/SSL.
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "quanyu@localhost")
# The SMS provider adapter (a class with send(phone, text) -> bool); the default only logs.
QUANYU_SMS_BACKEND = env_str("QUANYU_SMS_BACKEND", "quanyu.notify.channels.sms.LogSmsBackend")

# Logs: one JSON object per line in production (QUANYU_LOG_FORMAT=json), plain text in the demo
# and the tests; ID card and mobile numbers are masked in every record where it is made, from
# before the apps load (quanyu.core.logs.configure installs the masking record factory).
LOGGING_CONFIG = "quanyu.core.logs.configure"
QUANYU_LOG_FORMAT = env_str("QUANYU_LOG_FORMAT", "text" if DEBUG or TESTING else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "quanyu.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if QUANYU_LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Stable names for the "kind" enums of the registry in the OpenAPI schema (added by the API work).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "AreaKindEnum": "quanyu.areas.models.AreaKind",
    "OrgKindEnum": "quanyu.orgs.models.OrgKind",
    "UnitKindEnum": "quanyu.orgs.models.UnitKind",
    "WishKindEnum": "quanyu.wishes.models.WishKind",
    "WishStatusEnum": "quanyu.wishes.states.WishStatus",
    "WishClaimStatusEnum": "quanyu.wishes.states.ClaimStatus",
    "VenueKindEnum": "quanyu.venues.models.VenueKind",
    "VenueStatusEnum": "quanyu.venues.states.VenueStatus",
    "BookingStatusEnum": "quanyu.venues.states.BookingStatus",
    "RoomFunctionEnum": "quanyu.venues.models.RoomFunction",
    "BookerKindEnum": "quanyu.venues.models.Booking.BookerKind",
    "ProjectStepEnum": "quanyu.venues.states.ProjectStep",
    "CogovBodyKindEnum": "quanyu.cogov.models.BodyKind",
    "CogovSessionKindEnum": "quanyu.cogov.models.SessionKind",
    "CogovResourceKindEnum": "quanyu.cogov.models.ResourceKind",
    "CogovAgendaSourceEnum": "quanyu.cogov.models.AgendaSource",
    "CogovContractStatusEnum": "quanyu.cogov.states.ContractStatus",
    "CogovSessionStatusEnum": "quanyu.cogov.states.SessionStatus",
    "CogovTaskStatusEnum": "quanyu.cogov.states.TaskStatus",
    "CogovDeliberationStatusEnum": "quanyu.cogov.states.DeliberationStatus",
    "CogovProjectRatingEnum": "quanyu.cogov.models.projects.Rating",
    "PostReviewRatingEnum": "quanyu.people.models.PostReview.Rating",
}

# Two-step log-in (TOTP, django-otp) for everyone holding a staff role, superusers and admin users:
# on by default in production, off for the DEBUG demo and the tests (which turn it on per test).
# Writer threads of the intake lane per ASGI worker (quanyu.api.lane); 0 = its default.
QUANYU_LANE_WRITERS = env_int("QUANYU_LANE_WRITERS", 0)
# How deep a request's JSON may nest (arrays and objects); deeper is a 400 (quanyu.core.http).
QUANYU_JSON_MAX_DEPTH = env_int("QUANYU_JSON_MAX_DEPTH", 64)
QUANYU_REQUIRE_OTP = env_bool("QUANYU_REQUIRE_OTP", not (DEBUG or TESTING))
# 三员分立 (quanyu.core.duties): only security administrators manage accounts and grants, only
# audit administrators read the audit log, no account holds two of the three roles.
QUANYU_SEPARATION_OF_DUTIES = env_bool("QUANYU_SEPARATION_OF_DUTIES", not (DEBUG or TESTING))
OTP_TOTP_ISSUER = "全域 Quanyu"
# API tokens stop working this many hours after they were issued; log in again for a fresh one.
QUANYU_TOKEN_TTL_HOURS = env_int("QUANYU_TOKEN_TTL_HOURS", 12)
# Seconds a process trusts a token it has checked (api/auth.py); 0 reads it on every call.
QUANYU_TOKEN_CACHE_SECONDS = env_int("QUANYU_TOKEN_CACHE_SECONDS", 30)
# Seconds a process remembers who is told of new work at a place (tickets/notifications.py).
QUANYU_RECIPIENTS_CACHE_SECONDS = env_int("QUANYU_RECIPIENTS_CACHE_SECONDS", 10)
# Seconds a process trusts what it derived from a rarely changing table (the catalogue's matcher,
# the holiday years, the grid index, the intake's grid rows) before it reads the table's revision
# again: one setting for every core.memo.RevisedMemo, read by core.memo.recheck_seconds; 0 = always.
QUANYU_REVISION_RECHECK_SECONDS = env_int("QUANYU_REVISION_RECHECK_SECONDS", 2)

# Reverse proxies in front of the app (nginx: 1). The client address is then read from
# X-Forwarded-For, that many entries from the right, by quanyu.core.audit.client_ip: the audit log,
# django-axes and DRF's throttles all use the same rule.
# What one import may read (quanyu.core.sheetlimits): the file, an xlsx unpacked and its packing
# ratio, and data rows; the `quanyu import …` commands raise the first and last with --max-mb and
# --max-rows.
QUANYU_IMPORT_MAX_MB = env_int("QUANYU_IMPORT_MAX_MB", 100)
QUANYU_IMPORT_MAX_UNPACKED_MB = env_int("QUANYU_IMPORT_MAX_UNPACKED_MB", 1024)
QUANYU_IMPORT_MAX_RATIO = env_int("QUANYU_IMPORT_MAX_RATIO", 100)
QUANYU_IMPORT_MAX_ROWS = env_int("QUANYU_IMPORT_MAX_ROWS", 300_000)
QUANYU_TRUSTED_PROXIES = env_int("QUANYU_TRUSTED_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "quanyu.core.audit.client_ip"
REST_FRAMEWORK["NUM_PROXIES"] = QUANYU_TRUSTED_PROXIES
if QUANYU_TRUSTED_PROXIES > 0:
    # The proxy terminates TLS and says so in X-Forwarded-Proto (nginx must set, not pass, it).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS only in production; the demo and the tests speak plain HTTP.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not (DEBUG or TESTING))
# Load balancers probe over plain HTTP on the node's own address.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if (DEBUG or TESTING) else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
