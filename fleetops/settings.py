"""fleetops settings: one module, read from the environment (see DESIGN.md's table).

Everything is optional in development: with no environment at all the project runs on a
SQLite file, with Celery tasks executed eagerly in-process and a local-memory cache.
"""

from __future__ import annotations

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
# Served with debug off, the key must come from the environment (fleetops/wsgi.py refuses
# to start otherwise). Management commands and the development server fall back to a
# random key kept in a git-ignored file of this checkout, so `manage.py ...` just works.
SECRET_KEY_FROM_ENV = bool(SECRET_KEY)
if not SECRET_KEY:
    _key_file = BASE_DIR / ".secret_key"
    if not _key_file.exists():
        import secrets

        _key_file.touch(mode=0o600)
        _key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = _key_file.read_text().strip()
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "fleetops.core",
    "fleetops.org",
    "fleetops.github",
    "releases",
    "oncall",
    "kpis",
    "rituals",
]

MIDDLEWARE = [
    "fleetops.core.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "fleetops.core.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fleetops.core.middleware.LoginRequiredMiddleware",
    "fleetops.core.middleware.ViewerTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "fleetops.urls"
WSGI_APPLICATION = "fleetops.wsgi.application"

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
                "django.template.context_processors.csp",
                "fleetops.core.context_processors.chrome",
                "oncall.context_processors.oncall_now",
            ],
            # {% moment %} on every template without a {% load %} (ADR 0016).
            "builtins": ["fleetops.core.templatetags.moments"],
        },
    },
]

# Form widgets render through Jinja2 (Django's own widget templates for it; the admin's own
# widgets through the template engine, fleetops/core/renderers.py): the same HTML
# as the template engine's, 3-10x faster. A time-zone select of 600 options cost 2.5 ms.
FORM_RENDERER = "fleetops.core.renderers.WidgetRenderer"

