"""Production settings pass Django's deployment checklist, and the repository holds no secret."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_prints_no_warning():
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYENV_VERSION"))},
        "DJANGO_SETTINGS_MODULE": "fleetops.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "k" * 20 + "-production-like-secret-" + "x9Q" * 10,
        "DJANGO_ALLOWED_HOSTS": "fleetops.example.com",
        "DATABASE_URL": "sqlite:////tmp/fleetops-deploy-check.sqlite3",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


TOKEN_PATTERNS = [
    re.compile(r"gh[pousr]_[A-Za-z0-9]{30,}"),  # GitHub tokens
    re.compile(r"github_pat_[A-Za-z0-9_]{40,}"),
    re.compile(r"xox[baprs]-[A-Za-z0-9-]{10,}"),  # Slack tokens
    re.compile(r"hooks\.slack\.com/services/[A-Z0-9]+/[A-Z0-9]+/[A-Za-z0-9]+"),
    re.compile(r"-----BEGIN (?:RSA |EC )?PRIVATE KEY-----"),
]


def test_repository_holds_no_secrets():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    hits = []
    for name in tracked:
        path = ROOT / name
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_text(errors="ignore")
        hits += [f"{name}: {p.pattern}" for p in TOKEN_PATTERNS if p.search(text)]
    assert not hits, hits


def test_settings_read_secrets_only_from_the_environment():
    settings_text = (ROOT / "fleetops" / "settings.py").read_text()
    for name in (
        "SECRET_KEY",
        "GITHUB_TOKEN",
        "GITHUB_WEBHOOK_SECRET",
        "GITHUB_CLIENT_SECRET",
        "SLACK_WEBHOOK_URL",
    ):
        assignments = re.findall(rf"^{name}\s*=\s*(.+)$", settings_text, re.MULTILINE)
        assert assignments, name
        assert all("env" in a or "_key_file" in a for a in assignments), (name, assignments)
