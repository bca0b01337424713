"""Reads for the release pages."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from fleetops.github.boards.models import Board as BoardModel
from fleetops.github.boards.models import BoardItem
from fleetops.github.boards.rules import CLOSED, READY_FOR_RELEASE
from fleetops.github.boards.selectors import NO_STATUS
from fleetops.github.models import Issue
from fleetops.github.stamp import mirror_stamp
from fleetops.github.summaries import mirror_summary, summary_key
from fleetops.org.models import ProductGroup, Sprint
from fleetops.org.selectors import organization_boards
from releases.board import rules
from releases.board.counts import group_counts
from releases.board.models import (
    Activity,
    MergeException,
    Release,
    ReleaseCandidate,
    Signoff,
    SignoffEvent,
)
from releases.dependencies import selectors as dependency_selectors
from releases.dependencies.selectors import DependencyGate
from releases.permissions import can_note, can_sign, exception_roles

HISTORY_PER_CARD = 20  # the newest entries each card's timeline shows
ACTIVITY_SHOWN = 20


def release_calendar(*, today: dt.date, count: int = 6) -> QuerySet[Sprint]:
    """The current and coming sprints, each with its release-candidate cut.

    Handbook, "Create a release candidate": a release candidate for the next minor
    release is created on the last Friday of each sprint at 8:00 AM Pacific.
    """
    return (
        Sprint.objects.filter(ends_on__gte=today)
        .prefetch_related("releases")
        .order_by("starts_on")[:count]
    )


def release_current() -> Release | None:
    """The release the organisation is working on: in its RC period, else the next planned."""
    in_flight = Release.objects.in_flight().select_related("candidate", "dri")
    return (
        in_flight.exclude(state=Release.State.PLANNED).order_by("target_date", "pk").first()
        or in_flight.order_by("target_date", "pk").first()
    )


@dataclass
class GroupCard:
    signoff: Signoff
    release_blockers: list[tuple[int, str]] = field(default_factory=list)
    unreleased_bugs: int = 0
    p1_bugs: int = 0
    open_prs: int = 0
    stale_reason: str = ""
    can_move: bool = False
    can_note: bool = False
    # The card's timeline, newest first (at most HISTORY_PER_CARD), and how many there are.
    history: list[SignoffEvent] = field(default_factory=list)
    history_total: int = 0
    # The group's board, filtered by the release's milestone: items in "Ready for release",
    # and the others by column (column, items), in the board's column order.
    board: BoardModel | None = None
    board_ready: int = 0
    board_not_ready: list[tuple[str, list[BoardItem]]] = field(default_factory=list)

    @property
    def board_not_ready_count(self) -> int:
        return sum(len(items) for _, items in self.board_not_ready)

    @property
    def group(self) -> ProductGroup:
        return self.signoff.group

    @property
    def stale(self) -> bool:
        return bool(self.stale_reason)


@dataclass
class ExceptionRow:
    """A merge exception as the viewer may act on it: the votes they hold, those still open."""

    exception: MergeException
    roles: list[str] = field(default_factory=list)  # "em", "qa", "dri"

    @property
    def pending(self) -> bool:
        return self.exception.state == MergeException.State.PENDING

    @property
    def can_approve(self) -> bool:
        """Pending, and one of the viewer's votes is not cast yet (the server's rule)."""
        return self.pending and any(
            getattr(self.exception, f"{role}_approved_by_id") is None for role in self.roles
        )

    @property
    def can_reject(self) -> bool:
        return self.pending and bool(self.roles)

    @property
    def roles_label(self) -> str:
        return " and ".join(
            {"em": "EM", "qa": "QA lead", "dri": "release DRI"}[r] for r in self.roles
        )


@dataclass
class Board:
    release: Release
    cards: list[GroupCard]
    gate: DependencyGate
    remaining: list[str]
    etag: str
    activity: list[Activity]
    exceptions: list[ExceptionRow]
    pushed: list[PushedStory] = field(default_factory=list)

    @property
    def go(self) -> bool:
        return not self.remaining

    @property
    def columns(self) -> list[tuple[str, str, list[GroupCard]]]:
        return [
            (state, label, [c for c in self.cards if c.signoff.state == state])
            for state, label in Signoff.State.choices
        ]

    @property
    def candidate(self) -> ReleaseCandidate | None:
        return getattr(self.release, "candidate", None)


def release_get(*, version: str) -> Release:
    """A release by version, with what its board shows beside it (404 when unknown)."""
    return get_object_or_404(
        Release.objects.select_related("dri", "candidate", "milestone", "sprint"), version=version
    )


def _dependency_gate(release: Release) -> DependencyGate:
    # Through the module, so a test that replaces the gate replaces it here too.
    return dependency_selectors.dependency_gate(release=release)


def release_board_etag(*, release: Release, gate: DependencyGate | None = None) -> str:
    """Changes whenever the board would: sign-offs, the mirror, the dependency checks."""
    return _etag(release, gate if gate is not None else _dependency_gate(release))


def _etag(release: Release, gate: DependencyGate) -> str:
    # The mirror's stamp moves with every mirror write (a sync page, a webhook, a board
    # item), not with every sync run: an idle sync leaves viewers' polls at 204. The minute
    # redraws "5 minutes ago" and heals a stamp that failed to move.
    minute = int(time.time() // 60)
    stamp = (
        f"{release.pk}:{release.board_version}:{mirror_stamp()}:{gate.status}:"
        f"{gate.last_run_at}:{minute}"
    )
    return hashlib.sha256(stamp.encode()).hexdigest()[:16]


def _group_cards(
    release: Release, signoffs: list[Signoff], user: AbstractBaseUser | None
) -> list[GroupCard]:
    """One card per sign-off: its group's open blockers, bugs and PRs, and whether it is stale."""
    candidate = getattr(release, "candidate", None)
    counts = group_counts(
        labels=[s.group.github_label for s in signoffs],
        branch=candidate.branch if candidate else "",
    )
    unreleased, p1_bugs, open_prs = counts["unreleased"], counts["p1_bugs"], counts["open_prs"]
    blockers = {
        label: [(number, title) for number, title in rows]
        for label, rows in counts["blockers"].items()
    }
    open_ = user is not None and release.state != Release.State.CONCLUDED  # history is read-only
    cards = []
    for signoff in signoffs:
        label = signoff.group.github_label
        card = GroupCard(
            signoff=signoff,
            release_blockers=blockers.get(label, []),
            unreleased_bugs=unreleased.get(label, 0),
            p1_bugs=p1_bugs.get(label, 0),
            open_prs=open_prs.get(label, 0),
            can_move=open_ and can_sign(user, release, signoff.group),
            can_note=open_ and can_note(user, release, signoff.group),
        )
        card.stale_reason = rules.stale_reason(
            state=signoff.state,
            ready_blockers=signoff.ready_blockers,
            blockers=[n for n, _ in card.release_blockers],
            rc_branch=candidate.branch if candidate else "",
            rc_head_sha=candidate.head_sha if candidate else "",
            ready_rc_sha=signoff.ready_rc_sha,
        )
        cards.append(card)
    return cards


