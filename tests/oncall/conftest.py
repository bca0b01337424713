from __future__ import annotations

import datetime as dt
import zoneinfo
from types import SimpleNamespace

import pytest

from tests.factories import PersonFactory, ProductGroupFactory, UserFactory
from tests.oncall.factories import rotation_with

LA = zoneinfo.ZoneInfo("America/Los_Angeles")


def la(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LA)


@pytest.fixture
def team(db):
    """Alice, Bob and Carol take weekly shifts from Monday, January 5, 2026, 9:00 Pacific;
    Erin is the EM of their group, Quinn its QA lead; Dana is in no rotation and no group."""
    people = {
        key: PersonFactory(name=name, github_login=key, user__username=key)
        for key, name in [
            ("alice", "Alice Adams"),
            ("bob", "Bob Brown"),
            ("carol", "Carol Chen"),
            ("erin", "Erin Manager"),
            ("quinn", "Quinn Tester"),
            ("dana", "Dana Outsider"),
        ]
    }
    group = ProductGroupFactory(
        name="MDM",
        slug="mdm",
        engineering_manager=people["erin"],
        qa_lead=people["quinn"],
        sprint_capacity=102,
    )
    group.members.add(
        people["alice"], people["bob"], people["carol"], people["erin"], people["quinn"]
    )
    rotation = rotation_with(
        people["alice"],
        people["bob"],
        people["carol"],
        name="Developer on-call",
        starts_on=dt.date(2026, 1, 5),
    )
    return SimpleNamespace(
        **people, group=group, rotation=rotation, staff=UserFactory(username="root", is_staff=True)
    )
