"""Celery tasks of the releases app: thin, idempotent wrappers around services."""

from __future__ import annotations

from releases.dependency_tasks import *  # noqa: F403  (the dependency checks' tasks)
from releases.release_tasks import *  # noqa: F403  (release candidates)