def _boards_by_group(slugs: list[str]) -> dict[str, BoardModel]:
    """The mirrored board of each group in `slugs` (three queries whatever their number)."""
    refs = {
        (ref.organization.lower(), ref.number): ref.group_slug
        for ref in organization_boards()
        if ref.group_slug in slugs
    }
    if not refs:
        return {}
    boards = BoardModel.objects.filter(number__in=[number for _, number in refs])
    return {
        refs[(b.organization.lower(), b.number)]: b
        for b in boards
        if (b.organization.lower(), b.number) in refs
    }


def _board_readiness(release: Release, cards: list[GroupCard]) -> None:
    """Fill each card's board counts (one query for every group's items of the milestone).

    Handbook, "Conclude current milestone": each product group board, filtered by the
    current milestone; what is in "Ready for release" ships, the rest is left open.
    """
    if release.milestone_id is None or not cards:
        return
    boards = _boards_by_group([card.group.slug for card in cards])
    if not boards:
        return
    items: dict[int, list[BoardItem]] = {}
    for item in (
        BoardItem.objects.active()
        .filter(
            board__in=list(boards.values()),
            repository__iexact=settings.GITHUB_REPOSITORY,
            issue__milestone_id=release.milestone_id,
        )
        .select_related("status")
        .order_by("status__position", "number")
    ):
        items.setdefault(item.board_id, []).append(item)
    for card in cards:
        card.board = boards.get(card.group.slug)
        if card.board is None:
            continue
        columns: dict[str, list[BoardItem]] = {}
        for item in items.get(card.board.pk, []):
            column = item.status.column if item.status_id else NO_STATUS
            if column.lower() == READY_FOR_RELEASE.lower():
                card.board_ready += 1
            elif column.lower() != CLOSED.lower():  # closed items are done, not waiting
                columns.setdefault(column, []).append(item)
        card.board_not_ready = list(columns.items())


def _card_histories(release: Release, cards: list[GroupCard]) -> None:
    """Fill each card's timeline: its newest HISTORY_PER_CARD events and how many it has.

    One plain query of at most HISTORY_PER_CARD per card (plus one) events: when the
    release has no more, they are all of them, newest first per card. Only a busier
    release asks again, with a window per card (a second query, still bounded).
    """
    if not cards:
        return
    cap = HISTORY_PER_CARD * len(cards)
    events = SignoffEvent.objects.filter(signoff__release=release).select_related("actor__person")
    newest = list(events.order_by("signoff_id", "-at", "-pk")[: cap + 1])
    by_signoff: dict[int, list[SignoffEvent]] = {}
    if len(newest) <= cap:
        for event in newest:
            by_signoff.setdefault(event.signoff_id, []).append(event)
        totals = {pk: len(found) for pk, found in by_signoff.items()}
    else:
        windowed = events.annotate(
            newest=Window(
                RowNumber(),
                partition_by=[F("signoff_id")],
                order_by=[F("at").desc(), F("pk").desc()],
            ),
            total=Window(Count("pk"), partition_by=[F("signoff_id")]),
        ).filter(newest__lte=HISTORY_PER_CARD)
        totals = {}
        for event in windowed.order_by("signoff_id", "-at", "-pk"):
            by_signoff.setdefault(event.signoff_id, []).append(event)
            totals[event.signoff_id] = event.total
    for card in cards:
        card.history = by_signoff.get(card.signoff.pk, [])[:HISTORY_PER_CARD]
        card.history_total = totals.get(card.signoff.pk, 0)


