"""Reads of community work: items waiting for a first response, quiet PRs, stale issues.

The SLA rules themselves (business time, the SLAs, when an issue is stale) are in
`oncall/community/rules.py`.
"""

from __future__ import annotations

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

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self.waiting if item.overdue)


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
    pulls = (
        _community_open()
        .pull_requests()
        .filter(draft=False)
        .annotate(
            last_member_at=Max(
                "comments__created_at",
                filter=Q(
                    comments__author_association__in=MEMBER_ASSOCIATIONS,
                    comments__author_is_bot=False,
                ),
            )
        )
        .order_by("created_at", "number")
    )
    zone = PACIFIC  # business hours: "9am - 5pm Pacific", whatever the settings say
    items = []
    for pull in pulls:
        since = pull.last_member_at or pull.created_at
        seconds = business_seconds_between(since, now, holidays=holidays, zone=zone)
        if seconds > FOLLOW_UP_SLA:
            items.append(CommunityItem(pull, since, seconds, FOLLOW_UP_SLA))
    return sorted(items, key=lambda item: item.since)


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
    human = Q(comments__author_is_bot=False)
    member = human & Q(comments__author_association__in=MEMBER_ASSOCIATIONS)
    asker = (
        IssueComment.objects.filter(
            issue_id=OuterRef("pk"), author_association__in=MEMBER_ASSOCIATIONS, author_is_bot=False
        )
        .order_by("-created_at", "-github_id")
        .values("author_login")[:1]
    )
    issues = list(
        _community_open()
        .issues()
        .annotate(
            last_human_at=Max("comments__created_at", filter=human),
            last_member_at=Max("comments__created_at", filter=member),
            asked_by=Subquery(asker),
        )
        .filter(last_member_at__isnull=False, last_member_at=F("last_human_at"))
        .filter(last_member_at__lte=stale_cutoff(now))
        .order_by("last_member_at", "number")
    )
    oldest = min((i.last_member_at for i in issues), default=now)
    writes: dict[str, list[GitHubWrite]] = defaultdict(list)
    for write in GitHubWrite.objects.filter(
        dedupe_key__startswith=f"{STALE_KEY}:", created_at__gte=oldest
    ).order_by("created_at", "pk"):
        writes[write.dedupe_key.rsplit(":", 1)[0]].append(write)
    return [
        StaleIssue(
            issue=issue,
            asked_at=issue.last_member_at,
            asked_by=issue.asked_by or "",
            writes=tuple(writes.get(stale_dedupe_prefix(issue.number, issue.last_member_at), ())),
        )
        for issue in issues
    ]


def community_queue(*, now: dt.datetime | None = None) -> CommunityQueue:
    """The on-call engineer's community work: waiting, quiet PRs, stale issues."""
    now = now or timezone.now()
    zone = PACIFIC  # business hours: "9am - 5pm Pacific", whatever the settings say
    holidays = holiday_names(
        first=now.astimezone(zone).date() - dt.timedelta(days=800), last=now.astimezone(zone).date()
    )
    waiting, total = community_waiting(now=now, holidays=holidays)
    stopped = clock_stopped_reason(now.astimezone(zone), holidays=holidays)
    quiet = community_pull_requests_quiet(now=now, holidays=holidays)
    stale = community_issues_stale(now=now)
    return CommunityQueue(
        waiting=waiting,
        waiting_total=total,
        quiet_pull_requests=quiet[:COMMUNITY_LIST_LIMIT],
        stale=stale[:COMMUNITY_LIST_LIMIT],
        clock_stopped=stopped,
        quiet_total=len(quiet),
        stale_total=len(stale),
    )


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
