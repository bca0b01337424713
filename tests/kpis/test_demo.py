"""The demo records KPI history, so the charts have something to draw."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from kpis.models import KpiSnapshot, KpiSnapshotRevision


@pytest.mark.django_db
def test_kpi_demo_records_at_least_26_weeks_once():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    weeks = list(KpiSnapshot.objects.chronological().values_list("week", flat=True))
    assert len(weeks) >= 26
    assert "KPIs: 30 weeks to" in out.getvalue()
    latest = KpiSnapshot.objects.latest_first().first()
    assert latest.metrics["open_bugs"] > 0
    assert latest.metrics["bugs_opened"] > 0
    assert set(latest.groups) >= {"#g-mdm", "#g-software", "#g-orchestration"}
    assert latest.sync_run is not None

    call_command("seed_demo", "--force", stdout=io.StringIO())

    assert list(KpiSnapshot.objects.chronological().values_list("week", flat=True)) == weeks
    assert not KpiSnapshotRevision.objects.exists()
