"""The one settings module. Everything that differs between machines comes from the environment.

No DATABASE_URL: an SQLite file. No REDIS_URL: Celery runs tasks eagerly and the cache is local memory.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    if value in ("true", "false"):
        return value == "true"
    raise ImproperlyConfigured(f"{name} must be 'true' or 'false', not {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
TESTING = "pytest" in sys.modules
# Developer commands that read the models or the code but never sign, serve or store anything.
KEYLESS_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate", "makemessages", "spectacular"}
KEYLESS = Path(sys.argv[0]).name == "manage.py" and len(sys.argv) > 1 and sys.argv[1] in KEYLESS_COMMANDS
SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING or KEYLESS):
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=true for local development).")
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if (DEBUG or TESTING) else ""
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tables2",
    "django_htmx",
    "simple_history",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "orgs",
    "reports",
    "party_building",
    "fees",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "orgs.context_processors.portal",
            ],
        },
    },
]

# Database: SQLite by default; DATABASE_URL=postgres://... for PostgreSQL through psycopg 3.
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(env("DB_CONN_MAX_AGE", "60")))
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # What the planner assumes one query finds cached. At PostgreSQL's 4 GB the whole registry is, and a
        # walk along a sort index that tests each row (a city's organizations in `updated_at` order) is
        # costed as almost free: 178 ms walked against 7 ms read by region (bench/README.md).
        cache_size = env("DB_EFFECTIVE_CACHE_SIZE", "64MB")
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c effective_cache_size={cache_size}"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # IMMEDIATE takes the write lock at BEGIN, so concurrent writers wait (timeout) instead of
            # failing with "database is locked" half-way through a transaction.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 30},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions are read from the shared cache and written through to the database. Not with the local-memory
    # cache: each process would keep its own copy, and a logout in one would not reach the others.
    SESSION_ENGINE = "orgs.sessions.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "orgs.sessions.db"

# How long a caller (an API token with its client, a logged-in user), with the scope, is kept in the cache (0:
# looked up on every call). Saving or deleting any of them drops it at once; a change made around the models
# reaches callers after this.
CALLER_CACHE_SECONDS = int(env("CALLER_CACHE_SECONDS", "60"))

AUTHENTICATION_BACKENDS = ["orgs.backends.ScopedModelBackend"]  # the user and their scope in one query
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "portal@localhost")
PORTAL_BASE_URL = env("PORTAL_BASE_URL", "http://127.0.0.1:8000")

# Security: on unless DEBUG (check --deploy is clean with production variables).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not (DEBUG or TESTING))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not (DEBUG or TESTING))
SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "0" if (DEBUG or TESTING) else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "orgs.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["orgs.api.permissions.HasScope"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "orgs.api.pagination.CursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "orgs.api.errors.exception_handler",
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
    "DEFAULT_THROTTLE_RATES": {
        "public": env("THROTTLE_PUBLIC", "120/minute"),
        "public_complaints": env("THROTTLE_PUBLIC_COMPLAINTS", "10/minute"),
        "signup": env("THROTTLE_SIGNUP", "20/hour"),
    },
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "社会组织管理服务平台 API",
    "DESCRIPTION": "Social Organization Portal REST API (/api/v1/). Authenticate with `Authorization: Token <key>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status`, `kind` or `result`: each choice set gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "AnnualReportStatusEnum": "orgs.models.annual_reports.AnnualReport.Status",
        "AnnualReportResultEnum": "orgs.models.annual_reports.AnnualReport.Result",
        "CreditListEnum": "orgs.models.annual_reports.CreditListEntry.List",
        "OrganizationCategoryEnum": "orgs.models.organizations.Organization.Category",
        "OrganizationStatusEnum": "orgs.models.organizations.Organization.Status",
        "SupervisingUnitKindEnum": "orgs.models.organizations.SupervisingUnit.Kind",
        "ApplicationKindEnum": "orgs.models.registration.RegistrationApplication.Kind",
        "ApplicationStatusEnum": "orgs.models.registration.RegistrationApplication.Status",
        "UserScopeKindEnum": "orgs.models.accounts.UserScope.Kind",
        "FeeCaseKindEnum": "fees.models.FeeCase.Kind",
        "FeeCaseSourceEnum": "fees.models.FeeCase.Source",
        "FeeCaseStatusEnum": "fees.models.FeeCase.Status",
        "FeeCampaignStatusEnum": "fees.models.FeeCampaign.Status",
        "LeaderReviewResultEnum": "party_building.models.LeaderReview.Result",
        "SecretaryReportStatusEnum": "party_building.models.SecretaryReport.Status",
        "SyncStepStatusEnum": "party_building.models.SyncStep.Status",
        "ExportStatusEnum": "reports.models.Export.Status",
        "StatBuildStatusEnum": "reports.models.StatBuild.Status",
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "orgs/_bootstrap5.html"  # the body rendered by orgs.tables.PortalTable
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Celery: eager without REDIS_URL, so the embedded default needs no broker.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not (REDIS_URL or env("CELERY_BROKER_URL"))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_SOFT_TIME_LIMIT = 20 * 60
CELERY_TASK_TIME_LIMIT = 25 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "orgs-daily-deadlines": {
        "task": "orgs.tasks.daily_filing_deadline",
        "schedule": crontab(hour=1, minute=0),
    },
    "orgs-lapse-preparations": {
        "task": "orgs.tasks.lapse_preparations",
        "schedule": crontab(hour=1, minute=30),
    },
    # "reports-nightly-build" (statistics, 02:00) is created by reports/migrations/0002 so that staff can
    # change its schedule in the admin: beat rewrites the entries listed here on every start.
    "fees-deadline-reminders": {
        "task": "fees.tasks.deadline_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
}

# Statistics exports: up to this many rows are written at once, larger ones by a Celery task.
EXPORT_SYNC_MAX_ROWS = int(env("EXPORT_SYNC_MAX_ROWS", "5000"))

# Annual reports: deadline month-day for the previous year's report (default 31 May).
ANNUAL_REPORT_DEADLINE = env("ANNUAL_REPORT_DEADLINE", "05-31")
SESSION_COOKIE_AGE = int(timedelta(hours=12).total_seconds())

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
