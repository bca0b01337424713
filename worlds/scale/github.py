"""A Fleet-scale mirror, bulk-inserted: 40,000 issues and PRs, 120,000 comments, 3 years."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fleetops.github.models import (
    ExternalRelease,
    FileContent,
    Issue,
    IssueComment,
    Label,
    Milestone,
    Repository,
    SyncRun,
    Tag,
)
from fleetops.github.selectors import mirror_counts
from fleetops.github.stamp import mirror_changed
from fleetops.github.upsert import _first_member_response_refresh
from fleetops.org.models import Person, ProductGroup
from worlds.scale.context import ScaleContext

BATCH = 2_000
WORKFLOW = [":incoming", ":reproduce", ":product", ":release"]
BASE_LABELS = [
    "bug",
    "story",
    "~release blocker",
    "~unreleased bug",
    "~released bug",
    "P0",
    "P1",
    "P2",
    "~engineering-initiated",
    "~pushed",
    "#handbook",
    "~ceo",
    ":improve documentation",
    "dependencies",
    *WORKFLOW,
]
COMMUNITY = ("NONE", "FIRST_TIME_CONTRIBUTOR", "CONTRIBUTOR", "FIRST_TIMER")


@dataclass(frozen=True)
class _World:
    """What every issue draws from: the groups' labels, members, milestones, the span."""

    groups: list[str]
    members: list[str]
    milestones: list[Milestone]
    start: dt.datetime
    span: float


def _go_mod() -> str:
    return (
        "module github.com/fleetdm/fleet/v4\n\ngo 1.24.4\n\nrequire (\n"
        "\tgithub.com/WatchBeam/clock v0.0.0-20170901150240-b08e6b4da7ea\n"
        "\tgithub.com/macadmins/osquery-extension v1.2.7\n"
        "\tgithub.com/spf13/cobra v1.9.1\n)\n"
    )


CUSTOMERS = [
    f"customer-{name}"
    for name in (
        "acme",
        "globex",
        "initech",
        "umbrella",
        "hooli",
        "stark",
        "wayne",
        "wonka",
        "tyrell",
        "cyberdyne",
    )
]


def _labels(repository: Repository, groups: list[str]) -> dict[str, int]:
    """300 labels: the handbook's, the groups', customers' and many areas; ids by name."""
    names = BASE_LABELS + groups + CUSTOMERS
    names += [f"area:{n:03d}" for n in range(300 - len(names))]
    labels = Label.objects.bulk_create(
        [
            Label(repository=repository, github_id=9_000_000 + i, name=name, color="ededed")
            for i, name in enumerate(names)
        ]
    )
    return {label.name: label.pk for label in labels}


def _milestones(repository: Repository, start: dt.datetime) -> list[Milestone]:
    return Milestone.objects.bulk_create(
        [
            Milestone(
                repository=repository,
                github_id=8_000_000 + n,
                number=n + 1,
                title=f"4.{n}.0",
                state="closed" if n < 148 else "open",
                due_on=start + dt.timedelta(weeks=3 * (n % 52) + 3),
            )
            for n in range(150)
        ]
    )


def _issue_labels(
    rng: random.Random, groups: list[str], pull: bool, bot: bool, closed: bool
) -> list[str]:
    """An issue's label names (drawn in the order the data was first generated)."""
    names = [rng.choice(groups)]
    if pull:
        if bot:
            names = ["dependencies"]
        return names
    kind = rng.random()
    if kind < 0.6:
        names += ["bug", rng.choice(WORKFLOW)]
        names.append("~unreleased bug" if rng.random() < 0.3 else "~released bug")
        if rng.random() < 0.25:
            names.append(rng.choice(["P0", "P1", "P2"]))
        if rng.random() < 0.1:
            names.append(rng.choice(CUSTOMERS))
        if not closed and rng.random() < 0.05:
            names.append("~release blocker")
    elif kind < 0.9:
        names += ["story", rng.choice([":product", ":release"])]
    return names


def _issue(
    ctx: ScaleContext, repository: Repository, number: int, world: _World
) -> tuple[Issue, list[str]]:
    """Issue or PR `number` of `ctx.issues`, spread evenly over the three years."""
    rng, now, total = ctx.rng, ctx.now, ctx.issues
    created = world.start + dt.timedelta(
        seconds=world.span * (number - 1) / total + rng.random() * 600
    )
    pull = rng.random() < 0.45
    bot = pull and rng.random() < 0.15
    member = not bot and rng.random() < 0.8
    age_days = (now - created).days
    closes = rng.random() < (0.9 if age_days > 60 else 0.5)
    closed_at = (
        min(created + dt.timedelta(hours=rng.lognormvariate(4.5, 1.3)), now) if closes else None
    )
    names = _issue_labels(rng, world.groups, pull, bot, closed_at is not None)
    merged = closed_at if pull and closed_at and rng.random() < 0.85 else None
    if rng.random() < 0.3:
        names.append(f"area:{rng.randrange(200):03d}")
    issue = Issue(
        repository=repository,
        github_id=100_000_000 + number,
        number=number,
        is_pull_request=pull,
        title=f"{'Fix' if pull else 'Issue'} {number}: scale data",
        state="closed" if closed_at else "open",
        state_reason=("completed" if closed_at and not pull else ""),
        draft=pull and closed_at is None and rng.random() < 0.2,
        author_login="dependabot[bot]"
        if bot
        else (rng.choice(world.members) if member else f"community{rng.randrange(3000)}"),
        author_is_bot=bot,
        author_association="NONE" if bot else ("MEMBER" if member else rng.choice(COMMUNITY)),
        milestone=world.milestones[min(int(149 * (number / total)), 149)],
        created_at=created,
        updated_at=closed_at or created + dt.timedelta(hours=1),
        closed_at=closed_at,
        merged_at=merged,
        comments_count=0,
    )
    return issue, list(dict.fromkeys(names))


