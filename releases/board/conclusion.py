"""Concluding the milestone, step by step from the boards. Handbook, "Conclude current milestone".

1. each product group board, filtered by the release's milestone;
2. stories in "Ready for release": `:product` added, `:release` removed, nothing else;
3. every other item in "Ready for release" moves to "Closed" (an issue is also closed; a PR
   is only moved);
4. on the drafting board, the stories of step 2 move to "Confirm and celebrate";
5. the milestone is closed; 6. the announcement;
7. the QA repository's `QAWOLF_DEPLOY_TAG` is set to `main`.

Items of the milestone in any other column are left open (and listed); items of other
milestones, without one, of another repository, and archived items are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from fleetops.github import gateway
from fleetops.github.boards.models import Board, BoardColumn, BoardItem
from fleetops.github.boards.rules import CLOSED, CONFIRM_AND_CELEBRATE
from fleetops.github.boards.selectors import (
    NO_STATUS,
    board_column_get,
    board_for_group,
    board_items_of_issues,
)
from fleetops.github.models import GitHubWrite, Label
from fleetops.org.models import ProductGroup
from releases.board import rules
from releases.board.activity import activity_record
from releases.board.models import Release
from releases.board.plans import (
    PlannedWrite,
    WriteOutcome,
    all_done,
    plan_apply,
    plan_preview,
)
from releases.permissions import ensure_can_drive

QAWOLF_VARIABLE = "QAWOLF_DEPLOY_TAG"


class ConclusionRefused(Exception):
    """The conclusion cannot be planned or applied now, with the reason a person can act on."""


@dataclass(frozen=True)
class LeftOpen:
    repository: str
    number: int
    title: str
    column: str
    url: str

    def as_json(self) -> dict:
        return {"repository": self.repository, "number": self.number, "column": self.column}


@dataclass
class ConclusionPlan:
    release: Release
    writes: list[PlannedWrite] = field(default_factory=list)
    left_open: list[LeftOpen] = field(default_factory=list)


def _repo_path(suffix: str) -> str:
    return f"/repos/{settings.GITHUB_REPOSITORY}/{suffix}"


def _key(release: Release, step: str, item: str) -> str:
    return f"conclude:{release.version}:{step}:{item}"


def _items(board: Board, release: Release) -> list[BoardItem]:
    """The board's active items whose product-repository issue or PR is in the milestone."""
    return list(
        BoardItem.objects.active()
        .filter(
            board=board,
            repository__iexact=settings.GITHUB_REPOSITORY,
            issue__milestone_id=release.milestone_id,
        )
        .select_related("status", "issue")
        .prefetch_related(Prefetch("issue__labels", queryset=Label.objects.only("name")))
        .order_by("number", "pk")
    )


def _issue_write(release: Release, step: str, number: int, what: str, body: dict) -> PlannedWrite:
    key = _key(release, step, str(number))
    reason = f"conclude milestone {release.version}: {what}"

    def perform(actor: AbstractBaseUser | None) -> GitHubWrite:
        return gateway.issue_update(
            number=number, changes=body, reason=reason, actor=actor, dedupe_key=key
        )

    return PlannedWrite(step, what, key, "PATCH", _repo_path(f"issues/{number}"), body, perform)


def _move_write(
    release: Release, step: str, item: BoardItem, board: Board, column: BoardColumn
) -> PlannedWrite:
    """A GraphQL move of `item` to `column`; its body is what GitHub is sent."""
    what = f"move #{item.number} to {column.column} on {board.title}"
    key = _key(release, step, item.node_id)
    reason = f"conclude milestone {release.version}: {what}"

    def perform(actor: AbstractBaseUser | None) -> GitHubWrite:
        return gateway.board_item_move(
            item=item, column=column, reason=reason, actor=actor, dedupe_key=key
        )

    body = gateway.board_item_move_payload(item=item, column=column)
    return PlannedWrite(step, what, key, gateway.GRAPHQL, "/graphql", body, perform)


