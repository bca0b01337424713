"""Demo mirror of the product repository, built without any GitHub access.

About 3,000 issues and pull requests over the last two years, their comments, the
handbook's labels, the minor-version milestones around today, the release tags, the
watched repositories' releases, the files the dependency checks read at `main`, and one
finished sync run, so every page of the dashboard has something true-looking to show.

Decisions:

- Everything GitHub would send goes through `fleetops/github/upsert.py` as GitHub's REST
  JSON (issues with `pull_request` and `draft`, comments, labels, milestones, tags, tag
  commits, releases), in pages of 100 sorted like the sync's listings; labels and tags,
  like the sync does, as one complete listing. The demo exercises the sync's own write
  path. Only `FileContent` and `SyncRun` rows are written directly.
- Ids are derived from numbers and names (issue number, comment position, label position,
  milestone number, release tag), so seeding twice updates rows and duplicates none.
  Seeded again on another day, the calendar moves and the history with it: the earlier
  demo's issues and comments are dropped first rather than mixed with the new ones.
- Randomness comes from one `random.Random` seeded by a single draw from `ctx.rng`: the
  apps seeded after this one see the same random stream whatever this module generates.
- The repository's sync cursors (`issues_cursor`, `comments_cursor`) stay empty: a real
  sync against a real GitHub must never believe the demo rows are what GitHub said. The
  demo belongs in a demo database; a real sync there starts from scratch.
- The same goes for the sync's ETags (`ConditionalRequest`): none are stored.
- Some of the history is staged for the pages that need it: open release blockers in three
  groups, unreleased bugs in the current milestone, community issues and PRs no member has
  answered yet, and community issues where a member asked for more context a week or more
  ago and the author never replied. go.mod trails the extension's newest release by one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from fleetops.core.demo import DemoContext
from fleetops.github.boards.demo import seed as boards_demo_seed
from fleetops.github.models import (
    ExternalRelease,
    FileContent,
    Issue,
    IssueComment,
    IssueQuerySet,
    Repository,
    SyncRun,
)
from fleetops.github.selectors import mirror_counts
from fleetops.github.upsert import (
    UpsertResult,
    comments_upsert,
    issues_upsert,
    labels_upsert,
    milestones_upsert,
    release_delete,
    releases_upsert,
    repository_get,
    tag_date_set,
    tags_upsert,
)
from fleetops.org.demo import SPRINT_ANCHOR
from fleetops.org.models import SPRINT_LENGTH, Person, ProductGroup

API = "https://api.github.com"
HTML = "https://github.com"
AVATARS = "https://avatars.githubusercontent.com"
PAGE_SIZE = 100
ITEMS = 3_000
WINDOW = dt.timedelta(days=730)
FIRST_NUMBER = 18_240
# Fleet 4.43.0 shipped the work of the demo cadence's first sprint (January 2024).
MINOR_AT_ANCHOR = 43
MILESTONE_NUMBER_OFFSET = 57  # GitHub milestone number of 4.N.0 is N + this
# Id ranges far from each other, so no two kinds of demo object share an id.
ISSUE_ID_BASE = 3_100_000_000
COMMENT_ID_BASE = 4_200_000_000  # + number * 64 + position in the thread
COMMENTS_PER_ISSUE_MAX = 63
LABEL_ID_BASE = 7_000_000_000
MILESTONE_ID_BASE = 12_000_000
RELEASE_ID_BASE = 210_000_000
WATCHED_OSQUERY = "osquery/osquery"
WATCHED_EXTENSION = "macadmins/osquery-extension"

DEPENDABOT = "dependabot[bot]"
CODECOV = "codecov[bot]"
BOTS = (DEPENDABOT, CODECOV)

# name, color, description: the handbook's labels and the ones the processes key on.
LABELS: list[tuple[str, str, str]] = [
    ("bug", "d73a4a", "Something isn't working"),
    ("story", "9ff2b5", "A user story defining an entire feature"),
    (":product", "4dd6ba", "Product Design department (shows up on Drafting board)"),
    (":release", "b5ccf1", "Ready to write code. Scheduled in a release."),
    (":reproduce", "e0bd5d", "Involves documenting reproduction steps in the issue"),
    (":incoming", "f9d0c4", "New issue in triage process."),
    (":improve documentation", "fef2c0", "Improvements to the documentation"),
    ("~released bug", "c13e2b", "This bug was found in a stable release."),
    ("~unreleased bug", "f08d6a", "This bug was found in an unreleased version of Fleet."),
    ("~release blocker", "b60205", "Must be fixed before the next release is published."),
    ("~engineering-initiated", "6e49cb", "Engineering-initiated story"),
    ("~pushed", "c2e0c6", "This story was pushed to the next release."),
    ("~ceo", "000000", "Changes the CEO reviews"),
    ("#handbook", "ededed", "Changes to the handbook"),
    ("P0", "b60205", "Critical: fix immediately"),
    ("P1", "d93f0b", "High priority"),
    ("P2", "fbca04", "Medium priority"),
    ("#g-mdm", "1d76db", "MDM product group"),
    ("#g-software", "5319e7", "Software product group"),
    ("#g-orchestration", "0e8a16", "Orchestration product group"),
    ("#g-security-compliance", "006b75", "Security & compliance product group"),
    ("customer-northwind", "bfd4f2", ""),
    ("customer-contoso", "bfd4f2", ""),
    ("customer-globex", "bfd4f2", ""),
    ("customer-initech", "bfd4f2", ""),
    ("customer-umbrella", "bfd4f2", ""),
    ("customer-hooli", "bfd4f2", ""),
    ("customer-wonka", "bfd4f2", ""),
    ("customer-tyrell", "bfd4f2", ""),
    ("customer-soylent", "bfd4f2", ""),
    ("customer-vandelay", "bfd4f2", ""),
    ("dependencies", "0366d6", "Pull requests that update a dependency file"),
    ("go", "16e2e2", "Pull requests that update Go code"),
    ("javascript", "168700", "Pull requests that update Javascript code"),
    ("github_actions", "000000", "Pull requests that update GitHub Actions code"),
    ("good first issue", "7057ff", "Good for newcomers"),
    ("question", "d876e3", "Further information is requested"),
    ("duplicate", "cfd3d7", "This issue or pull request already exists"),
    ("~feature fest", "fef2c0", "Will be reviewed at the next feature fest"),
    ("~frontend", "c5def5", "Frontend-related issue."),
    ("~backend", "c5def5", "Backend-related issue."),
    ("~dogfood", "d4c5f9", "Found on the dogfood instance"),
    ("~qa", "e99695", "Found by QA Wolf or release QA"),
    ("~flaky test", "f9d0c4", "A test that fails intermittently"),
    ("#agent", "0052cc", "fleetd, orbit and osquery agent work"),
]
CUSTOMERS = [name for name, _, _ in LABELS if name.startswith("customer-")]

COMMUNITY = [
    "jdoe-sre", "macadmin42", "acme-itadmin", "kdavies", "pkrueger-ops", "linuxlars",
    "sarah-secops", "tbauer", "mfrancois", "devopsdan", "rkumar-it", "ehansen",
    "cloudnative-cat", "bwilliams88", "hguerrero", "osquery-fan", "jmartinez-it",
    "vkozlov", "amelie-m", "chromeos-admin", "nkhan", "zhangwei-dev", "pgrant", "lnovak",
    "itops-rob", "fleet-user-7", "dmitchell", "sysadmin-sue", "ajohnson-eng", "clouduser",
    "twong", "mpatel-sre", "ggarcia", "helm-hacker", "winadmin-jo", "ubuntu-ursula",
    "secureops-sam", "rbrown-mdm", "ksmith2", "opsjunkie",
]  # fmt: skip

REPORTERS = [
    "bjorn-it", "cmendes", "dpark-corp", "eng-lisa", "fabio-mac", "gsingh", "hanna-k",
    "ivan-ops", "jules-admin", "kimlee", "lukasz-w", "mariag", "nate-endpoint", "olu-sec",
    "paulina-it", "qiang-l", "renee-b", "stefan-h", "tara-mdm", "uday-k", "vera-ops",
    "will-edu", "xavier-m", "yasmin-it", "zoe-campus", "helpdesk-hq", "k12-techlead",
    "hospital-it-ana", "bank-secops", "retail-itops",
]  # fmt: skip

# fmt: off
GROUP_TOPICS: dict[str, dict[str, list[str]]] = {
    "#g-mdm": {
        "subjects": [
            "Setup experience", "Windows MDM enrollment", "FileVault key escrow",
            "Configuration profiles", "DDM declarations", "OS updates", "Remote lock",
            "Remote wipe", "ABM token renewal", "VPP app installs", "iPadOS enrollment",
            "Bootstrap package", "End user authentication", "Recovery lock",
            "Disk encryption status", "Automatic enrollment profile",
        ],
        "features": [
            "custom enrollment profiles for ADE", "Android work profile enrollment",
            "Platform SSO", "DDM-based software updates", "recovery lock passwords",
            "bulk resend of configuration profiles", "Linux disk encryption key escrow",
            "iPadOS shared mode", "Windows Autopilot", "account-driven user enrollment",
            "per-host configuration profile variables", "macOS setup experience scripts",
        ],
    },
    "#g-software": {
        "subjects": [
            "Software installer upload", "Self-service install", "Vulnerable software list",
            "Fleet-maintained apps", "Uninstall script", "Software inventory",
            "Policy automation install", "Custom package pre-install query", "App Store apps",
            "Software titles count", "Software version list", "Install retries", "Software icons",
            "Package metadata extraction",
        ],
        "features": [
            "Fleet-maintained apps for Windows", "patch policies", "automatic install retries",
            "scripts as software packages", "custom icons for self-service",
            "version pinning for App Store apps", "Chocolatey packages",
            "software categories in self-service", "uninstall from the My device page",
            "install software during setup experience on Windows", "tarball packages for Linux",
            "software title search by bundle identifier",
        ],
    },
    "#g-orchestration": {
        "subjects": [
            "fleetctl gitops", "Live query results", "Host vitals", "Script execution",
            "Manual labels", "Activity feed", "Failing policy webhook", "Team filter",
            "Calendar events", "Orbit update", "Query reports", "Host search", "fleetd enrollment",
            "osquery flag validation", "Host expiry",
        ],
        "features": [
            "GitOps mode in the UI", "query reports for all teams", "host vitals for Chromebooks",
            "custom host identifiers", "script batches", "label-based scoping for queries",
            "webhooks for host status changes", "fleetd for Linux ARM", "host last seen filters",
            "saved host table views", "query scheduling per label", "GitOps dry-run diffs",
        ],
    },
    "#g-security-compliance": {
        "subjects": [
            "CIS benchmark policies", "SSO login", "API-only user permissions", "Audit log",
            "SCIM user sync", "Conditional access", "Password reset", "Two-factor prompt",
            "Kernel vulnerability scan", "Script secrets", "Certificate deployment",
            "Session expiry", "NVD feed processing", "CVE severity scores",
        ],
        "features": [
            "SCIM user provisioning", "conditional access with Entra ID",
            "FIPS-compatible builds", "CIS benchmarks for Windows 11 25H2",
            "API tokens with expiry", "audit log streaming to S3",
            "certificate authority integrations", "role for read-only auditors",
            "vulnerability exceptions", "secrets in configuration profiles",
            "Okta conditional access", "EPSS scores for vulnerabilities",
        ],
    },
}
# fmt: on
BUG_SYMPTOMS = [
    "shows the wrong status",
    "fails silently",
    "is stuck in Pending",
    "returns a 500 error",
    "is not updated after refetch",
    "shows a blank page",
    "times out",
    "ignores the team setting",
    "shows duplicate entries",
    "logs a misleading error",
    "is missing from the activity feed",
    "breaks after upgrading",
    "shows stale data",
    "counts hosts twice",
    "fails validation",
    "cannot be saved",
    "is slow to load",
]  # fmt: skip
BUG_CONTEXTS = [
    "for hosts in a team", "after re-enrollment", "on macOS 15", "on Windows 11",
    "with more than 10,000 hosts", "in Firefox", "when using fleetctl", "via the API",
    "after a host transfers teams", "for API-only users", "on Ubuntu 24.04", "in GitOps mode",
    "for observers", "on iOS 18", "when the team has no hosts", "",
]  # fmt: skip
STORY_VERBS = [
    "Add", "Support", "Add API for", "Add GitOps support for", "Improve", "Add UI for",
    "Allow admins to manage",
]  # fmt: skip
ENGINEERING_STORIES = [
    "Reduce p95 latency of GET /api/v1/fleet/hosts", "Split the MDM integration tests",
    "Remove deprecated software endpoints", "Speed up the vulnerability cron",
    "Upgrade MySQL test matrix to 8.4", "Move async host processing to a dedicated queue",
    "Cache Apple DEP device lookups", "Replace the custom retry package with backoff",
    "Make migrations idempotent on re-run", "Lower memory use of software ingestion",
    "Add tracing to distributed query ingestion", "Consolidate frontend table components",
    "Delete unused feature flags", "Run Go tests with the race detector in CI",
    "Make the calendar cron resumable", "Index host_software by software_id",
]  # fmt: skip
PR_VERBS = ["Fix", "Refactor", "Add tests for", "Clean up", "Speed up", "Update", "Harden"]
PR_COMPONENTS = [
    "host detail query ingestion", "software title sync", "MDM profile reconciler",
    "Apple DEP syncer", "vulnerability cron", "live query websocket", "gitops team apply",
    "activity feed", "osquery distributed read", "policy automation", "calendar webhook",
    "fleetctl preview", "Windows MDM SOAP handler", "cron schedules", "MySQL migrations",
    "software installer storage", "host table", "SSO callback", "script execution",
    "label membership cleanup", "setup experience", "DDM declarations", "SCIM endpoints",
    "fleetd-chrome table", "orbit token rotation", "osquery flag validation",
]  # fmt: skip
DOC_PAGES = [
    "handbook/engineering.md", "handbook/company/product-groups.md", "handbook/product.md",
    "docs/Contributing/guides/releasing-fleet.md", "docs/Configuration/fleet-server.md",
    "docs/REST API/rest-api.md", "handbook/company/why-this-way.md", "docs/Using Fleet/MDM.md",
    "articles/deploy-fleet.md", "handbook/customer-success.md",
]  # fmt: skip
COMMUNITY_PR_TITLES = [
    "Fix typo in {doc}", "Add Helm chart value for {thing}", "Support {distro} in fleetd packaging",
    "Fix nil pointer in {component}", "Document {thing} in {doc}", "Add {distro} to the osquery "
    "targets", "Allow configuring {thing} via environment variable",
]  # fmt: skip
COMMUNITY_ISSUE_TITLES = [
    "fleetd fails to enroll on {distro}", "Feature request: {feature}",
    "Question: how do I configure {thing}?", "{subject} {symptom} {context}",
    "Docs: {doc} is out of date", "Enrollment secret rotation breaks {distro} hosts",
]  # fmt: skip
DISTROS = ["Fedora 41", "Rocky Linux 9", "Debian 12", "Arch Linux", "NixOS", "Amazon Linux 2023"]
THINGS = ["the Redis pool size", "S3 carving", "the MySQL read replica", "TLS for osquery",
          "the server private key", "logging to Kinesis", "the Prometheus endpoint"]  # fmt: skip
GO_DEPENDENCIES = [
    ("golang.org/x/net", (0, 30, 0)), ("golang.org/x/crypto", (0, 28, 0)),
    ("github.com/aws/aws-sdk-go-v2", (1, 30, 1)), ("google.golang.org/grpc", (1, 66, 0)),
    ("github.com/docker/docker", (26, 1, 3)), ("github.com/go-jose/go-jose/v4", (4, 0, 2)),
    ("github.com/golang-jwt/jwt/v4", (4, 5, 0)), ("github.com/quic-go/quic-go", (0, 48, 1)),
]  # fmt: skip
JS_DEPENDENCIES = [
    ("axios", (1, 7, 2)), ("express", (4, 19, 2)), ("webpack", (5, 91, 0)), ("cookie", (0, 6, 0)),
    ("micromatch", (4, 0, 5)), ("nanoid", (3, 3, 7)), ("sails", (1, 5, 11)),
]  # fmt: skip
JS_DIRECTORIES = ["", " in /website", " in /ee/fleetd-chrome", " in /tools/fleetctl-npm"]
ACTIONS = [
    ("actions/checkout", (4, 1, 1)), ("actions/setup-go", (5, 0, 0)),
    ("github/codeql-action", (3, 24, 0)), ("docker/build-push-action", (5, 1, 0)),
    ("actions/upload-artifact", (4, 3, 1)),
]  # fmt: skip
HOURS = list(range(24))
# Activity by UTC hour: most of the team works in the Americas, some in Europe and India.
HOUR_WEIGHTS = [2, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 7, 7, 8, 10, 12, 12, 12, 11, 10, 9, 8, 6, 4]


def _ts(moment: dt.datetime | None) -> str | None:
    """GitHub's timestamp format."""
    return None if moment is None else moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sha(*parts: object) -> str:
    return hashlib.sha1(":".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()


def _version(parts: tuple[int, ...]) -> str:
    return ".".join(map(str, parts))


@dataclass
class _Group:
    label: str
    em: str
    qa: str
    engineers: list[str]


@dataclass
class _Comment:
    login: str
    at: dt.datetime
    body: str
    association: str = ""  # filled in for community authors once contributions are known


@dataclass
class _Item:
    pull: bool
    created_at: dt.datetime
    author: str
    title: str
    labels: list[str]
    association: str = ""
    closed_at: dt.datetime | None = None
    state_reason: str | None = None
    merged: bool = False
    draft: bool = False
    assignees: list[str] = field(default_factory=list)
    minor: int | None = None
    comments: list[_Comment] = field(default_factory=list)
    body: str = ""
    number: int = 0

    @property
    def updated_at(self) -> dt.datetime:
        moments = [self.created_at, *(c.at for c in self.comments)]
        if self.closed_at:
            moments.append(self.closed_at)
        return max(moments)


@dataclass
class _Tag:
    name: str
    at: dt.datetime


@dataclass
class _Release:
    tag: str
    at: dt.datetime
    prerelease: bool = False


class _MirrorBuilder:
    """Invents the repository's history; knows nothing of the database."""

    def __init__(self, rng: random.Random, now: dt.datetime, groups: list[_Group]) -> None:
        self.rng = rng
        self.now = now.astimezone(dt.UTC).replace(microsecond=0)
        self.start = self.now - WINDOW
        self.groups = groups
        self.members = sorted({x for g in groups for x in (g.em, g.qa, *g.engineers)})
        self.items: list[_Item] = []
        self.current_minor = self.minor_of(self.now)
        self.first_minor = self.minor_of(self.start)

    # -- time ---------------------------------------------------------------------------

    def sprint_index(self, moment: dt.datetime) -> int:
        return (moment.date() - SPRINT_ANCHOR).days // SPRINT_LENGTH.days

    def minor_of(self, moment: dt.datetime) -> int:
        """The minor version that ships the work of the sprint containing `moment`."""
        return MINOR_AT_ANCHOR + self.sprint_index(moment)

    def sprint_start(self, minor: int) -> dt.datetime:
        day = SPRINT_ANCHOR + SPRINT_LENGTH * (minor - MINOR_AT_ANCHOR)
        return dt.datetime.combine(day, dt.time(15), tzinfo=dt.UTC)

    def sprint_end(self, minor: int) -> dt.datetime:
        """The sprint's last day (a Sunday), end of day: the milestone's due date."""
        return self.sprint_start(minor + 1) - dt.timedelta(hours=15, seconds=1)

    def release_at(self, minor: int) -> dt.datetime:
        """4.N.0 is published the Wednesday after its sprint, once release QA is done."""
        return self.sprint_start(minor + 1) + dt.timedelta(days=2, hours=3)

    def released(self, minor: int) -> bool:
        return self.release_at(minor) <= self.now

    def later(self, moment: dt.datetime, median_hours: float, sigma: float = 1.0) -> dt.datetime:
        hours = self.rng.lognormvariate(math.log(median_hours), sigma)
        return (moment + dt.timedelta(hours=hours)).replace(microsecond=0)

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.datetime:
        seconds = max(int((end - start).total_seconds()), 1)
        return start + dt.timedelta(seconds=self.rng.randrange(seconds))

    def moments(self, count: int, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
        """`count` creation times, busier on weekdays, in working hours and lately."""
        days = max((end - start).days, 1)
        first = start.replace(hour=0, minute=0, second=0)
        weights = [
            (0.55 + 0.45 * d / days) * (0.2 if (first + dt.timedelta(days=d)).weekday() >= 5 else 1)
            for d in range(days)
        ]
        picks = self.rng.choices(range(days), weights=weights, k=count)
        hours = self.rng.choices(HOURS, weights=HOUR_WEIGHTS, k=count)
        out = []
        for day, hour in zip(picks, hours, strict=True):
            moment = first + dt.timedelta(days=day, hours=hour, seconds=self.rng.randrange(3600))
            out.append(min(max(moment, start), end))
        return out

    # -- people ---------------------------------------------------------------------------

    def group(self) -> _Group:
        return self.rng.choice(self.groups)

    def engineer(self, group: _Group) -> str:
        return self.rng.choice(group.engineers or [group.em])

    def topics(self, group: _Group) -> dict[str, list[str]]:
        """What the group's issues are about (a group unknown to the demo borrows some)."""
        return GROUP_TOPICS.get(group.label, GROUP_TOPICS["#g-orchestration"])

    def member(self) -> str:
        return self.rng.choice(self.members)

    def community(self, *, coder: bool = False) -> str:
        """A community login: PRs come mostly from regular contributors, issues from anyone."""
        if coder:
            return self.rng.choice(COMMUNITY[:12] if self.rng.random() < 0.7 else COMMUNITY)
        return self.rng.choice(COMMUNITY + REPORTERS)

    # -- threads --------------------------------------------------------------------------

    def thread(
        self,
        item: _Item,
        voices: list[str],
        count: int,
        start: dt.datetime,
        bodies: list[str],
    ) -> None:
        """`count` comments by `voices` after `start`, before the item closes (or now)."""
        end = item.closed_at or self.now
        if count <= 0 or start >= end:
            return
        times = sorted(self.between(start, end) for _ in range(count))
        for moment in times:
            item.comments.append(_Comment(self.rng.choice(voices), moment, self.rng.choice(bodies)))

    def close(self, item: _Item, after: dt.datetime, reason: str = "completed") -> None:
        if after < self.now:
            item.closed_at, item.state_reason = after, reason

    # -- kinds ----------------------------------------------------------------------------

    def bug_title(self, group: _Group) -> str:
        topics = self.topics(group)
        subject = self.rng.choice(topics["subjects"])
        symptom = self.rng.choice(BUG_SYMPTOMS)
        if symptom == "breaks after upgrading":
            symptom += (
                f" to {self.minor_label(self.rng.randrange(self.first_minor, self.current_minor))}"
            )
        return f"{subject} {symptom} {self.rng.choice(BUG_CONTEXTS)}".strip()

    def minor_label(self, minor: int) -> str:
        return f"4.{minor}.0"

    def priority(self, labels: list[str]) -> str | None:
        roll = self.rng.random()
        priority = "P0" if roll < 0.015 else "P1" if roll < 0.11 else "P2" if roll < 0.3 else None
        if priority:
            labels.append(priority)
        return priority

    def customer(self, labels: list[str], share: float = 0.1) -> None:
        if self.rng.random() < share:
            labels.append(self.rng.choice(CUSTOMERS))

    def bug(self, created: dt.datetime) -> _Item:
        """A bug filed by QA or an engineer: `~unreleased bug` when found during its sprint."""
        group = self.group()
        author = group.qa if self.rng.random() < 0.55 else self.member()
        unreleased = self.rng.random() < 0.3
        labels = ["bug", group.label, "~unreleased bug" if unreleased else "~released bug"]
        priority = self.priority(labels)
        self.customer(labels, 0.12)
        if self.rng.random() < 0.25:
            labels.append(self.rng.choice(["~frontend", "~backend", "~qa", "~dogfood"]))
        if group.label == "#g-orchestration" and self.rng.random() < 0.25:
            labels.append("#agent")
        assignee = self.engineer(group)
        item = _Item(False, created, author, self.bug_title(group), labels, assignees=[assignee])
        item.body = "## Expected behavior\n\n## Actual behavior\n\n## Steps to reproduce\n"
        median = {"P0": 6, "P1": 72}.get(priority or "", 400 if not unreleased else 90)
        # Some released bugs sit in the backlog; most of those are recent.
        backlog = 0.08 if self.now - created < dt.timedelta(days=180) else 0.01
        if unreleased or self.rng.random() > backlog:
            self.close(item, self.later(created, median, 1.3))
        if item.closed_at and self.rng.random() < 0.08:
            item.state_reason = "not_planned"
        if unreleased and item.closed_at and self.rng.random() < 0.1:
            labels.append("~release blocker")  # found in release QA, fixed before the release
        if unreleased:
            item.minor = self.minor_of(created)
            if item.closed_at is None:
                labels.append(":release")
                if self.released(item.minor):  # not fixed in its sprint: moved along
                    item.minor = self.current_minor
        elif item.closed_at and self.rng.random() < 0.7:
            item.minor = self.minor_of(item.closed_at)
        elif item.closed_at is None and self.rng.random() < 0.2:
            item.minor = self.current_minor
            labels.append(":release")
        if item.closed_at is None and self.now - created < dt.timedelta(days=5):
            labels.extend([":reproduce", ":incoming"])
        elif item.closed_at is None and self.rng.random() < 0.15:
            labels.append(":reproduce")
        if item.closed_at is None and priority in (None, "P2") and self.rng.random() < 0.06:
            labels.append("good first issue")
        self.thread(
            item,
            [author, assignee, group.qa, group.em],
            self.rng.choice([0, 1, 2, 2, 3, 3, 4, 4, 5, 6, 8]),
            created,
            [
                "Reproduced on dogfood.",
                "I can reproduce this on main.",
                "Fix is in review.",
                "QA: verified the fix on the RC branch.",
                "Is this a regression from the last release?",
                "Moving this to the next sprint, we ran out of capacity.",
                "Root cause: the cached value is not invalidated when the team changes.",
            ],
        )
        return item

    def community_issue(self, created: dt.datetime) -> _Item:
        """A community bug report or feature request: triaged, usually answered in hours."""
        group = self.group()
        author = self.community()
        topics = self.topics(group)
        template = self.rng.choice(COMMUNITY_ISSUE_TITLES)
        title = template.format(
            distro=self.rng.choice(DISTROS),
            feature=self.rng.choice(topics["features"]),
            thing=self.rng.choice(THINGS),
            subject=self.rng.choice(topics["subjects"]),
            symptom=self.rng.choice(BUG_SYMPTOMS),
            context=self.rng.choice(BUG_CONTEXTS),
            doc=self.rng.choice(DOC_PAGES),
        ).strip()
        feature = template.startswith(("Feature", "Question"))
        labels = [":product"] if feature else ["bug", ":reproduce"]
        if template.startswith("Question"):
            labels.append("question")
        elif feature and self.rng.random() < 0.3:
            labels.append("~feature fest")
        item = _Item(False, created, author, title, labels)
        responder = self.member()
        first = self.later(created, 2.5, 1.1)
        if first < self.now:
            item.comments.append(
                _Comment(responder, first, "Thanks for the report! Which Fleet version are you on?")
            )
        stale_ask = not feature and self.rng.random() < 0.25
        if stale_ask and first < self.now:
            # Handbook, "Close a stale community issue": a week with no reply, then close.
            self.close(item, self.later(first + dt.timedelta(days=7), 30, 0.8), "not_planned")
            if item.closed_at:
                item.comments.append(
                    _Comment(
                        responder,
                        item.closed_at,
                        "Closing for now: feel free to re-open with any updates.",
                    )
                )
        else:
            self.close(
                item,
                self.later(created, 500 if feature else 200, 1.2),
                self.rng.choice(["completed", "completed", "not_planned"]),
            )
            if item.state_reason == "not_planned" and self.rng.random() < 0.3:
                labels.append("duplicate")
            self.thread(
                item,
                [author, responder, self.engineer(group)],
                self.rng.choice([0, 1, 2, 3, 4, 5]),
                first,
                ["Still seeing this on the latest release.", "Here are the logs.", "Thanks!"],
            )
        if item.closed_at or self.now - created > dt.timedelta(days=3):
            # Triaged: the group owns it now.
            labels.append(group.label)
            if not feature:
                if self.rng.random() < 0.6:
                    labels.remove(":reproduce")
                labels.append("~released bug")
                self.customer(labels, 0.05)
        else:
            labels.append(":incoming")
        return item

    def member_issue(self, created: dt.datetime) -> _Item:
        """Docs improvements, flaky tests and chores filed by members."""
        author = self.member()
        kind = self.rng.choice(["docs", "flaky", "chore"])
        if kind == "docs":
            title, labels = f"Improve {self.rng.choice(DOC_PAGES)}", [":improve documentation"]
        elif kind == "flaky":
            suite = self.rng.choice(["MDM", "Software", "Enterprise", "DS"])
            title = f"Flaky test: TestIntegrations{suite}"
            labels = ["~flaky test", self.group().label]
        else:
            title = f"{self.rng.choice(PR_VERBS)} {self.rng.choice(PR_COMPONENTS)}"
            labels = [self.group().label, "~backend"]
        item = _Item(False, created, author, title, labels, assignees=[author])
        self.close(item, self.later(created, 150, 1.4))
        self.thread(item, self.members, self.rng.choice([0, 1, 2]), created, ["On it.", "Done."])
        return item

    def member_pr(self, created: dt.datetime) -> _Item:
        """A member's PR: mostly merged within days; some drafts; some handbook or docs."""
        author = self.member()
        roll = self.rng.random()
        if roll < 0.07:
            title = f"Handbook: update {self.rng.choice(DOC_PAGES)}"
            labels = ["#handbook"] + (["~ceo"] if self.rng.random() < 0.3 else [])
        elif roll < 0.11:
            title = f"Docs: clarify {self.rng.choice(DOC_PAGES)}"
            labels = [":improve documentation"]
        else:
            title = f"{self.rng.choice(PR_VERBS)} {self.rng.choice(PR_COMPONENTS)}"
            labels = [self.group().label] if self.rng.random() < 0.1 else []
        item = _Item(True, created, author, title, labels, assignees=[author])
        item.body = "Related issue: #\n\n# Checklist for submitter\n- [x] Added/updated tests\n"
        # A few PRs linger open (long-running work), only ever recent ones.
        if self.now - created > dt.timedelta(days=60) or self.rng.random() < 0.95:
            self.close(item, self.later(created, 30, 1.3))
            item.merged = item.closed_at is not None and self.rng.random() < 0.94
        if item.closed_at is None:
            item.draft = self.rng.random() < 0.35
        self.thread(
            item,
            [author, *self.rng.sample(self.members, 2)],
            self.rng.choice([0, 1, 1, 2, 2, 3, 4]),
            created,
            ["LGTM", "Left a few comments.", "Can you add a test for this?", "Addressed feedback."],
        )
        if self.rng.random() < 0.5:
            moment = created + dt.timedelta(minutes=self.rng.randrange(4, 30))
            if moment < (item.closed_at or self.now):
                item.comments.append(
                    _Comment(CODECOV, moment, "## Codecov Report\nAll modified lines are covered.")
                )
        item.comments.sort(key=lambda c: c.at)
        return item

    def community_pr(self, created: dt.datetime) -> _Item:
        """A community PR: the handbook's review within a business day, merged or declined."""
        author = self.community(coder=True)
        group = self.group()
        title = self.rng.choice(COMMUNITY_PR_TITLES).format(
            doc=self.rng.choice(DOC_PAGES),
            thing=self.rng.choice(THINGS),
            distro=self.rng.choice(DISTROS),
            component=self.rng.choice(PR_COMPONENTS),
        )
        labels = [":improve documentation"] if title.startswith(("Fix typo", "Document")) else []
        item = _Item(True, created, author, title, labels, assignees=[group.em])
        reviewer = self.engineer(group)
        first = self.later(created, 5, 1.0)
        if first < self.now:
            item.comments.append(
                _Comment(reviewer, first, "Thanks for the contribution! Taking a look.")
            )
        if self.now - created > dt.timedelta(days=120) or self.rng.random() < 0.9:
            self.close(item, self.later(created, 200, 1.1))
        if item.closed_at:
            item.merged = self.rng.random() < 0.55
            closing = "Merged, thank you!" if item.merged else "Thanks! We won't merge this one."
            item.comments.append(_Comment(reviewer, item.closed_at, closing))
        else:
            item.draft = self.rng.random() < 0.2  # handbook: the EM sets product changes to draft
        self.thread(
            item,
            [author, reviewer],
            self.rng.choice([0, 1, 2]),
            first,
            ["Updated.", "Could you rebase on main?", "Done, PTAL."],
        )
        item.comments.sort(key=lambda c: c.at)
        return item

    def dependabot_pr(self, created: dt.datetime) -> _Item:
        """A dependabot bump: merged, or closed when a newer bump supersedes it."""
        roll = self.rng.random()
        if roll < 0.45:
            name, base = self.rng.choice(GO_DEPENDENCIES)
            ecosystem, where = "go", ""
        elif roll < 0.8:
            name, base = self.rng.choice(JS_DEPENDENCIES)
            ecosystem, where = "javascript", self.rng.choice(JS_DIRECTORIES)
        else:
            name, base = self.rng.choice(ACTIONS)
            ecosystem, where = "github_actions", ""
        age = (created - self.start).days
        old = (base[0], base[1] + age // 90, self.rng.randrange(0, 4))
        new = (old[0], old[1], old[2] + 1) if self.rng.random() < 0.6 else (old[0], old[1] + 1, 0)
        title = f"Bump {name} from {_version(old)} to {_version(new)}{where}"
        item = _Item(True, created, DEPENDABOT, title, ["dependencies", ecosystem])
        item.association = "CONTRIBUTOR"
        if self.rng.random() < 0.93:
            self.close(item, self.later(created, 50, 1.3))
            item.merged = item.closed_at is not None and self.rng.random() < 0.6
            if item.closed_at and not item.merged:
                item.comments.append(
                    _Comment(DEPENDABOT, item.closed_at, "Superseded by a newer version.")
                )
        if self.rng.random() < 0.15:
            item.comments.insert(
                0, _Comment(self.member(), self.later(created, 20), "@dependabot rebase")
            )
            if item.comments[0].at >= (item.closed_at or self.now):
                item.comments.pop(0)
        return item

    def stories(self) -> None:
        """About ten stories per milestone, drafted weeks before their sprint."""
        for minor in range(self.first_minor, self.current_minor + 2):
            sprint_start = self.sprint_start(minor)
            for _ in range(self.rng.randint(8, 12)):
                group = self.group()
                initiated = self.rng.random() < 0.15
                if initiated:
                    title = self.rng.choice(ENGINEERING_STORIES)
                else:
                    topics = self.topics(group)
                    feature = self.rng.choice(topics["features"])
                    title = f"{self.rng.choice(STORY_VERBS)} {feature}"
                created = max(
                    sprint_start - dt.timedelta(days=self.rng.uniform(5, 70)),
                    self.start + dt.timedelta(hours=self.rng.randrange(1, 400)),
                )
                created = min(created, self.now - dt.timedelta(hours=6)).replace(microsecond=0)
                labels = ["story", group.label]
                labels.append("~engineering-initiated" if initiated else ":product")
                author = group.em if not initiated else self.engineer(group)
                assignees = self.rng.sample(group.engineers or [group.em], k=1)
                item = _Item(False, created, author, title, labels, assignees=assignees)
                item.body = "## Goal\n\n| User story |\n| as a / I want to / so that |\n"
                item.minor = minor
                pushed = minor < self.current_minor + 1 and self.rng.random() < 0.06
                if pushed:
                    labels.append("~pushed")
                    item.minor = minor + 1
                self.customer(labels, 0.12)
                if self.released(item.minor):
                    # Handbook, "Conclude current milestone": stories go back to drafting
                    # (`:product`), and product closes them when they confirm and celebrate.
                    if ":product" not in labels:
                        labels.append(":product")
                    self.close(
                        item,
                        self.release_at(item.minor)
                        + dt.timedelta(hours=self.rng.randrange(1, 240)),
                        "not_planned" if self.rng.random() < 0.05 else "completed",
                    )
                elif item.minor <= self.current_minor:
                    labels.append(":release")
                    if ":product" in labels:
                        labels.remove(":product")
                self.thread(
                    item,
                    [author, group.em, group.qa, *assignees],
                    self.rng.choice([2, 3, 4, 5, 6, 8, 10]),
                    created,
                    [
                        "Estimated at 5 points.",
                        "Design is ready for review.",
                        "Moving to the next sprint: the API changes took longer.",
                        "QA: test plan added.",
                        "Hey @team, this is ready for estimation.",
                    ],
                )
                self.items.append(item)
        # Drafting backlog: stories not scheduled yet.
        for created in self.moments(60, self.start, self.now - dt.timedelta(days=1)):
            group = self.group()
            topics = self.topics(group)
            title = f"{self.rng.choice(STORY_VERBS)} {self.rng.choice(topics['features'])}"
            labels = ["story", ":product", group.label]
            self.customer(labels, 0.2)
            item = _Item(False, created, group.em, title, labels)
            self.thread(item, [group.em, group.qa], self.rng.randint(0, 3), created, ["+1"])
            self.items.append(item)

    def release_qa(self) -> None:
        """One release QA issue per minor version, closed when the release ships."""
        for minor in range(self.first_minor, self.current_minor + 1):
            opened = self.sprint_start(minor + 1) - dt.timedelta(days=2, hours=7)
            if opened >= self.now:
                continue
            dri = self.groups[minor % len(self.groups)].qa
            item = _Item(False, opened, dri, f"Release QA: {self.minor_label(minor)}", [":release"])
            item.minor = minor
            item.assignees = sorted({g.qa for g in self.groups})
            self.close(item, self.release_at(minor) - dt.timedelta(hours=1))
            for group in self.groups:
                moment = self.between(opened, item.closed_at or self.now)
                item.comments.append(_Comment(group.qa, moment, "Ready for release."))
            item.comments.sort(key=lambda c: c.at)
            self.items.append(item)

    # -- scenarios the pages need -------------------------------------------------------

    def scenarios(self) -> None:
        """Open release blockers, unreleased bugs, community work waiting or gone stale."""
        now = self.now
        for group in self.groups[:3]:
            created = now - dt.timedelta(hours=self.rng.randrange(20, 120))
            labels = ["bug", group.label, "~release blocker", "~unreleased bug", ":release", "P1"]
            assignee = self.engineer(group)
            item = _Item(
                False, created, group.qa, self.bug_title(group), labels, assignees=[assignee]
            )
            item.minor = self.current_minor
            item.comments.append(_Comment(assignee, self.later(created, 3), "Looking into it now."))
            item.comments = [c for c in item.comments if c.at < now]
            self.items.append(item)
        for group in self.groups:
            for _ in range(2):
                created = max(
                    self.sprint_start(self.current_minor), now - dt.timedelta(days=20)
                ) + dt.timedelta(hours=self.rng.randrange(1, 200))
                created = min(created, now - dt.timedelta(hours=2))
                labels = ["bug", group.label, "~unreleased bug", ":release", "P2"]
                item = _Item(
                    False,
                    created,
                    group.qa,
                    self.bug_title(group),
                    labels,
                    assignees=[self.engineer(group)],
                )
                item.minor = self.current_minor
                self.items.append(item)
        # Community issues and PRs no member has answered yet (the on-call SLA page).
        waits = [0.4, 2, 5, 26, 50, 96]
        for hours in waits:
            created = now - dt.timedelta(hours=hours, minutes=self.rng.randrange(0, 20))
            topics = GROUP_TOPICS[self.rng.choice(list(GROUP_TOPICS))]
            if hours < 10:
                title = f"{self.rng.choice(topics['subjects'])} {self.rng.choice(BUG_SYMPTOMS)}"
                labels = ["bug", ":reproduce", ":incoming"]
            else:
                title = f"Feature request: {self.rng.choice(topics['features'])}"
                labels = [":product", ":incoming"]
            author = self.community()
            item = _Item(False, created, author, title, labels)
            if hours > 40:
                item.comments.append(
                    _Comment(author, self.later(created, 20, 0.3), "Any update on this?")
                )
            self.items.append(item)
        for hours in (3, 30):
            created = now - dt.timedelta(hours=hours)
            title = f"Fix nil pointer in {self.rng.choice(PR_COMPONENTS)}"
            self.items.append(_Item(True, created, self.community(coder=True), title, []))
        # A member asked for more context a week or more ago; the author never replied.
        for days in (8, 10, 13, 17, 24):
            group = self.group()
            created = now - dt.timedelta(days=days + self.rng.randint(1, 6))
            ask = now - dt.timedelta(days=days, hours=self.rng.randrange(0, 8))
            author = self.community()
            subject = self.rng.choice(self.topics(group)["subjects"])
            title = f"{subject} {self.rng.choice(BUG_SYMPTOMS)}"
            item = _Item(False, created, author, title, ["bug", ":reproduce", group.label])
            item.comments.append(
                _Comment(
                    self.engineer(group),
                    ask,
                    "Thanks! I can't reproduce this: could you share your Fleet and osquery "
                    "versions and the server logs?",
                )
            )
            self.items.append(item)

    # -- the whole history ----------------------------------------------------------------

    def build(self) -> list[_Item]:
        """The whole history: planned work, the scenarios, then a random mix of the rest."""
        self.stories()
        self.release_qa()
        self.scenarios()
        remaining = ITEMS - len(self.items)
        kinds: list[Callable[[dt.datetime], _Item]] = [
            self.bug,
            self.community_issue,
            self.member_issue,
            self.member_pr,
            self.community_pr,
            self.dependabot_pr,
        ]
        weights = [0.33, 0.07, 0.03, 0.44, 0.05, 0.08]
        end = self.now - dt.timedelta(hours=12)
        for created in self.moments(remaining, self.start, end):
            kind = self.rng.choices(kinds, weights=weights)[0]
            self.items.append(kind(created))
        self.finish()
        return self.items

    def finish(self) -> None:
        """Number by creation, cap threads, and set community author associations."""
        self.items.sort(key=lambda i: (i.created_at, i.title))
        for offset, item in enumerate(self.items):
            item.number = FIRST_NUMBER + offset
            item.comments = [c for c in item.comments if item.created_at <= c.at <= self.now]
            item.comments.sort(key=lambda c: c.at)
            del item.comments[COMMENTS_PER_ISSUE_MAX:]
            if item.closed_at and item.closed_at > self.now:
                item.closed_at = None
        # GitHub computes author_association when it answers: whoever has a merged PR is a
        # CONTRIBUTOR; the author of a single, unmerged PR a FIRST_TIME_CONTRIBUTOR; others NONE.
        contributors = {i.author for i in self.items if i.pull and i.merged}
        pulls = Counter(i.author for i in self.items if i.pull)
        members = set(self.members)
        for item in self.items:
            if not item.association:
                item.association = self.association(item.author, members, contributors)
                if item.pull and item.association == "NONE" and pulls[item.author] == 1:
                    item.association = "FIRST_TIME_CONTRIBUTOR"
            for comment in item.comments:
                if comment.login == item.author:
                    comment.association = item.association
                else:
                    comment.association = self.association(comment.login, members, contributors)

    @staticmethod
    def association(login: str, members: set[str], contributors: set[str]) -> str:
        if login in members:
            return "MEMBER"
        if login in BOTS:
            return "NONE"
        return "CONTRIBUTOR" if login in contributors else "NONE"

    # -- reference data --------------------------------------------------------------------

    def tags(self) -> list[_Tag]:
        """fleet-v4.N.P since 4.0.0, orbit-v1.X.0 every other release, fleetd-chrome sometimes."""
        tags: list[_Tag] = []
        for minor in range(0, self.current_minor):
            released = self.release_at(minor)
            if released > self.now:
                continue
            tags.append(_Tag(f"fleet-v4.{minor}.0", released))
            patch_at = released
            for patch in (1, 2):
                if self.rng.random() > (0.6 if patch == 1 else 0.3):
                    break
                patch_at += dt.timedelta(days=self.rng.randint(3, 8), hours=self.rng.randint(0, 8))
                if patch_at >= min(self.now, self.release_at(minor + 1)):
                    break
                tags.append(_Tag(f"fleet-v4.{minor}.{patch}", patch_at))
            if minor >= 10 and minor % 2 == 0:
                tags.append(
                    _Tag(f"orbit-v1.{(minor - 10) // 2}.0", released + dt.timedelta(hours=2))
                )
            if minor >= 30 and minor % 6 == 0:
                version = (minor - 30) // 6
                tags.append(_Tag(f"fleetd-chrome-v1.{version // 3}.{version % 3}", released))
        return tags

    def osquery_releases(self) -> list[_Release]:
        """osquery's tags have no `v`; the newest is a prerelease (the checks ignore it)."""
        out: list[_Release] = []
        minor, patch = 11, 0
        moment = self.start + dt.timedelta(days=20)
        while moment < self.now - dt.timedelta(days=10):
            out.append(_Release(f"5.{minor}.{patch}", moment))
            if self.rng.random() < 0.35:
                patch += 1
                moment += dt.timedelta(days=self.rng.randint(12, 25))
            else:
                minor, patch = minor + 1, 0
                moment += dt.timedelta(days=self.rng.randint(50, 80))
        newest = tuple(int(part) for part in out[-1].tag.split("."))
        next_minor = f"5.{newest[1] + 1}.0"
        out.append(_Release(next_minor, self.now - dt.timedelta(days=3), prerelease=True))
        return out

    def extension_releases(self) -> list[_Release]:
        """macadmins/osquery-extension's tags carry a `v`."""
        out: list[_Release] = []
        version = [1, 2, 0]
        moment = self.start + dt.timedelta(days=35)
        while moment < self.now - dt.timedelta(days=4):
            out.append(_Release(f"v{_version(tuple(version))}", moment))
            if self.rng.random() < 0.15:
                version = [version[0], version[1] + 1, 0]
            else:
                version[2] += 1
            moment += dt.timedelta(days=self.rng.randint(30, 90))
        return out

    def go_directive(self) -> str:
        """The Go version: a new major every February and August; a patch about monthly."""
        months = (self.now.year - 2024) * 12 + self.now.month - 2  # since Go 1.22
        settled = max(months - 2, 0)  # Fleet moves to a new major a couple of months in
        major = 22 + settled // 6
        patch = max(months - (major - 22) * 6 - 1, 0)
        return f"1.{major}.{patch}"


# -- GitHub JSON shapes -------------------------------------------------------------------


class _Json:
    """Renders the builder's objects as the REST API's JSON for one repository."""

    def __init__(self, full_name: str) -> None:
        self.full_name = full_name
        self.api = f"{API}/repos/{full_name}"
        self.html = f"{HTML}/{full_name}"
        self._users: dict[str, dict[str, Any]] = {}
        self.labels: dict[str, dict[str, Any]] = {
            name: {
                "id": LABEL_ID_BASE + position,
                "node_id": f"LA_kwDOBZ{LABEL_ID_BASE + position:x}",
                "url": f"{self.api}/labels/{name.replace(' ', '%20').replace('#', '%23')}",
                "name": name,
                "color": color,
                "default": name in ("bug", "duplicate", "good first issue", "question"),
                "description": description or None,
            }
            for position, (name, color, description) in enumerate(LABELS)
        }
        self.milestones: dict[int, dict[str, Any]] = {}

    def user(self, login: str) -> dict[str, Any]:
        cached = self._users.get(login)
        if cached is not None:
            return cached
        user_id = 1_000_000 + zlib.crc32(login.encode()) % 150_000_000
        bot = login.endswith("[bot]")
        url = f"{API}/users/{login}"
        self._users[login] = data = {
            "login": login,
            "id": user_id,
            "node_id": f"{'BOT' if bot else 'U'}_kgDO{user_id:x}",
            "avatar_url": f"{AVATARS}/{'in' if bot else 'u'}/{user_id}?v=4",
            "gravatar_id": "",
            "url": url,
            "html_url": f"{HTML}/apps/{login[:-5]}" if bot else f"{HTML}/{login}",
            "type": "Bot" if bot else "User",
            "user_view_type": "public",
            "site_admin": False,
        }
        return data

    def milestone(
        self, builder: _MirrorBuilder, minor: int, counts: tuple[int, int], updated: dt.datetime
    ) -> dict[str, Any]:
        number = minor + MILESTONE_NUMBER_OFFSET
        released = builder.released(minor)
        created = builder.sprint_start(minor) - dt.timedelta(days=42)
        created = max(created, builder.start - dt.timedelta(days=30))
        closed = builder.release_at(minor) + dt.timedelta(hours=2) if released else None
        if closed and closed > builder.now:
            closed = builder.now
        updated = max(filter(None, [created, closed, min(updated, builder.now)]))
        url = f"{self.api}/milestones/{number}"
        data = {
            "url": url,
            "html_url": f"{self.html}/milestone/{number}",
            "labels_url": f"{url}/labels",
            "id": MILESTONE_ID_BASE + number,
            "node_id": f"MI_kwDOBZ{MILESTONE_ID_BASE + number:x}",
            "number": number,
            "title": builder.minor_label(minor),
            "description": f"Fleet {builder.minor_label(minor)}",
            "creator": self.user(builder.groups[0].em),
            "open_issues": counts[0],
            "closed_issues": counts[1],
            "state": "closed" if released else "open",
            "created_at": _ts(created),
            "updated_at": _ts(updated),
            "due_on": _ts(builder.sprint_end(minor)),
            "closed_at": _ts(closed),
        }
        self.milestones[minor] = data
        return data

    def issue(self, item: _Item) -> dict[str, Any]:
        number = item.number
        url = f"{self.api}/issues/{number}"
        html = f"{self.html}/{'pull' if item.pull else 'issues'}/{number}"
        assignees = [self.user(login) for login in item.assignees]
        data: dict[str, Any] = {
            "url": url,
            "repository_url": self.api,
            "labels_url": f"{url}/labels{{/name}}",
            "comments_url": f"{url}/comments",
            "events_url": f"{url}/events",
            "html_url": html,
            "id": ISSUE_ID_BASE + number,
            "node_id": f"{'PR' if item.pull else 'I'}_kwDOBZ{ISSUE_ID_BASE + number:x}",
            "number": number,
            "title": item.title,
            "user": self.user(item.author),
            "labels": [self.labels[name] for name in dict.fromkeys(item.labels)],
            "state": "closed" if item.closed_at else "open",
            "locked": False,
            "assignee": assignees[0] if assignees else None,
            "assignees": assignees,
            "milestone": self.milestones.get(item.minor) if item.minor is not None else None,
            "comments": len(item.comments),
            "created_at": _ts(item.created_at),
            "updated_at": _ts(item.updated_at),
            "closed_at": _ts(item.closed_at),
            "author_association": item.association,
            "active_lock_reason": None,
            "body": item.body or None,
            "reactions": {"url": f"{url}/reactions", "total_count": 0},
            "timeline_url": f"{url}/timeline",
            "performed_via_github_app": None,
            "state_reason": item.state_reason if item.closed_at else None,
        }
        if item.pull:
            data["draft"] = item.draft
            data["pull_request"] = {
                "url": f"{self.api}/pulls/{number}",
                "html_url": html,
                "diff_url": f"{html}.diff",
                "patch_url": f"{html}.patch",
                "merged_at": _ts(item.closed_at) if item.merged else None,
            }
            data["state_reason"] = None
        return data

    def comment(self, item: _Item, position: int, comment: _Comment) -> dict[str, Any]:
        github_id = COMMENT_ID_BASE + item.number * (COMMENTS_PER_ISSUE_MAX + 1) + position
        kind = "pull" if item.pull else "issues"
        return {
            "url": f"{self.api}/issues/comments/{github_id}",
            "html_url": f"{self.html}/{kind}/{item.number}#issuecomment-{github_id}",
            "issue_url": f"{self.api}/issues/{item.number}",
            "id": github_id,
            "node_id": f"IC_kwDOBZ{github_id:x}",
            "user": self.user(comment.login),
            "created_at": _ts(comment.at),
            "updated_at": _ts(comment.at),
            "author_association": comment.association,
            "body": comment.body,
            "reactions": {"url": f"{self.api}/issues/comments/{github_id}/reactions"},
            "performed_via_github_app": None,
        }

    def tag(self, repository: str, name: str) -> dict[str, Any]:
        sha = _sha(repository, name)
        return {
            "name": name,
            "zipball_url": f"{API}/repos/{repository}/zipball/refs/tags/{name}",
            "tarball_url": f"{API}/repos/{repository}/tarball/refs/tags/{name}",
            "commit": {"sha": sha, "url": f"{API}/repos/{repository}/commits/{sha}"},
            "node_id": f"REF_kwDOBZ{sha[:16]}",
        }

    def commit(self, repository: str, name: str, at: dt.datetime) -> dict[str, Any]:
        sha = _sha(repository, name)
        who = {"name": "Fleet Release", "email": "release@fleetdm.com", "date": _ts(at)}
        return {
            "sha": sha,
            "node_id": f"C_kwDOBZ{sha[:16]}",
            "commit": {
                "author": who,
                "committer": who,
                "message": f"Release {name}",
                "tree": {"sha": _sha("tree", repository, name)},
            },
            "url": f"{API}/repos/{repository}/commits/{sha}",
            "html_url": f"{HTML}/{repository}/commit/{sha}",
            "parents": [],
        }

    def release(self, repository: str, release: _Release) -> dict[str, Any]:
        release_id = RELEASE_ID_BASE + zlib.crc32(f"{repository}@{release.tag}".encode()) % 10**8
        url = f"{API}/repos/{repository}/releases/{release_id}"
        return {
            "url": url,
            "assets_url": f"{url}/assets",
            "upload_url": f"https://uploads.github.com/repos/{repository}/releases/{release_id}/assets{{?name,label}}",
            "html_url": f"{HTML}/{repository}/releases/tag/{release.tag}",
            "id": release_id,
            "author": self.user("github-actions[bot]"),
            "node_id": f"RE_kwDOBZ{release_id:x}",
            "tag_name": release.tag,
            "target_commitish": "master" if repository == WATCHED_OSQUERY else "main",
            "name": release.tag,
            "draft": False,
            "prerelease": release.prerelease,
            "created_at": _ts(release.at - dt.timedelta(hours=1)),
            "published_at": _ts(release.at),
            "assets": [],
            "tarball_url": f"{API}/repos/{repository}/tarball/{release.tag}",
            "zipball_url": f"{API}/repos/{repository}/zipball/{release.tag}",
            "body": f"## What's changed in {release.tag}\n",
        }


def _pages(items: list[Any]) -> Iterator[list[Any]]:
    for offset in range(0, len(items), PAGE_SIZE):
        yield items[offset : offset + PAGE_SIZE]


# -- files at main ----------------------------------------------------------------------

GO_MOD = """module github.com/fleetdm/fleet/v4

go {go}

require (
\tcloud.google.com/go/pubsub v1.45.3
\tfyne.io/systray v1.11.0
\tgithub.com/AbGuthrie/goquery/v2 v2.0.1
\tgithub.com/DATA-DOG/go-sqlmock v1.5.2
\tgithub.com/Masterminds/semver/v3 v3.3.1
\tgithub.com/WatchBeam/clock v0.0.0-20170901150240-b08e6b4da7ea
\tgithub.com/aws/aws-sdk-go-v2 v1.36.3
\tgithub.com/beevik/etree v1.5.0
\tgithub.com/boltdb/bolt v1.3.1
\tgithub.com/cenkalti/backoff/v4 v4.3.0
\tgithub.com/go-kit/kit v0.12.0
\tgithub.com/go-sql-driver/mysql v1.9.3
\tgithub.com/gomodule/redigo v1.9.2
\tgithub.com/google/uuid v1.6.0
\tgithub.com/gorilla/mux v1.8.1
\tgithub.com/gorilla/websocket v1.5.3
\tgithub.com/jmoiron/sqlx v1.4.0
\tgithub.com/macadmins/osquery-extension {extension}
\tgithub.com/micromdm/nanodep v0.5.0
\tgithub.com/osquery/osquery-go v0.0.0-20250131154556-629f995b6947
\tgithub.com/prometheus/client_golang v1.22.0
\tgithub.com/rs/zerolog v1.34.0
\tgithub.com/spf13/cobra v1.9.1
\tgithub.com/stretchr/testify v1.10.0
\tgithub.com/theupdateframework/go-tuf v0.7.0
\tgo.opentelemetry.io/otel v1.35.0
\tgolang.org/x/crypto v0.42.0
\tgolang.org/x/net v0.44.0
\tgolang.org/x/sync v0.17.0
\tgoogle.golang.org/grpc v1.72.0
\tgopkg.in/yaml.v2 v2.4.0
)

require (
\tgithub.com/beorn7/perks v1.0.1 // indirect
\tgithub.com/cespare/xxhash/v2 v2.3.0 // indirect
\tgithub.com/davecgh/go-spew v1.1.2-0.20180830191138-d8f796af33cc // indirect
\tgithub.com/pmezard/go-difflib v1.0.1-0.20181226105442-5d4384ee4fb2 // indirect
\tgolang.org/x/sys v0.36.0 // indirect
\tgolang.org/x/text v0.29.0 // indirect
)

replace github.com/kolide/kit => github.com/zwass/kit v0.0.0-20210625184505-ec5b5c5cce9c
"""

OSQUERYD_WORKFLOW = """name: Generate osqueryd targets for Fleet

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
  group: ${{{{ github.workflow }}}}-${{{{ github.head_ref || github.run_id }}}}
  cancel-in-progress: true

defaults:
  run:
    # fail-fast using bash -eo pipefail.
    shell: bash

permissions:
  contents: read

env:
  OSQUERY_VERSION: {osquery}

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
      - name: Download and extract osqueryd
        run: |
          mkdir ./osqueryd
          curl -L --output osquery.deb \\
            "https://github.com/osquery/osquery/releases/download/$OSQUERY_VERSION/osquery_$OSQUERY_VERSION-1.linux_amd64.deb"
          ar x osquery.deb
          tar xf data.tar.gz

      - name: Upload osqueryd
        uses: actions/upload-artifact@v4
        with:
          name: osqueryd
          path: opt/osquery/bin/osqueryd
"""


def _blob_sha(text: str) -> str:
    """Git's blob id of the file (what the contents endpoint reports as `sha`)."""
    data = text.encode()
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _file_store(repository: Repository, path: str, text: str, now: dt.datetime) -> None:
    sha = _blob_sha(text)
    FileContent.objects.update_or_create(
        repository=repository,
        ref="main",
        path=path,
        defaults={"blob_sha": sha, "etag": f'W/"{sha}"', "text": text, "fetched_at": now},
    )


# -- the seeder -----------------------------------------------------------------------------


def _groups() -> list[_Group]:
    """The product groups with their people's GitHub logins (the org demo's people)."""
    logins = dict(Person.objects.exclude(github_login="").values_list("pk", "github_login"))
    groups = []
    for group in ProductGroup.objects.prefetch_related("members").order_by("pk"):
        em = logins.get(group.engineering_manager_id, "")
        qa = logins.get(group.qa_lead_id, "") or em
        engineers = sorted(
            logins[member.pk]
            for member in group.members.all()
            if member.pk in logins and logins[member.pk] not in (em, qa)
        )
        if group.github_label and em:
            groups.append(_Group(group.github_label, em, qa, engineers))
    return groups


def _demo_issues(repository: Repository) -> IssueQuerySet:
    return Issue.objects.filter(
        repository=repository, github_id__gte=ISSUE_ID_BASE, github_id__lt=COMMENT_ID_BASE
    )


def _demo_reset_if_diverged(repository: Repository, items: list[_Item]) -> None:
    """Drop an earlier demo's issues and comments if this one tells a different history.

    Seeded again the same day, the history is the same (some of it a little further along),
    and the upserts update it in place. Seeded on another day, the calendar moves and the
    same numbers name other issues: upserting over them would keep whichever copy looks
    newer and mix the two histories, so the earlier demo's rows go first.
    """
    stored = dict(_demo_issues(repository).values_list("number", "title"))
    if not stored or stored == {item.number: item.title for item in items}:
        return
    IssueComment.objects.filter(repository=repository, github_id__gte=COMMENT_ID_BASE).delete()
    _demo_issues(repository).delete()


def seed(ctx: DemoContext) -> None:
    """Mirror a believable fleetdm/fleet through the sync's upsert functions."""
    groups = _groups()
    repository = repository_get(settings.GITHUB_REPOSITORY)
    if not groups:
        ctx.summary.append(f"mirror: {repository.full_name}, skipped (no product groups)")
        return
    rng = random.Random(ctx.rng.getrandbits(64))
    builder = _MirrorBuilder(rng, ctx.now, groups)
    items = builder.build()
    render = _Json(repository.full_name)
    _demo_reset_if_diverged(repository, items)
    result = UpsertResult()
    requests = 0

    # Labels and milestones first, as the sync's reference step lists them. Like the sync,
    # labels and tags are written as one complete listing (fetched in pages of 100), so a
    # label or tag an earlier demo had and this one has not goes away.
    labels = list(render.labels.values())
    result += labels_upsert(repository, labels, complete=True)
    requests += len(list(_pages(labels)))
    counts: dict[int, list[int]] = {}
    updated: dict[int, dt.datetime] = {}
    for item in items:
        if item.minor is not None:
            pair = counts.setdefault(item.minor, [0, 0])
            pair[1 if item.closed_at else 0] += 1
            updated[item.minor] = max(updated.get(item.minor, item.updated_at), item.updated_at)
    minors = range(builder.first_minor, builder.current_minor + 2)
    milestones = [
        render.milestone(
            builder,
            minor,
            (counts.get(minor, [0, 0])[0], counts.get(minor, [0, 0])[1]),
            updated.get(minor, builder.start),
        )
        for minor in reversed(minors)
    ]
    for page in _pages(milestones):
        result += milestones_upsert(repository, page)
        requests += 1

    # Issues and PRs, then comments, each oldest update first like the incremental listing.
    payloads = [
        render.issue(item) for item in sorted(items, key=lambda i: (i.updated_at, i.number))
    ]
    for page in _pages(payloads):
        result += issues_upsert(repository, page)
        requests += 1
    comments = sorted(
        (
            (comment.at, item.number, position, render.comment(item, position, comment))
            for item in items
            for position, comment in enumerate(item.comments)
        ),
        key=lambda entry: entry[:3],
    )
    for page in _pages([entry[3] for entry in comments]):
        result += comments_upsert(repository, page)
        requests += 1

    # Tags and the dates of their commits.
    tags = sorted(builder.tags(), key=lambda t: t.at, reverse=True)
    listing = [render.tag(repository.full_name, tag.name) for tag in tags]
    result += tags_upsert(repository, listing, complete=True)
    requests += len(list(_pages(listing)))
    for tag in tags:
        tag_date_set(repository, tag.name, render.commit(repository.full_name, tag.name, tag.at))
        requests += 1

    # The watched repositories' releases, newest first like GitHub lists them.
    osquery = builder.osquery_releases()
    extension = builder.extension_releases()
    for name, releases in ((WATCHED_OSQUERY, osquery), (WATCHED_EXTENSION, extension)):
        watched = repository_get(name)
        listing = [render.release(name, release) for release in reversed(releases)]
        for page in _pages(listing):
            result += releases_upsert(watched, page)
            requests += 1
        ids = {release["id"] for release in listing}
        for github_id in ExternalRelease.objects.filter(
            repository=watched, github_id__gte=RELEASE_ID_BASE
        ).values_list("github_id", flat=True):
            if github_id not in ids:
                release_delete(watched, github_id)

    # The files the dependency checks read. go.mod trails the extension's newest release by
    # one (a check to fail); the workflow pins osquery's newest stable release (one to pass).
    stable = [r.tag for r in osquery if not r.prerelease]
    pinned_extension = extension[-2].tag if len(extension) > 1 else extension[-1].tag
    now = builder.now
    _file_store(
        repository,
        "go.mod",
        GO_MOD.format(go=builder.go_directive(), extension=pinned_extension),
        now,
    )
    _file_store(
        repository,
        ".github/workflows/generate-osqueryd-targets.yml",
        OSQUERYD_WORKFLOW.format(osquery=stable[-1]),
        now,
    )
    requests += 2

    SyncRun.objects.update_or_create(
        repository=repository,
        trigger="demo",
        defaults={
            "kind": SyncRun.Kind.FULL,
            "started_at": now - dt.timedelta(minutes=3, seconds=12),
            "finished_at": now - dt.timedelta(minutes=1, seconds=47),
            "outcome": SyncRun.Outcome.OK,
            "step": "",
            "requests": requests,
            "created": result.created,
            "updated": result.updated,
            "rows": result.rows,
            "error": "",
        },
    )
    _summarise(ctx, repository)
    boards_demo_seed(ctx)  # the boards' cards are the issues just written


def _summarise(ctx: DemoContext, repository: Repository) -> None:
    counts = mirror_counts(repository.full_name)
    ctx.summary.append(
        f"mirror: {repository.full_name}, "
        f"{counts['issues'] + counts['pull_requests']:,} issues and PRs, "
        f"{counts['comments']:,} comments, {counts['labels']:,} labels, "
        f"{counts['milestones']:,} milestones, {counts['tags']:,} tags"
    )
