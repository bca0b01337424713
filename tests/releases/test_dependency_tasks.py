"""The Celery task: daily from beat, when an RC is cut, from the "Run checks" button."""

from __future__ import annotations

import time

import pytest
from celery.exceptions import Retry
from django.db import close_old_connections
from django.utils import timezone

from fleetops.celery import app
from releases.dependencies.tasks import dependency_checks_run_task
from releases.models import DependencyCheckRun, Release
from tests.factories import PersonFactory
from tests.releases import test_dependency_fixtures as fixtures
from tests.releases.factories import ReleaseFactory
from tests.releases.test_dependency_fixtures import product_set
from tests.worker import celery_worker

# The shared fixtures (github, golist), used by name.
fixture_github, fixture_golist, fixture_dirty_reads_on_sqlite = (
    fixtures.fixture_github,
    fixtures.fixture_golist,
    fixtures.fixture_dirty_reads_on_sqlite,
)


@pytest.mark.django_db
def test_task_runs_for_the_release_it_is_given(github, golist):
    product_set(github, golist)
    release = ReleaseFactory()
    summary = dependency_checks_run_task(release.pk, "rc-cut")
    run = DependencyCheckRun.objects.get()
    assert (run.release, run.trigger, run.outcome) == (release, "rc-cut", "ok")
    assert summary == "dependency checks ok at main: 6 ok, 1 manual"


@pytest.mark.django_db
def test_task_without_release_runs_for_the_current_one(github, golist):
    product_set(github, golist)
    current = ReleaseFactory(state=Release.State.QA)
    dependency_checks_run_task()
    assert DependencyCheckRun.objects.get().release == current


@pytest.mark.django_db
def test_task_records_who_pressed_the_button(github, golist):
    product_set(github, golist)
    person = PersonFactory()
    dependency_checks_run_task(None, "button", person.user.pk)
    assert DependencyCheckRun.objects.get().requested_by == person.user


@pytest.mark.django_db
def test_task_for_a_deleted_release_does_nothing(github):
    assert dependency_checks_run_task(424242, "rc-cut") == (
        "release 424242 not found: no dependency checks"
    )
    assert not DependencyCheckRun.objects.exists()


@pytest.mark.django_db
def test_task_scheduled_retries_when_only_transient_errors(github, golist, settings):
    product_set(github, golist)
    settings.GO_RELEASES_URL = "http://127.0.0.1:9/dl/"
    with pytest.raises(Retry):
        dependency_checks_run_task(None, "schedule")
    assert DependencyCheckRun.objects.get().outcome == "partial"  # the failed run is kept


@pytest.mark.django_db
def test_task_does_not_retry_a_real_error(github, golist):
    product_set(github, golist, go_mod="module x\n")
    summary = dependency_checks_run_task(None, "schedule")
    assert summary.startswith("dependency checks partial at main")


@pytest.mark.django_db
def test_task_from_the_button_does_not_retry(github, golist, settings):
    product_set(github, golist)
    settings.GO_RELEASES_URL = "http://127.0.0.1:9/dl/"
    assert "2 error" in dependency_checks_run_task(None, "button")


@pytest.mark.django_db
def test_task_twice_at_once_second_is_skipped(github, golist):
    release = ReleaseFactory()
    DependencyCheckRun.objects.create(release=release, ref="main", started_at=timezone.now())
    summary = dependency_checks_run_task(release.pk, "schedule")
    assert summary == "dependency checks skipped: another run for the same release is in progress"


def test_beat_runs_the_checks_daily():
    entry = app.conf.beat_schedule["dependency-checks-daily"]
    assert entry["task"] == "releases.dependency_tasks.dependency_checks_run_task"
    assert entry["kwargs"] == {"trigger": "schedule"}
    assert entry["schedule"].hour == {13}
    assert entry["task"] in app.tasks or dependency_checks_run_task.name == entry["task"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_task_on_a_real_worker(github, golist, dirty_reads_on_sqlite):
    product_set(github, golist, go_releases=["1.24.5"])
    release = ReleaseFactory()
    with celery_worker():
        dependency_checks_run_task.delay(release.pk, "button")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            run = DependencyCheckRun.objects.filter(release=release).first()
            if run is not None and run.outcome != "running":
                break
            time.sleep(0.2)
    close_old_connections()
    run = DependencyCheckRun.objects.get(release=release)
    assert run.outcome == "ok"
    assert run.results.get(check_name="go").release_blocker
