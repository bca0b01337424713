"""Services that accept connections and never answer: the site answers, it does not hang.

A "black hole" listens on loopback, accepts every connection and never sends a byte: the
worst kind of outage (a half-dead Redis, a database behind a stuck proxy). With the
database in one, a signed-in page answers 503 with Retry-After; with Redis in one, the
buttons that queue work and the webhook answer instead of waiting for gunicorn to kill
the worker, and people can still sign in (the rate limiter fails open).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def black_hole() -> Iterator[int]:
    """A port on loopback that accepts connections and never answers."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            held.append(client)

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield server.getsockname()[1]
    finally:
        server.close()
        for sock in held:
            with contextlib.suppress(OSError):
                sock.close()


def _run(script: str, env: dict[str, str]) -> list[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fleetops.settings", **env}
    env.pop("PYENV_VERSION", None)
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,  # a hang fails the test instead of blocking the suite
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.splitlines()


SETUP = """
import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
"""

REDIS_SCRIPT = (
    SETUP
    + """
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
get_user_model().objects.create_user("staff", password="pw-123456-x", is_staff=True)
client = Client()
login = client.post("/accounts/login/", {"login": "staff", "password": "pw-123456-x"})
print("login", login.status_code)
print("page", client.get("/").status_code)
sync = client.post("/github/sync/", headers={"HX-Request": "true"})
print("sync", sync.status_code, "unavailable" in sync.content.decode())
hook = client.post("/github/webhook", b"{}", content_type="application/json")
print("webhook", hook.status_code)
"""
)


def test_a_hanging_redis_stalls_nothing_and_sign_in_still_works(tmp_path):
    with black_hole() as port:
        lines = _run(
            REDIS_SCRIPT,
            {
                "DJANGO_DEBUG": "1",
                "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
                "REDIS_URL": f"redis://127.0.0.1:{port}/0",
            },
        )
    assert "login 302" in lines  # signed in although the rate limiter's cache hangs
    assert "page 200" in lines
    assert "sync 200 True" in lines  # the panel says the queue is unavailable
    assert any(line.startswith("webhook 4") for line in lines)  # unsigned: refused, fast


DB_SCRIPT = (
    SETUP
    + """
from importlib import import_module
from django.conf import settings
client = Client(raise_request_exception=False)  # as a real server: the handler answers
# a session cookie, as a signed-in browser sends: reading it needs the database
client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
for path in ("/", "/healthz"):
    response = client.get(path, secure=True)
    print(path, response.status_code, response.get("Retry-After"))
hx = client.get("/releases/", headers={"HX-Request": "true"}, secure=True)
print("htmx", hx.status_code, hx.get("Content-Type", "").split(";")[0])
"""
)


def test_a_hanging_database_answers_503_with_retry_after_for_signed_in_users():
    with black_hole() as port:
        lines = _run(
            DB_SCRIPT,
            {
                "DJANGO_DEBUG": "1",
                "DJANGO_SECRET_KEY": "test-only-not-a-secret",
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/fleetops?sslmode=disable",
                "REDIS_URL": "",
            },
        )
    assert "/ 503 30" in lines
    assert "/healthz 503 30" in lines
    assert "htmx 503 text/plain" in lines
