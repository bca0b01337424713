"""Deterministic large-scale repository content for benchmarks (``FakeGitHub.generate``)."""

from __future__ import annotations

import bisect
import random
import time
from typing import TYPE_CHECKING, Any

from .model import ISO_FORMAT, Comment, Commit, Issue, Label, Milestone, fake_sha, parse_iso

if TYPE_CHECKING:
    from .server import FakeGitHub

GROUPS = ("#g-mdm", "#g-software", "#g-orchestration", "#g-security-compliance")
CUSTOMERS = ("acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka")
LABELS: tuple[tuple[str, str, str], ...] = (
    ("bug", "d73a4a", "Something isn't working"),
    ("story", "0e8a16", "A user story defining an entire feature"),
    ("~release blocker", "b60205", "Must be fixed before the next release."),
    ("~unreleased bug", "fbca04", "This bug was found in an unreleased version of Fleet."),
    ("~released bug", "e99695", "This bug was found in a stable release."),
    (":release", "5319e7", "Ready to write code. Scheduled in a release."),
    (":reproduce", "c5def5", "Involves documenting reproduction steps in the issue"),
    (":incoming", "bfdadc", "New issue to be triaged"),
    (":product", "d4c5f9", "Product Design department (shows up on the drafting board)"),
    ("P1", "b60205", "Top priority, fix immediately"),
    ("P2", "d93f0b", "Important, fix in the next release"),
    ("#g-mdm", "0052cc", "MDM product group"),
    ("#g-software", "0052cc", "Software product group"),
    ("#g-orchestration", "0052cc", "Orchestration product group"),
    ("#g-security-compliance", "0052cc", "Security & compliance product group"),
    *((f"customer-{c}", "ffffff", "") for c in CUSTOMERS),
    ("dependencies", "0366d6", "Pull requests that update a dependency file"),
    ("go", "16e2e2", "Pull requests that update Go code"),
    ("javascript", "168700", "Pull requests that update Javascript code"),
    ("documentation", "0075ca", "Improvements or additions to documentation"),
    ("enhancement", "a2eeef", "New feature or request"),
    ("good first issue", "7057ff", "Good for newcomers"),
    ("~frontend", "c2e0c6", "Frontend-related issue."),
    ("~backend", "c2e0c6", "Backend-related issue."),
    ("~csa", "f9d0c4", "Issue was raised by a customer success architect"),
    ("~feature fest", "fef2c0", "Will be reviewed at the next feature fest"),
)
MEMBERS = tuple(
    f"{first}{last}"
    for first in ("ana", "ben", "chen", "dev", "eli", "fay", "gus", "hana")
    for last in ("-fleet", "dev", "ops")
)
BOTS = {"dependabot[bot]": 49699333, "github-actions[bot]": 41898282}
AREAS = (
    "host details page",
    "software library",
    "policy automations",
    "MDM enrollment",
    "Windows MDM profiles",
    "macOS setup experience",
    "fleetctl gitops",
    "vulnerability feed",
    "live query",
    "scripts runner",
    "label membership",
    "Linux disk encryption",
    "Apple device declarations",
    "activity feed",
    "team settings",
    "fleetd auto-update",
    "osquery extension",
    "calendar events",
    "SSO login",
    "host vitals refetch",
)
BUG_VERBS = (
    "crashes on",
    "shows wrong count in",
    "times out loading",
    "does not refresh",
    "returns 500 in",
    "ignores filter in",
    "duplicates rows in",
    "breaks pagination of",
)
STORY_VERBS = (
    "Add bulk actions to",
    "Support custom fields in",
    "Allow filtering by team in",
    "Export CSV from",
    "Add API endpoint for",
    "Improve empty state of",
)
DEPS = (
    "golang.org/x/net",
    "github.com/aws/aws-sdk-go",
    "github.com/go-sql-driver/mysql",
    "webpack",
    "axios",
    "github.com/osquery/osquery-go",
    "golang.org/x/crypto",
)
ISSUE_BODIES = tuple(
    f"## Fleet version\n4.{v}.0\n\n## Steps to reproduce\n1. Open the page\n2. {step}\n\n"
    "## Expected\nIt works.\n\n## Actual\nIt does not."
    for v in range(60, 75)
    for step in ("Apply a filter", "Refresh twice", "Switch teams")
) + tuple(
    f"**Goal**\n\nAs an IT admin, I want {goal} so that I can manage hosts faster.\n\n"
    "**Changes**\n- [ ] Product\n- [ ] Engineering\n- [ ] QA"
    for goal in ("bulk actions", "better filters", "CSV export", "clearer errors", "an API")
)
PR_BODIES = (
    "Fixes the issue.\n\n# Checklist for submitter\n- [x] Changes file added\n- [x] Added tests",
    "Related to the story.\n\n- [x] Manual QA\n- [ ] Documentation",
    "Bumps the dependency.\n\n<details><summary>Release notes</summary>...</details>",
)
COMMENT_BODIES = (
    "I can reproduce this on the latest version.",
    "Thanks for the report! We'll take a look.",
    "Hey team! Please add your planning poker estimate with Zenhub.",
    "QA'd on staging, looks good to me.",
    "This is blocking our rollout, any update?",
    "Moving this to the next sprint.",
    "@dependabot rebase",
    "Confirmed fixed in the release candidate.",
    "Can you share the server logs with debug enabled?",
    "Same here on macOS 15.",
    "LGTM :rocket:",
    "Closing as duplicate.",
    "Hosts stay stuck at *Pending* after the refetch.",
    "Added to the customer's weekly sync agenda.",
    "Workaround: restart fleetd on the affected hosts.",
)


