"""Demo rituals: an engineering rituals file as if read from GitHub, for the demo people.

Stored like a fetch stores it (a mirror `FileContent` at `main` and its `RitualFile`), with
start dates set so that something is due today and this week, one event-driven ritual and
one entry with a problem. Seeding twice replaces the same rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings

from fleetops.github.models import FileContent
from fleetops.github.upsert import repository_get
from rituals.models import RitualFile
from rituals.rules import rituals_parse
from rituals.services import DEFAULT_BRANCH
from worlds.demo.context import DemoContext


def _demo_yaml(today: dt.date) -> str:
    monday = today - dt.timedelta(days=today.weekday())
    release_start = today - dt.timedelta(days=21 * 30)
    return f"""# Engineering rituals (demo copy)
- task: "Pull request review"
  startedOn: "2024-01-02"
  frequency: "Daily"
  description: "Engineers go through pull requests for which their review has been requested."
  moreInfoUrl: "https://fleetdm.com/handbook/company/communications#pull-requests"
  dri: "jreyes"
- task: "Oncall handoff"
  startedOn: "{monday - dt.timedelta(weeks=40):%Y-%m-%d}"
  frequency: "Weekly"
  description: "Hand off the on-call engineering responsibilities to the next engineer."
  moreInfoUrl: https://fleetdm.com/handbook/engineering#how-to-reach-the-oncall-engineer
  dri: "mokafor"
- task: "Release ritual"
  startedOn: "{release_start:%Y-%m-%d}"
  frequency: "Triweekly"
  description: "Go through the process of releasing the next iteration of Fleet."
  moreInfoUrl: "https://fleetdm.com/handbook/engineering#release-fleet"
  dri: "pdewit"
  autoIssue:
    labels: [ "#g-mdm", ":release" ]
    repo: "fleet"
- task: "Bug review"
  startedOn: "{today - dt.timedelta(days=14 * 20 + 3):%Y-%m-%d}"
  frequency: "biweekly "
  description: "Review the bugs in QA's inbox with the product designer."
  moreInfoUrl: ""
  dri: "hlee"
- task: "Monthly dependency review"
  startedOn: "2024-01-31"
  frequency: "Monthly"
  description: "Check Go, osquery and the macadmins-extension for “latest” versions."
  moreInfoUrl: "https://fleetdm.com/handbook/engineering#confirm-latest-versions-of-dependencies"
  dri: "pdewit"
  autoIssue:
    labels: [ ":product" ]
    repo: "fleet"
- task: "Renew MDM certificate signing request (CSR)"
  startedOn: "2024-02-29"
  frequency: "Annually"
  description: "The APNs certificate expires a year after it is made: renew it before."
  moreInfoUrl: ""
  dri: "rsubramanian"
- task: "Create patch release branch"
  startedOn: "2024-03-06"
  frequency: "Every patch release"
  description: "Cherry-pick the fixes from the previous tag."
  moreInfoUrl: ""
  dri: "pdewit"
- task: "Quarterly grand review"
  frequency: "Quarterly"
  description: "Review the engineering KPIs of the quarter."
  dri: "mokafor"
"""


def seed(ctx: DemoContext) -> None:
    """Store the demo rituals file under the first configured path."""
    if not settings.FLEETOPS_RITUALS_FILES:
        return
    path = settings.FLEETOPS_RITUALS_FILES[0]
    text = _demo_yaml(ctx.today)
    data = text.encode()
    sha = hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
    content, _ = FileContent.objects.update_or_create(
        repository=repository_get(settings.GITHUB_REPOSITORY),
        ref=DEFAULT_BRANCH,
        path=path,
        defaults={"blob_sha": sha, "etag": f'W/"{sha}"', "text": text, "fetched_at": ctx.now},
    )
    RitualFile.objects.update_or_create(
        path=path, defaults={"content": content, "attempted_at": ctx.now, "error": ""}
    )
    parsed = rituals_parse(text, file=path)
    ctx.summary.append(
        f"Rituals: {len(parsed.rituals)} from {path} ({len(parsed.problems)} with a problem)"
    )
