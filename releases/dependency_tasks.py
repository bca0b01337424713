"""Celery tasks of the pre-release dependency checks (imported by releases/tasks.py)."""

from __future__ import annotations
