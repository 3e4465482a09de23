"""Django settings for Beachhead.

Every setting that differs between machines is read from the environment here, in one place
(never at import time inside the apps):

- ``DATABASE_URL``: ``sqlite:///path``, ``postgres://user@host:5432/db``, ``mysql://root@host/db``
  (MariaDB, MySQL) or ``tidb://root@host:4000/db``. Default: SQLite under ``var/``.
- ``SECRET_KEY``: required in production; locally a random key is kept in ``var/secret_key``.
- ``ALLOWED_HOSTS``: comma-separated. Default: ``127.0.0.1,localhost``.
- ``EMAIL_URL``: ``smtp://user:pass@host:587/?tls=True``, ``consolemail://`` …
  Default: mail is written to files under ``var/mail``.
- ``REDIS_URL``: when set, background jobs run through Redis (RQ) instead of the database queue.
- ``BEACHHEAD_DEBUG``: ``1`` turns on Django's debug pages (never in production).
- ``BEACHHEAD_ENV``: ``production`` turns on HTTPS-only cookies, HSTS and the HTTPS redirect
  and refuses to start without ``SECRET_KEY``; anything else is the local mode.
- ``BEACHHEAD_SESSION_IDLE_MINUTES``: a signed-in session ends after this long without a
  request (default 240); every session ends 12 hours after sign-in.
- ``BEACHHEAD_TRUSTED_PROXIES``: how many proxies in front append to ``X-Forwarded-For``
  (default 0: the header is ignored).
- ``BEACHHEAD_VAR``: where local state lives (database, mail, screenshots). Default ``./var``.
- ``BEACHHEAD_MFA_REQUIRED``: ``0`` turns off, on a local machine only, the requirement that the
  roles chosen in Settings › Security (default: administrators, finance, compliance) and the
  Django admin use two-factor sign-in; people who set it up are still asked for their code.
  Default ``1``; refused in production.

Rate limits (``core/ratelimit.py``; counted in Redis when ``REDIS_URL`` is set, otherwise in the
database, so every process shares them). A rate is ``count/period``: ``5/10m``, ``600/minute``,
``100/h``, ``1000/day``.

- ``BEACHHEAD_WEB_FORM_RATE``: requests the public web form accepts per IP. Default ``5/10m``.
- ``BEACHHEAD_PORTAL_LINK_RATE_IP`` / ``BEACHHEAD_PORTAL_LINK_RATE_ADDRESS``: portal sign-in
  links asked per IP (over: a "try again later" page) and per address (over: silently not sent).
  Defaults ``10/15m`` and ``3/15m``.
- ``BEACHHEAD_PASSWORD_RESET_RATE_IP`` / ``BEACHHEAD_PASSWORD_RESET_RATE_ADDRESS``: the same for
  password reset mails. Defaults ``10/15m`` and ``3/15m``.
- ``BEACHHEAD_LOGIN_FAILURE_LIMIT``: failed sign-ins for one username from one IP before
  django-axes locks that pair for 15 minutes. Default 5.
- ``BEACHHEAD_LOGIN_SPRAY_RATE``: different usernames failing to sign in from one IP before that
  IP is locked out (password spraying). Default ``10/15m``.
- ``BEACHHEAD_LOGIN_SPRAY_LOCKOUT``: how long a spraying IP stays locked out, in seconds.
  Default 1800.
- ``BEACHHEAD_API_RATE``: API requests per token (else per user, else per IP); over it the API
  answers 429 with ``Retry-After``. Default ``600/minute``.
- ``BEACHHEAD_RATELIMIT_PREFIX``: the prefix of the counters' keys in Redis (two installs may
  share one Redis). Default ``beachhead:ratelimit:``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from beachhead.core.files import private_dir, private_file, secret_in

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent

env = environ.Env()

VAR_DIR = private_dir(Path(env.str("BEACHHEAD_VAR", default=str(REPO_DIR / "var"))).resolve())

PRODUCTION = env.str("BEACHHEAD_ENV", default="local").lower() == "production"
DEBUG = env.bool("BEACHHEAD_DEBUG", default=False)


def _secret_key() -> str:
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when BEACHHEAD_ENV=production.")
    return secret_in(VAR_DIR / "secret_key")


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "beachhead.core",
    "beachhead.core.apps.SuperuserAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "beachhead.markets",
    "beachhead.commitments",
    "beachhead.accounts",
    "beachhead.savedviews",
    "beachhead.support",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "beachhead.core.middleware.MethodMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "beachhead.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "beachhead.core.uploads.BodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "beachhead.core.middleware.RefusalLogMiddleware",
    "beachhead.core.sessions.SessionActivityMiddleware",
    "beachhead.core.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "beachhead.core.middleware.MFAMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "beachhead.core.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
    # A delete other rows prevent: back with a message (pages) or 409 (core/guard.py).
    "beachhead.core.guard.ProtectedDeleteMiddleware",
    # Last: a NUL in the path, query or form fields answers 400 (core/guard.py).
    "beachhead.core.guard.NulByteGuardMiddleware",
]

ROOT_URLCONF = "beachhead.urls"
WSGI_APPLICATION = "beachhead.wsgi.application"
ASGI_APPLICATION = "beachhead.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "beachhead.core.context_processors.shell",
                "csp.context_processors.nonce",
            ],
        },
    },
]


# --- Databases -------------------------------------------------------------------------------


def _database() -> dict:
    url = env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'beachhead.sqlite3'}")
    if url.startswith("tidb://"):
        db = environ.Env.db_url_config(url.replace("tidb://", "mysql://", 1))
        db["ENGINE"] = "django_tidb"
    else:
        db = environ.Env.db_url_config(url)
    engine = db["ENGINE"]
    if engine.endswith("mysql") or engine == "django_tidb":
        # PyMySQL is pure Python: no C headers needed on a fresh machine.
        import pymysql

        pymysql.install_as_MySQLdb()
        db.setdefault("OPTIONS", {}).update({"charset": "utf8mb4"})
        db.setdefault("TEST", {}).update({"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"})
    if engine.endswith("sqlite3"):
        # Created 0600 before SQLite opens it (its -wal and -shm files take the same mode).
        if db["NAME"] and db["NAME"] != ":memory:" and Path(db["NAME"]).parent.is_dir():
            private_file(Path(db["NAME"]))
        # A file, not memory, for tests too: shared-cache memory databases fail concurrent
        # writers with "table is locked" instead of waiting, unlike the real thing.
        # One file per process: two test runs in one tree must not share (and delete) one file.
        db.setdefault("TEST", {}).setdefault(
            "NAME", str(VAR_DIR / f"test-beachhead-{os.getpid()}.sqlite3")
        )
        # WAL lets the worker and the web processes read while one of them writes.
        db.setdefault("OPTIONS", {}).update(
            {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            }
        )
    db.setdefault("CONN_MAX_AGE", 0 if engine.endswith("sqlite3") else 60)
    db.setdefault("CONN_HEALTH_CHECKS", True)
    return db


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ------------------------------------------------------------------------------------

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "beachhead.core.login_guard.SprayGuardBackend",  # many usernames from one IP
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "beachhead.core.passwords.ContextWordsValidator"},
]
# No composition rules (ASVS 6.2.5): a long password of digits only is a good password.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

# Brute-force protection: five failures for a username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env.int("BEACHHEAD_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "beachhead.core.http.client_ip_or_none"
# How many proxies (TLS terminator, load balancer) stand in front of the app and append the
# address they saw to X-Forwarded-For. 0: the header is ignored and the socket's peer is the
# client. Rate limits, the login lockout and the audit log key on ``core.http.client_ip``.
BEACHHEAD_TRUSTED_PROXIES = env.int("BEACHHEAD_TRUSTED_PROXIES", default=0)
AXES_LOCKOUT_CALLABLE = "beachhead.core.login_guard.lockout_response"
# Password spraying: many usernames failing from one IP lock the IP (core/login_guard.py).
BEACHHEAD_LOGIN_SPRAY_RATE = env.str("BEACHHEAD_LOGIN_SPRAY_RATE", default="10/15m")
BEACHHEAD_LOGIN_SPRAY_LOCKOUT = env.int("BEACHHEAD_LOGIN_SPRAY_LOCKOUT", default=30 * 60)

# --- Rate limits (core/ratelimit.py; see the notes at the top) ------------------------------

BEACHHEAD_WEB_FORM_RATE = env.str("BEACHHEAD_WEB_FORM_RATE", default="5/10m")
BEACHHEAD_PORTAL_LINK_RATE_IP = env.str("BEACHHEAD_PORTAL_LINK_RATE_IP", default="10/15m")
BEACHHEAD_PORTAL_LINK_RATE_ADDRESS = env.str("BEACHHEAD_PORTAL_LINK_RATE_ADDRESS", default="3/15m")
BEACHHEAD_PASSWORD_RESET_RATE_IP = env.str("BEACHHEAD_PASSWORD_RESET_RATE_IP", default="10/15m")
BEACHHEAD_PASSWORD_RESET_RATE_ADDRESS = env.str(
    "BEACHHEAD_PASSWORD_RESET_RATE_ADDRESS", default="3/15m"
)
BEACHHEAD_API_RATE = env.str("BEACHHEAD_API_RATE", default="600/minute")
BEACHHEAD_RATELIMIT_PREFIX = env.str("BEACHHEAD_RATELIMIT_PREFIX", default="beachhead:ratelimit:")

# Two-factor sign-in (django-otp: authenticator apps and recovery codes; ``core.mfa``). A wrong
# code makes the next try wait 1, 2, 4, 8 … seconds (per device, in the database).
BEACHHEAD_MFA_REQUIRED = env.bool("BEACHHEAD_MFA_REQUIRED", default=True)
if PRODUCTION and not BEACHHEAD_MFA_REQUIRED:
    raise ImproperlyConfigured("BEACHHEAD_MFA_REQUIRED cannot be turned off in production.")
OTP_TOTP_ISSUER = env.str("BEACHHEAD_COMPANY_NAME", default="Beachhead")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# --- Internationalisation --------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文"), ("ja", "日本語")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
_NODE = REPO_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/tabler", _NODE / "@tabler/core/dist"),
    ("vendor/tabler-icons", _NODE / "@tabler/icons-webfont/dist"),
    ("vendor/htmx", _NODE / "htmx.org/dist"),
    ("vendor/echarts", _NODE / "echarts/dist"),
]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = private_dir(VAR_DIR / "media")
# Attachments and other stored files: readable by the server's user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Form fields (not files) in memory at most; files past this go to a temporary file, but no
# body larger than its view's bound is read at all (``core.uploads``).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
MEDIA_URL = "/media/"

# --- E-mail ----------------------------------------------------------------------------------

if "EMAIL_URL" in os.environ:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = private_dir(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Beachhead <beachhead@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background jobs -------------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    TASKS: dict[str, dict[str, Any]] = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
    }
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    INSTALLED_APPS.append("django_rq")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Seconds between two heartbeats of the worker; /healthz calls the worker dead after 4 missed.
BEACHHEAD_HEARTBEAT_SECONDS = env.int("BEACHHEAD_HEARTBEAT_SECONDS", default=15)
BEACHHEAD_SWEEP_SECONDS = env.int("BEACHHEAD_SWEEP_SECONDS", default=30)

# --- API -------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "beachhead.core.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "beachhead.core.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "beachhead.core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "beachhead.core.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's, but a too deeply nested body or a NUL in a string answers 400 (core/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "beachhead.core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Per token (else user, else IP), counted in the shared store: core/api/throttling.py.
    "DEFAULT_THROTTLE_CLASSES": ["beachhead.core.api.throttling.ApiRateThrottle"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Beachhead API",
    "DESCRIPTION": (
        "The REST API of Beachhead. Authenticate with `Authorization: Token <key>` (an API "
        "token from Preferences → API tokens; `Bearer <key>` works too)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",  # self-hosted: no request to a CDN, not even the icon
    "COMPONENT_SPLIT_REQUEST": True,
    # Several serializers have a "kind"; the team's is named, the others keep "KindEnum".
    "ENUM_NAME_OVERRIDES": {"TeamKindEnum": "beachhead.core.models.Team.Kind"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "beachhead.core.api.throttling.document_throttling",  # 429 on every operation
        # Every operation documents the other errors it can answer (core/api/schema.py).
        "beachhead.core.api.schema.add_error_responses",
    ],
}

# --- Audit log -------------------------------------------------------------------------------

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- Security --------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
# A session ends 12 hours after sign-in however busy, and after 4 idle hours (core.sessions).
SESSION_COOKIE_AGE = 60 * 60 * 12
BEACHHEAD_SESSION_IDLE_MINUTES = env.int("BEACHHEAD_SESSION_IDLE_MINUTES", default=240)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Permissions-Policy and Cache-Control: no-store come from core.middleware.SecurityHeadersMiddleware.

# Content-Security-Policy (django-csp): scripts and style sheets only from this site (the few
# <style>/<script> elements a third-party page needs, such as the API docs, carry the nonce);
# no plugins, no framing, forms post only here. Style *attributes* stay allowed
# (style-src-attr 'unsafe-inline'): bars and charts size themselves with inline widths, and
# echarts writes its tooltips as HTML with style attributes. They cannot run script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-elem": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Pages redirect to HTTPS; the API refuses plain HTTP instead (core.middleware, ASVS 4.1.2).
    SECURE_REDIRECT_EXEMPT = [r"^api/"]
    # Cookies bound to this host, sent over HTTPS only (ASVS 3.3.1, 3.3.3).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if DEBUG:
        raise ImproperlyConfigured("BEACHHEAD_DEBUG must be off when BEACHHEAD_ENV=production.")

# --- Product defaults (PRODUCT.md figures) ---------------------------------------------------

BEACHHEAD_COMPANY_NAME = env.str("BEACHHEAD_COMPANY_NAME", default="Beachhead")
# Where links in e-mails point. Empty: ``beachhead serve`` fills it in with the address it
# serves; a request's own host is used otherwise (``core.http.base_url``).
BEACHHEAD_BASE_URL = env.str("BEACHHEAD_BASE_URL", default="")
BEACHHEAD_REPORTING_CURRENCY = env.str("BEACHHEAD_REPORTING_CURRENCY", default="USD")
# A strategic account is worth at least this much a year (USD); a deep user runs at least this
# many nodes in production; the compliance proofs the company holds (until the compliance
# pillar keeps them as records).
BEACHHEAD_STRATEGIC_ANNUAL_USD = env.int("BEACHHEAD_STRATEGIC_ANNUAL_USD", default=1_000_000)
BEACHHEAD_DEEP_USER_NODES = env.int("BEACHHEAD_DEEP_USER_NODES", default=50)
BEACHHEAD_CERTIFICATES_HELD = env.list(
    "BEACHHEAD_CERTIFICATES_HELD", default=["soc2_type2", "iso27001", "gdpr", "appi"]
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"()": "beachhead.core.logging.OneLineFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": env.str("BEACHHEAD_LOG_LEVEL", default="WARNING")},
    "loggers": {"beachhead": {"level": env.str("BEACHHEAD_LOG_LEVEL", default="INFO")}},
}

# --- Support desk ---------------------------------------------------------------------------
# The address customers write to and replies come from (also the Message-ID domain).
BEACHHEAD_SUPPORT_EMAIL = env.str("BEACHHEAD_SUPPORT_EMAIL", default="support@beachhead.localhost")
# Where a ticket from a sender of no account, in a language no market speaks, lands.
BEACHHEAD_SUPPORT_DEFAULT_MARKET = env.str("BEACHHEAD_SUPPORT_DEFAULT_MARKET", default="US")
# The follow-the-sun coverage calendar: the markets whose business hours, together, cover the day.
BEACHHEAD_SUPPORT_COVERAGE = env.str("BEACHHEAD_SUPPORT_COVERAGE", default="JP,DE,US")
BEACHHEAD_MAIL_MAX_BYTES = env.int("BEACHHEAD_MAIL_MAX_BYTES", default=50 * 1024 * 1024)
BEACHHEAD_MAIL_MAX_ATTACHMENT_BYTES = env.int(
    "BEACHHEAD_MAIL_MAX_ATTACHMENT_BYTES", default=10 * 1024 * 1024
)
# The mailbox `beachhead mail poll` reads: imap://user:password@host:143/INBOX (imaps:// for TLS).
BEACHHEAD_IMAP_URL = env.str("BEACHHEAD_IMAP_URL", default="")
BEACHHEAD_IMAP_POLL_SECONDS = env.int("BEACHHEAD_IMAP_POLL_SECONDS", default=60)
