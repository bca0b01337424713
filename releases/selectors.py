"""Reads for the release pages."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet

from fleetops.github.models import Issue, Label
from fleetops.org.models import ProductGroup, Sprint
from releases.models import Activity, MergeException, Release, ReleaseCandidate, Signoff


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


class _GroupIssues:
    """Open issues and PRs of product groups, by group label, as semi-joins on label ids.

    Each count is one query that joins the group labels' rows with the (few) issues carrying
    a second label: fast on a 40,000-issue mirror, where a per-row EXISTS was not.
    """

    NAMES = ("~release blocker", "~unreleased bug", ":release", "P1", "bug")

    def __init__(self, labels: list[str]) -> None:
        names = [*labels, *self.NAMES]
        ids = dict(
            Label.objects.filter(
                repository__full_name=settings.GITHUB_REPOSITORY, name__in=names
            ).values_list("name", "pk")
        )
        self.label_names = {ids[name]: name for name in labels if name in ids}
        self.ids = ids

    def _with(self, name: str) -> QuerySet:
        return Issue.labels.through.objects.filter(label_id=self.ids.get(name)).values("issue_id")

    def rows(self, *, pull_requests: bool = False) -> QuerySet:
        return Issue.labels.through.objects.filter(
            label_id__in=list(self.label_names),
            issue__state=Issue.State.OPEN,
            issue__gone_at__isnull=True,
            issue__is_pull_request=pull_requests,
        )

    def blockers(self) -> QuerySet:
        """Issues with `~release blocker`, or `~unreleased bug` with `:release`."""
        return self.rows().filter(
            Q(issue_id__in=self._with("~release blocker"))
            | (
                Q(issue_id__in=self._with("~unreleased bug"))
                & Q(issue_id__in=self._with(":release"))
            )
        )

    def count_by_group(self, rows: QuerySet) -> dict[str, int]:
        return {
            self.label_names[label_id]: n
            for label_id, n in rows.values("label_id")
            .annotate(n=Count("issue_id"))
            .values_list("label_id", "n")
        }

    def unreleased(self) -> dict[str, int]:
        return self.count_by_group(self.rows().filter(issue_id__in=self._with("~unreleased bug")))

    def p1_bugs(self) -> dict[str, int]:
        return self.count_by_group(
            self.rows().filter(issue_id__in=self._with("bug")).filter(issue_id__in=self._with("P1"))
        )

    def prs_against(self, branch: str) -> dict[str, int]:
        return self.count_by_group(self.rows(pull_requests=True).filter(issue__base_ref=branch))


def group_release_blockers(*, group: ProductGroup) -> list[Issue]:
    """The group's open release blockers.

    Issues with the group's label and `~release blocker`, or `~unreleased bug` with
    `:release` (handbook: unreleased bugs found in an active sprint block its release).
    """
    ids = _GroupIssues([group.github_label]).blockers().values("issue_id")
    return list(Issue.objects.filter(pk__in=ids).only("number", "title").order_by("number"))


@dataclass
class GroupCard:
    signoff: Signoff
    release_blockers: list[tuple[int, str]] = field(default_factory=list)
    unreleased_bugs: int = 0
    p1_bugs: int = 0
    open_prs: int = 0
    stale_reason: str = ""
    can_move: bool = False

    @property
    def group(self) -> ProductGroup:
        return self.signoff.group

    @property
    def stale(self) -> bool:
        return bool(self.stale_reason)


@dataclass
class Board:
    release: Release
    cards: list[GroupCard]
    gate: object  # releases.dependency_selectors.DependencyGate
    remaining: list[str]
    etag: str
    activity: list[Activity]
    exceptions: list[MergeException]
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
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Release.objects.select_related("dri", "candidate", "milestone", "sprint"), version=version
    )


def _dependency_gate(release: Release):
    from releases.dependency_selectors import dependency_gate

    return dependency_gate(release=release)


def release_board_etag(*, release: Release, gate=None) -> str:
    """Changes whenever the board would: sign-offs, the mirror, the dependency checks."""
    return _etag(release, gate if gate is not None else _dependency_gate(release))


def _etag(release: Release, gate) -> str:
    from fleetops.github.models import SyncRun

    sync = (
        SyncRun.objects.filter(outcome=SyncRun.Outcome.OK)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    stamp = f"{release.pk}:{release.board_version}:{sync}:{gate.status}:{gate.last_run_at}"
    return hashlib.sha256(stamp.encode()).hexdigest()[:16]


def release_board(*, release: Release, user: AbstractBaseUser | None = None, gate=None) -> Board:
    """Everything the board shows, in a constant number of queries."""
    from releases.permissions import can_sign

    signoffs = list(
        release.signoffs.select_related(
            "group__qa_lead", "group__engineering_manager", "set_by__person"
        )
    )
    labels = [s.group.github_label for s in signoffs]
    candidate = getattr(release, "candidate", None)
    branch = candidate.branch if candidate else None
    groups = _GroupIssues(labels)
    unreleased, p1_bugs = groups.unreleased(), groups.p1_bugs()
    open_prs = groups.prs_against(branch) if branch else {}
    blockers: dict[str, list[tuple[int, str]]] = {}
    for label_id, number, title in (
        groups.blockers()
        .values_list("label_id", "issue__number", "issue__title")
        .order_by("issue__number")
    ):
        blockers.setdefault(groups.label_names[label_id], []).append((number, title))
    cards = []
    for signoff in signoffs:
        label = signoff.group.github_label
        card = GroupCard(
            signoff=signoff,
            release_blockers=blockers.get(label, []),
            unreleased_bugs=unreleased.get(label, 0),
            p1_bugs=p1_bugs.get(label, 0),
            open_prs=open_prs.get(label, 0),
            can_move=can_sign(user, release, signoff.group) if user is not None else False,
        )
        if signoff.state == Signoff.State.READY:
            new = sorted({n for n, _ in card.release_blockers} - set(signoff.ready_blockers))
            if new:
                card.stale_reason = (
                    "new release blocker " + ", ".join(f"#{n}" for n in new) + " since ready"
                )
            elif (
                candidate
                and signoff.ready_rc_sha
                and candidate.head_sha
                and candidate.head_sha != signoff.ready_rc_sha
            ):
                card.stale_reason = f"{candidate.branch} has new commits since ready"
        cards.append(card)
    gate = gate if gate is not None else _dependency_gate(release)
    remaining = []
    for card in cards:
        qa = card.group.qa_lead.name if card.group.qa_lead else "no QA lead"
        if card.signoff.state != Signoff.State.READY:
            what = card.signoff.get_state_display()
            if card.signoff.state == Signoff.State.BLOCKED:
                what += f": {card.signoff.note}"
            remaining.append(f"{card.group.name} is {what} (QA lead: {qa})")
        elif card.stale:
            remaining.append(
                f"{card.group.name} must re-confirm: {card.stale_reason} (QA lead: {qa})"
            )
        if card.release_blockers:
            count = len(card.release_blockers)
            numbers = ", ".join(f"#{number}" for number, _ in card.release_blockers)
            remaining.append(
                f"{count} open release blocker{'s' if count > 1 else ''} in {card.group.name}: "
                f"{numbers} (QA lead: {qa})"
            )
    if not signoffs:
        remaining.append("No product group signs off on this release yet")
    dri = release.dri.name if release.dri else "no DRI"
    if gate.status == "not_run":
        remaining.append(f"Dependency checks not run (DRI: {dri})")
    else:
        remaining.extend(gate.remaining)
    return Board(
        release=release,
        cards=cards,
        gate=gate,
        remaining=remaining,
        etag=_etag(release, gate),
        activity=list(release.activity.select_related("actor")[:12]),
        pushed=release_pushed_stories(release=release),
        exceptions=list(
            release.exceptions.select_related(
                "group", "em_approved_by", "qa_approved_by", "dri_approved_by", "rejected_by"
            )
        ),
    )


@dataclass(frozen=True)
class PushedStory:
    number: int
    title: str
    stakeholders: list[str]


def release_pushed_stories(*, release: Release) -> list[PushedStory]:
    """Open stories labelled `~pushed` in this release's milestone, and whom to tell.

    Handbook, "Notify stakeholders when a user story is pushed to the next release": the
    Head of Product Design and the requesters (here: the story's assignees); with a
    `customer-` label, also the VP of Customer Success.
    """
    if release.milestone_id is None:
        return []
    stories = (
        Issue.objects.open()
        .issues()
        .filter(milestone_id=release.milestone_id, labels__name="~pushed")
        .filter(labels__name="story")
        .prefetch_related("labels")
        .order_by("number")
        .distinct()
    )
    pushed = []
    for story in stories:
        people = ["Head of Product Design", *(f"@{login}" for login in story.assignees)]
        if any(label.name.startswith("customer-") for label in story.labels.all()):
            people.append("VP of Customer Success")
        pushed.append(PushedStory(story.number, story.title, people))
    return pushed
