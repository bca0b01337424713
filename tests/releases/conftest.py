from __future__ import annotations

import pytest

from releases.board.services import release_signoffs_ensure
from tests.factories import PersonFactory, ProductGroupFactory, UserFactory
from tests.releases.boards import Milestoned, build_milestone_boards
from tests.releases.factories import ReleaseFactory


@pytest.fixture
def org(db):
    """Two groups with their QA leads and EMs, a release with its DRI, and an outsider."""
    mdm = ProductGroupFactory(
        name="MDM",
        slug="mdm",
        github_label="#g-mdm",
        qa_lead=PersonFactory(user__username="qa-mdm", name="Pieter de Wit"),
        engineering_manager=PersonFactory(user__username="em-mdm", name="Marta Okafor"),
    )
    software = ProductGroupFactory(
        name="Software",
        slug="software",
        github_label="#g-software",
        qa_lead=PersonFactory(user__username="qa-software", name="Ravi Subramanian"),
        engineering_manager=PersonFactory(user__username="em-software", name="Hannah Lee"),
    )
    release = ReleaseFactory(
        version="4.75.0", dri=PersonFactory(user__username="dri", name="Dana Ri")
    )
    release_signoffs_ensure(release=release)
    outsider = PersonFactory(user__username="engineer", name="Eng Ineer").user
    staff = UserFactory(username="boss", is_staff=True)
    return {
        "mdm": mdm,
        "software": software,
        "release": release,
        "outsider": outsider,
        "staff": staff,
    }


@pytest.fixture
def main_branch(fake_github) -> str:
    """`main` on the fake GitHub, at a known commit."""
    sha = "c0ffee" + "0" * 34
    fake_github.add_commit("fleetdm/fleet", sha, message="Merge main", date="2026-11-20T15:00:00Z")
    fake_github.repo("fleetdm/fleet").refs["refs/heads/main"] = sha
    return sha


@pytest.fixture
def milestoned(fake_github, org) -> Milestoned:
    """A published 4.75.0 whose milestone is spread over the MDM, Software and drafting
    boards (see tests/releases/boards.py), synced into the mirror."""
    return build_milestone_boards(fake_github, org)
