"""What the overview shows a person about releases: the current release and its go / no-go,
the groups they QA-lead, what remains for the releases they drive.

One query for the releases in flight, the current one's board (`release_board`, a constant
number of queries) and one for the groups the person QA-leads: nothing per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from fleetops.core.mywork import LATER, NOW, PINNED, SOON, WorkSection
from fleetops.org.models import Person, ProductGroup
from fleetops.org.roles import groups_qa_led
from releases.board import rules
from releases.board.models import Release
from releases.board.selectors import Board, GroupCard, release_board

# A release due this close (or overdue) and not go needs its DRI today.
DUE_SOON = dt.timedelta(days=2)


@dataclass(frozen=True)
class QaGroup:
    """A group the person QA-leads, and its card on the current release (None: no sign-off)."""

    group: ProductGroup
    card: GroupCard | None

    @property
    def state(self) -> str:
        return self.card.signoff.state if self.card else ""

    @property
    def needs_attention(self) -> bool:
        """Blocked, or a "ready" that no longer holds: the QA lead acts today."""
        return self.card is not None and (self.state == rules.BLOCKED or self.card.stale)

    @property
    def urgency(self) -> int:
        if self.card is None:
            return LATER
        if self.needs_attention:
            return NOW
        if self.state != rules.READY or self.card.release_blockers or self.card.board_not_ready:
            return SOON
        return LATER


@dataclass
class ReleaseWork:
    person: Person | None
    today: dt.date
    in_flight: list[Release]  # most urgent first: the first is the current release
    board: Board | None
    qa_groups: list[QaGroup] = field(default_factory=list)

    @property
    def release(self) -> Release | None:
        return self.in_flight[0] if self.in_flight else None

    @property
    def others(self) -> list[Release]:
        return self.in_flight[1:]

    @property
    def is_dri(self) -> bool:
        release = self.release
        return self.person is not None and release is not None and release.dri_id == self.person.pk

    @property
    def also_driving(self) -> list[Release]:
        """The other releases in flight whose DRI the person is."""
        if self.person is None:
            return []
        return [r for r in self.others if r.dri_id == self.person.pk]

    @property
    def due_in_days(self) -> int | None:
        release = self.release
        if release is None or release.target_date is None:
            return None
        return (release.target_date - self.today).days

    @property
    def overdue_days(self) -> int:
        due = self.due_in_days
        return -due if due is not None and due < 0 else 0

    @property
    def dri_acts_today(self) -> bool:
        return self.is_dri and self.dri_urgency == NOW

    @property
    def dri_urgency(self) -> int:
        """The DRI acts today when the release is go (start it) or due within two days."""
        if self.board is None:
            return LATER
        if self.board.go and self.release.state != Release.State.PLANNED:
            return NOW
        due = self.due_in_days
        if due is not None and due <= DUE_SOON.days:
            return NOW
        return SOON


def release_work(*, person: Person | None, today: dt.date) -> ReleaseWork:
    """The releases in flight (the one in QA first), the current one's board, and the groups
    `person` QA-leads with their card on it."""
    in_flight = list(
        Release.objects.in_flight()
        .most_urgent_first()
        .select_related("dri", "candidate", "milestone", "sprint")
    )
    current = in_flight[0] if in_flight else None
    board = release_board(release=current, verdict_only=True) if current is not None else None
    work = ReleaseWork(person=person, today=today, in_flight=in_flight, board=board)
    cards = {card.group.pk: card for card in board.cards} if board else {}
    work.qa_groups = [QaGroup(group, cards.get(group.pk)) for group in groups_qa_led(person)]
    return work


def release_sections(work: ReleaseWork) -> list[WorkSection]:
    """The overview's release sections for the person: the current release (always), each
    group they QA-lead, and what remains for the release they drive."""
    sections = [WorkSection("release", "releases/mywork/current.html", PINNED, {"work": work})]
    if work.release is not None:
        sections.extend(
            WorkSection(
                f"qa-{qa.group.slug}",
                "releases/mywork/qa_group.html",
                qa.urgency,
                {"work": work, "qa": qa},
            )
            for qa in work.qa_groups
        )
    if work.is_dri or work.also_driving:
        urgency = work.dri_urgency if work.is_dri else LATER
        sections.append(WorkSection("dri", "releases/mywork/dri.html", urgency, {"work": work}))
    return sections
