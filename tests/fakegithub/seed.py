"""Curated seed data; ``python -m tests.fakegithub.seed`` rewrites ``tests/fixtures/github``.

The JSON files are what GitHub's REST API returns for these repositories (base URL
``https://api.github.com``); ``FakeGitHub.load_fixtures`` reads them back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .fixtures import dump_fixture_dir
from .generate import LABELS
from .seed_rituals import RITUALS_PATH, RITUALS_YML
from .server import FIXTURES_DIR, FakeGitHub

FLEET = "fleetdm/fleet"
OSQUERY = "osquery/osquery"
EXTENSION = "macadmins/osquery-extension"

MEMBERS = {
    "mdm-maria": 61200101,
    "sw-sam": 61200102,
    "orch-olga": 61200103,
    "sec-sunil": 61200104,
    "pm-priya": 61200105,
    "qa-quinn": 61200106,
    "eng-eli": 61200107,
}
COMMUNITY = {
    "acme-itadmin": 71300201,
    "jdoe-sre": 71300202,
    "newbie-dev": 71300203,
    "macadmin42": 71300204,
    "spam-account-9": 71300205,
}

GO_MOD = """module github.com/fleetdm/fleet/v4

go 1.24.4

require (
\tcloud.google.com/go/pubsub v1.45.3
\tfyne.io/systray v1.11.0
\tgithub.com/AbGuthrie/goquery/v2 v2.0.1
\tgithub.com/DATA-DOG/go-sqlmock v1.5.2
\tgithub.com/Masterminds/semver/v3 v3.3.1
\tgithub.com/aws/aws-sdk-go v1.55.7
\tgithub.com/go-sql-driver/mysql v1.9.3
\tgithub.com/google/uuid v1.6.0
\tgithub.com/gorilla/mux v1.8.1
\tgithub.com/jmoiron/sqlx v1.4.0
\tgithub.com/macadmins/osquery-extension v1.2.7
\tgithub.com/osquery/osquery-go v0.0.0-20250131154556-629f995b6947
\tgithub.com/prometheus/client_golang v1.22.0
\tgithub.com/rs/zerolog v1.34.0
\tgithub.com/spf13/cobra v1.9.1
\tgithub.com/stretchr/testify v1.10.0
\tgolang.org/x/crypto v0.42.0
\tgolang.org/x/net v0.44.0
\tgopkg.in/yaml.v2 v2.4.0
)

require (
\tgithub.com/beorn7/perks v1.0.1 // indirect
\tgithub.com/cespare/xxhash/v2 v2.3.0 // indirect
\tgithub.com/davecgh/go-spew v1.1.2-0.20180830191138-d8f796af33cc // indirect
\tgolang.org/x/sys v0.36.0 // indirect
)

replace github.com/kolide/kit => github.com/zwass/kit v0.0.0-20210625184505-ec5b5c5cce9c
"""

GO_MOD_4_74 = (
    GO_MOD.replace("go 1.24.4", "go 1.24.2")
    .replace("osquery-extension v1.2.7", "osquery-extension v1.2.6")
    .replace("golang.org/x/crypto v0.42.0", "golang.org/x/crypto v0.41.0")
)

WORKFLOW = """name: Generate osqueryd targets for Fleet

on:
  push:
    branches:
      - main
    paths:
      # The workflow can be triggered by modifying OSQUERY_VERSION env.
      - '.github/workflows/generate-osqueryd-targets.yml'
  pull_request:
    paths:
      # The workflow can be triggered by modifying OSQUERY_VERSION env.
      - '.github/workflows/generate-osqueryd-targets.yml'
  workflow_dispatch:

# This allows a subsequently queued workflow run to interrupt previous runs
concurrency:
  group: ${{ github.workflow }}-${{ github.head_ref || github.run_id}}
  cancel-in-progress: true

defaults:
  run:
    # fail-fast using bash -eo pipefail.
    shell: bash

permissions:
  contents: read

env:
  OSQUERY_VERSION: 5.13.1

jobs:
  generate-macos:
    runs-on: macos-14
    steps:
      - name: Checkout
        uses: actions/checkout@v4

      - name: Generate osqueryd.app.tar.gz
        run: |
          make osqueryd-app-tar-gz version=$OSQUERY_VERSION out-path=.

      - name: Upload osqueryd.app.tar.gz
        uses: actions/upload-artifact@v4
        with:
          name: osqueryd.app.tar.gz
          path: osqueryd.app.tar.gz

  generate-linux:
    runs-on: ubuntu-latest
    steps:
      - name: Download osqueryd for Linux
        run: |
          base=https://github.com/osquery/osquery/releases/download
          curl -L "$base/$OSQUERY_VERSION/osquery_$OSQUERY_VERSION-1.linux_amd64.deb" \\
            --output osquery.deb
