"""The overview's "my work": sections from every app in one order, at a bounded cost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fleetops.core.mywork import LATER, NOW, PINNED, SOON, WorkSection, work_sections
from releases.board.services import release_signoffs_ensure
from releases.models import Signoff
from tests.factories import PersonFactory, ProductGroupFactory, SprintFactory, UserFactory
from tests.oncall.factories import rotation_with
from tests.releases.factories import ReleaseFactory, mirror_issue


def _section(key: str, urgency: int) -> WorkSection:
    return WorkSection(key, "unused.html", urgency)


def test_work_sections_most_urgent_first_ties_in_the_order_given():
    releases = [_section("release", PINNED), _section("qa-mdm", SOON), _section("dri", NOW)]
    oncall = [_section("shift", NOW), _section("capacity", LATER)]
    keys = [s.key for s in work_sections(releases, oncall, None)]
    assert keys == ["release", "dri", "shift", "qa-mdm", "capacity"]


# -- the page -----------------------------------------------------------------------------------


def _world(size: int, people: dict):
    """`size` groups with sign-offs, blockers and members, and a rotation of `size` people."""
    today = timezone.localdate()
    start = len(people.setdefault("groups", []))
    for n in range(start, start + size):
        group = ProductGroupFactory(
            name=f"Group {n}", slug=f"g{n}", github_label=f"#g-{n}", sprint_capacity=50
        )
        group.members.add(*(PersonFactory() for _ in range(3)))
        people["groups"].append(group)
        mirror_issue(1000 + n, f"#g-{n}", "~release blocker")
    if start == 0:
        SprintFactory(
            number=40, starts_on=today - dt.timedelta(days=5), ends_on=today + dt.timedelta(days=15)
        )
        lead = people["lead"]
        first = people["groups"][0]
        first.engineering_manager = lead
        first.qa_lead = lead
        first.save()
        people["groups"][1].qa_lead = people["qa"]
        people["groups"][1].save()
        people["release"] = ReleaseFactory(version="4.90.0", dri=lead)
        ReleaseFactory(version="4.91.0", state="planned", dri=lead)
    release_signoffs_ensure(release=people["release"])
    Signoff.objects.filter(group__in=people["groups"][1:]).update(state="blocked", note="Broken")
    members = [people["engineer"], *(PersonFactory() for _ in range(size))]
    rotation_with(*members, starts_on=today - dt.timedelta(days=30 * size))


def _queries(client: Client) -> int:
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_overview_query_count_is_bounded_and_does_not_grow_for_any_role():
    people = {
        "lead": PersonFactory(user__username="lead"),  # EM, QA lead and DRI
        "qa": PersonFactory(user__username="qa"),
        "engineer": PersonFactory(user__username="engineer"),
    }
    users = [people["lead"].user, people["qa"].user, people["engineer"].user]
    users.append(UserFactory(username="staff", is_staff=True))
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    _world(3, people)
    small = [_queries(c) for c in clients]
    _world(9, people)
    large = [_queries(c) for c in clients]
    assert small == large
    assert max(large) <= 40, large  # 33 for an EM who is QA lead and DRI too
