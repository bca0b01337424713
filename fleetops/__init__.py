"""fleetops: the engineering-operations dashboard."""

from fleetops.celery import app as celery_app

__all__ = ("celery_app",)
