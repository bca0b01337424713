"""Django's PostgreSQL backend, connecting at most once per request while the database is out.

A request touches the database several times (the session, the user, the page), and each
touch tries to connect again: against a database that accepts connections and never
answers, ten attempts of `connect_timeout` each held a request for 30 s before its 503.
After a failed attempt, further attempts in the same request (and, outside requests, for
`PAUSE` seconds in the same thread) fail at once with the same error. The next request
tries again, so recovery is noticed by the first request after the database is back.
"""

from __future__ import annotations

import threading
import time

import psycopg
from django.core.signals import request_started
from django.db.backends.postgresql import base
from django.dispatch import receiver

PAUSE = 5.0
_state = threading.local()


@receiver(request_started)
def _new_request(**kwargs: object) -> None:
    _state.failed_at = 0.0


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict):
        since = time.monotonic() - getattr(_state, "failed_at", 0.0)
        if since < PAUSE:
            raise psycopg.OperationalError(f"{_state.failure} (not retried in this request)")
        try:
            return super().get_new_connection(conn_params)
        except psycopg.OperationalError as exc:
            _state.failed_at = time.monotonic()
            _state.failure = str(exc).strip().splitlines()[0][:200]
            raise
