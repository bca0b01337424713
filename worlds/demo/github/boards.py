"""Demo boards: each product group's sprint board and Product's drafting board.

Built from the demo mirror (run after its issues are written) through the board sync's own
write path, so the demo's boards look like a synced board: the group's issues and PRs of
the open milestones in its columns, a few cards of the confidential repository, a draft.
Deterministic: seeding twice gives the same boards.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.utils import timezone

from fleetops.github.boards.rules import BoardData, ItemData, StatusOption
from fleetops.github.boards.services import board_replace
from fleetops.github.models import Issue, Milestone
from fleetops.github.upsert import repository_get
from fleetops.org.models import ProductGroup
from fleetops.org.selectors import OrganizationBoard, organization_boards
from worlds.demo.context import DemoContext

GROUP_COLUMNS = ["Ready", "🏗️ In progress", "👀 Awaiting QA", "✅ Ready for release", "Closed"]
DRAFTING_COLUMNS = [
    "Inbox",
    "Ready to draft",
    "In progress",
    "Ready for estimation",
    "🎉 Confirm and celebrate",
]
CONFIDENTIAL = "fleetdm/confidential"


def _option(board: int, name: str) -> StatusOption:
    return StatusOption(hashlib.sha256(f"{board}/{name}".encode()).hexdigest()[:8], name)


def _item(
    board: int, key: str, option: StatusOption | None, *, issue: Issue | None = None, **fields
) -> ItemData:
    values = {
        "content_type": "draft",
        "content_node_id": "",
        "repository": "",
        "number": None,
        "title": "",
        "archived": False,
        **fields,
    }
    if issue is not None:
        values |= {
            "content_type": "pull_request" if issue.is_pull_request else "issue",
            "content_node_id": f"I_demo{issue.github_id}",
            "repository": settings.GITHUB_REPOSITORY,
            "number": issue.number,
            "title": issue.title[:500],
        }
    return ItemData(
        node_id=f"PVTI_demo{board}_{key}",
        status_option_id=option.option_id if option else None,
        updated_at=None,
        **values,
    )


def _group_items(
    ref: OrganizationBoard, label: str, milestones: list[str], concluded: str | None
) -> list[ItemData]:
    """The group's issues and PRs of the open milestones (the current one's mostly ready)
    and of the milestone concluded last (all "Closed", as the conclusion leaves them)."""
    options = {o.column: o for o in (_option(ref.number, n) for n in GROUP_COLUMNS)}
    current = milestones[0] if milestones else None
    issues = (
        Issue.objects.present()
        .filter(repository__full_name=settings.GITHUB_REPOSITORY, labels__name=label)
        .filter(milestone__title__in=[*milestones, concluded])
        .select_related("milestone")
        .order_by("number")
    )
    items = []
    for issue in issues:
        if issue.milestone.title == concluded:
            column = "Closed"
        elif issue.milestone.title == current:
            column = (
                "Ready for release"
                if issue.state == "closed"
                else (
                    ["Ready for release", "Ready for release", "Awaiting QA", "In progress"][
                        issue.number % 4
                    ]
                )
            )
        else:
            column = "In progress" if issue.number % 3 == 0 else "Ready"
        items.append(_item(ref.number, str(issue.number), options[column], issue=issue))
    for n, column in ((3000 + ref.number, "Ready for release"), (3100 + ref.number, "Ready")):
        items.append(
            _item(
                ref.number,
                f"c{n}",
                options[column],
                content_type="issue",
                repository=CONFIDENTIAL,
                number=n,
                title=f"Customer escalation {n} (confidential)",
            )
        )
    items.append(_item(ref.number, "draft", None, title="Spike: estimate the follow-up work"))
    return items


def _drafting_items(ref: OrganizationBoard) -> list[ItemData]:
    options = [_option(ref.number, name) for name in DRAFTING_COLUMNS]
    stories = (
        Issue.objects.present()
        .filter(repository__full_name=settings.GITHUB_REPOSITORY, labels__name="story")
        .filter(labels__name=":product")
        .order_by("-updated_at")[:40]
    )
    return [
        _item(ref.number, str(story.number), options[i % len(options)], issue=story)
        for i, story in enumerate(stories)
    ]


def seed(ctx: DemoContext) -> None:
    """Write the configured boards (none when the organisation names none)."""
    boards = organization_boards()
    if not boards:
        return
    repository_get(settings.GITHUB_REPOSITORY)
    groups = {
        slug: (label, name)
        for slug, label, name in ProductGroup.objects.values_list("slug", "github_label", "name")
    }
    mirrored = Milestone.objects.filter(repository__full_name=settings.GITHUB_REPOSITORY)
    milestones = list(
        mirrored.filter(state="open").order_by("due_on", "number").values_list("title", flat=True)
    )
    closed = mirrored.filter(state="closed").order_by("-closed_at")
    concluded = closed.values_list("title", flat=True).first()
    read_since = timezone.now() + dt.timedelta(days=1)  # replace every demo item
    items = 0
    for ref in boards:
        if ref.group_slug:
            columns, found = (
                GROUP_COLUMNS,
                _group_items(ref, groups[ref.group_slug][0], milestones, concluded),
            )
            title = f"{groups[ref.group_slug][1]} sprint board"
        else:
            columns, found, title = DRAFTING_COLUMNS, _drafting_items(ref), "🎨 Drafting"
        data = BoardData(
            node_id=f"PVT_demo{ref.number}",
            title=title,
            closed=False,
            status_field_id=f"PVTSSF_demo{ref.number}",
            options=tuple(_option(ref.number, name) for name in columns),
        )
        board_replace(ref=ref, data=data, items=found, read_since=read_since)
        items += len(found)
    ctx.summary.append(f"boards: {len(boards)} project boards, {items} items")