def _fmt(epoch: float) -> str:
    return time.strftime(ISO_FORMAT, time.gmtime(epoch))


def _epoch(text: str) -> int:
    return int(parse_iso(text).timestamp())


def _version_tags(count: int, prefix: str, major: int, minor: int, rng: random.Random) -> list[str]:
    """``count`` descending version tags ending at ``{prefix}{major}.{minor}.0``."""
    out: list[str] = []
    patch_pending = 0
    while len(out) < count and major >= 0:
        if minor < 0:
            major, minor = major - 1, 20
        if patch_pending:
            out.append(f"{prefix}{major}.{minor}.{patch_pending}")
            patch_pending -= 1
            continue
        out.append(f"{prefix}{major}.{minor}.0")
        minor -= 1
        patch_pending = rng.choice((0, 0, 1, 1, 2))
    return out[:count]


def generate_repo(
    fake: FakeGitHub,
    full_name: str,
    *,
    issues: int,
    labels: int,
    milestones: int,
    tags: int,
    comments: int,
    seed: int = 0,
    pr_ratio: float = 0.45,
    start: str = "2019-01-01T00:00:00Z",
    end: str = "2025-09-30T00:00:00Z",
    community_users: int = 1500,
) -> dict[str, Any]:
    """Fill ``full_name`` with deterministic data; returns counts and elapsed seconds."""
    began = time.perf_counter()
    rng = random.Random(seed)
    repo = fake.repo(full_name)
    t0, t1 = _epoch(start), _epoch(end)
    span = t1 - t0

    for login, bot_id in BOTS.items():
        fake.add_user(login, id=bot_id, type="Bot")
    repo.members.update(MEMBERS)
    kinds = ("dev", "admin", "sre", "mac", "it")
    community = [f"oss-{kinds[i % len(kinds)]}{i}" for i in range(community_users)]

    # Labels.
    catalogue = list(LABELS)
    extra = 0
    while len(catalogue) < labels:
        catalogue.append((f"customer-account{extra:03d}", "ffffff", ""))
        extra += 1
    for name, color, description in catalogue[:labels]:
        if name.lower() not in repo.labels:
            repo.labels[name.lower()] = Label(
                id=fake.next_id("label"), name=name, color=color, description=description or None
            )
    present = {lbl.name for lbl in repo.labels.values()}
    customers = [f"customer-{c}" for c in CUSTOMERS if f"customer-{c}" in present]
    groups = [g for g in GROUPS if g in present]

    # Milestones: 4.x.0 releases every three weeks, the last two still open.
    due_epochs: list[int] = []
    due_numbers: list[int] = []
    first_minor = 77 - milestones
    base_number = max(repo.milestones, default=0)
    for k in range(milestones):
        due = t1 + (k - milestones + 3) * 21 * 86400
        number = base_number + k + 1
        is_open = k >= milestones - 2
        repo.milestones[number] = Milestone(
            number=number,
            id=fake.next_id("milestone"),
            title=f"4.{first_minor + k}.0",
            creator=MEMBERS[k % len(MEMBERS)],
            created_at=_fmt(due - 60 * 86400),
            updated_at=_fmt(min(due, t1)),
            description=f"Fleet 4.{first_minor + k}.0 release",
            state="open" if is_open else "closed",
            due_on=_fmt(due),
            closed_at=None if is_open else _fmt(due + 86400),
        )
        due_epochs.append(due)
        due_numbers.append(number)

    # Tags: fleet (60%), orbit (30%), fleetd-chrome (10%), dated evenly, newest last.
    n_fleet = tags * 6 // 10
    n_orbit = tags * 3 // 10
    n_chrome = tags - n_fleet - n_orbit
    series = [
        _version_tags(n_fleet, "fleet-v", 4, 74, rng)[::-1],
        _version_tags(n_orbit, "orbit-v", 1, 40, rng)[::-1],
        _version_tags(n_chrome, "fleetd-chrome-v", 1, 3, rng)[::-1],
    ]
    ordered = sorted(
        ((j + 1) / (len(s) + 1), k, name) for k, s in enumerate(series) for j, name in enumerate(s)
    )
    names = [name for _, _, name in ordered]
    for i, name in enumerate(names):
        when = t0 + span * (i + 1) // (len(names) + 1)
        sha = fake_sha(full_name, "tag", name)
        repo.commits[sha] = Commit(
            sha=sha,
            message=f"Release {name}",
            date=_fmt(when),
            author_name="fleet-release",
            author_email="release@fleetdm.com",
            login=MEMBERS[i % len(MEMBERS)],
        )
        repo.tags[name] = sha
        repo.refs[f"refs/tags/{name}"] = sha

    # Issues and pull requests.
    step = span / max(issues, 1)
    made: list[Issue] = []
    first_number = repo.next_number
    created_epochs: list[float] = []
    closed_epochs: list[float] = []
    for i in range(issues):
        number = first_number + i
        created = t0 + step * i + rng.random() * step * 0.9
        age = t1 - created
        is_pr = rng.random() < pr_ratio
        labels_of: list[str] = []
        assignees: list[str] = []
        roll = rng.random()
        if is_pr:
            if roll < 0.10:
                user, assoc = "dependabot[bot]", "CONTRIBUTOR"
                dep = rng.choice(DEPS)
                title = (
                    f"Bump {dep} from 0.{rng.randrange(10, 40)}.0 to 0.{rng.randrange(40, 60)}.0"
                )
                labels_of = [
                    lbl
                    for lbl in ("dependencies", "go" if "/" in dep else "javascript")
                    if lbl in present
                ]
            elif roll < 0.16:
                user = rng.choice(community)
                assoc = rng.choice(("FIRST_TIME_CONTRIBUTOR", "CONTRIBUTOR", "CONTRIBUTOR"))
                title = f"Fix typo in {rng.choice(AREAS)} docs"
                if "documentation" in present:
                    labels_of = ["documentation"]
            else:
                user, assoc = rng.choice(MEMBERS), "MEMBER"
                verb = rng.choice(("Fix", "Implement", "Refactor", "Test"))
                ref = max(number - rng.randrange(1, 200), 1)
                title = f"{verb} {rng.choice(AREAS)} (#{ref})"
            body = rng.choice(PR_BODIES)
        else:
            if roll < 0.7:
                user, assoc = rng.choice(MEMBERS), "MEMBER"
            else:
                user = rng.choice(community)
                assoc = "CONTRIBUTOR" if rng.random() < 0.15 else "NONE"
            kind = rng.random()
            area = rng.choice(AREAS)
            if kind < 0.45:
                title = f"{area.capitalize()} {rng.choice(BUG_VERBS)} {rng.choice(AREAS)}"
                labels_of.append("bug")
                r = rng.random()
                labels_of.append("~released bug" if r < 0.65 else "~unreleased bug")
                if labels_of[-1] == "~unreleased bug" and rng.random() < 0.15:
                    labels_of.append("~release blocker")
                if rng.random() < 0.12:
                    labels_of.append(":reproduce")
                p = rng.random()
                if p < 0.05:
                    labels_of.append("P1")
                elif p < 0.15:
                    labels_of.append("P2")
            elif kind < 0.8:
                title = f"{rng.choice(STORY_VERBS)} {area}"
                labels_of.append("story")
                if rng.random() < 0.2:
                    labels_of.append(":product")
            else:
                title = f"Question about {area}"
            if labels_of and rng.random() < 0.4:
                labels_of.append(":release")
            if groups and rng.random() < 0.75:
                labels_of.append(rng.choice(groups))
            if customers and rng.random() < 0.12:
                labels_of.append(rng.choice(customers))
            if assoc == "NONE" and age < 30 * 86400:
                labels_of.append(":incoming")
            labels_of = [lbl for lbl in labels_of if lbl in present]
            body = rng.choice(ISSUE_BODIES)
        if rng.random() < 0.6:
            assignees = [rng.choice(MEMBERS)]
        open_chance = 0.5 if age < 90 * 86400 else 0.06
        closed_t: float | None = None
        if rng.random() >= open_chance:
            closed_t = min(created + rng.expovariate(1 / (12 * 86400)) + 600, t1)
        milestone = None
        if ":release" in labels_of or (closed_t is not None and rng.random() < 0.3):
            pos = bisect.bisect_left(due_epochs, created)
            if pos < len(due_numbers):
                milestone = due_numbers[pos]
        updated_t = (
            closed_t if closed_t is not None else min(created + rng.random() * 5 * 86400, t1)
        )
        issue = Issue(
            number=number,
            id=fake.next_id("issue"),
            title=title,
            user=user,
            created_at=_fmt(created),
            updated_at=_fmt(updated_t),
            body=body,
            labels=labels_of,
            state="open" if closed_t is None else "closed",
            assignees=assignees,
            milestone=milestone,
            closed_at=None if closed_t is None else _fmt(closed_t),
            closed_by=None if closed_t is None else (assignees or [user])[0],
            author_association=assoc,
        )
        if is_pr:
            issue.is_pr = True
            issue.pr_id = fake.next_id("pull")
            issue.draft = closed_t is None and rng.random() < 0.15
            issue.head_ref = f"{user.removesuffix('[bot]')}/{number}-change"
            issue.head_owner = (
                user
                if assoc in ("FIRST_TIME_CONTRIBUTOR", "CONTRIBUTOR") and "[bot]" not in user
                else None
            )
            issue.head_sha = fake_sha(full_name, number, "head")
            issue.base_sha = fake_sha(full_name, number, "base")
            issue.additions = rng.randrange(1, 800)
            issue.deletions = rng.randrange(0, 300)
            issue.changed_files = rng.randrange(1, 30)
            issue.commits = rng.randrange(1, 12)
            if closed_t is not None and rng.random() < 0.85:
                issue.merged_at = issue.closed_at
                issue.merged_by = issue.closed_by
                issue.merge_commit_sha = fake_sha(full_name, number, "merge")
        elif closed_t is not None:
            issue.state_reason = "completed" if rng.random() < 0.85 else "not_planned"
        made.append(issue)
        created_epochs.append(created)
        closed_epochs.append(closed_t if closed_t is not None else t1)
        repo.issues[number] = issue
    repo.next_number = first_number + issues

    # Comments: spread over each issue's open window, ids increase with time.
    specs: list[tuple[float, int]] = []
    for _ in range(comments if made else 0):
        idx = rng.randrange(len(made))
        created = created_epochs[idx]
        window = max(closed_epochs[idx] - created, 60)
        specs.append((created + 30 + rng.random() * window, idx))
    specs.sort()
    for when, idx in specs:
        issue = made[idx]
        roll = rng.random()
        if roll < 0.6:
            user, assoc = rng.choice(MEMBERS), "MEMBER"
        elif roll < 0.9:
            user = rng.choice(community)
            assoc = "CONTRIBUTOR" if roll < 0.65 else "NONE"
        else:
            user, assoc = "github-actions[bot]", "NONE"
        created_s = _fmt(when)
        updated_s = created_s if rng.random() < 0.85 else _fmt(min(when + rng.random() * 86400, t1))
        comment = Comment(
            id=fake.next_id("comment"),
            issue_number=issue.number,
            user=user,
            body=rng.choice(COMMENT_BODIES),
            created_at=created_s,
            updated_at=updated_s,
            author_association=assoc,
        )
        repo.comments[comment.id] = comment
        issue.comments += 1
        if updated_s > issue.updated_at:
            issue.updated_at = updated_s
    repo.rebuild_indexes()
    return {
        "repo": repo.full_name,
        "issues": sum(1 for i in made if not i.is_pr),
        "pulls": sum(1 for i in made if i.is_pr),
        "comments": len(specs),
        "labels": len(repo.labels),
        "milestones": len(repo.milestones),
        "tags": len(repo.tags),
        "seconds": round(time.perf_counter() - began, 3),
    }