# Database: DATABASE_URL (postgres://...), else a SQLite file in the project folder.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Persistent connections (seconds); health checks drop a dead one before a request uses it.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The mirror's covering indexes (ADR 0012) carry INCLUDE columns that PostgreSQL, the
# production database, uses; SQLite builds the same indexes without them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Fail fast when the database is unreachable: /healthz and pages answer 503 quickly.
    # A database that accepts connections but never answers: connect_timeout bounds the
    # handshake, TCP keepalives and tcp_user_timeout a dead peer, statement_timeout a query.
    # After a failed connection attempt, others in the same request fail at once.
    DATABASES["default"]["ENGINE"] = "fleetops.core.dbbackend"
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options.setdefault("connect_timeout", 3)
    _db_options.setdefault("keepalives", 1)
    _db_options.setdefault("keepalives_idle", 10)
    _db_options.setdefault("keepalives_interval", 3)
    _db_options.setdefault("keepalives_count", 3)
    _db_options.setdefault("tcp_user_timeout", 10_000)
    _db_options.setdefault(
        "options",
        f"-c statement_timeout={env.int('DJANGO_DB_STATEMENT_TIMEOUT_MS', default=30_000)}",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: Celery broker and cache. Unset: Celery runs tasks eagerly in-process.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails open: allauth's login rate limit is the only user; sign-in must work
            # while Redis is down (a log line says the limit is off meanwhile).
            "BACKEND": "fleetops.core.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a task on a killed worker is redelivered, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None  # outcomes that matter are stored in our own models
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A Redis that accepts connections but never answers: socket timeouts, not a hang.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_timeout": 3,
    "socket_connect_timeout": 2,
    "max_retries": 1,
}
# A button that queues work must answer within seconds when Redis is down, not hang.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.3,
    "interval_max": 0.5,
}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {
        "task": "fleetops.core.tasks.worker_heartbeat_task",
        "schedule": 60.0,
    },
    "github-sync": {
        "task": "fleetops.github.tasks.repository_sync_task",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    "github-webhook-sweep": {
        "task": "fleetops.github.tasks.webhook_deliveries_sweep_task",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    # Projects (v2) boards have no `since`: each run reads every item (100 a request).
    "github-boards-sync": {
        "task": "fleetops.github.tasks.boards_sync_task",
        "schedule": 900.0,
        "options": {"expires": 890},
    },
    "github-tag-dates": {
        "task": "fleetops.github.tasks.tag_dates_backfill_task",
        "schedule": 600.0,
    },
    "release-candidate-cut": {
        "task": "releases.release_tasks.release_candidate_cut_due_task",
        "schedule": 300.0,
    },
    "release-candidate-watch": {
        "task": "releases.release_tasks.release_candidate_watch_task",
        "schedule": 600.0,
    },
    "sprint-calendar-extend": {
        "task": "fleetops.org.tasks.sprint_calendar_extend_task",
        "schedule": crontab(minute=0, hour=6),
    },
    # Pre-release dependency checks of the current release, daily before the Pacific workday
    # (13:00 UTC); the RC cut queues a run too.
    "dependency-checks-daily": {
        "task": "releases.dependency_tasks.dependency_checks_run_task",
        "schedule": crontab(minute=0, hour=13),
        "kwargs": {"trigger": "schedule"},
        "options": {"expires": 3600},
    },
    "oncall-handoff-check": {
        "task": "oncall.tasks.oncall_handoff_check_task",
        "schedule": crontab(minute=1),
        "options": {"expires": 3000},
    },
    # Weekly KPIs: hourly, because CELERY_TIMEZONE is UTC and the rule is Monday 06:00 in
    # FLEETOPS_TIME_ZONE (DST moves it in UTC); the task records the week that just ended
    # once that moment has passed (and a sync has run since), and does nothing otherwise.
    "kpis-record-week": {
        "task": "kpis.tasks.kpi_week_record_due_task",
        "schedule": crontab(minute=0),
        "options": {"expires": 3000},
    },
    # Rituals: the YAML files re-read hourly (a 304 costs nothing), and the auto-issues of
    # the rituals due today (UTC) filed once a day, early in the UTC day.
    "rituals-fetch": {
        "task": "rituals.tasks.ritual_files_fetch_task",
        "schedule": crontab(minute=20),
        "options": {"expires": 3000},
    },
    "rituals-file-issues": {
        "task": "rituals.tasks.ritual_issues_file_task",
        "schedule": crontab(minute=5, hour=0),
        "options": {"expires": 6 * 3600},
    },
}

# Accounts: django-allauth. Username/password always; GitHub when its app is configured.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Behind the TLS proxy: how many proxies append to X-Forwarded-For, so that the login
# throttle counts each person's address, not the proxy's (0: REMOTE_ADDR).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
# Password reset mails a link: offered only with a mail server (accounts are staff-made).
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="fleetops@localhost")
ACCOUNT_ADAPTER = "fleetops.core.accounts.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "fleetops.core.accounts.SocialAccountAdapter"
GITHUB_CLIENT_ID = env.str("GITHUB_CLIENT_ID", default="")
GITHUB_CLIENT_SECRET = env.str("GITHUB_CLIENT_SECRET", default="")
# Optional: only active members of this GitHub organisation may sign in with GitHub.
GITHUB_ORG = env.str("GITHUB_ORG", default="")
SOCIALACCOUNT_PROVIDERS = {
    "github": {
        "SCOPE": ["read:user", "read:org"],
        **(
            {"APP": {"client_id": GITHUB_CLIENT_ID, "secret": GITHUB_CLIENT_SECRET}}
            if GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET
            else {}
        ),
    }
}
SOCIALACCOUNT_ONLY = False
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60 * 12)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
USE_I18N = False
USE_TZ = True
# The default display zone (each person can choose their own) and the zone of the
# organisation's calendar (sprint and holiday dates, KPI weeks). Rules the handbook states in
# Pacific time (RC cut, business hours, dogfood window) use fleetops.org.rules.PACIFIC
# whatever this says (ADR 0016).
FLEETOPS_TIME_ZONE = env.str("FLEETOPS_TIME_ZONE", default="America/Los_Angeles")
TIME_ZONE = FLEETOPS_TIME_ZONE

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

