"""Reads of community work: items waiting for a first response, quiet PRs, stale issues.

The SLA rules themselves (business time, the SLAs, when an issue is stale) are in
`oncall/community/rules.py`.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Count,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Window,
)
from django.utils import timezone

from fleetops.github.models import (
    MEMBER_ASSOCIATIONS,
    GitHubWrite,
    Issue,
    IssueComment,
    IssueQuerySet,
)
from fleetops.github.summaries import mirror_summary, summary_key
from fleetops.org.rules import PACIFIC
from oncall.community.rules import (
    FIRST_RESPONSE_SLA,
    FOLLOW_UP_SLA,
    STALE_KEY,
    business_duration_text,
    business_seconds_between,
    clock_stopped_reason,
    sla_overdue,
    stale_cutoff,
    stale_dedupe_prefix,
)
from oncall.schedule.selectors import holiday_names

# -- community items and their SLAs -----------------------------------------------------------

COMMUNITY_LIST_LIMIT = 25  # rows per list on the page (oldest first); totals beside them


@dataclass(frozen=True)
class CommunityItem:
    issue: Issue
    since: dt.datetime  # when the clock started
    business_seconds: int
    sla_seconds: int

    @property
    def overdue(self) -> bool:
        return sla_overdue(self.business_seconds, self.sla_seconds)

    @property
    def age_text(self) -> str:
        return business_duration_text(self.business_seconds)


@dataclass
class CommunityQueue:
    waiting: list[CommunityItem]
    waiting_total: int
    quiet_pull_requests: list[CommunityItem]
    stale: list[StaleIssue]
    clock_stopped: str = ""  # why SLA clocks are not running now ("" when they are)
    quiet_total: int = 0
    stale_total: int = 0
    waiting_overdue: int = 0  # of all waiting items, not only the ones shown

    @property
    def overdue_count(self) -> int:
        return self.waiting_overdue


@dataclass(frozen=True)
class StaleIssue:
    issue: Issue
    asked_at: dt.datetime  # the member's last comment
    asked_by: str
    writes: tuple[GitHubWrite, ...] = ()

    @property
    def dedupe_prefix(self) -> str:
        return stale_dedupe_prefix(self.issue.number, self.asked_at)


def _community_open() -> IssueQuerySet:
    return (
        Issue.objects.open()
        .community()
        .filter(repository__full_name=settings.GITHUB_REPOSITORY)
        .select_related("repository")
    )


def community_waiting(
    *, now: dt.datetime, holidays: dict[dt.date, str], limit: int = COMMUNITY_LIST_LIMIT
) -> tuple[list[CommunityItem], int]:
    """Open community issues and PRs no member has answered yet, oldest first, and how many
    there are in all (one query).

    Handbook, on-call support SLA: a 1-hour response time during business hours.
    """
    waiting = (
        _community_open()
        .filter(first_member_response_at__isnull=True)
        .annotate(total=Window(Count("pk")))
        .order_by("created_at", "number")[:limit]
    )
    issues = list(waiting)
    zone = PACIFIC  # business hours: "9am - 5pm Pacific", whatever the settings say
    items = [
        CommunityItem(
            issue=issue,
            since=issue.created_at,
            business_seconds=business_seconds_between(
                issue.created_at, now, holidays=holidays, zone=zone
            ),
            sla_seconds=FIRST_RESPONSE_SLA,
        )
        for issue in issues
    ]
    return items, issues[0].total if issues else 0


def community_pull_requests_quiet(
    *, now: dt.datetime, holidays: dict[dt.date, str]
) -> list[CommunityItem]:
    """Open community PRs with no member follow-up for more than one business day (one query).

    Handbook, "Review a community pull request": the goal is to not go more than one
    business day without following up with the contributor. The clock runs from the last
    comment by a member (or the opening); drafts are parked on purpose and left out. The
    mirror holds conversation comments, not review comments, so a review alone does not
    count as a follow-up.
    """
    pulls = _quiet_candidates().order_by("created_at", "number")
    zone = PACIFIC  # business hours: "9am - 5pm Pacific", whatever the settings say
    items = []
    for pull in pulls:
        since = pull.last_member_at or pull.created_at
        seconds = business_seconds_between(since, now, holidays=holidays, zone=zone)
        if seconds > FOLLOW_UP_SLA:
            items.append(CommunityItem(pull, since, seconds, FOLLOW_UP_SLA))
    return sorted(items, key=lambda item: item.since)


def _quiet_candidates() -> IssueQuerySet:
    """Open community PRs (not drafts), each with its last member comment's moment."""
    member = Q(comments__author_association__in=MEMBER_ASSOCIATIONS, comments__author_is_bot=False)
    return (
        _community_open()
        .pull_requests()
        .filter(draft=False)
        .annotate(last_member_at=Max("comments__created_at", filter=member))
    )


