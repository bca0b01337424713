"""Load test: 50 signed-in viewers poll the release board while 5 QA leads move cards.

    .venv/bin/python benchmarks/load.py [--viewers 50] [--leads 5] [--seconds 60]
        [--database-url postgres://postgres@127.0.0.1:5432/fleetops_load]

Starts gunicorn on a free loopback port with production settings against a fresh database
(dropped and created), signs the users in, runs for a bounded time, then prints request
counts, errors, poll latency (median, p95) and whether every move was recorded exactly once
in the sign-off history. Only 127.0.0.1 is ever contacted; loops stop by themselves.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "load-test-password"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare(database_url: str, viewers: int, leads: int) -> None:
    import psycopg

    name = urlparse(database_url).path.lstrip("/")
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from fleetops.org.models import Person, ProductGroup
    from releases.board.services import release_signoffs_ensure
    from releases.models import Release

    call_command("migrate", verbosity=0)
    hashed = make_password(PASSWORD)
    User = get_user_model()
    for n in range(leads):
        user = User.objects.create(username=f"lead{n}", password=hashed)
        person = Person.objects.create(user=user, name=f"Lead {n}", github_login=f"lead{n}")
        ProductGroup.objects.create(
            name=f"Group {n}", slug=f"group-{n}", github_label=f"#g-group-{n}", qa_lead=person
        )
    User.objects.bulk_create(User(username=f"viewer{n}", password=hashed) for n in range(viewers))
    release = Release.objects.create(version="4.75.0", state="qa")
    release_signoffs_ensure(release=release)


def _session(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    done = session.post(
        f"{base}/accounts/login/",
        data={"login": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
        allow_redirects=False,
    )
    if done.status_code != 302:
        raise SystemExit(f"{username} could not sign in: {done.status_code}")
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    session.headers["Referer"] = f"{base}/releases/4.75.0/"
    return session


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--leads", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fleetops_load"
        ),
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--poll-interval", type=float, default=5.0, help="the board's own: 5 s")
    parser.add_argument("--move-interval", type=float, default=2.0)
    args = parser.parse_args()

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fleetops.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "load-test-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",  # plain HTTP on loopback
        "DATABASE_URL": args.database_url,
        "REDIS_URL": "",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    env.pop("PYENV_VERSION", None)
    os.environ.update(
        {k: v for k, v in env.items() if k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    )
    _prepare(args.database_url, args.viewers, args.leads)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    port = _free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "fleetops.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            "4",
            # Longer than the clients' pauses, as behind a proxy: a POST on a connection the
            # server just closed fails in the client (requests does not retry a POST).
            "--keep-alive",
            "10",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(f"{base}/healthz", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.1)
        viewers = [_session(base, f"viewer{n}") for n in range(args.viewers)]
        leads = [_session(base, f"lead{n}") for n in range(args.leads)]
        deadline = time.monotonic() + args.seconds
        polls: list[float] = []
        by_status: dict[int, list[float]] = {}
        spread = random.Random(16)
        errors: list[str] = []
        moves = [0] * args.leads
        uncertain = [0] * args.leads
        lock = threading.Lock()

        def viewer(session: requests.Session, opened_after: float) -> None:
            # People open the board at different moments, and the page polls every 5 s
            # from its own load: the viewers' polls are spread over the interval, not
            # fired together (a synchronised start measures a thundering herd instead).
            time.sleep(opened_after)
            etag = ""
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    response = session.get(
                        f"{base}/releases/4.75.0/board/",
                        params={"etag": etag} if etag else None,
                        headers={"HX-Request": "true"},
                        timeout=30,
                    )
                except requests.RequestException as exc:
                    with lock:
                        errors.append(f"poll {type(exc).__name__}")
                    continue
                took = time.perf_counter() - started
                with lock:
                    polls.append(took)
                    by_status.setdefault(response.status_code, []).append(took)
                    if response.status_code not in (200, 204):
                        errors.append(f"poll {response.status_code}")
                if response.status_code == 200:
                    found = re.search(r'data-etag="([^"]+)"', response.text)
                    etag = found.group(1) if found else ""
                time.sleep(args.poll_interval)

        def lead(index: int, session: requests.Session) -> None:
            states = ["testing", "ready"]
            while time.monotonic() < deadline:
                state = states[moves[index] % 2]
                try:
                    response = session.post(
                        f"{base}/releases/4.75.0/groups/group-{index}/signoff",
                        data={"state": state, "note": ""},
                        allow_redirects=False,
                        timeout=30,
                    )
                except requests.RequestException as exc:
                    # The move may or may not have landed: the history is checked below.
                    with lock:
                        errors.append(f"move {type(exc).__name__}")
                    uncertain[index] += 1
                    continue
                with lock:
                    if response.status_code == 302:
                        moves[index] += 1
                    else:
                        errors.append(f"move {response.status_code}")
                time.sleep(args.move_interval)

        threads = [
            threading.Thread(target=viewer, args=(s, spread.uniform(0, args.poll_interval)))
            for s in viewers
        ]
        threads += [threading.Thread(target=lead, args=(i, s)) for i, s in enumerate(leads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)

    from releases.models import SignoffEvent

    recorded = SignoffEvent.objects.count()
    quantiles = statistics.quantiles(polls, n=20) if len(polls) >= 20 else [0] * 19
    print(
        f"{args.viewers} viewers polling every {args.poll_interval:g} s, {args.leads} QA leads "
        f"moving every {args.move_interval:g} s, {args.seconds:.0f} s, "
        f"gunicorn {args.workers} workers x 4 threads"
    )
    median, p95 = statistics.median(polls) * 1000, quantiles[18] * 1000
    print(f"polls: {len(polls)}, median {median:.1f} ms, p95 {p95:.1f} ms")
    for status, times in sorted(by_status.items()):
        print(f"  {status}: {len(times)}, median {statistics.median(times) * 1000:.1f} ms")
    print(f"load average: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores")
    verdict = "exactly once" if recorded == sum(moves) else "MISMATCH"
    print(f"moves: {sum(moves)} made, {recorded} recorded in the history ({verdict})")
    print(f"error responses: {len(errors)}" + (f" ({sorted(set(errors))})" if errors else ""))


if __name__ == "__main__":
    main()
