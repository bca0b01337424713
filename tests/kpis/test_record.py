"""Recording weeks: once, idempotent, recomputed only on purpose with history kept."""

from __future__ import annotations

import datetime as dt

import pytest

from kpis.models import KpiSnapshot, KpiSnapshotRevision
from kpis.selectors import kpi_bug_goal_exceeded
from kpis.services import (
    WeekNotOver,
    kpi_week_due,
    kpi_week_record,
    kpi_week_record_due,
    kpi_weeks_backfill,
)
from kpis.tasks import kpi_week_record_due_task
from kpis.weeks import IsoWeek

UTC = dt.UTC
S = dt.datetime(2026, 11, 9, 8, tzinfo=UTC)  # 2026-W46 starts (Mon 00:00 PST)
T = dt.datetime(2026, 11, 16, 8, tzinfo=UTC)  # and ends
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
AFTER = T + 3 * DAY


def test_kpi_week_record_stores_the_week(mirror):
    mirror.bug(created=S + DAY)
    sync = mirror.sync(started=T + HOUR)

    result = kpi_week_record(week="2026-W46", now=AFTER)

    snapshot = KpiSnapshot.objects.get()
    assert result.outcome == "recorded"
    assert snapshot.week == "2026-W46"
    assert (snapshot.starts_at, snapshot.ends_at) == (S, T)
    assert snapshot.time_zone == "America/Los_Angeles"
    assert snapshot.metrics["bugs_opened"] == 1
    assert snapshot.sync_run == sync
    assert snapshot.computed_at is not None


def test_kpi_week_record_twice_changes_nothing(mirror):
    mirror.bug(created=S + DAY)
    first = kpi_week_record(week="2026-W46", now=AFTER).snapshot
    mirror.bug(created=S + 2 * DAY)  # the mirror moves on (a late sync)

    again = kpi_week_record(week="2026-W46", now=AFTER)

    assert again.outcome == "unchanged"
    assert KpiSnapshot.objects.count() == 1
    assert KpiSnapshot.objects.get().metrics == first.metrics
    assert first.metrics["bugs_opened"] == 1
    assert not KpiSnapshotRevision.objects.exists()


def test_kpi_week_record_force_recomputes_and_keeps_history(mirror):
    mirror.bug(created=S + DAY)
    first = kpi_week_record(week="2026-W46", now=AFTER).snapshot
    mirror.bug(created=S + 2 * DAY)

    result = kpi_week_record(week="2026-W46", force=True, now=AFTER)

    assert result.outcome == "recomputed"
    snapshot = KpiSnapshot.objects.get()
    assert snapshot.metrics["bugs_opened"] == 2
    revision = KpiSnapshotRevision.objects.get()
    assert revision.snapshot == snapshot
    assert revision.metrics["bugs_opened"] == 1
    assert revision.computed_at == first.computed_at


def test_kpi_week_record_refuses_a_week_not_over(mirror):
    with pytest.raises(WeekNotOver, match="2026-W46 is not over yet"):
        kpi_week_record(week="2026-W46", now=T - dt.timedelta(seconds=1))
    assert not KpiSnapshot.objects.exists()


def test_kpi_weeks_backfill_records_complete_weeks_oldest_first(mirror):
    results = kpi_weeks_backfill(weeks=3, now=T + HOUR)  # Monday 01:00: W46 is complete

    assert [r.snapshot.week for r in results] == ["2026-W44", "2026-W45", "2026-W46"]
    assert KpiSnapshot.objects.count() == 3
    assert [r.outcome for r in kpi_weeks_backfill(weeks=4, now=T + HOUR)] == [
        "recorded",
        "unchanged",
        "unchanged",
        "unchanged",
    ]


def test_kpi_week_due_waits_for_monday_six_in_the_process_zone(pacific):
    # Monday 2026-11-16 05:59 PST is 13:59 UTC; 06:00 PST is 14:00 UTC.
    assert kpi_week_due(now=dt.datetime(2026, 11, 16, 13, 59, tzinfo=UTC)) == IsoWeek(2026, 45)
    assert kpi_week_due(now=dt.datetime(2026, 11, 16, 14, 0, tzinfo=UTC)) == IsoWeek(2026, 46)


def test_kpi_week_due_in_another_zone(settings):
    settings.FLEETOPS_TIME_ZONE = "Europe/Berlin"
    # Monday 06:00 in Berlin (CET) is 05:00 UTC.
    assert kpi_week_due(now=dt.datetime(2026, 11, 16, 4, 59, tzinfo=UTC)) == IsoWeek(2026, 45)
    assert kpi_week_due(now=dt.datetime(2026, 11, 16, 5, 0, tzinfo=UTC)) == IsoWeek(2026, 46)


def test_kpi_week_record_due_waits_for_a_sync_after_the_week(mirror):
    monday_six = dt.datetime(2026, 11, 16, 14, 0, tzinfo=UTC)
    mirror.sync(started=T - HOUR)  # before the week ended: not enough

    assert kpi_week_record_due(now=monday_six) == (
        IsoWeek(2026, 46),
        "waiting for a sync after the week's end",
    )
    mirror.sync(started=T + HOUR)
    assert kpi_week_record_due(now=monday_six) == (IsoWeek(2026, 46), "recorded")
    assert kpi_week_record_due(now=monday_six + HOUR) == (IsoWeek(2026, 46), "unchanged")
    assert list(KpiSnapshot.objects.values_list("week", flat=True)) == ["2026-W46"]


def test_kpi_week_record_due_task_is_safe_to_run_twice(mirror, monkeypatch):
    now = dt.datetime(2026, 11, 16, 15, 0, tzinfo=UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    mirror.sync(started=T + HOUR)

    assert kpi_week_record_due_task() == "KPIs 2026-W46: recorded"
    assert kpi_week_record_due_task() == "KPIs 2026-W46: unchanged"
    assert KpiSnapshot.objects.count() == 1


def test_kpi_bug_goal_exceeded_reads_the_latest_week(mirror):
    assert kpi_bug_goal_exceeded() is None
    mirror.bug(created=S - 40 * DAY)  # open, 47 days old at the end of W46
    kpi_week_record(week="2026-W46", now=AFTER)
    assert kpi_bug_goal_exceeded() is True
    kpi_week_record(week="2026-W40", now=AFTER)  # recorded later, within goal, but older
    assert KpiSnapshot.objects.get(week="2026-W40").over_bug_goal is False
    assert kpi_bug_goal_exceeded() is True


def test_kpi_bug_goal_exceeded_false_within_goal(mirror):
    mirror.bug(created=T - 10 * DAY)
    kpi_week_record(week="2026-W46", now=AFTER)
    assert kpi_bug_goal_exceeded() is False


def test_kpi_beat_entry_names_the_registered_task(settings):
    from fleetops.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["kpis-record-week"]
    assert entry["task"] in app.tasks  # registered by importing kpis.tasks (as autodiscovery does)
    assert entry["task"] == kpi_week_record_due_task.name
