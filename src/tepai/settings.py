"""Django settings for tepai, built from the environment by :mod:`tepai.config`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tepai.config import (
    ConfigError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_path,
    parse_database_url,
    parse_email_url,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent

TEPAI_HOME = env_path("TEPAI_HOME", "./tepai-data")
DEBUG = env_bool("TEPAI_DEBUG", False)
SECRET_KEY = secret_key(TEPAI_HOME, debug=DEBUG)
# The host names the server answers to; any other Host header gets 400, so a forged one never
# reaches a page or a link the API builds. Only this machine by default: a server reached by
# name or address lists it here (`tepai serve --host ADDRESS` adds that address itself).
ALLOWED_HOSTS = env_list("TEPAI_ALLOWED_HOSTS", ("localhost", "127.0.0.1", "[::1]"))

# The apps that declare registries (a registry.py beside their apps.py; tepai.core.registries
# finds the declarations in them): found on disk, so adding a registry touches its own folder
# only. The order of registries comes from their models' references, not from this list.
REGISTRY_APPS = sorted(
    f"tepai.{path.parent.name}"
    for path in BASE_DIR.glob("*/registry.py")
    if (path.parent / "apps.py").exists()
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Only for the API docs page: its templates and the Swagger UI files it ships, served
    # locally (without "ninja" here the page would load Swagger UI from a CDN).
    "ninja",
    # Two-factor sign-in (TOTP authenticator apps, recovery codes); before tepai.accounts,
    # whose admin module hides their device pages (they would show the secret keys).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "tepai.core",
    *REGISTRY_APPS,
    "tepai.reports",
    "tepai.recommender",
    "tepai.accounts",
    "tepai.audit",
    "tepai.engagements",
    "tepai.todo",
    "tepai.web",
    "tepai.search",  # the site search (issue 11)
    "tepai.help",  # the help pages /help/ (issue 11)
    "tepai.api",
    "tepai.demo",
]

MIDDLEWARE = [
    # First, so that every response (static files and errors too) carries X-Request-ID and
    # every log line of the request names it.
    "tepai.core.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "tepai.core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second sign-in step.
    "django_otp.middleware.OTPMiddleware",
    # Every page needs a signed-in user unless its view is marked login_not_required
    # (static files are served by WhiteNoise above, before this runs).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "tepai.audit.middleware.AuditContextMiddleware",
    "tepai.accounts.middleware.SecondFactorRequiredMiddleware",
    "tepai.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tepai.urls"
WSGI_APPLICATION = "tepai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

_database = parse_database_url(os.environ.get("TEPAI_DATABASE_URL", "") or "sqlite://", TEPAI_HOME)
if _database.is_sqlite:
    Path(_database.name).parent.mkdir(parents=True, exist_ok=True)
    DATABASES: dict[str, dict[str, Any]] = {
        "default": {
            "ENGINE": _database.engine,
            "NAME": _database.name,
            "OPTIONS": {
                # WAL lets readers work while one writer commits; IMMEDIATE takes the write
                # lock at BEGIN so two writers queue instead of failing mid-transaction.
                # Writers wait up to 60 s: an import's write phase (50,000 rows) must never
                # turn a concurrent form save into "database is locked" (issue 9 finding 3).
                "transaction_mode": "IMMEDIATE",
                "timeout": 60,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=60000;"
                ),
            },
            "TEST": {"NAME": None},
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": _database.engine,
            "NAME": _database.name,
            "USER": _database.user,
            "PASSWORD": _database.password,
            "HOST": _database.host,
            "PORT": _database.port,
            "OPTIONS": dict(_database.options),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 hashes new passwords; PBKDF2 stays so that older hashes still verify (and are
# upgraded to Argon2 at the next sign-in).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
# At least 8 characters of at least 3 classes (upper, lower, digit, symbol), not a common
# password and not like the user's name.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "tepai.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "tepai.accounts.validators.CharacterClassesValidator",
        "OPTIONS": {"min_classes": 3},
    },
]
# Django's model backend plus a growing pause after 5 failed passwords in a row for one user
# name from one address (tepai.accounts.lockout).
AUTHENTICATION_BACKENDS = ["tepai.accounts.backends.LockoutBackend"]
# The name authenticator apps show next to the code.
OTP_TOTP_ISSUER = "tepai"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = TEPAI_HOME / "static"
# WhiteNoise indexes STATIC_ROOT at start-up and warns when it is missing (before `tepai init`).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = TEPAI_HOME / "media"
# Import uploads wait here between preview and confirmation (personal data: outside media,
# owner-only, removed on confirm/cancel or after a day). Spreadsheet limits: issue 9 finding 4.
TEPAI_IMPORT_UPLOAD_DIR = TEPAI_HOME / "import-uploads"
TEPAI_IMPORT_MAX_BYTES = 200 * 1024 * 1024  # unpacked .xlsx, or a .csv file
TEPAI_IMPORT_MAX_ROWS = 100_000
TEPAI_IMPORT_MAX_COLUMNS = 200
# Generated report documents (tepai.reports.jobs): owner-only, deleted a day after writing.
TEPAI_REPORT_DIR = TEPAI_HOME / "report-files"
# Documents written at once by the background workers; more wait their turn.
TEPAI_REPORT_WORKERS = 2
# The dashboard's figures are reused until the audit log grows (any record changed), at most
# this many seconds (tepai.web.dashboard_cache); 0 builds them for every request.
TEPAI_DASHBOARD_CACHE_SECONDS = 60

# E-mail: only `tepai remind` sends any, and only when TEPAI_EMAIL_URL names an SMTP server
# (issue 11); without it nothing is sent (the dummy backend drops every message).
_email = parse_email_url(os.environ.get("TEPAI_EMAIL_URL", ""))
TEPAI_EMAIL_ENABLED = _email is not None
if _email is None:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT = _email.host, _email.port
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _email.user, _email.password
    EMAIL_USE_TLS, EMAIL_USE_SSL, EMAIL_TIMEOUT = _email.use_tls, _email.use_ssl, _email.timeout
    DEFAULT_FROM_EMAIL = _email.from_address

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A form sent with an expired or missing CSRF token gets tepai's own page (issue 11).
CSRF_FAILURE_VIEW = "tepai.web.views.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Served over HTTPS (TLS at a reverse proxy in front of `tepai serve`): cookies only over
# HTTPS, and browsers told to use nothing else for a year (HSTS). The proxy's
# X-Forwarded-Proto is believed only with TEPAI_TRUSTED_PROXY, because any client can send
# that header: without a proxy that sets it, it is ignored. Django sends HSTS, and redirects
# (TEPAI_HTTPS_REDIRECT), only when it knows a request came over HTTPS, that is behind a
# trusted proxy.
TEPAI_HTTPS = env_bool("TEPAI_HTTPS", False)
TEPAI_TRUSTED_PROXY = env_bool("TEPAI_TRUSTED_PROXY", False)
SESSION_COOKIE_SECURE = TEPAI_HTTPS
CSRF_COOKIE_SECURE = TEPAI_HTTPS
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60 if TEPAI_HTTPS else 0
if TEPAI_TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = TEPAI_HTTPS and env_bool("TEPAI_HTTPS_REDIRECT", False)
if SECURE_SSL_REDIRECT and not TEPAI_TRUSTED_PROXY:
    # Without the proxy's header every request looks like plain HTTP: an endless redirect.
    raise ConfigError("TEPAI_HTTPS_REDIRECT=1 needs TEPAI_TRUSTED_PROXY=1")

# The largest request body `tepai serve` reads (waitress answers 413 to a larger one before
# reading it): the largest upload, an import file of 20 MB (tepai.web.importing), and the
# form around it. Photos are at most 10 MB. Bodies that are not files (forms, API JSON) are
# held in memory and capped lower, at Django's 2.5 MB.
MAX_REQUEST_BODY_BYTES = 21 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"
# Sessions end after 30 minutes without a request; every request restarts the clock.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True

# The dense text encoder of the matching engine: "use" (multilingual Universal Sentence
# Encoder, shipped in its package), "hashing" (lexical, no model), or "none" (sparse only).
TEPAI_MATCH_ENCODER = env_choice("TEPAI_MATCH_ENCODER", ("use", "hashing", "none"), "use")
TEPAI_CACHE_DIR = TEPAI_HOME / "cache"

# API tokens stop working this many days after they are issued (等保: credentials expire).
TEPAI_API_TOKEN_DAYS = env_int("TEPAI_API_TOKEN_DAYS", 90, minimum=1, maximum=3650)

# Logs. tepai's own messages (the matching engine's warm-up at `tepai serve`, the vector
# cache's repairs, API errors) at INFO and above, other libraries' at WARNING and above, and
# every 500 with its traceback (django.request), go to stderr and to
# $TEPAI_HOME/logs/tepai.log; each line names the request it belongs to (X-Request-ID).
# `tepai serve` writes one line per request to $TEPAI_HOME/logs/access.log and stderr.
# Files rotate at 10 MB, ten kept; the folder is the owner's alone (tracebacks may hold
# personal data).
LOG_DIR = TEPAI_HOME / "logs"
LOG_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
_LOG_FILE = {
    "class": "logging.handlers.RotatingFileHandler",
    "maxBytes": 10 * 1024 * 1024,
    "backupCount": 10,
    "encoding": "utf-8",
    "delay": True,  # a command that logs nothing creates no file
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "tepai.core.requestid.RequestIdFilter"}},
    "formatters": {
        "console": {
            "format": "{asctime} {levelname} [{request_id}] {name}: {message}",
            "style": "{",
        },
        "access": {"format": "{asctime} {message}", "style": "{"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "console",
            "filters": ["request_id"],
        },
        "file": {
            **_LOG_FILE,
            "filename": str(LOG_DIR / "tepai.log"),
            "formatter": "console",
            "filters": ["request_id"],
        },
        "access_console": {"class": "logging.StreamHandler", "formatter": "access"},
        "access_file": {
            **_LOG_FILE,
            "filename": str(LOG_DIR / "access.log"),
            "formatter": "access",
        },
    },
    # One pair of handlers, on the root logger, so a message is written once and a
    # deployment may add its own.
    "root": {"handlers": ["console", "file"], "level": "WARNING"},
    "loggers": {
        "tepai": {"level": "INFO"},
        # A forged Host header is answered 400 and shows in the access log; its traceback
        # (one per request, from anyone) would only fill the error log.
        "django.security.DisallowedHost": {"level": "CRITICAL"},
        "tepai.access": {
            "handlers": ["access_console", "access_file"],
            "level": "INFO",
            "propagate": False,
        },
    },
}