def _readiness(card: GroupCard) -> rules.GroupReadiness:
    qa_lead = card.group.qa_lead
    return rules.GroupReadiness(
        name=card.group.name,
        state=card.signoff.state,
        state_label=card.signoff.get_state_display(),
        note=card.signoff.note,
        qa_lead=qa_lead.name if qa_lead else None,
        blockers=tuple(number for number, _ in card.release_blockers),
        stale_reason=card.stale_reason,
        board_not_ready=tuple((column, len(items)) for column, items in card.board_not_ready),
    )


def release_board(
    *,
    release: Release,
    user: AbstractBaseUser | None = None,
    gate: DependencyGate | None = None,
    verdict_only: bool = False,
) -> Board:
    """Everything the board shows, in a constant number of queries; go / no-go by the rules.

    `verdict_only`: the cards and go / no-go (what the overview shows), without the cards'
    histories, the activity, the pushed stories, the merge exceptions and the ETag.
    """
    signoffs = list(
        release.signoffs.select_related(
            "group__qa_lead", "group__engineering_manager", "set_by__person"
        )
    )
    cards = _group_cards(release, signoffs, user)
    _board_readiness(release, cards)
    if not verdict_only:
        _card_histories(release, cards)
    gate = gate if gate is not None else _dependency_gate(release)
    remaining = rules.readiness_remaining(
        [_readiness(card) for card in cards],
        dri=release.dri.name if release.dri else None,
        dependency_gate_run=gate.status != "not_run",
        dependency_remaining=gate.remaining,
    )
    if verdict_only:
        return Board(release, cards, gate, remaining, etag="", activity=[], exceptions=[])
    return Board(
        release=release,
        cards=cards,
        gate=gate,
        remaining=remaining,
        etag=_etag(release, gate),
        activity=release_activity(release=release),
        pushed=release_pushed_stories(release=release),
        exceptions=release_exceptions(release=release, user=user),
    )


def release_activity(*, release: Release) -> list[Activity]:
    """The release's newest activity entries (sign-off moves and notes among them)."""
    return list(release.activity.select_related("actor")[:ACTIVITY_SHOWN])


def release_exceptions(
    *, release: Release, user: AbstractBaseUser | None = None
) -> list[ExceptionRow]:
    """The release's merge exceptions, each with the votes `user` holds on it (one query)."""
    decides = user is not None and release.state != Release.State.CONCLUDED
    return [
        ExceptionRow(e, exception_roles(user, e.group, release) if decides else [])
        for e in release.exceptions.select_related(
            "group", "em_approved_by", "qa_approved_by", "dri_approved_by", "rejected_by"
        )
    ]


def exception_groups() -> list[ProductGroup]:
    """The product groups a merge exception may be requested for (the active ones)."""
    return list(ProductGroup.objects.active().order_by("name"))


@dataclass(frozen=True)
class PushedStory:
    number: int
    title: str
    stakeholders: list[str]


def release_pushed_stories(*, release: Release) -> list[PushedStory]:
    """Open stories labelled `~pushed` in this release's milestone, and whom to tell.

    Handbook, "Notify stakeholders when a user story is pushed to the next release": the
    Head of Product Design and the requesters (here: the story's assignees); with a
    `customer-` label, also the VP of Customer Success. Read from the mirror, so stored
    per mirror stamp (ADR 0022): one query of one row between changes.
    """
    if release.milestone_id is None:
        return []
    key = summary_key("board.pushed_stories.v1", settings.GITHUB_REPOSITORY, release.milestone_id)
    rows = mirror_summary(key, lambda: _pushed_story_rows(release.milestone_id))
    return [PushedStory(number, title, stakeholders) for number, title, stakeholders in rows]


def _pushed_story_rows(milestone_id: int) -> list[tuple[int, str, list[str]]]:
    stories = (
        Issue.objects.open()
        .issues()
        .filter(milestone_id=milestone_id, labels__name="~pushed")
        .filter(labels__name="story")
        .prefetch_related("labels")
        .order_by("number")
        .distinct()
    )
    return [
        (
            story.number,
            story.title,
            rules.pushed_story_stakeholders(
                assignees=story.assignees, labels=[label.name for label in story.labels.all()]
            ),
        )
        for story in stories
    ]
