"""Checks behind /healthz: does the database answer, does the broker answer."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import redis
from django.conf import settings
from django.db import DatabaseError, connections


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def database_check(alias: str = "default") -> Check:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return Check(ok=False, detail=f"unreachable: {str(exc).strip().splitlines()[0][:200]}")
    return Check(ok=True, detail=connections[alias].vendor)


def broker_check() -> Check:
    """Ping Redis; with no REDIS_URL tasks run eagerly and there is no broker to ask."""
    url = settings.REDIS_URL
    if not url:
        return Check(ok=True, detail="none: tasks run eagerly in-process")
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except (redis.RedisError, OSError) as exc:
        return Check(ok=False, detail=f"unreachable: {exc}"[:200])
    return Check(ok=True, detail="redis")
