"""The overview's KPI section: staff (the CTO) see last week's headline numbers."""

from __future__ import annotations

import pytest
from django.test import Client

from kpis.mywork import kpi_sections, kpi_work
from tests.factories import PersonFactory, UserFactory
from tests.kpis.conftest import record_snapshot

pytestmark = pytest.mark.django_db


def test_kpi_work_gives_the_last_week_with_its_change():
    record_snapshot("2026-W45", open_bugs=60, open_bugs_avg_days=40.5, prs_merged=12)
    record_snapshot("2026-W46", open_bugs=63, open_bugs_avg_days=38.25, prs_merged=22)
    work = kpi_work()
    assert work.latest.week == "2026-W46"
    stats = {s.kpi.key: s for s in work.stats}
    assert (stats["open_bugs"].latest, stats["open_bugs"].change) == (63, 3)
    assert stats["open_bugs"].trend == "bad"  # more open bugs
    assert stats["open_bugs_avg_days"].change == -2.25
    assert stats["prs_merged"].trend == "good"


def test_kpi_work_without_a_recorded_week():
    assert kpi_work().latest is None
    assert kpi_work().stats == []


def test_only_staff_get_the_kpi_section():
    assert kpi_sections(staff=False) == []
    assert [s.key for s in kpi_sections(staff=True)] == ["kpis"]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_overview_shows_staff_the_week_and_the_bug_goal():
    record_snapshot("2026-W45", open_bugs=60, open_bugs_avg_days=40.0)
    record_snapshot("2026-W46", open_bugs=63, open_bugs_avg_days=95.06)
    html = _client(UserFactory(username="cto", is_staff=True)).get("/").content.decode()
    assert "KPIs of week 2026-W46" in html
    assert "95.06" in html
    assert "over the bug goal" in html
    assert 'id="mywork-kpis"' in html
    engineer = PersonFactory(user__username="engineer").user
    assert 'id="mywork-kpis"' not in _client(engineer).get("/").content.decode()
