"""PostgreSQL goes away while the app serves: a clear 503 page, then recovery by itself.

The outage is real at the network level without touching the shared server: the app
reaches PostgreSQL through a TCP relay on loopback, which the test cuts and restores.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


class Relay:
    """A TCP relay 127.0.0.1:<port> -> PostgreSQL that can be cut and restored."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._server: socket.socket | None = None
        self._sockets: list[socket.socket] = []

    def start(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(32)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

    def cut(self) -> None:
        if self._server is not None:
            with contextlib.suppress(OSError):
                self._server.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
            self._server.close()
            self._server = None
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._sockets.clear()


@pytest.mark.django_db(transaction=True)
def test_database_outage_answers_503_then_recovers():
    if connection.vendor != "postgresql":
        pytest.skip("the outage is of PostgreSQL")
    settings = connection.settings_dict
    relay = Relay((settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432)))
    relay.start()
    url = f"postgres://{settings['USER']}@127.0.0.1:{relay.port}/{settings['NAME']}"
    port = Relay(("127.0.0.1", 1)).port  # a free port for the app
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fleetops.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": url,
        "REDIS_URL": "",
        "DJANGO_CONN_MAX_AGE": "60",
    }
    env.pop("PYENV_VERSION", None)
    server = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "runserver",
            "--noreload",
            "--skip-checks",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            time.sleep(0.1)
        assert requests.get(f"{base}/accounts/login/", timeout=10).status_code == 200

        relay.cut()  # the database goes away
        down = requests.get(f"{base}/accounts/login/", timeout=30)
        assert down.status_code == 503
        assert "The database is not answering" in down.text
        assert requests.get(f"{base}/healthz", timeout=30).status_code == 503

        relay.start()  # and comes back: no restart of the app, no manual step
        assert requests.get(f"{base}/accounts/login/", timeout=30).status_code == 200
        assert requests.get(f"{base}/healthz", timeout=30).json()["database"]["ok"] is True
    finally:
        server.terminate()
        server.wait(timeout=10)
        relay.cut()