def _stale_candidates() -> IssueQuerySet:
    """Open community issues whose last comment by a person is a member's, oldest first,
    with who asked."""
    human = Q(comments__author_is_bot=False)
    member = human & Q(comments__author_association__in=MEMBER_ASSOCIATIONS)
    asker = (
        IssueComment.objects.filter(
            issue_id=OuterRef("pk"), author_association__in=MEMBER_ASSOCIATIONS, author_is_bot=False
        )
        .order_by("-created_at", "-github_id")
        .values("author_login")[:1]
    )
    return (
        _community_open()
        .issues()
        .annotate(
            last_human_at=Max("comments__created_at", filter=human),
            last_member_at=Max("comments__created_at", filter=member),
            asked_by=Subquery(asker),
        )
        .filter(last_member_at__isnull=False, last_member_at=F("last_human_at"))
        .order_by("last_member_at", "number")
    )


def community_issues_stale(*, now: dt.datetime) -> list[StaleIssue]:
    """Open community issues where a member asked for more context a week ago, unanswered.

    Handbook, "Close a stale community issue": leave a comment asking the author for more
    context; after one week with no reply, close the issue with a comment letting them
    know they are welcome to re-open it with any updates. The mirror keeps comments without
    their text, so "a member asked" means: the last comment by a person (bots ignored) is a
    member's (MEMBER or OWNER), it is at least 7 days old, and so the author has not
    commented since. Two queries whatever the data: the issues (with who asked), and what
    fleetops sent since the oldest question (dry-run or not), to show beside them.
    """
    issues = _stale_candidates().filter(last_member_at__lte=stale_cutoff(now))
    return _with_writes(
        [StaleIssue(issue, issue.last_member_at, issue.asked_by or "") for issue in issues]
    )


def community_queue(*, now: dt.datetime | None = None) -> CommunityQueue:
    """The on-call engineer's community work: waiting, quiet PRs, stale issues.

    The same lists as `community_waiting`, `community_pull_requests_quiet` and
    `community_issues_stale` (tested equal), but each list's clocks (the moment each item's
    clock started, oldest first) are computed once per mirror change and stored (ADR 0022);
    a view decodes the clocks, finds how many are past their SLA by bisection (business
    time only grows with age, so the overdue items are a prefix), and reads the 25 shown.
    """
    now = now or timezone.now()
    zone = PACIFIC  # business hours: "9am - 5pm Pacific", whatever the settings say
    holidays = holiday_names(
        first=now.astimezone(zone).date() - dt.timedelta(days=800), last=now.astimezone(zone).date()
    )
    clocks = _stored_clocks()

    def business(moment: dt.datetime) -> int:
        return business_seconds_between(moment, now, holidays=holidays, zone=zone)

    def past(rows: list, sla: int) -> int:
        """How many of `rows` (oldest first) are past `sla` business seconds now."""
        return bisect.bisect_left(rows, True, key=lambda row: not business(_moment(row[0])) > sla)

    waiting_rows = clocks["waiting"][:COMMUNITY_LIST_LIMIT]
    quiet_total = past(clocks["quiet"], FOLLOW_UP_SLA)
    quiet_rows = clocks["quiet"][: min(quiet_total, COMMUNITY_LIST_LIMIT)]
    cutoff = _micros(stale_cutoff(now))
    stale_total = bisect.bisect_right(clocks["stale"], cutoff, key=lambda row: row[0])
    stale_rows = clocks["stale"][: min(stale_total, COMMUNITY_LIST_LIMIT)]
    shown = Issue.objects.select_related("repository").in_bulk(
        [row[1] for row in (*waiting_rows, *quiet_rows, *stale_rows)]
    )

    def items(rows: list, sla: int) -> list[CommunityItem]:
        return [
            CommunityItem(shown[pk], _moment(at), business(_moment(at)), sla)
            for at, pk in rows
            if pk in shown
        ]

    stale = [
        StaleIssue(issue=shown[pk], asked_at=_moment(at), asked_by=asked_by)
        for at, pk, asked_by in stale_rows
        if pk in shown
    ]
    return CommunityQueue(
        waiting=items(waiting_rows, FIRST_RESPONSE_SLA),
        waiting_total=len(clocks["waiting"]),
        waiting_overdue=past(clocks["waiting"], FIRST_RESPONSE_SLA),
        quiet_pull_requests=items(quiet_rows, FOLLOW_UP_SLA),
        stale=_with_writes(stale),
        clock_stopped=clock_stopped_reason(now.astimezone(zone), holidays=holidays),
        quiet_total=quiet_total,
        stale_total=stale_total,
    )


