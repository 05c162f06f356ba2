"""Settings for Notorious, read from environment variables.

Every setting has a safe development default except the secret key, which is
required whenever debug is off. See `.env.example` for the full list. In a checkout,
variables may also come from a git-ignored `.env` file beside manage.py (`make run` writes
one with debug on and a generated key); the real environment wins over it, and
DJANGO_ENV_FILE names another file (empty: none, as on a server).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from notorious import environment

# The read-only public API's settings (Django REST framework, drf-spectacular).
from notorious.api.configuration import REST_FRAMEWORK, SPECTACULAR_SETTINGS  # noqa: F401
from notorious.environment import env_bool, env_list, env_rate, replica_databases, stall_options
from notorious.local_database import embedded_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
_env_file = os.environ.get("DJANGO_ENV_FILE", str(BASE_DIR / ".env"))
if _env_file:
    load_dotenv(_env_file, override=False)


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. For local development, "
            "`make run` writes a .env file with debug on and a generated key."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# The address every absolute URL starts with, and the data's licence (docs/deployment.md).
SITE_URL = environment.env_site_url("DJANGO_SITE_URL", "http://127.0.0.1:8000")
DATASET_LICENSE_URL = os.environ.get("DJANGO_DATASET_LICENSE_URL", "").strip()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_countries",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "simple_history",
    "notorious.core",
    "notorious.companies",
    "notorious.markets",
    "notorious.reports",
    "notorious.press",
    "notorious.figures",
    "notorious.charts",
    # Above every content app: dataset export and import, demo and synthetic data, checks.
    "notorious.dataset",
]

MIDDLEWARE = [
    # First: every response, cached pages and redirects included, gets a request id and a
    # log line (notorious/core/request_id.py).
    "notorious.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Which database the request reads from (a replica or the primary), before any query.
    "notorious.core.db_routing.ReadDatabaseMiddleware",
    # Readers' pages from the cache, before any other work (notorious/core/page_cache.py).
    "notorious.core.page_cache.ReaderPageCacheMiddleware",
    # Every request's database work under a time limit, before anything that may query it
    # (notorious/core/query_limits.py).
    "notorious.core.query_limits.DatabaseTimeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Per-client rate limits on search, downloads and the API: after the page cache (a cached
    # page costs nothing, so is never counted) and authentication (staff are not limited).
    "notorious.core.rate_limits.RateLimitMiddleware",
    # A lost database gives a fast 503 page with Retry-After, not a 500 (docs/proof.md).
    "notorious.core.middleware.DatabaseUnavailableMiddleware",
    # After it: a reader's view whose replica failed is run again on the primary first.
    "notorious.core.db_routing.ReplicaFailoverMiddleware",
    # After authentication: edit history records which editor made each change.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes' backend first, so a locked-out login is refused before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "notorious.urls"
WSGI_APPLICATION = "notorious.wsgi.application"

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
            ],
        },
    },
]

# PostgreSQL, always: the one DATABASE_URL names (production, CI), else in a checkout the
# embedded server kept in .postgres/ (notorious/local_database.py).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or embedded_database_url(BASE_DIR / ".postgres"),
        # A new connection plans its first queries cold (20-30 ms more on a page at 10,000
        # markets): ten minutes of reuse makes that rare; health checks catch a dead one.
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must name a PostgreSQL database (postgres://...).")
# Seconds to wait for PostgreSQL to accept a connection: when it does not answer at all,
# requests fail fast with the 503 page, not at gunicorn's timeout (2 is libpq's least).
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "2"))
)
# A server that stops answering on an open connection (frozen, or cut off by the network)
# is given up on within DJANGO_DB_STALL_SECONDS instead of holding the worker as long as the
# stall lasts (notorious/environment.py, stall_options).
for _option, _value in stall_options(int(os.environ.get("DJANGO_DB_STALL_SECONDS", "5"))).items():
    DATABASES["default"]["OPTIONS"].setdefault(_option, _value)
# Statements bound server-side and prepared where a view keeps plans, client-side (written
# into the text) elsewhere: notorious/core/prepared.py chooses each cursor. Django told of
# server-side binding writes a statement's values into its text itself for its query log,
# which a prepared statement's cursor does not hold. Nothing here uses `.iterator()` (the
# one other thing it changes: its cursor then binds server-side too).
DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=0)
# Replicas (comma-separated URLs) for readers' queries: notorious/core/db_routing.py.
DATABASES.update(replica_databases(env_list("DATABASE_REPLICA_URLS"), DATABASES["default"]))
REPLICA_DATABASES = [alias for alias in DATABASES if alias != "default"]
DATABASE_ROUTERS = ["notorious.core.db_routing.PrimaryReplicaRouter"]
REPLICA_PIN_SECONDS = int(os.environ.get("DJANGO_REPLICA_PIN_SECONDS", "10"))  # after a write
REPLICA_DOWN_SECONDS = float(os.environ.get("DJANGO_REPLICA_DOWN_SECONDS", "5"))  # after a failure
# Seconds a single query may run (PostgreSQL's statement_timeout, set per request by
# notorious/core/query_limits.py): readers' pages and the API; /healthz; staff, whose admin
# pages do more. A server that does not answer at all is given up on half a second after
# the limit. Management commands (imports, backups, exports) have no limit.
DB_READER_TIMEOUT_SECONDS = float(os.environ.get("DJANGO_DB_READER_TIMEOUT_SECONDS", "3"))
DB_HEALTH_TIMEOUT_SECONDS = float(os.environ.get("DJANGO_DB_HEALTH_TIMEOUT_SECONDS", "1"))
DB_STAFF_TIMEOUT_SECONDS = float(os.environ.get("DJANGO_DB_STAFF_TIMEOUT_SECONDS", "25"))
# The planner's price of a random page read, set on every connection (notorious/core/
# planner.py): 1.1 for data in memory or on solid-state storage; 4 (PostgreSQL's default)
# for spinning disks.
DB_RANDOM_PAGE_COST = float(os.environ.get("DJANGO_DB_RANDOM_PAGE_COST", "1.1"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache (notorious/core/caches.py): Redis when REDIS_URL is set (shared by every app
# server), else each process's own memory, at most DJANGO_PAGE_CACHE_MEMORY_BYTES of it.
REDIS_URL = os.environ.get("REDIS_URL", "")
MEMORY_OPTIONS = {"MAX_BYTES": int(os.environ.get("DJANGO_PAGE_CACHE_MEMORY_BYTES", 32 * 2**20))}
CACHES = {
    "default": (
        {
            "BACKEND": "notorious.core.caches.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", "notorious"),
            # A slow or absent Redis must not hold requests up: pages render without it.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if REDIS_URL
        else {"BACKEND": "notorious.core.caches.BoundedLocMemCache", "OPTIONS": MEMORY_OPTIONS}
    )
}
# Seconds a reader's page stays cached (0 turns the page cache off). Any change to content,
# by any process, makes it stale at once; see notorious/core/page_cache.py. Without Redis,
# pages are kept in each process's memory (fresh all the same: the key's generation is read
# from PostgreSQL). Readers asking for a page being rendered wait up to WAIT seconds for it.
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "60"))
PAGE_CACHE_WAIT_SECONDS = float(os.environ.get("DJANGO_PAGE_CACHE_WAIT_SECONDS", "5"))
PAGE_CACHE_ALIAS = "default"
# Figures derived from the whole record (charts) kept in the same cache under the content
# generation, whether or not pages are cached; off, they are computed on every request.
DERIVED_CACHE = env_bool("DJANGO_DERIVED_CACHE", True)
# With Redis, each process also keeps the pages it served lately in its own memory (at most
# DJANGO_PAGE_CACHE_MEMORY_BYTES), so a busy page's hit skips the round trip to Redis.
# Fresh all the same: the key holds the generation.
PAGE_CACHE_LOCAL_ALIAS = "pages-here" if REDIS_URL else None
if PAGE_CACHE_LOCAL_ALIAS:
    CACHES[PAGE_CACHE_LOCAL_ALIAS] = {
        "BACKEND": "notorious.core.caches.BoundedLocMemCache",
        "LOCATION": PAGE_CACHE_LOCAL_ALIAS,
        "OPTIONS": MEMORY_OPTIONS,
    }
# Pages larger than this many bytes are not stored (a streamed download never is), so one
# huge page cannot fill Redis.
PAGE_CACHE_MAX_BYTES = int(os.environ.get("DJANGO_PAGE_CACHE_MAX_BYTES", str(1024 * 1024)))
# The most rows one CSV or JSON download holds; the rest come as further pages (?page=2).
# The whole dataset is `manage.py export_dataset` (docs/api.md#downloads).
DOWNLOAD_MAX_ROWS = int(os.environ.get("DJANGO_DOWNLOAD_MAX_ROWS", "5000"))

# Per-client rate limits on search, downloads and the API (notorious/core/rate_limits.py;
# docs/deployment.md, "Rate limits"): requests one client may make per period, "off" for none.
RATE_LIMITS = {
    "search": env_rate("DJANGO_RATE_LIMIT_SEARCH", "60/m"),
    # The filter forms' name suggestions: a few per name typed.
    "lookup": env_rate("DJANGO_RATE_LIMIT_LOOKUP", "120/m"),
    "downloads": env_rate("DJANGO_RATE_LIMIT_DOWNLOADS", "20/m"),
    "api": env_rate("DJANGO_RATE_LIMIT_API", "120/m"),
}
# Their counters (django-ratelimit): in the same Redis as the pages, else in each process's
# own memory, apart from the pages so that large pages cannot push them out.
CACHES["rate-limits"] = {**CACHES["default"], "LOCATION": REDIS_URL or "rate-limits"}
RATELIMIT_USE_CACHE = "rate-limits"
# A counter the cache lost is no reason to refuse a request.
RATELIMIT_FAIL_OPEN = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# collectstatic writes here; WhiteNoise serves it. Overridable for a deploy (and the serve test).
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and not env_bool("DJANGO_PLAIN_STATIC", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Serve straight from the app and project static folders when collectstatic has not run.
WHITENOISE_USE_FINDERS = DEBUG or env_bool("DJANGO_PLAIN_STATIC", False)

# --- Security: HTTPS, cookies, headers, login throttling. See docs/deployment.md, "Security".
# The site is served over HTTPS (directly or behind a TLS-terminating proxy): on unless debug.
# `make serve` turns it off to serve plain http://127.0.0.1 on this machine.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", HTTPS)
# Load balancers probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
# Behind a proxy that terminates TLS, e.g. "HTTP_X_FORWARDED_PROTO,https". Only set it when the
# proxy always overwrites that header, or a client could claim HTTPS.
_proxy_ssl_header = env_list("DJANGO_SECURE_PROXY_SSL_HEADER")
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) if len(_proxy_ssl_header) == 2 else None
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
# Forms carry the CSRF token; no script needs to read either cookie.
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): only this site's own scripts, styles, images and fonts;
# no inline script or style, no plugins, no framing. The API documentation page loosens it for
# itself only (notorious/api/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "upgrade-insecure-requests": HTTPS,
    }
}

# How many reverse proxies in front of the app append to X-Forwarded-For (nginx alone: 1).
# Decides which address login throttling counts; 0 means clients connect directly.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
# Or the header a trusted proxy sets to the client's address, e.g. X-Real-IP (nginx:
# `proxy_set_header X-Real-IP $remote_addr;`); it wins over the count when set. Unset (the
# default), no header is believed: a client could send any. Login throttling and the rate
# limits count the address it gives.
CLIENT_IP_HEADER = os.environ.get("DJANGO_CLIENT_IP_HEADER", "").strip()

# The only login is the admin's. After it, a refused `next` (another site's address, say)
# falls back to the admin index, not Django's default /accounts/profile/, which is no page.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# Admin login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one username
# from one address, that pair is refused for the cool-off period, even with the right password.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "notorious.core.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "notorious.core.security.client_ip"

# Edit history (django-simple-history; see docs/editors.md, "Edit history and conflicts"). Reasons
# name the entries a deletion touched, so they may be longer than the default 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# Seeing an entry's history and reverting it follow the rights over the entry itself (an
# editor who may change a market may revert it; one who may add markets may recover a deleted
# one), so the Editors group needs no permissions on the historical tables.
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = False

# django-filter: what an unset filter shows in the public pages' selects ("Any kind").
FILTERS_EMPTY_CHOICE_LABEL = "Any"

# --- Logging and error reporting (docs/deployment.md, "Logging and error reporting").
# Everything to standard error, which gunicorn and the process manager collect: Django's
# errors (an unhandled exception is logged by django.request with its traceback), one line
# per request from notorious.requests, and each line with the id of the request causing it.
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "notorious.core.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    # Django's own handlers (the console only under debug, mail to ADMINS) give way to the
    # root's, so errors are logged the same with debug on or off.
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        # django-axes announces itself at INFO in every process, manage.py commands included.
        "axes": {"level": "WARNING"},
    },
}

# Error reports to Sentry, only when SENTRY_DSN is set: otherwise sentry_sdk is not imported.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    from notorious.core.request_id import tag_sentry_event

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        # No user names, addresses, cookies or request bodies leave the site.
        send_default_pii=False,
        environment=os.environ.get("SENTRY_ENVIRONMENT") or None,
        release=os.environ.get("SENTRY_RELEASE") or None,
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE") or 0),
        before_send=tag_sentry_event,
    )
