"""Redis down: pages render from the database; a button that needs a worker says so, fast."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
user = get_user_model().objects.create_user("staff", is_staff=True)
client = Client()
client.force_login(user)
print("page", client.get("/").status_code)
print("health", client.get("/healthz").json()["broker"]["ok"])
response = client.post("/github/sync/", headers={"HX-Request": "true"})
print("button", response.status_code, "task queue is unavailable" in response.content.decode())
"""


def test_redis_down_pages_render_and_buttons_say_the_queue_is_down(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fleetops.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens there
    }
    env.pop("PYENV_VERSION", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.split("\n")
    assert "page 200" in lines
    assert "health False" in lines
    assert "button 200 True" in lines