def _stored_clocks() -> dict[str, list]:
    return mirror_summary(
        summary_key("community.clocks.v1", settings.GITHUB_REPOSITORY), _community_clocks
    )


def community_clocks_refresh(sender: object, **kwargs: object) -> str:
    """After a mirror change (a worker, `fleetops.github.summaries`): store the clocks."""
    clocks = _stored_clocks()
    return f"community: {sum(len(rows) for rows in clocks.values())} clocks"


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _micros(moment: dt.datetime) -> int:
    """A moment as whole microseconds since the epoch: exact, ordered, and JSON can hold it."""
    return (moment - _EPOCH) // dt.timedelta(microseconds=1)


def _moment(micros: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=micros)


def _community_clocks() -> dict[str, list]:
    """Each community list's items as [clock start, issue id(, who asked)], oldest first."""
    waiting = (
        _community_open()
        .filter(first_member_response_at__isnull=True)
        .order_by("created_at", "number")
        .values_list("created_at", "pk")
    )
    quiet = sorted(  # as `community_pull_requests_quiet` orders them
        (_micros(pull.last_member_at or pull.created_at), pull.created_at, pull.number, pull.pk)
        for pull in _quiet_candidates().select_related(None).only("pk", "number", "created_at")
    )
    stale = _stale_candidates().values_list("last_member_at", "pk", "asked_by")
    return {
        "waiting": [[_micros(at), pk] for at, pk in waiting],
        "quiet": [[at, pk] for at, _, _, pk in quiet],
        "stale": [[_micros(at), pk, asked_by or ""] for at, pk, asked_by in stale],
    }


def _with_writes(stale: list[StaleIssue]) -> list[StaleIssue]:
    """Each stale issue with what fleetops sent about it since the question (one query,
    run even when there are none: a constant count)."""
    oldest = min((entry.asked_at for entry in stale), default=timezone.now())
    prefixes = {entry.dedupe_prefix for entry in stale}
    writes: dict[str, list[GitHubWrite]] = defaultdict(list)
    for write in GitHubWrite.objects.filter(
        dedupe_key__startswith=f"{STALE_KEY}:", created_at__gte=oldest
    ).order_by("created_at", "pk"):
        prefix = write.dedupe_key.rsplit(":", 1)[0]
        if prefix in prefixes:
            writes[prefix].append(write)
    return [
        StaleIssue(entry.issue, entry.asked_at, entry.asked_by, tuple(writes[entry.dedupe_prefix]))
        for entry in stale
    ]


def handoff_summary(*, now: dt.datetime | None = None) -> dict:
    """What a handoff tells the outgoing and incoming engineers: open and overdue items."""
    queue = community_queue(now=now)

    def item(entry: CommunityItem) -> dict:
        issue = entry.issue
        return {
            "number": issue.number,
            "title": issue.title,
            "url": issue.html_url,
            "kind": "pull request" if issue.is_pull_request else "issue",
            "age": entry.age_text,
        }

    return {
        "waiting": queue.waiting_total,
        "overdue": queue.overdue_count,
        "oldest": [item(e) for e in queue.waiting[:5]],
        "quiet_pull_requests": queue.quiet_total,
        "quiet": [item(e) for e in queue.quiet_pull_requests[:5]],
        "stale": queue.stale_total,
    }
