"""`manage.py record_kpis`: weeks, backfill, force, and JSON with nothing else on stdout."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from kpis.models import KpiSnapshot, KpiSnapshotRevision
from kpis.rules import GROUP_KEYS, METRIC_KEYS

UTC = dt.UTC
S = dt.datetime(2026, 11, 9, 8, tzinfo=UTC)
T = dt.datetime(2026, 11, 16, 8, tzinfo=UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture
def now(monkeypatch):
    moment = T + 2 * DAY  # Wednesday of 2026-W47
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    return moment


def test_record_kpis_week_json_prints_only_json(mirror, now, capsys):
    mirror.bug(created=S + DAY, labels=["#g-mdm", "customer-acme"])

    call_command("record_kpis", "--week", "2026-W46", "--json")

    data = json.loads(capsys.readouterr().out)
    assert len(data) == 1
    entry = data[0]
    assert entry["week"] == "2026-W46"
    assert set(METRIC_KEYS) <= set(entry["metrics"])
    assert entry["metrics"]["bugs_opened"] == 1
    assert entry["metrics"]["customer_bugs_opened"] == 1
    assert entry["over_bug_goal"] is False
    assert entry["groups"] == {
        "#g-mdm": {
            "bugs_opened": 1,
            "bugs_opened_customer": 1,
            "bugs_opened_released": 0,
            "bugs_opened_unreleased": 0,
        }
    }
    assert list(entry["groups"]["#g-mdm"]) == list(GROUP_KEYS)


def test_record_kpis_defaults_to_the_last_complete_week(mirror, now, capsys):
    call_command("record_kpis")

    out = capsys.readouterr().out
    assert "2026-W46  recorded" in out
    assert "1 recorded, 0 recomputed, 0 already recorded" in out
    assert list(KpiSnapshot.objects.values_list("week", flat=True)) == ["2026-W46"]


def test_record_kpis_backfill_json_one_entry_per_week(mirror, now, capsys):
    call_command("record_kpis", "--backfill", "4", "--json")

    weeks = [entry["week"] for entry in json.loads(capsys.readouterr().out)]
    assert weeks == ["2026-W43", "2026-W44", "2026-W45", "2026-W46"]
    assert KpiSnapshot.objects.count() == 4


def test_record_kpis_again_is_idempotent_until_forced(mirror, now, capsys):
    call_command("record_kpis", "--week", "2026-W46")
    mirror.bug(created=S + DAY)
    call_command("record_kpis", "--week", "2026-W46")
    assert "0 recorded, 0 recomputed, 1 already recorded" in capsys.readouterr().out
    assert KpiSnapshot.objects.get().metrics["bugs_opened"] == 0

    call_command("record_kpis", "--week", "2026-W46", "--force")

    assert "0 recorded, 1 recomputed" in capsys.readouterr().out
    assert KpiSnapshot.objects.get().metrics["bugs_opened"] == 1
    assert KpiSnapshotRevision.objects.get().metrics["bugs_opened"] == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--week", "2026-46"], "is not an ISO week: write it like 2026-W46"),
        (["--week", "2025-W53"], "2025 has no week 53"),
        (["--week", "2026-W47"], "2026-W47 is not over yet"),
        (["--backfill", "0"], "at least 1"),
    ],
)
def test_record_kpis_bad_input_says_what_is_wrong(mirror, now, argv, message):
    with pytest.raises(CommandError, match=message):
        call_command("record_kpis", *argv)
    assert not KpiSnapshot.objects.exists()


def test_record_kpis_week_and_backfill_together_are_refused(mirror, now):
    with pytest.raises(CommandError, match="not allowed with argument"):
        call_command("record_kpis", "--week", "2026-W46", "--backfill", "2")
