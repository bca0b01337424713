from __future__ import annotations

import pytest
from django.utils import timezone

from oncall.models import OncallHandoff
from oncall.schedule.tasks import oncall_handoff_check_task, time_off_import_task

pytestmark = pytest.mark.django_db


def test_oncall_handoff_check_task_records_once(team, monkeypatch):
    from tests.oncall.conftest import la

    monkeypatch.setattr(timezone, "now", lambda: la(2026, 1, 12, 10))
    assert oncall_handoff_check_task() == "Developer on-call: Bob Brown on call, Slack off"
    assert oncall_handoff_check_task() == "no new handoff"
    assert OncallHandoff.objects.count() == 1


def test_time_off_import_task_says_what_happened(team):
    assert time_off_import_task(team.alice.pk) == "No calendar URL is set."