# GitHub.
GITHUB_API_URL = env.str("GITHUB_API_URL", default="https://api.github.com").rstrip("/")
GITHUB_TOKEN = env.str("GITHUB_TOKEN", default="")
GITHUB_REPOSITORY = env.str("GITHUB_REPOSITORY", default="fleetdm/fleet")
GITHUB_WEBHOOK_SECRET = env.str("GITHUB_WEBHOOK_SECRET", default="")
FLEETOPS_GITHUB_WRITE = env.bool("FLEETOPS_GITHUB_WRITE", default=False)
# A sync's lock expires this long after its last page: how long a killed worker blocks syncs.
# A sync's lock outlives its last heartbeat by this long: a killed worker blocks the next
# sync for at most a minute (the heartbeat renews it every third of that while alive).
GITHUB_SYNC_LOCK_SECONDS = env.int("GITHUB_SYNC_LOCK_SECONDS", default=60)
# GitHub asks integrators to pause a second between writes (secondary rate limits).
GITHUB_WRITE_PAUSE = env.float("GITHUB_WRITE_PAUSE", default=1.0)
GO_RELEASES_URL = env.str("GO_RELEASES_URL", default="https://go.dev/dl/?mode=json&include=all")
SLACK_WEBHOOK_URL = env.str("SLACK_WEBHOOK_URL", default="")
# One incoming webhook per purpose (fleetops/core/slack.py), each falling back to the above.
SLACK_WEBHOOK_URL_RELEASES = env.str("SLACK_WEBHOOK_URL_RELEASES", default="")
SLACK_WEBHOOK_URL_ONCALL = env.str("SLACK_WEBHOOK_URL_ONCALL", default="")
SLACK_WEBHOOK_URL_DEPENDENCIES = env.str("SLACK_WEBHOOK_URL_DEPENDENCIES", default="")
SLACK_WEBHOOK_URL_MERGE_EXCEPTIONS = env.str("SLACK_WEBHOOK_URL_MERGE_EXCEPTIONS", default="")
SLACK_WEBHOOK_URL_CUSTOMER_SUCCESS = env.str("SLACK_WEBHOOK_URL_CUSTOMER_SUCCESS", default="")
# Pushed stories (handbook, "Notify stakeholders when a user story is pushed"): the Head of
# Product Design's GitHub login, mentioned on each pushed story, and how Slack names the VP
# of Customer Success (e.g. "<@U012AB3CD>") in the customer-success message.
FLEETOPS_HEAD_OF_PRODUCT_DESIGN = env.str("FLEETOPS_HEAD_OF_PRODUCT_DESIGN", default="")
FLEETOPS_CUSTOMER_SUCCESS_LEAD = env.str(
    "FLEETOPS_CUSTOMER_SUCCESS_LEAD", default="VP of Customer Success"
)
# The dogfood instance's deploy workflow in GITHUB_REPOSITORY (handbook, "Deploy a new
# release to dogfood") and the name of its image input: fleetdm/fleet's workflow declares
# `inputs.DOCKER_IMAGE` (required), and GitHub refuses a dispatch with an undeclared input.
FLEETOPS_DOGFOOD_WORKFLOW = env.str("FLEETOPS_DOGFOOD_WORKFLOW", default="dogfood-deploy.yml")
FLEETOPS_DOGFOOD_IMAGE_INPUT = env.str("FLEETOPS_DOGFOOD_IMAGE_INPUT", default="DOCKER_IMAGE")
# The repository whose Actions variable QAWOLF_DEPLOY_TAG says what QA Wolf tests each
# morning (handbook: the RC branch during the RC period, `main` once concluded).
FLEETOPS_QAWOLF_REPOSITORY = env.str("FLEETOPS_QAWOLF_REPOSITORY", default="fleetdm/confidential")
# The rituals YAML files, paths in GITHUB_REPOSITORY (read from its default branch).
FLEETOPS_RITUALS_FILES = [
    path.strip().strip("/")
    for path in env.list(
        "FLEETOPS_RITUALS_FILES", default=["handbook/engineering/engineering.rituals.yml"]
    )
    if path.strip().strip("/")
]

# Security. A strict Content Security Policy from the first page: no inline script.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "https://avatars.githubusercontent.com"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF, "https://github.com"],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Off only for plain-HTTP loopback runs (benchmarks/load.py); on behind TLS.
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
