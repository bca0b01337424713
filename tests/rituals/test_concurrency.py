"""Two (or four) runs filing at the same moment on PostgreSQL still file each issue once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from rituals.models import RitualIssue
from rituals.services import ritual_files_fetch, ritual_issues_file

pytestmark = pytest.mark.django_db(transaction=True)

D = dt.date(2026, 11, 18)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
def test_concurrent_runs_file_each_ritual_once(daily_rituals, settings):
    settings.FLEETOPS_GITHUB_WRITE = True
    ritual_files_fetch()
    daily_rituals.latency = 0.2  # each write takes a while: the runs overlap
    barrier = threading.Barrier(4)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            outcomes.extend(o.outcome for o in ritual_issues_file(day=D))
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    posts = [w for w in daily_rituals.writes if w.method == "POST" and w.path.endswith("/issues")]
    assert sorted(w.body["title"] for w in posts) == [
        "Check the dogfood instance",
        "Rotate the confidential keys",
        "Triage the inbox",
    ]
    assert outcomes.count("filed") == 3
    assert set(outcomes) <= {"filed", "already-filed", "in-flight"}
    assert RitualIssue.objects.filter(due_on=D).count() == 3
    # Whatever was still in flight for a run is recorded by the next one, without a write.
    ritual_issues_file(day=D)
    assert len(daily_rituals.writes) == len(posts)
