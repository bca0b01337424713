"""The beat's rituals tasks: thin wrappers, safe to run twice, retried when GitHub fails."""

from __future__ import annotations

import datetime as dt

import pytest
from celery.exceptions import Retry

from fleetops.celery import app
from rituals import tasks
from rituals.models import RitualFile, RitualIssue

pytestmark = pytest.mark.django_db

D = "2026-11-18"


def test_tasks_are_on_the_beat_schedule(settings):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "rituals.tasks.ritual_files_fetch_task" in scheduled
    assert "rituals.tasks.ritual_issues_file_task" in scheduled
    assert "rituals.tasks.ritual_issues_file_task" in app.tasks


def test_fetch_task_reads_the_files(github):
    summary = tasks.ritual_files_fetch_task()
    assert "engineering.rituals.yml: read" in summary
    assert RitualFile.objects.get().content is not None


def test_file_task_twice_files_once(github, settings):
    settings.FLEETOPS_GITHUB_WRITE = True
    first = tasks.ritual_issues_file_task(day=D)
    second = tasks.ritual_issues_file_task(day=D)
    assert "Release ritual (due 2026-11-18): filed #" in first
    assert "already filed" in second
    assert len([w for w in github.writes if w.method == "POST"]) == 1


def test_file_task_retries_a_failed_write_for_the_same_day(github, settings, monkeypatch):
    settings.FLEETOPS_GITHUB_WRITE = True
    tasks.ritual_files_fetch_task()
    github.fail_next(1, status=502, path_contains="/issues")
    retried: dict = {}

    def retry(**kwargs):
        retried.update(kwargs)
        return Retry()

    monkeypatch.setattr(tasks.ritual_issues_file_task, "retry", retry)
    with pytest.raises(Retry):
        tasks.ritual_issues_file_task(day=D)
    assert retried["kwargs"] == {"day": D}
    assert not RitualIssue.objects.exists()
    assert "filed #" in tasks.ritual_issues_file_task(**retried["kwargs"])
    assert RitualIssue.objects.get().due_on == dt.date(2026, 11, 18)


def test_file_task_dry_run_is_not_filed(github):
    summary = tasks.ritual_issues_file_task(day=D)
    assert "dry run" in summary
    assert not RitualIssue.objects.exists()