def _comments(
    ctx: ScaleContext, repository: Repository, issues: list[Issue], members: list[str]
) -> int:
    """Three comments per issue on average, at random; the issues' counts follow."""
    rng, total = ctx.rng, ctx.issues
    comments: list[IssueComment] = []
    counts = [0] * (total + 1)
    for n in range(ctx.issues * 3):
        issue = issues[rng.randrange(total)]
        member = rng.random() < 0.6
        counts[issue.number] += 1
        comments.append(
            IssueComment(
                repository=repository,
                github_id=200_000_000 + n,
                issue_number=issue.number,
                issue_id=issue.pk,
                author_login=rng.choice(members) if member else issue.author_login,
                author_association="MEMBER" if member else issue.author_association,
                created_at=issue.created_at + dt.timedelta(hours=rng.lognormvariate(2.5, 1.5)),
                updated_at=issue.created_at + dt.timedelta(hours=rng.lognormvariate(2.5, 1.5)),
            )
        )
    IssueComment.objects.bulk_create(comments, batch_size=BATCH * 5)
    # One set-based UPDATE per distinct count: bulk_update's CASE with 2,000 branches per
    # batch costs O(batch^2): at 400,000 issues it ran for more than 6 minutes.
    by_count: dict[int, list[int]] = {}
    for issue in issues:
        if counts[issue.number]:
            by_count.setdefault(counts[issue.number], []).append(issue.pk)
    for count, pks in by_count.items():
        for first in range(0, len(pks), BATCH * 5):
            Issue.objects.filter(pk__in=pks[first : first + BATCH * 5]).update(comments_count=count)
    return len(comments)


def _tags(repository: Repository, start: dt.datetime) -> None:
    tags = []
    for n in range(1500):
        family, version = [
            ("fleet-v", f"4.{n // 10}.{n % 10}"),
            ("orbit-v", f"1.{n // 3}.0"),
            ("fleetd-chrome-v", f"1.{n // 5}.{n % 5}"),
        ][n % 3]
        tags.append(
            Tag(
                repository=repository,
                name=f"{family}{version}",
                commit_sha=f"{n:040x}",
                committed_at=start + dt.timedelta(days=n * 0.7),
            )
        )
    Tag.objects.bulk_create(tags, ignore_conflicts=True)


def _watched_and_files(repository: Repository, now: dt.datetime) -> None:
    """The watched repositories' releases and the files the dependency checks read."""
    for name, prefix, latest in (
        ("osquery/osquery", "", "5.14.1"),
        ("macadmins/osquery-extension", "v", "1.3.0"),
    ):
        watched = Repository.objects.create(full_name=name)
        ExternalRelease.objects.bulk_create(
            [
                ExternalRelease(
                    repository=watched,
                    github_id=7_000_000 + i,
                    tag_name=f"{prefix}{latest[:-1]}{i}",
                    published_at=now - dt.timedelta(days=30 * (10 - i)),
                )
                for i in range(10)
            ]
        )
    for path, text in (
        ("go.mod", _go_mod()),
        (".github/workflows/generate-osqueryd-targets.yml", "env:\n  OSQUERY_VERSION: 5.13.1\n"),
    ):
        FileContent.objects.create(
            repository=repository,
            ref="main",
            path=path,
            blob_sha="0" * 40,
            text=text,
            fetched_at=now,
        )


@transaction.atomic
def seed(ctx: ScaleContext) -> None:
    now = ctx.now
    repository = Repository.objects.create(full_name=settings.GITHUB_REPOSITORY)
    groups = list(ProductGroup.objects.values_list("github_label", flat=True))
    members = list(Person.objects.values_list("github_login", flat=True))
    label_id = _labels(repository, groups)
    start = now - dt.timedelta(days=3 * 365)
    world = _World(
        groups=groups,
        members=members,
        milestones=_milestones(repository, start),
        start=start,
        span=(now - start).total_seconds(),
    )
    total = ctx.issues
    drawn = [_issue(ctx, repository, number, world) for number in range(1, total + 1)]
    issues = [issue for issue, _ in drawn]
    Issue.objects.bulk_create(issues, batch_size=BATCH)
    through = Issue.labels.through
    rows = [
        through(issue_id=issue.pk, label_id=label_id[name])
        for issue, names in drawn
        for name in names
    ]
    through.objects.bulk_create(rows, batch_size=BATCH * 5)
    comments = _comments(ctx, repository, issues, members)
    # In chunks: one UPDATE of 400,000 issues outlasts the 30 s statement timeout.
    for numbers in itertools.batched(range(1, total + 1), BATCH * 10, strict=False):
        _first_member_response_refresh(repository, set(numbers))
    _tags(repository, start)
    _watched_and_files(repository, now)
    Repository.objects.filter(pk=repository.pk).update(issues_cursor=now, comments_cursor=now)
    SyncRun.objects.create(
        repository=repository,
        kind="full",
        trigger="scale",
        started_at=now,
        finished_at=timezone.now(),
        outcome="ok",
        counts=mirror_counts(repository.full_name),  # what a full sync records at its end
    )
    mirror_changed()  # written in bulk, as the sync would: pages must not read older results
    ctx.summary.append(
        f"mirror: {total:,} issues and PRs, {comments:,} comments, "
        "300 labels, 150 milestones, 1,500 tags"
    )