def _column(board: Board, name: str) -> BoardColumn:
    column = board_column_get(board=board, column=name)
    if column is None:
        raise ConclusionRefused(f"{board.title} has no “{name}” column: nothing can move there.")
    return column


def _group_steps(plan: ConclusionPlan, board: Board) -> list[int]:
    """Steps 2 and 3 on one group board; the stories' numbers (for step 4)."""
    release, stories, closing = plan.release, [], []
    for item in _items(board, release):
        column = item.status.column if item.status_id else NO_STATUS
        labels = [label.name for label in item.issue.labels.all()]
        step = rules.conclusion_step(column=column, labels=labels)
        if step == "leave":
            title = item.issue.title if item.issue_id else item.title
            plan.left_open.append(
                LeftOpen(item.repository, item.number, title, column, item.html_url)
            )
        elif step == "story":
            body = {"labels": rules.story_labels_concluded(labels)}
            plan.writes.append(
                _issue_write(
                    release,
                    "2",
                    item.number,
                    f"story #{item.number}: add :product, remove :release",
                    body,
                )
            )
            stories.append(item.number)
        else:
            closing.append(item)
    if closing:
        closed = _column(board, CLOSED)
    for item in closing:
        if item.content_type == BoardItem.ContentType.ISSUE:
            body = {"state": "closed", "state_reason": "completed"}
            plan.writes.append(
                _issue_write(release, "3", item.number, f"close #{item.number}", body)
            )
        plan.writes.append(_move_write(release, "3", item, board, closed))
    return stories


def conclusion_plan(*, release: Release) -> ConclusionPlan:
    """The handbook's steps for the release's milestone, from the mirrored boards."""
    plan = ConclusionPlan(release=release)
    milestone = release.milestone
    if milestone is None:
        raise ConclusionRefused(f"Fleet v{release.version} has no milestone in the mirror.")
    stories: list[int] = []
    for group in ProductGroup.objects.active().order_by("slug"):
        board = board_for_group(group_slug=group.slug)
        if board is not None:
            stories += _group_steps(plan, board)
    drafting = board_for_group(group_slug=None)
    if drafting is not None and stories:
        celebrate = _column(drafting, CONFIRM_AND_CELEBRATE)
        for item in board_items_of_issues(board=drafting, numbers=stories):
            plan.writes.append(_move_write(release, "4", item, drafting, celebrate))
    plan.writes.append(_milestone_write(release, milestone.number, milestone.title))
    plan.writes.append(
        qawolf_write(release=release, value="main", key=_key(release, "7", "qawolf"))
    )
    return plan


def _milestone_write(release: Release, number: int, title: str) -> PlannedWrite:
    key = _key(release, "5", str(number))

    def perform(actor: AbstractBaseUser | None) -> GitHubWrite:
        return gateway.milestone_close(
            number=number,
            reason=f"conclude milestone {title}: close milestone {title}",
            actor=actor,
            dedupe_key=key,
        )

    body = {"state": "closed"}
    return PlannedWrite(
        "5",
        f"close milestone {title}",
        key,
        "PATCH",
        _repo_path(f"milestones/{number}"),
        body,
        perform,
    )


def qawolf_write(*, release: Release, value: str, key: str, step: str = "7") -> PlannedWrite:
    """Handbook: set the QA repository's `QAWOLF_DEPLOY_TAG` (RC branch, or `main` after)."""
    repository = settings.FLEETOPS_QAWOLF_REPOSITORY
    body = {"name": QAWOLF_VARIABLE, "value": value}
    what = f"set {QAWOLF_VARIABLE} of {repository} to {value}"

    def perform(actor: AbstractBaseUser | None) -> GitHubWrite:
        return gateway.actions_variable_set(
            repository=repository,
            name=QAWOLF_VARIABLE,
            value=value,
            reason=f"Fleet v{release.version}: {what}",
            actor=actor,
            dedupe_key=key,
        )

    path = f"/repos/{repository}/actions/variables/{QAWOLF_VARIABLE}"
    return PlannedWrite(step, what, key, "PATCH", path, body, perform)


