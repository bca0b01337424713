"""A Redis cache that fails open: while Redis is down or hangs, reads miss and writes drop.

The cache only holds allauth's login rate-limit counters. Failing closed would lock
everyone out during a Redis outage; failing open lifts the limit for that time, and every
failure is logged so that it is seen.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import redis
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

ERRORS = (redis.ConnectionError, redis.TimeoutError, OSError)
PAUSE = 30.0  # seconds without trying Redis after a failure: a hanging Redis costs one wait


class FailOpenRedisCache(RedisCache):
    _down_until = 0.0  # shared by the process's cache objects (one per thread)

    def _quiet(self, what: str, default: Any, call, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() < FailOpenRedisCache._down_until:
            return default
        try:
            return call(*args, **kwargs)
        except ERRORS as exc:
            FailOpenRedisCache._down_until = time.monotonic() + PAUSE
            logger.warning("cache %s failed open (Redis unavailable): %s", what, exc)
            return default

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        return self._quiet("get", default, super().get, key, default, version)

    def get_many(self, keys: Any, version: int | None = None) -> dict:
        return self._quiet("get_many", {}, super().get_many, keys, version)

    def add(self, key: str, value: Any, timeout: Any = 300, version: int | None = None) -> bool:
        return self._quiet("add", True, super().add, key, value, timeout, version)

    def set(self, key: str, value: Any, timeout: Any = 300, version: int | None = None) -> None:
        self._quiet("set", None, super().set, key, value, timeout, version)

    def set_many(self, data: dict, timeout: Any = 300, version: int | None = None) -> list:
        return self._quiet("set_many", [], super().set_many, data, timeout, version)

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        return self._quiet("incr", delta, super().incr, key, delta, version)

    def delete(self, key: str, version: int | None = None) -> bool:
        return self._quiet("delete", False, super().delete, key, version)

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._quiet("delete_many", None, super().delete_many, keys, version)

    def touch(self, key: str, timeout: Any = 300, version: int | None = None) -> bool:
        return self._quiet("touch", False, super().touch, key, timeout, version)

    def has_key(self, key: str, version: int | None = None) -> bool:
        return self._quiet("has_key", False, super().has_key, key, version)
