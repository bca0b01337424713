from __future__ import annotations

import pytest

from tests.fakegithub.seed_rituals import RITUALS_PATH

PRODUCT = "fleetdm/fleet"

# Three rituals with an auto-issue, all due every day, and one in another repository.
DAILY_YML = """
- task: "Triage the inbox"
  startedOn: "2026-01-01"
  frequency: "Daily"
  description: "Look at every new issue."
  moreInfoUrl: "https://fleetdm.com/handbook/engineering#triage"
  dri: "casey"
  autoIssue:
    labels: [ "#g-mdm", ":release" ]
    repo: "fleet"
- task: "Check the dogfood instance"
  startedOn: "2026-01-01"
  frequency: "daily "
  description: "Is it up?"
  moreInfoUrl: ""
  dri: "eng-eli"
  autoIssue:
    labels: [ ":product" ]
    repo: "fleet"
- task: "Rotate the confidential keys"
  startedOn: "2026-01-01"
  frequency: "Daily"
  description: "In the confidential repository."
  dri: "sw-sam"
  autoIssue:
    labels: []
    repo: "confidential"
"""


@pytest.fixture
def github(fake_github, settings):
    """The fake GitHub with the seed's copy-shaped rituals file; writes go to it."""
    settings.FLEETOPS_RITUALS_FILES = [RITUALS_PATH]
    return fake_github


@pytest.fixture
def daily_rituals(github):
    github.set_file(PRODUCT, "main", RITUALS_PATH, DAILY_YML)
    github.add_repo("fleetdm/confidential")
    return github
