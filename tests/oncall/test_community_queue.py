"""The on-call page's community queue, read from stored clocks, equals the lists computed
fresh from the mirror (ADR 0022): same items, same order, same totals, at any moment."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fleetops.github.models import Issue
from oncall.community.rules import FIRST_RESPONSE_SLA, business_seconds_between
from oncall.community.selectors import (
    COMMUNITY_LIST_LIMIT,
    community_issues_stale,
    community_pull_requests_quiet,
    community_queue,
    community_waiting,
)
from tests.oncall.conftest import la
from tests.oncall.factories import mirror_comment, mirror_issue

pytestmark = pytest.mark.django_db
START = la(2026, 10, 1, 0, 0)
HOURS = 24 * 10  # ten days of hours in which things happen: SLAs run out within them

comment = st.tuples(
    st.integers(0, HOURS),  # hours after START
    st.sampled_from(["MEMBER", "OWNER", "NONE", "CONTRIBUTOR"]),
    st.booleans(),  # a bot
)
item = st.fixed_dictionaries(
    {
        "created": st.integers(0, HOURS),
        "pull": st.booleans(),
        "draft": st.booleans(),
        "state": st.sampled_from(["open", "open", "open", "closed"]),
        "author": st.sampled_from(["NONE", "NONE", "CONTRIBUTOR", "MEMBER"]),
        "responded": st.booleans(),
        "comments": st.lists(comment, max_size=3),
    }
)


def _hours(n: int) -> dt.datetime:
    return START + dt.timedelta(hours=n)  # whole hours: moments fall on the SLA boundaries


def _build(items: list[dict]) -> None:
    Issue.objects.all().delete()
    for spec in items:
        issue = mirror_issue(
            created_at=_hours(spec["created"]),
            is_pull_request=spec["pull"],
            draft=spec["pull"] and spec["draft"],
            state=spec["state"],
            author_association=spec["author"],
            first_member_response_at=_hours(spec["created"] + 1) if spec["responded"] else None,
        )
        for at, association, bot in spec["comments"]:
            login = "ci[bot]" if bot else f"u{at}"
            mirror_comment(issue, at=_hours(at), login=login, association=association, bot=bot)


def _view(entries) -> list[tuple]:
    return [(e.issue.pk, e.since, e.business_seconds) for e in entries]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(items=st.lists(item, max_size=40), now_hours=st.integers(0, HOURS + 48))
def test_the_stored_queue_equals_the_fresh_lists(items, now_hours):
    _build(items)
    now = _hours(now_hours)
    queue = community_queue(now=now)
    waiting, total = community_waiting(now=now, holidays={})
    quiet = community_pull_requests_quiet(now=now, holidays={})
    stale = community_issues_stale(now=now)
    assert _view(queue.waiting) == _view(waiting)
    assert queue.waiting_total == total
    assert _view(queue.quiet_pull_requests) == _view(quiet[:COMMUNITY_LIST_LIMIT])
    assert queue.quiet_total == len(quiet)
    assert [(s.issue.pk, s.asked_at, s.asked_by) for s in queue.stale] == [
        (s.issue.pk, s.asked_at, s.asked_by) for s in stale[:COMMUNITY_LIST_LIMIT]
    ]
    assert queue.stale_total == len(stale)
    every_waiting, _ = community_waiting(now=now, holidays={}, limit=10_000)
    assert queue.overdue_count == sum(1 for entry in every_waiting if entry.overdue)


def test_the_overdue_count_covers_every_waiting_item_not_only_the_shown(db):
    """Thirty items waiting two days: all thirty are overdue, though 25 are listed."""
    for n in range(30):
        mirror_issue(created_at=la(2026, 11, 16, 9, n))
    now = la(2026, 11, 18, 12)
    queue = community_queue(now=now)
    assert len(queue.waiting) == COMMUNITY_LIST_LIMIT
    assert queue.overdue_count == 30
    since = queue.waiting[0].since
    assert business_seconds_between(since, now, holidays={}) > FIRST_RESPONSE_SLA


def test_the_boundaries_are_the_rules(db):
    """A question asked exactly a week ago is stale, a microsecond less is not; a PR quiet
    exactly one business day is not overdue, a second more is (as the fresh lists say)."""
    asked = la(2026, 11, 10, 11)
    issue = mirror_issue(created_at=la(2026, 11, 1))
    mirror_comment(issue, at=asked, login="alice")
    pull = mirror_issue(is_pull_request=True, created_at=la(2026, 11, 16, 10))
    week = dt.timedelta(days=7)
    for now, stale in [(asked + week, 1), (asked + week - dt.timedelta(microseconds=1), 0)]:
        assert community_queue(now=now).stale_total == stale == len(community_issues_stale(now=now))
    day = la(2026, 11, 17, 10)  # Monday 10:00 to Tuesday 10:00: 8 business hours
    for now, quiet in [(day, 0), (day + dt.timedelta(seconds=1), 1)]:
        fresh = community_pull_requests_quiet(now=now, holidays={})
        assert community_queue(now=now).quiet_total == quiet == len(fresh)
    assert [
        i.issue.pk for i in community_queue(now=day + dt.timedelta(hours=1)).quiet_pull_requests
    ] == [pull.pk]