"""

BUG_BODY = (
    "## Fleet version\n{version}\n\n## Web browser and operating system\nChrome on macOS 15\n\n"
    "## 💥 Actual behavior\n{actual}\n\n## 🧑‍💻 Steps to reproduce\n1. {step}\n2. Observe\n\n"
    "## 🕯️ More info\nReported in #help-engineering."
)
STORY_BODY = (
    "## Goal\n\n| User story |\n|:-----------|\n"
    "| As an IT admin, I want {want} so that {why}. |\n\n"
    "## Changes\n\n### Product\n- [ ] UI changes\n- [ ] REST API changes\n\n"
    "## QA\n- [ ] Manual testing"
)
PR_BODY = (
    "For #{issue}\n\n# Checklist for submitter\n\n- [x] Changes file added for user-visible "
    "changes in `changes/`\n- [x] Added/updated automated tests\n- [x] Manual QA for all new/"
    "changed functionality"
)


def _issue(fake: FakeGitHub, **fields: Any) -> None:
    fake.add_issue(FLEET, **fields)


def build() -> FakeGitHub:
    """A FakeGitHub holding the curated repositories (with a frozen clock)."""
    fake = FakeGitHub(clock=lambda: datetime(2025, 9, 26, 12, 0, tzinfo=UTC), viewer="pm-priya")
    for login, uid in MEMBERS.items():
        fake.add_user(login, id=uid)
    for login, uid in COMMUNITY.items():
        fake.add_user(login, id=uid)
    fake.add_user("dependabot[bot]", id=49699333, type="Bot")
    fake.add_user("github-actions[bot]", id=41898282, type="Bot")
    fake.add_user("fleetdm", id=62127837, type="Organization")
    fake.add_user("osquery", id=2286957, type="Organization")
    fake.add_user("macadmins", id=26294588, type="Organization")
    fake.add_user("osquery-maintainer", id=81400301)
    fake.add_user("mac-ext-maint", id=81400302)

    _fleet(fake)
    _osquery(fake)
    _extension(fake)
    return fake


def _fleet(fake: FakeGitHub) -> None:
    fake.add_repo(
        FLEET,
        id=311294145,
        description="Open-source platform for IT and security teams with thousands of "
        "computers. Designed for APIs, GitOps, webhooks, YAML, and humans.",
        language="Go",
        topics=["device-management", "mdm", "osquery", "gitops", "vulnerability-management"],
        homepage="https://fleetdm.com",
        created_at="2020-10-29T16:42:03Z",
        pushed_at="2025-09-26T11:58:41Z",
        updated_at="2025-09-26T11:59:02Z",
        stargazers_count=5600,
        forks_count=640,
        members=list(MEMBERS),
    )
    for name, color, description in LABELS:
        fake.add_label(FLEET, name, color, description or None)
    fake.add_milestone(
        FLEET,
        "4.74.0",
        number=212,
        state="closed",
        description="Fleet 4.74.0 release",
        due_on="2025-09-12T00:00:00Z",
        created_at="2025-08-01T14:00:00Z",
        updated_at="2025-09-12T20:11:00Z",
        closed_at="2025-09-12T20:11:00Z",
        creator="pm-priya",
    )
    fake.add_milestone(
        FLEET,
        "4.75.0",
        number=213,
        description="Fleet 4.75.0 release",
        due_on="2025-10-03T00:00:00Z",
        created_at="2025-08-22T14:00:00Z",
        updated_at="2025-09-25T17:40:00Z",
        creator="pm-priya",
    )
    fake.add_milestone(
        FLEET,
        "4.76.0",
        number=214,
        description="Fleet 4.76.0 release",
        due_on="2025-10-24T00:00:00Z",
        created_at="2025-09-12T14:00:00Z",
        updated_at="2025-09-22T09:15:00Z",
        creator="pm-priya",
    )

    tags = [
        ("fleetd-chrome-v1.2.0", "2025-05-14T18:02:11Z"),
        ("fleetd-chrome-v1.3.0", "2025-08-01T17:45:30Z"),
        ("fleet-v4.73.0", "2025-08-22T21:03:44Z"),
        ("orbit-v1.39.1", "2025-08-29T16:20:05Z"),
        ("fleet-v4.73.1", "2025-09-02T19:31:12Z"),
        ("orbit-v1.40.0", "2025-09-10T15:12:48Z"),
        ("fleet-v4.74.0", "2025-09-12T20:05:27Z"),
    ]
    for name, date in tags:
        fake.add_tag(FLEET, name, date=date, message=f"Release {name}")
    for name, date in tags:
        if name.startswith(("fleet-v", "orbit-v1.40", "fleetd-chrome-v1.3")):
            fake.add_release(
                FLEET,
                name,
                published_at=date,
                author="eng-eli",
                name=name.replace("fleet-v", "Fleet ").replace("orbit-v", "Orbit "),
                body=f"### Changes\n\n* See CHANGELOG.md for {name}.",
            )

    m74, m75, m76 = 212, 213, 214
    b, s = BUG_BODY.format, STORY_BODY.format
    _issue(
        fake,
        number=32401,
        user="sw-sam",
        created_at="2025-09-15T10:02:00Z",
        updated_at="2025-09-24T16:40:00Z",
        title="Software library: installing custom package fails for .pkg with spaces in name",
        body=b(
            version="4.74.0",
            actual="Install fails with `exit status 1`.",
            step="Upload `My App.pkg` and install it on a host",
        ),
        labels=["bug", "~released bug", "#g-software", ":release", "P2", "customer-acme"],
        milestone=m75,
        assignees=["sw-sam"],
    )
    _issue(
        fake,
        number=32402,
        user="sw-sam",
        pull_request=True,
        created_at="2025-09-16T09:00:00Z",
        updated_at="2025-09-25T08:12:00Z",
        title="Fix .pkg install when filename has spaces",
        body=PR_BODY.format(issue=32401),
        milestone=m75,
        head="sw-sam/32401-pkg-spaces",
        additions=48,
        deletions=6,
        changed_files=4,
        commits=3,
    )
    _issue(
        fake,
        number=32405,
        user="qa-quinn",
        created_at="2025-09-16T13:21:00Z",
        updated_at="2025-09-25T15:02:00Z",
        title="Windows MDM: configuration profile stuck in Pending after host re-enrollment",
        body=b(
            version="main (unreleased)",
            actual="Profile stays *Pending* forever.",
            step="Re-enroll a Windows host with a profile assigned",
        ),
        labels=["bug", "~unreleased bug", "~release blocker", "#g-mdm", ":release", "P1"],
        milestone=m75,
        assignees=["mdm-maria"],
    )
    _issue(
        fake,
        number=32406,
        user="mdm-maria",
        pull_request=True,
        created_at="2025-09-17T08:30:00Z",
        merged_at="2025-09-25T14:55:00Z",
        updated_at="2025-09-25T14:55:30Z",
        title="Windows MDM: resend profiles after re-enrollment",
        body=PR_BODY.format(issue=32405),
        milestone=m75,
        head="mdm-maria/32405-resend",
        merged_by="orch-olga",
        additions=210,
        deletions=35,
        changed_files=9,
        commits=6,
    )
    _issue(
        fake,
        number=32410,
        user="pm-priya",
        created_at="2025-09-17T15:00:00Z",
        updated_at="2025-09-23T10:00:00Z",
        title="Add filter by label to Hosts page policies tab",
        body=s(want="to filter policies by label", why="I can triage failing hosts faster"),
        labels=["story", "#g-orchestration", ":release"],
        milestone=m75,
        assignees=["orch-olga"],
    )
    _issue(
        fake,
        number=32412,
        user="pm-priya",
        created_at="2025-09-18T11:00:00Z",
        updated_at="2025-09-18T11:00:00Z",
        title="macOS setup experience: allow end users to skip software install",
        body=s(want="end users to skip optional software", why="onboarding is faster"),
        labels=["story", ":product", "#g-mdm"],
    )
    _issue(
        fake,
        number=32415,
        user="acme-itadmin",
        created_at="2025-09-19T07:45:00Z",
        updated_at="2025-09-24T09:30:00Z",
        title="fleetctl gitops deletes team scripts when path uses ./",
        body=b(
            version="4.73.1",
            actual="All team scripts are deleted.",
            step="Run `fleetctl gitops -f team.yml` with `path: ./scripts/a.sh`",
        ),
        labels=["bug", "~released bug", "#g-orchestration", ":reproduce", "customer-acme"],
    )
    _issue(
        fake,
        number=32418,
        user="sec-sunil",
        created_at="2025-09-19T12:00:00Z",
        state="closed",
        closed_at="2025-09-24T18:00:00Z",
        updated_at="2025-09-24T18:00:05Z",
        title="Vulnerability feed: CVE shown for patched Chrome version",
        body=b(
            version="4.74.0",
            actual="CVE-2025-1234 listed for Chrome 140.0.7339.80.",
            step="Open the software page for Google Chrome",
        ),
        labels=["bug", "~released bug", "#g-security-compliance", ":release"],
        milestone=m75,
        assignees=["sec-sunil"],
    )
    _issue(
        fake,
        number=32419,
        user="sec-sunil",
        pull_request=True,
        created_at="2025-09-20T09:00:00Z",
        merged_at="2025-09-24T17:59:00Z",
        updated_at="2025-09-24T17:59:10Z",
        title="Vulnerabilities: match Chrome patched versions",
        body=PR_BODY.format(issue=32418),
        milestone=m75,
        head="sec-sunil/chrome-cpe",
        merged_by="eng-eli",
        additions=75,
        deletions=12,
        changed_files=3,
    )
    _issue(
        fake,
        number=32420,
        user="orch-olga",
        created_at="2025-08-28T10:00:00Z",
        state="closed",
        closed_at="2025-09-10T16:00:00Z",
        updated_at="2025-09-10T16:00:00Z",
        title="Policy automation webhooks send duplicate payloads",
        body=b(
            version="4.73.0",
            actual="Each failing policy is posted twice.",
            step="Enable a policy webhook",
        ),
        labels=["bug", "~released bug", "#g-orchestration", ":release", "P2"],
        milestone=m74,
        assignees=["orch-olga"],
    )
    _issue(
        fake,
        number=32421,
        user="orch-olga",
        pull_request=True,
        created_at="2025-09-01T10:00:00Z",
        merged_at="2025-09-09T12:30:00Z",
        updated_at="2025-09-09T12:30:00Z",
        title="Deduplicate policy webhook payloads",
        body=PR_BODY.format(issue=32420),
        milestone=m74,
        head="orch-olga/webhook-dedupe",
        merged_by="eng-eli",
        additions=64,
        deletions=20,
        changed_files=5,
    )
    _issue(
        fake,
        number=32422,
        user="jdoe-sre",
        author_association="CONTRIBUTOR",
        created_at="2025-09-20T14:10:00Z",
        updated_at="2025-09-25T10:20:00Z",
        title="Host vitals: disk encryption status wrong for Linux LUKS2",
        body=b(
            version="main (unreleased)",
            actual="Encrypted hosts show *Off*.",
            step="Enroll an Ubuntu 24.04 host with LUKS2",
        ),
        labels=["bug", "~unreleased bug", "#g-mdm", ":release"],
        milestone=m75,
    )
    _issue(
        fake,
        number=32425,
        user="orch-olga",
        created_at="2025-09-02T10:00:00Z",
        state="closed",
        state_reason="not_planned",
        closed_at="2025-09-08T10:00:00Z",
        updated_at="2025-09-08T10:00:00Z",
        title="Calendar events not created for failing policies on team with no hosts",
        body=b(version="4.73.0", actual="No calendar events.", step="Create an empty team"),
        labels=["bug", "~released bug", "#g-orchestration"],
    )
    _issue(
        fake,
        number=32428,
        user="orch-olga",
        created_at="2025-09-21T09:00:00Z",
        updated_at="2025-09-22T09:15:00Z",
        title="Upgrade osquery to 5.14.1 in fleetd",
        body=s(want="fleetd to ship osquery 5.14.1", why="hosts get the latest tables"),
        labels=["story", "#g-orchestration", ":release"],
        milestone=m76,
        assignees=["orch-olga"],
    )
    _issue(
        fake,
        number=32429,
        user="orch-olga",
        pull_request=True,
        draft=True,
        created_at="2025-09-22T09:10:00Z",
        updated_at="2025-09-23T11:00:00Z",
        title="Bump osquery to 5.14.1",
        body=PR_BODY.format(issue=32428),
        milestone=m76,
        head="orch-olga/osquery-5.14.1",
        additions=4,
        deletions=4,
        changed_files=2,
    )
    _issue(
        fake,
        number=32430,
        user="orch-olga",
        created_at="2025-09-21T09:30:00Z",
        updated_at="2025-09-21T09:30:00Z",
        title="Update macadmins/osquery-extension to v1.3.0",
        body=s(want="the latest macadmins extension", why="new macOS tables are available"),
        labels=["#g-orchestration", ":release"],
        milestone=m76,
    )
    _issue(
        fake,
        number=32431,
        user="dependabot[bot]",
        pull_request=True,
        created_at="2025-09-22T04:12:00Z",
        updated_at="2025-09-24T06:30:00Z",
        title="Bump github.com/macadmins/osquery-extension from 1.2.7 to 1.3.0",
        body="Bumps [github.com/macadmins/osquery-extension](https://github.com/macadmins/"
        "osquery-extension) from 1.2.7 to 1.3.0.",
        labels=["dependencies", "go"],
        head="dependabot/go_modules/github.com/macadmins/osquery-extension-1.3.0",
        additions=3,
        deletions=3,
        changed_files=2,
    )
    _issue(
        fake,
        number=32433,
        user="pm-priya",
        created_at="2025-09-22T16:00:00Z",
        updated_at="2025-09-25T18:05:00Z",
        title="SSO login loop when IdP returns lowercase email",
        body=b(
            version="4.74.0",
            actual="Users are redirected back to the IdP forever.",
            step="Log in through Okta with a mixed-case email",
        ),
        labels=[
            "bug",
            "~released bug",
            "#g-security-compliance",
            "customer-globex",
            "P1",
            ":release",
        ],
        milestone=m75,
        assignees=["sec-sunil"],
    )
    _issue(
        fake,
        number=32436,
        user="macadmin42",
        created_at="2025-09-24T20:15:00Z",
        updated_at="2025-09-25T08:00:00Z",
        title="Live query results table freezes with >10k rows",
        body=b(
            version="4.74.0",
            actual="The browser tab hangs.",
            step="Run `SELECT * FROM file` against 500 hosts",
        ),
        labels=["bug", "~released bug", "#g-orchestration", ":incoming"],
    )
    _issue(
        fake,
        number=32437,
        user="dependabot[bot]",
        pull_request=True,
        created_at="2025-09-10T04:00:00Z",
        state="closed",
        closed_at="2025-09-17T04:00:00Z",
        updated_at="2025-09-17T04:00:02Z",
        closed_by="dependabot[bot]",
        title="Bump axios from 1.7.9 to 1.12.0 in /website",
        body="Bumps [axios](https://github.com/axios/axios) from 1.7.9 to 1.12.0.",
        labels=["dependencies", "javascript"],
        head="dependabot/npm_and_yarn/website/axios-1.12.0",
        additions=9,
        deletions=9,
        changed_files=2,
    )
    _issue(
        fake,
        number=32440,
        user="newbie-dev",
        created_at="2025-09-25T06:00:00Z",
        updated_at="2025-09-25T12:30:00Z",
        title="Question: how do I deploy fleetd-chrome to managed Chromebooks?",
        body="I followed the docs but the extension never shows up in Fleet. Any hints?",
        labels=[":incoming"],
    )
    _issue(
        fake,
        number=32441,
        user="newbie-dev",
        pull_request=True,
        author_association="FIRST_TIME_CONTRIBUTOR",
        created_at="2025-09-25T13:00:00Z",
        updated_at="2025-09-25T16:45:00Z",
        title="docs: fix typo in fleetd-chrome deployment guide",
        body="Small typo fix in the Chromebook guide.",
        labels=["documentation"],
        head="patch-1",
        head_owner="newbie-dev",
        additions=1,
        deletions=1,
        changed_files=1,
    )
    _issue(
        fake,
        number=32442,
        user="mdm-maria",
        created_at="2025-08-25T10:00:00Z",
        state="closed",
        closed_at="2025-09-11T10:00:00Z",
        updated_at="2025-09-11T10:00:00Z",
        title="Apple declarations: show activity when DDM profile is removed",
        body=s(want="an activity when a declaration is removed", why="I can audit changes"),
        labels=["story", "#g-mdm", ":release"],
        milestone=m74,
        assignees=["mdm-maria"],
    )
    _issue(
        fake,
        number=32445,
        user="pm-priya",
        created_at="2025-09-23T09:00:00Z",
        updated_at="2025-09-23T09:00:00Z",
        title="Scripts: add timeout setting per team",
        body=s(want="a per-team script timeout", why="long scripts do not fail"),
        labels=["story", "#g-orchestration", ":product"],
    )
    _issue(
        fake,
        number=32447,
        user="qa-quinn",
        created_at="2025-09-15T12:00:00Z",
        state="closed",
        closed_at="2025-09-25T17:40:00Z",
        updated_at="2025-09-25T17:40:00Z",
        title="Activity feed missing entries after upgrade to 4.74.0",
        body=b(
            version="4.74.0",
            actual="Activities before the upgrade are gone.",
            step="Upgrade from 4.73.1 to 4.74.0",
        ),
        labels=["bug", "~unreleased bug", "~release blocker", "#g-orchestration", ":release", "P1"],
        milestone=m75,
        assignees=["eng-eli"],
    )
    _issue(
        fake,
        number=32448,
        user="eng-eli",
        pull_request=True,
        created_at="2025-09-16T08:00:00Z",
        merged_at="2025-09-25T17:35:00Z",
        updated_at="2025-09-25T17:35:00Z",
        title="Restore activity entries lost in migration",
        body=PR_BODY.format(issue=32447),
        milestone=m75,
        head="eng-eli/activities-migration",
        merged_by="orch-olga",
        additions=120,
        deletions=15,
        changed_files=6,
    )
    _issue(
        fake,
        number=32450,
        user="sw-sam",
        created_at="2025-09-23T14:00:00Z",
        updated_at="2025-09-24T10:00:00Z",
        title="Fleet Desktop: My device page shows stale policies",
        body=b(
            version="4.74.0",
            actual="Policies are a day old.",
            step="Open My device after fixing a policy",
        ),
        labels=["bug", "~released bug", "#g-software", ":reproduce"],
    )
    _issue(
        fake,
        number=32451,
        user="jdoe-sre",
        pull_request=True,
        author_association="CONTRIBUTOR",
        created_at="2025-09-21T10:00:00Z",
        updated_at="2025-09-25T10:20:00Z",
        title="Add LUKS2 detection to disk encryption vitals",
        body="Fixes #32422",
        head="luks2-vitals",
        head_owner="jdoe-sre",
        additions=88,
        deletions=4,
        changed_files=3,
    )
    _issue(
        fake,
        number=32452,
        user="pm-priya",
        created_at="2025-09-23T15:00:00Z",
        updated_at="2025-09-23T15:00:00Z",
        title="Export host software inventory to CSV",
        body=s(want="to export software inventory", why="I can share it with auditors"),
        labels=["story", "customer-acme", "#g-software", ":product"],
    )
    _issue(
        fake,
        number=32453,
        user="eng-eli",
        pull_request=True,
        created_at="2025-09-11T18:00:00Z",
        merged_at="2025-09-12T19:50:00Z",
        updated_at="2025-09-12T19:50:00Z",
        title="Update CHANGELOG for fleet-v4.74.0",
        body="Changelog and version bump.",
        milestone=m74,
        head="eng-eli/changelog-4.74.0",
        merged_by="pm-priya",
        additions=140,
        deletions=2,
        changed_files=3,
    )
    _issue(
        fake,
        number=32455,
        user="eng-eli",
        created_at="2025-09-03T10:00:00Z",
        state="closed",
        closed_at="2025-09-05T10:00:00Z",
        updated_at="2025-09-05T10:00:00Z",
        title="Docs: clarify fleetd auto-update channels",
        body="The TUF channels section is confusing.",
        labels=["documentation"],
    )
    _issue(
        fake,
        number=32456,
        user="dependabot[bot]",
        pull_request=True,
        created_at="2025-09-15T04:00:00Z",
        merged_at="2025-09-18T09:00:00Z",
        updated_at="2025-09-18T09:00:00Z",
        title="Bump golang.org/x/crypto from 0.41.0 to 0.42.0",
        body="Bumps [golang.org/x/crypto](https://github.com/golang/crypto) from 0.41.0 to 0.42.0.",
        labels=["dependencies", "go"],
        head="dependabot/go_modules/golang.org/x/crypto-0.42.0",
        merged_by="sec-sunil",
        additions=6,
        deletions=6,
        changed_files=2,
    )
    _issue(
        fake,
        number=32460,
        user="qa-quinn",
        created_at="2025-09-24T11:00:00Z",
        updated_at="2025-09-25T09:00:00Z",
        title="Team settings page crashes when webhook URL is empty",
        body=b(
            version="main (unreleased)",
            actual="Blank page with a console error.",
            step="Clear the webhook URL and save",
        ),
        labels=["bug", "~unreleased bug", "#g-orchestration", ":release"],
        milestone=m75,
        assignees=["eng-eli"],
    )
    _issue(
        fake,
        number=32461,
        user="eng-eli",
        pull_request=True,
        created_at="2025-09-25T09:30:00Z",
        updated_at="2025-09-25T11:00:00Z",
        title="Fix team settings crash on empty webhook URL",
        body=PR_BODY.format(issue=32460),
        milestone=m75,
        head="eng-eli/empty-webhook",
        additions=12,
        deletions=3,
        changed_files=2,
    )
    _issue(
        fake,
        number=32462,
        user="eng-eli",
        pull_request=True,
        created_at="2025-09-25T18:00:00Z",
        updated_at="2025-09-25T18:00:00Z",
        title="Cherry-pick #32448 into the 4.75.0 release candidate",
        body="Cherry-pick of #32448.",
        milestone=m75,
        base="rc-minor-fleet-v4.75.0",
        head="eng-eli/cp-32448",
        additions=120,
        deletions=15,
        changed_files=6,
    )
    _issue(
        fake,
        number=32463,
        user="mdm-maria",
        created_at="2025-09-24T13:00:00Z",
        updated_at="2025-09-24T13:00:00Z",
        title="Self-service install button disabled for VPP apps",
        body=b(
            version="main (unreleased)",
            actual="Button is greyed out.",
            step="Add a VPP app to self-service",
        ),
        labels=["bug", "~unreleased bug", "#g-software", ":release"],
        milestone=m75,
    )
    _issue(
        fake,
        number=32464,
        user="sec-sunil",
        created_at="2025-09-22T10:00:00Z",
        updated_at="2025-09-22T10:00:00Z",
        title="Add CIS benchmark policies for macOS 26",
        body=s(want="CIS policies for macOS 26", why="I stay compliant after upgrades"),
        labels=["story", "#g-security-compliance", ":release"],
        milestone=m76,
    )
    _issue(
        fake,
        number=32465,
        user="acme-itadmin",
        created_at="2025-09-25T07:00:00Z",
        updated_at="2025-09-26T08:10:00Z",
        title="fleetd crashes on Ubuntu 24.04 ARM after update",
        body=b(
            version="4.74.0",
            actual="orbit exits with SIGSEGV.",
            step="Update fleetd on an ARM host",
        ),
        labels=["bug", "~released bug", ":incoming", ":reproduce", "customer-acme"],
    )
    _issue(
        fake,
        number=32466,
        user="spam-account-9",
        created_at="2025-09-20T03:00:00Z",
        state="closed",
        state_reason="not_planned",
        closed_at="2025-09-20T08:00:00Z",
        updated_at="2025-09-20T08:00:00Z",
        closed_by="pm-priya",
        locked=True,
        active_lock_reason="spam",
        title="Cheap licenses here",
        body="(removed)",
    )
    _issue(
        fake,
        number=32467,
        user="pm-priya",
        created_at="2025-09-24T16:00:00Z",
        updated_at="2025-09-24T16:00:00Z",
        title="MDM: migrate hosts from Jamf without wipe",
        body=s(want="to migrate from Jamf without wiping", why="end users keep their data"),
        labels=["story", ":product", "#g-mdm", "customer-initech"],
    )

    comments = [
        (32401, "pm-priya", "2025-09-15T11:00:00Z", "Acme hit this during their rollout."),
        (32401, "acme-itadmin", "2025-09-16T08:10:00Z", "Still happening on 4.74.0 for us."),
        (32401, "sw-sam", "2025-09-24T16:40:00Z", "Fix is in #32402, will land in 4.75.0."),
        (32405, "qa-quinn", "2025-09-16T13:40:00Z", "Reproduced on Windows 11 24H2."),
        (32405, "mdm-maria", "2025-09-17T08:20:00Z", "Found the cause: we skip resending."),
        (32405, "qa-quinn", "2025-09-25T15:02:00Z", "QA'd on main, fixed."),
        (32410, "orch-olga", "2025-09-23T10:00:00Z", "Estimated at 5 points."),
        (
            32415,
            "pm-priya",
            "2025-09-19T09:00:00Z",
            "Thanks for the report! Can you share the team YAML (redacted)?",
        ),
        (32415, "acme-itadmin", "2025-09-20T07:30:00Z", "Attached, see `team.yml`."),
        (32415, "orch-olga", "2025-09-24T09:30:00Z", "Reproduced with a relative path."),
        (32418, "sec-sunil", "2025-09-24T18:00:00Z", "Fixed by #32419."),
        (32422, "jdoe-sre", "2025-09-20T14:30:00Z", "I opened #32451 with a fix."),
        (32422, "mdm-maria", "2025-09-25T10:20:00Z", "Thanks! Reviewing now."),
        (32429, "orch-olga", "2025-09-23T11:00:00Z", "Waiting for the TUF push before undrafting."),
        (32431, "orch-olga", "2025-09-23T12:00:00Z", "@dependabot rebase"),
        (32431, "dependabot[bot]", "2025-09-24T06:30:00Z", "Rebased on main."),
        (32433, "pm-priya", "2025-09-22T16:30:00Z", "This is blocking Globex's SSO migration."),
        (32433, "sec-sunil", "2025-09-25T18:05:00Z", "Root cause: case-sensitive email match."),
        (32436, "macadmin42", "2025-09-24T20:20:00Z", "Same in Firefox."),
        (32436, "jdoe-sre", "2025-09-25T08:00:00Z", "We see it at ~8k rows too."),
        (32440, "orch-olga", "2025-09-25T12:30:00Z", "See the Chromebook guide on fleetdm.com."),
        (32441, "pm-priya", "2025-09-25T16:45:00Z", "Thanks for your first contribution! :tada:"),
        (32447, "eng-eli", "2025-09-16T08:05:00Z", "Migration dropped rows with NULL details."),
        (32447, "qa-quinn", "2025-09-25T17:40:00Z", "Verified on the RC."),
        (32450, "sw-sam", "2025-09-24T10:00:00Z", "Could not reproduce yet, need more info."),
        (32451, "mdm-maria", "2025-09-24T09:00:00Z", "Can you add a test for LUKS1 too?"),
        (32451, "jdoe-sre", "2025-09-25T10:20:00Z", "Added."),
        (32460, "eng-eli", "2025-09-25T09:00:00Z", "Fix in #32461."),
        (32465, "macadmin42", "2025-09-25T19:00:00Z", "Same here on a Raspberry Pi 5."),
        (32465, "jdoe-sre", "2025-09-26T07:00:00Z", "Happens on Graviton too."),
        (32465, "acme-itadmin", "2025-09-26T08:10:00Z", "Attached the crash log."),
        (32466, "pm-priya", "2025-09-20T08:00:00Z", "Closing as spam."),
    ]
    for number, login, created, body in sorted(comments, key=lambda c: c[2]):
        fake.add_comment(
            FLEET, number, login=login, created_at=created, body=body, touch_issue=False
        )

    fake.set_file(FLEET, "main", "go.mod", GO_MOD)
    fake.set_file(FLEET, "main", ".github/workflows/generate-osqueryd-targets.yml", WORKFLOW)
    fake.set_file(FLEET, "fleet-v4.74.0", "go.mod", GO_MOD_4_74)
    fake.set_file(FLEET, "main", RITUALS_PATH, RITUALS_YML)
    fake.set_file(
        FLEET, "fleet-v4.74.0", ".github/workflows/generate-osqueryd-targets.yml", WORKFLOW
    )

    fake.set_compare(
        FLEET,
        "fleet-v4.74.0",
        "main",
        commits=[
            {
                "message": "Deduplicate policy webhook payloads (#32421)",
                "login": "orch-olga",
                "date": "2025-09-13T09:00:00Z",
            },
            {
                "message": "Bump golang.org/x/crypto from 0.41.0 to 0.42.0 (#32456)",
                "login": "dependabot[bot]",
                "date": "2025-09-18T09:00:00Z",
            },
            {
                "message": "Vulnerabilities: match Chrome patched versions (#32419)",
                "login": "sec-sunil",
                "date": "2025-09-24T17:59:00Z",
            },
            {
                "message": "Windows MDM: resend profiles after re-enrollment (#32406)",
                "login": "mdm-maria",
                "date": "2025-09-25T14:55:00Z",
            },
            {
                "message": "Restore activity entries lost in migration (#32448)",
                "login": "eng-eli",
                "date": "2025-09-25T17:35:00Z",
            },
        ],
        files=[
            {
                "filename": "changes/32405-windows-profiles-reenroll",
                "status": "added",
                "additions": 1,
                "deletions": 0,
            },
            {
                "filename": "changes/32418-chrome-cve",
                "status": "added",
                "additions": 1,
                "deletions": 0,
            },
            {
                "filename": "changes/32447-activities-migration",
                "status": "added",
                "additions": 1,
                "deletions": 0,
            },
            {
                "filename": "server/datastore/mysql/activities.go",
                "status": "modified",
                "additions": 40,
                "deletions": 8,
            },
            {
                "filename": "server/mdm/microsoft/profiles.go",
                "status": "modified",
                "additions": 180,
                "deletions": 30,
            },
            {
                "filename": "server/vulnerabilities/nvd/cpe.go",
                "status": "modified",
                "additions": 60,
                "deletions": 10,
            },
            {"filename": "go.mod", "status": "modified", "additions": 3, "deletions": 3},
            {"filename": "go.sum", "status": "modified", "additions": 4, "deletions": 4},
        ],
    )
    fake.set_compare(
        FLEET,
        "fleet-v4.73.1",
        "fleet-v4.74.0",
        commits=[
            {
                "message": "Apple declarations: activity on removal (#32442)",
                "login": "mdm-maria",
                "date": "2025-09-08T10:00:00Z",
            },
            {
                "message": "Update CHANGELOG for fleet-v4.74.0 (#32453)",
                "login": "eng-eli",
                "date": "2025-09-12T19:50:00Z",
            },
        ],
        files=[
            {"filename": "CHANGELOG.md", "status": "modified", "additions": 120, "deletions": 0},
            {
                "filename": "changes/32442-ddm-activity",
                "status": "removed",
                "additions": 0,
                "deletions": 1,
            },
            {
                "filename": "server/mdm/apple/declarations.go",
                "status": "modified",
                "additions": 35,
                "deletions": 5,
            },
        ],
    )


def _osquery(fake: FakeGitHub) -> None:
    fake.add_repo(
        OSQUERY,
        id=21707452,
        language="C++",
        default_branch="master",
        description="SQL powered operating system instrumentation, monitoring, and analytics.",
        created_at="2014-07-29T21:01:15Z",
        stargazers_count=22500,
        forks_count=2500,
    )
    releases = [
        ("5.12.1", False, "2024-04-11T17:02:00Z"),
        ("5.12.2", False, "2024-05-21T16:40:00Z"),
        ("5.13.0", False, "2024-07-22T19:10:00Z"),
        ("5.13.1", False, "2024-08-06T18:30:00Z"),
        ("5.14.0", False, "2024-10-29T20:05:00Z"),
        ("5.14.1", False, "2024-11-04T17:45:00Z"),
        ("5.15.0", True, "2025-01-28T21:00:00Z"),
    ]
    for tag, pre, date in releases:
        fake.add_release(
            OSQUERY,
            tag,
            prerelease=pre,
            published_at=date,
            name=f"osquery {tag}",
            author="osquery-maintainer",
            target_commitish="master",
            body=f"# {tag} Release Notes\n\nSee the CHANGELOG.",
        )


def _extension(fake: FakeGitHub) -> None:
    fake.add_repo(
        EXTENSION,
        id=143977389,
        language="Go",
        description="osquery extension with macOS tables used by Mac admins.",
        created_at="2018-08-08T04:15:00Z",
        stargazers_count=260,
        forks_count=45,
    )
    releases = [
        ("v1.2.5", False, False, "2025-01-15T05:00:00Z"),
        ("v1.2.6", False, False, "2025-04-02T06:30:00Z"),
        ("v1.2.7", False, False, "2025-06-18T07:45:00Z"),
        ("v1.3.0", False, False, "2025-09-19T08:20:00Z"),
        ("v1.3.1", False, True, None),
    ]
    for tag, pre, draft, date in releases:
        fake.add_release(
            EXTENSION,
            tag,
            prerelease=pre,
            draft=draft,
            published_at=date,
            created_at=date or "2025-09-24T10:00:00Z",
            author="mac-ext-maint",
            body=f"## What's Changed\n\n* Release {tag}",
        )


def main(directory: Path = FIXTURES_DIR) -> None:
    """Rewrite the seed JSON files."""
    for old in directory.glob("*.json"):
        old.unlink()
    dump_fixture_dir(build(), directory)


if __name__ == "__main__":
    main()
