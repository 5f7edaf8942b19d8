"""Django settings for tepai, built from the environment by :mod:`tepai.config`."""

from __future__ import annotations

import os
from pathlib import Path

from tepai.config import env_bool, env_choice, env_path, parse_database_url, secret_key

BASE_DIR = Path(__file__).resolve().parent

TEPAI_HOME = env_path("TEPAI_HOME", "./tepai-data")
DEBUG = env_bool("TEPAI_DEBUG", False)
SECRET_KEY = secret_key(TEPAI_HOME, debug=DEBUG)
ALLOWED_HOSTS = [
    host.strip() for host in os.environ.get("TEPAI_ALLOWED_HOSTS", "*").split(",") if host.strip()
]

REGISTRY_APPS = [
    "tepai.institutions",
    "tepai.events",
    "tepai.programs",
    "tepai.commissioners",
    "tepai.enterprises",
    "tepai.demands",
    "tepai.outcomes",
    "tepai.projects",
    "tepai.activities",
    "tepai.cases",
]

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
    "tepai.core",
    *REGISTRY_APPS,
    "tepai.reports",
    "tepai.matchmaking",
    "tepai.accounts",
    "tepai.audit",
    "tepai.engagements",
    "tepai.web",
    "tepai.api",
    "tepai.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a signed-in user unless its view is marked login_not_required
    # (static files are served by WhiteNoise above, before this runs).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "tepai.audit.middleware.AuditContextMiddleware",
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
    DATABASES = {
        "default": {
            "ENGINE": _database.engine,
            "NAME": _database.name,
            "OPTIONS": {
                # WAL lets readers work while one writer commits; IMMEDIATE takes the write
                # lock at BEGIN so two writers queue instead of failing mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
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
# Django's model backend plus the lock after 5 failed passwords in a row.
AUTHENTICATION_BACKENDS = ["tepai.accounts.backends.LockoutBackend"]

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

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

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

# tepai's own messages (the matching engine's warm-up at `tepai serve`, the vector cache's
# repairs, API errors) go to the console, that is the server's stderr, at INFO and above;
# other libraries' (waitress's queue warnings) at WARNING and above, as before. One handler,
# on the root logger, so a message is printed once and a deployment may add its own.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "console": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "console"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "tepai": {"level": "INFO"},
    },
}
