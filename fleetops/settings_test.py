"""Test overrides: the suite runs on PostgreSQL when DATABASE_URL says so, SQLite otherwise."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-only-for-the-test-suite")

from fleetops import settings as base
from fleetops.settings import DATABASES, env

# Every setting of the base module, then the overrides below (no star import).
globals().update({name: value for name, value in vars(base).items() if name.isupper()})

DEBUG = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# whitenoise's manifest storage needs collectstatic; tests serve static files plainly.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
# Tests never run tasks eagerly; they call task functions directly or run a real worker.
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = env.str("REDIS_URL", default="") or "memory://"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ACCOUNT_RATE_LIMITS = False
GITHUB_API_URL = "http://127.0.0.1:9"  # never the real GitHub; tests point it at a fake
GITHUB_TOKEN = ""
GITHUB_WEBHOOK_SECRET = ""
FLEETOPS_GITHUB_WRITE = False
GITHUB_WRITE_PAUSE = 0
SLACK_WEBHOOK_URL = ""
SLACK_WEBHOOK_URL_RELEASES = ""
SLACK_WEBHOOK_URL_ONCALL = ""
SLACK_WEBHOOK_URL_DEPENDENCIES = ""
SLACK_WEBHOOK_URL_MERGE_EXCEPTIONS = ""
SLACK_WEBHOOK_URL_CUSTOMER_SUCCESS = ""
FLEETOPS_HEAD_OF_PRODUCT_DESIGN = "noahtalerman"
