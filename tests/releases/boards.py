"""A published release whose milestone is spread over two group boards and the drafting board.

Built on the fake GitHub and synced into the mirror the way production fills it (REST sync,
board sync, releases derived from the milestones), so the conclusion reads what it would.
"""

from __future__ import annotations

from dataclasses import dataclass

from fleetops.github.boards.services import boards_sync
from fleetops.github.sync import repository_sync
from fleetops.org.models import Organization, ProductGroup
from releases.board.models import Release
from releases.board.sync import releases_from_github

ORG, REPO, CONFIDENTIAL = "fleetdm", "fleetdm/fleet", "fleetdm/confidential"
MDM_BOARD, SOFTWARE_BOARD, DRAFTING_BOARD = 58, 59, 67
READY = "✅ Ready for release"
COLUMNS = ["Ready", "🏗 In progress", "👀 Awaiting QA", READY, "Closed"]


@dataclass
class Milestoned:
    fake: object
    release: Release
    items: dict[str, object]  # name -> the fake's board item

    def milestone(self, title: str):
        return next(m for m in self.fake.repo(REPO).milestones.values() if m.title == title)


def _issue(fake, number: int, title: str, labels: list[str], milestone: str | None, **extra):
    fake.add_issue(
        REPO,
        number=number,
        title=title,
        labels=labels,
        milestone=milestone,
        created_at="2026-11-02T10:00:00Z",
        updated_at="2026-11-02T10:00:00Z",
        **extra,
    )


def build_milestone_boards(fake, org) -> Milestoned:
    """Items of milestone 4.75.0 in several columns, and items the conclusion must not touch."""
    Organization.objects.create(
        pk=1, github_login=ORG, drafting_board=DRAFTING_BOARD, release_dri=org["release"].dri
    )
    ProductGroup.objects.filter(slug="mdm").update(board_number=MDM_BOARD)
    ProductGroup.objects.filter(slug="software").update(board_number=SOFTWARE_BOARD)
    for name in ("story", ":release", ":product", "bug", "#g-mdm", "#g-software"):
        fake.add_label(REPO, name)
    # The fixture repository has milestones 4.74.0, 4.75.0 and 4.76.0 already.
    assert {"4.75.0", "4.76.0"} <= {m.title for m in fake.repo(REPO).milestones.values()}
    fake.repo(CONFIDENTIAL).variables["QAWOLF_DEPLOY_TAG"] = "rc-minor-fleet-v4.75.0"
    _issue(fake, 9001, "Story ready", ["story", ":release", "#g-mdm"], "4.75.0")
    _issue(fake, 9002, "Bug fixed", ["bug", "#g-mdm"], "4.75.0")
    _issue(fake, 9003, "Fix PR", ["#g-mdm"], "4.75.0", pull_request=True)
    _issue(fake, 9004, "Bug still in progress", ["bug", "#g-mdm"], "4.75.0")
    _issue(fake, 9005, "Next release's bug", ["bug", "#g-mdm"], "4.76.0")
    _issue(fake, 9006, "Bug without milestone", ["bug", "#g-mdm"], None)
    _issue(fake, 9007, "Archived bug", ["bug", "#g-mdm"], "4.75.0")
    _issue(fake, 9008, "Software story awaiting QA", ["story", "#g-software"], "4.75.0")
    fake.add_board(ORG, MDM_BOARD, title="MDM sprint", columns=COLUMNS)
    fake.add_board(ORG, SOFTWARE_BOARD, title="Software sprint", columns=COLUMNS)
    fake.add_board(
        ORG, DRAFTING_BOARD, title="Drafting", columns=["Drafting", "Confirm and celebrate"]
    )
    add = fake.add_board_item
    items = {
        "story": add(ORG, MDM_BOARD, status=READY, repository=REPO, issue=9001),
        "bug": add(ORG, MDM_BOARD, status=READY, repository=REPO, issue=9002),
        "pr": add(ORG, MDM_BOARD, status=READY, repository=REPO, issue=9003, pull_request=True),
        "in_progress": add(ORG, MDM_BOARD, status="🏗 In progress", repository=REPO, issue=9004),
        "other_milestone": add(ORG, MDM_BOARD, status=READY, repository=REPO, issue=9005),
        "no_milestone": add(ORG, MDM_BOARD, status=READY, repository=REPO, issue=9006),
        "archived": add(ORG, MDM_BOARD, status=READY, repository=REPO, issue=9007, archived=True),
        "confidential": add(
            ORG, MDM_BOARD, status=READY, repository=CONFIDENTIAL, issue=9001, title="Secret"
        ),
        "awaiting_qa": add(
            ORG, SOFTWARE_BOARD, status="👀 Awaiting QA", repository=REPO, issue=9008
        ),
        "drafting_story": add(ORG, DRAFTING_BOARD, status="Drafting", repository=REPO, issue=9001),
        "drafting_other": add(ORG, DRAFTING_BOARD, status="Drafting", repository=REPO, issue=9004),
    }
    assert repository_sync(full=True).outcome == "ok"
    boards_sync()
    releases_from_github()
    Release.objects.filter(pk=org["release"].pk).update(state="published")
    fake.writes.clear()
    return Milestoned(fake, Release.objects.get(pk=org["release"].pk), items)
