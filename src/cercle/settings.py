"""Django settings for Cercle.

Every value that differs between a laptop and production comes from the environment;
defaults are for `make run` (SQLite, e-mails printed to the console).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("CERCLE_TESTING", False) or "pytest" in sys.modules
# Production: DEBUG off and a database named by DATABASE_URL. Without DATABASE_URL this is
# a developer's machine (`make run`, `make lint`), where the SQLite file of var/ is used.
PRODUCTION = not DEBUG and not TESTING and bool(os.environ.get("DATABASE_URL"))
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"  # noqa: S105
# A fixed key is only acceptable on a developer's machine: it signs sessions, password
# reset links, unsubscribe links and the clients' links, so production refuses to start
# without its own.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off and a DATABASE_URL, Cercle refuses to "
            "start with the development key: set SECRET_KEY to a long random value, e.g. "
            "the output of `python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = DEV_SECRET_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "django_htmx",
    "template_partials",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "csp",
    "cercle.core",
    "cercle.network",
    "cercle.membership",
    "cercle.commons",
    "cercle.missions",
    "cercle.reciprocity",
    "cercle.decisions",
    "cercle.events",
    "cercle.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "cercle.core.middleware.NulCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads the user: a kept page costs one query (core/pagecache).
    "cercle.core.pagecache.middleware.PageCacheMiddleware",
    "cercle.core.middleware.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "cercle.core.middleware.ErrorMiddleware",
    "cercle.core.middleware.FormErrorStatusMiddleware",
]

ROOT_URLCONF = "cercle.urls"
WSGI_APPLICATION = "cercle.wsgi.application"
ASGI_APPLICATION = "cercle.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cercle.membership.context_processors.viewer",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{PROJECT_DIR / 'var' / 'cercle.sqlite3'}"),
        # Tests close every connection after each request, so live-server threads leave
        # none open on PostgreSQL when the test database is dropped.
        conn_max_age=0 if TESTING else int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the tasks worker use the file at the same time;
    # IMMEDIATE transactions take the write lock up front, so a second writer waits
    # (up to `timeout`) instead of failing with "database is locked" mid-transaction.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles queries it estimates expensive; for a web page's short
    # queries it added 20–60 ms of compiling to queries that run in a few (bench, scale 1).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "options", os.environ.get("PG_OPTIONS", "-c jit=off")
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if TESTING
    else ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
)

# django-allauth: e-mail is the login, and it must be verified before the first login.
SITE_ID = 1
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = None
# Rate limits of the account pages (django-allauth, on the shared cache below); each rule
# is "attempts/period/per". Tests switch them off, except the tests of the limits.
CERCLE_ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # A wrong password: 10 a minute from one address, 5 per 5 minutes on one account.
    "login_failed": "10/m/ip,5/300s/key",
    "signup": "10/m/ip,50/h/ip",
    "reset_password": "10/m/ip,3/m/key,10/h/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "confirm_email": "1/180s/key",
}
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = False if TESTING else CERCLE_ACCOUNT_RATE_LIMITS
ACCOUNT_ADAPTER = "cercle.network.accounts.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "cercle.network.accounts.SignupForm"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "core:home"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "cercle_language"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_DIR / "var" / "static"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", PROJECT_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", PROJECT_DIR / "var" / "media"))
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = True

# E-mail: console by default; set EMAIL_URL-like variables in production.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# A server that accepts the connection and then hangs must not hold a worker for ever.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Cercle <noreply@cercle.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {
    "default": {
        # Tests run tasks at once (after commit); everywhere else the db_worker runs them.
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        ),
        "QUEUES": ["default"],
    }
}

# ---------------------------------------------------------------- security
# TLS is terminated by the reverse proxy of the deploy guide (nginx or Caddy), which sends
# X-Forwarded-Proto; BEHIND_HTTPS_PROXY=1 tells Django to trust that header, and only then.
BEHIND_HTTPS_PROXY = env_bool("BEHIND_HTTPS_PROXY", False)
if BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Django redirects plain HTTP to HTTPS itself too (the proxy should already have done it).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
# HSTS: browsers refuse plain HTTP for a year once they have seen the site over HTTPS.
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG or TESTING else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading commits the whole domain to HTTPS in the browsers' built-in lists: the
# operator's decision, off by default; check --deploy's reminder (W021) is silenced
# below while it is off, on purpose.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Cookies: never readable by scripts, sent over HTTPS only (SECURE_COOKIES=0 for plain
# HTTP on a test machine), not sent along with cross-site subrequests or posts.
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG and not TESTING)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # htmx takes the token from <body hx-headers>, not the cookie
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SAMESITE = "Lax"

SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Content-Security-Policy (django-csp), enforced: scripts and styles come from our own
# static files only (no inline <script>, no style="" attribute, no event handler
# attribute, no eval: htmx is configured by <meta name="htmx-config"> in base.html);
# images may be data: URIs (the API docs' icons); nothing may frame the site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Client addresses, for the rate limits: behind the proxy, REMOTE_ADDR is the proxy's own
# address; the client's is the last one the proxy appended to X-Forwarded-For. Count the
# proxies you run (one: nginx), never more, or clients could choose their address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1" if BEHIND_HTTPS_PROXY else "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# The cache holds the rate limits' counters, so it must be shared by every web worker:
# the database (table made by `manage.py createcachetable`) by default in production, a
# Redis server with CACHE_URL=redis://host:6379/0 if you run one; in memory (one per
# process) on a developer's machine and in tests.
CACHE_URL = os.environ.get("CACHE_URL", "db://cercle_cache" if PRODUCTION else "locmem://")


def cache_from_url(url: str) -> dict[str, Any]:
    scheme, _sep, rest = url.partition("://")
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": rest or "cercle",
        }
    if scheme == "db":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": rest or "cercle_cache",
        }
    if scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "memcached":
        return {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": rest,
        }
    raise ImproperlyConfigured(
        f"CACHE_URL {url!r}: use locmem://, db://<table>, redis://host:port/db or "
        "memcached://host:port."
    )


CACHES = {"default": cache_from_url(CACHE_URL)}

# Rendered pages and API answers, kept per viewer while nothing they read has changed
# (cercle.core.pagecache, decision 0016). In memory in each worker by default (an entry
# is only ever sent after checking the database, so workers need not share it); at most
# PAGE_CACHE_SECONDS old, for what depends on the clock. 0 turns it off; it is off in
# development (templates change under you) and in tests (which enable it where tested).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0" if DEBUG or TESTING else "60"))
CACHES["pages"] = cache_from_url(os.environ.get("PAGE_CACHE_URL", "locmem://cercle-pages"))
if CACHES["pages"]["BACKEND"].endswith("LocMemCache"):
    CACHES["pages"]["OPTIONS"] = {"MAX_ENTRIES": int(os.environ.get("PAGE_CACHE_ENTRIES", "2000"))}

NINJA_PAGINATION_PER_PAGE = 50
PAGE_SIZE = 25

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Which part of the journal a user may read is the network's business, not core's.
CERCLE_JOURNAL_AUDIENCE = "cercle.membership.selectors.journal_audience_for"

# The association that runs the network: printed on receipts, support letters, the FEC
# file name (SIREN) and the yearly report.
ASSOCIATION_NAME = os.environ.get("ASSOCIATION_NAME", "Association Cercle des tiers-lieux")
ASSOCIATION_ADDRESS = os.environ.get("ASSOCIATION_ADDRESS", "")
ASSOCIATION_SIREN = os.environ.get("ASSOCIATION_SIREN", "000000000")

# HelloAsso API (optional): when all three are set, stewards can fetch payments from the
# API instead of uploading the CSV export.
HELLOASSO_CLIENT_ID = os.environ.get("HELLOASSO_CLIENT_ID", "")
HELLOASSO_CLIENT_SECRET = os.environ.get("HELLOASSO_CLIENT_SECRET", "")
HELLOASSO_ORGANIZATION_SLUG = os.environ.get("HELLOASSO_ORGANIZATION_SLUG", "")
