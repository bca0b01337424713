from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from oncall.models import OncallHandoff, Override, Rotation, Swap, TimeOff
from oncall.schedule.selectors import oncall_shift_current

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Rotation.objects.count(),
        Override.objects.count(),
        Swap.objects.count(),
        TimeOff.objects.count(),
        OncallHandoff.objects.count(),
    )


def test_seed_demo_builds_a_rotation_with_changes_and_time_off():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    rotation = Rotation.objects.get(name="Developer on-call")
    assert rotation.members.count() == 8
    assert (rotation.handoff_weekday, rotation.handoff_time.hour) == (0, 9)
    assert Override.objects.filter(swap__isnull=True).count() == 1
    assert Swap.objects.count() == 1
    assert TimeOff.objects.count() >= 3
    assert OncallHandoff.objects.count() == 1
    assert oncall_shift_current().person is not None
    assert "on-call: rotation “Developer on-call” with 8 engineers" in out.getvalue()
    # An EM made the override, people were left free to set their own calendars.
    assert Override.objects.filter(swap__isnull=True).get().created_by.username in {
        "mokafor",
        "hlee",
        "vlindqvist",
        "rstein",
    }


def test_seed_demo_twice_duplicates_nothing():
    call_command("seed_demo", stdout=io.StringIO())
    first = _counts()
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert _counts() == first
