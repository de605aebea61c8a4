"""Schakel settings: one module, every knob from the environment.

Environment variables (all optional in demo mode):

SCHAKEL_MODE               "demo" (default when unset) or "production"
SCHAKEL_SECRET_KEY         required in production
SCHAKEL_ALLOWED_HOSTS      comma separated; required in production
SCHAKEL_CSRF_TRUSTED_ORIGINS comma separated origins (https://schakel.example.be)
DATABASE_URL               e.g. postgres://user@host:5432/schakel; default SQLite in var/
SCHAKEL_DEBUG              "1" to force DEBUG (only honoured in demo mode)
SCHAKEL_SESSION_IDLE_MINUTES idle session expiry, default 30
SCHAKEL_LOGIN_MAX_FAILURES failures before lockout, default 5
SCHAKEL_LOGIN_LOCKOUT_MINUTES lockout duration, default 15
SCHAKEL_EMAIL_URL          "console" (demo default) or smtp://user:pass@host:port
SCHAKEL_DEFAULT_FROM_EMAIL sender of outgoing e-mail
SCHAKEL_TIME_ZONE          default Europe/Brussels
SCHAKEL_MAP_TILE_URL       Leaflet tile URL template; empty = no background map
SCHAKEL_SIGNALS_FALLBACK_CONTACT default contact shown to partners on the report form
                           (e.g. "Preventiedienst, 015 00 00 00"); each invitation link may set its own
SCHAKEL_MEDIA_ROOT         where uploads are stored, default var/media
SCHAKEL_LOG_LEVEL          default INFO
SCHAKEL_CACHE              where the API's rate limits count: "db" (production default; run
                           `manage.py createcachetable` once) or "locmem" (demo default; counts per process)
SCHAKEL_SSL_REDIRECT       production: "0" when the proxy already redirects to https (default "1")
SCHAKEL_HSTS_SECONDS       production: Strict-Transport-Security max-age, default one year
SCHAKEL_VAR_DIR            where the demo SQLite database and uploads live, default ./var
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SCHAKEL_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str) -> list[str]:
    return [item.strip() for item in env(name).split(",") if item.strip()]


MODE = env("SCHAKEL_MODE", "demo").lower()
if MODE not in {"demo", "production"}:
    raise ImproperlyConfigured("SCHAKEL_MODE must be 'demo' or 'production'")
DEMO_MODE = MODE == "demo"

SECRET_KEY = env("SCHAKEL_SECRET_KEY")
ALLOWED_HOSTS = env_list("SCHAKEL_ALLOWED_HOSTS")
if DEMO_MODE:
    # The demo key is public on purpose: demo data is fictitious and local.
    SECRET_KEY = SECRET_KEY or "schakel-demo-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "testserver"]
else:
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Production mode needs SCHAKEL_SECRET_KEY (50+ characters).")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production mode needs SCHAKEL_ALLOWED_HOSTS.")

DEBUG = DEMO_MODE and env("SCHAKEL_DEBUG") == "1"
CSRF_TRUSTED_ORIGINS = env_list("SCHAKEL_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "schakel.core",
    "schakel.accounts",
    "schakel.audit",
    "schakel.plan",
    "schakel.places",
    "schakel.neighbourhoods",
    "schakel.workflows",
    "schakel.signals",
    "schakel.legal",
    "schakel.subjects",
    "schakel.cases",
    "schakel.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "schakel.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "schakel.accounts.middleware.IdleTimeoutMiddleware",
    "schakel.accounts.middleware.MFARequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "schakel.urls"
WSGI_APPLICATION = "schakel.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "schakel" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "schakel.core.context_processors.schakel",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
_default_db = f"sqlite:///{VAR_DIR / 'schakel.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL", _default_db), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and login --------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["schakel.accounts.backends.EmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

SESSION_IDLE_MINUTES = env_int("SCHAKEL_SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = 12 * 60 * 60  # absolute cap; idle expiry is enforced by middleware
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LOGIN_MAX_FAILURES = env_int("SCHAKEL_LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = env_int("SCHAKEL_LOGIN_LOCKOUT_MINUTES", 15)
# Demo accounts may skip MFA only while the demo flag is on.
MFA_EXEMPT_DEMO_ACCOUNTS = DEMO_MODE
OTP_TOTP_ISSUER = "Schakel"

# --- E-mail ---------------------------------------------------------------
_email_url = env("SCHAKEL_EMAIL_URL", "console" if DEMO_MODE else "")
if not _email_url:
    # Password-reset mails must not vanish silently in production.
    raise ImproperlyConfigured("Production mode needs SCHAKEL_EMAIL_URL (smtp://user:pass@host:port, or 'console').")
if _email_url == "console":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    _u = urlparse(_email_url)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _u.hostname or "localhost"
    EMAIL_PORT = _u.port or 587
    EMAIL_HOST_USER = _u.username or ""
    EMAIL_HOST_PASSWORD = _u.password or ""
    EMAIL_USE_TLS = _u.scheme in ("smtp+tls", "submission") or EMAIL_PORT == 587
DEFAULT_FROM_EMAIL = env("SCHAKEL_DEFAULT_FROM_EMAIL", "schakel@localhost")

# --- Internationalisation ------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "schakel" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env("SCHAKEL_TIME_ZONE", "Europe/Brussels")
LANGUAGE_COOKIE_NAME = "schakel_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and media ----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "schakel" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEMO_MODE
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if DEMO_MODE:
    # Demo and tests serve static files straight from the app folders.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
    STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = Path(env("SCHAKEL_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
MAP_TILE_URL = env("SCHAKEL_MAP_TILE_URL")
SIGNALS_FALLBACK_CONTACT = env("SCHAKEL_SIGNALS_FALLBACK_CONTACT")

# --- Security ------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
CSRF_FAILURE_VIEW = "schakel.core.views.csrf_failure"
if not DEMO_MODE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env("SCHAKEL_SSL_REDIRECT", "1") == "1"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SCHAKEL_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

_img_src = ["'self'", "data:"]
if MAP_TILE_URL:
    _tile = urlparse(MAP_TILE_URL.replace("{s}", "a"))
    _img_src.append(f"{_tile.scheme}://{_tile.netloc.replace('a.', '*.', 1)}")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": _img_src,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Cache ---------------------------------------------------------------
# Only the API's rate limits use it. In local memory every worker process
# counts on its own, so with N workers a user gets up to N times the rate;
# the database cache shares the counts between workers.
_CACHE = env("SCHAKEL_CACHE", "locmem" if DEMO_MODE else "db").lower()
if _CACHE == "db":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "schakel_cache"}}
elif _CACHE == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "schakel"}}
else:
    raise ImproperlyConfigured("SCHAKEL_CACHE must be 'db' or 'locmem'")

# --- API -----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Every endpoint is rate limited per user (per address when signed out).
    # The registry search is a hit/no-hit trigger on closed circles: a person
    # searches, a script enumerates, so it has a tighter scope of its own.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "30/min", "user": "600/min", "registry_search": "60/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Schakel API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# --- Logging -------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("SCHAKEL_LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