def _recorded(release: Release, *, status: str = "skipped") -> list[WriteOutcome]:
    """This release's conclusion writes done for real, as recorded (nothing is sent again)."""
    prefix = f"conclude:{release.version}:"
    rows = GitHubWrite.objects.filter(
        dedupe_key__startswith=prefix, status=GitHubWrite.Status.DONE
    ).order_by("created_at", "pk")
    return [
        WriteOutcome(
            PlannedWrite(
                row.dedupe_key.removeprefix(prefix).split(":", 1)[0],
                row.reason.split(": ", 1)[-1],
                row.dedupe_key,
                row.method,
                row.path,
                row.payload,
                _never,
            ),
            status,
        )
        for row in rows
    ]


def _with_earlier(
    release: Release, outcomes: list[WriteOutcome], *, status: str
) -> list[WriteOutcome]:
    """The plan's outcomes plus the writes an earlier, interrupted run did that the plan no
    longer shows (an item moved to "Closed" has left "Ready for release"), by step."""
    planned = {o.write.key for o in outcomes}
    earlier = [o for o in _recorded(release, status=status) if o.write.key not in planned]
    return sorted([*earlier, *outcomes], key=lambda o: o.write.step)


def _never(actor: AbstractBaseUser | None) -> GitHubWrite:
    raise ConclusionRefused("a concluded release writes nothing")


@dataclass
class ConclusionResult:
    release: Release
    outcomes: list[WriteOutcome]
    left_open: list[LeftOpen]
    concluded: bool


def _ensure_published(release: Release) -> None:
    if release.state not in (Release.State.PUBLISHED, Release.State.CONCLUDED):
        raise ConclusionRefused(
            f"Fleet v{release.version} is {release.get_state_display()}: conclude the milestone "
            "after the release is published."
        )


def conclusion_preview(*, release: Release) -> ConclusionResult:
    """The plan as it stands (nothing written): for the page and `release_conclude`."""
    _ensure_published(release)
    if release.state == Release.State.CONCLUDED:
        return ConclusionResult(release, _recorded(release), [], True)
    plan = conclusion_plan(release=release)
    outcomes = _with_earlier(release, plan_preview(plan.writes), status="done")
    return ConclusionResult(release, outcomes, plan.left_open, False)


def release_conclude(*, release: Release, actor: AbstractBaseUser | None) -> ConclusionResult:
    """Apply the conclusion through the gateway: each write once; concluded when all are done.

    A dry run records the preview and changes no state; a failure stops the run, and the
    next apply resumes after what succeeded. Once concluded, nothing is written again.
    """
    if actor is not None:
        ensure_can_drive(actor, release, "conclude the milestone")
    release = Release.objects.select_related("milestone").get(pk=release.pk)
    _ensure_published(release)
    if release.state == Release.State.CONCLUDED:
        return ConclusionResult(release, _recorded(release), [], True)
    plan = conclusion_plan(release=release)
    outcomes = _with_earlier(release, plan_apply(plan.writes, actor=actor), status="skipped")
    concluded = all_done(outcomes)
    if concluded:
        _concluded(release, actor, outcomes, plan.left_open)
    return ConclusionResult(release, outcomes, plan.left_open, concluded)


def _concluded(release, actor, outcomes, left_open) -> None:
    """Step 6, once: the release is concluded and the team is told."""
    with transaction.atomic():
        updated = (
            Release.objects.filter(pk=release.pk)
            .exclude(state=Release.State.CONCLUDED)
            .update(state=Release.State.CONCLUDED, concluded_at=timezone.now())
        )
        if not updated:
            return
        activity_record(
            release=release,
            kind="concluded",
            actor=actor,
            announce=True,
            message=(
                f"Milestone {release.milestone.title if release.milestone else release.version} "
                f"is closed: Fleet v{release.version} concluded ({len(outcomes)} GitHub change(s)"
                f"; {len(left_open)} item(s) of the milestone left open outside Ready for release)."
                " QA Wolf deploys main again."
            ),
        )
