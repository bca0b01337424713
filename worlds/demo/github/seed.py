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
import random

from django.conf import settings

from fleetops.github.models import (
    ExternalRelease,
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
from fleetops.org.models import Person, ProductGroup
from worlds.demo.context import DemoContext
from worlds.demo.github.boards import seed as boards_seed
from worlds.demo.github.files import GO_MOD, OSQUERYD_WORKFLOW, file_store
from worlds.demo.github.history import MirrorBuilder
from worlds.demo.github.items import Group, Item, Release
from worlds.demo.github.render import DemoJson, pages
from worlds.demo.github.vocabulary import (
    COMMENT_ID_BASE,
    ISSUE_ID_BASE,
    RELEASE_ID_BASE,
    WATCHED_EXTENSION,
    WATCHED_OSQUERY,
)


def _groups() -> list[Group]:
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
            groups.append(Group(group.github_label, em, qa, engineers))
    return groups


def _demo_issues(repository: Repository) -> IssueQuerySet:
    return Issue.objects.filter(
        repository=repository, github_id__gte=ISSUE_ID_BASE, github_id__lt=COMMENT_ID_BASE
    )


def _demo_reset_if_diverged(repository: Repository, items: list[Item]) -> None:
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


class _Writer:
    """Writes one rendered history through the sync's upserts, counting the requests."""

    def __init__(self, repository: Repository, builder: MirrorBuilder, render: DemoJson) -> None:
        self.repository = repository
        self.builder = builder
        self.render = render
        self.result = UpsertResult()
        self.requests = 0

    def reference(self, items: list[Item]) -> None:
        """Labels and milestones first, as the sync's reference step lists them.

        Like the sync, labels are written as one complete listing (fetched in pages of 100),
        so a label an earlier demo had and this one has not goes away.
        """
        builder, render = self.builder, self.render
        labels = list(render.labels.values())
        self.result += labels_upsert(self.repository, labels, complete=True)
        self.requests += len(list(pages(labels)))
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
        for page in pages(milestones):
            self.result += milestones_upsert(self.repository, page)
            self.requests += 1

    def issues(self, items: list[Item]) -> None:
        """Issues and PRs, then comments, each oldest update first like the listing."""
        render = self.render
        payloads = [
            render.issue(item) for item in sorted(items, key=lambda i: (i.updated_at, i.number))
        ]
        for page in pages(payloads):
            self.result += issues_upsert(self.repository, page)
            self.requests += 1
        comments = sorted(
            (
                (comment.at, item.number, position, render.comment(item, position, comment))
                for item in items
                for position, comment in enumerate(item.comments)
            ),
            key=lambda entry: entry[:3],
        )
        for page in pages([entry[3] for entry in comments]):
            self.result += comments_upsert(self.repository, page)
            self.requests += 1

    def tags(self) -> None:
        """Tags (one complete listing) and the dates of their commits."""
        full_name = self.repository.full_name
        tags = sorted(self.builder.tags(), key=lambda t: t.at, reverse=True)
        listing = [self.render.tag(full_name, tag.name) for tag in tags]
        self.result += tags_upsert(self.repository, listing, complete=True)
        self.requests += len(list(pages(listing)))
        for tag in tags:
            tag_date_set(self.repository, tag.name, self.render.commit(full_name, tag.name, tag.at))
            self.requests += 1

    def watched(self, name: str, releases: list[Release]) -> None:
        """A watched repository's releases, newest first like GitHub lists them."""
        watched = repository_get(name)
        listing = [self.render.release(name, release) for release in reversed(releases)]
        for page in pages(listing):
            self.result += releases_upsert(watched, page)
            self.requests += 1
        ids = {release["id"] for release in listing}
        for github_id in ExternalRelease.objects.filter(
            repository=watched, github_id__gte=RELEASE_ID_BASE
        ).values_list("github_id", flat=True):
            if github_id not in ids:
                release_delete(watched, github_id)

    def files(self, osquery: list[Release], extension: list[Release]) -> None:
        """The files the dependency checks read. go.mod trails the extension's newest release
        by one (a check to fail); the workflow pins osquery's newest stable release (one to
        pass)."""
        builder = self.builder
        stable = [r.tag for r in osquery if not r.prerelease]
        pinned_extension = extension[-2].tag if len(extension) > 1 else extension[-1].tag
        go_mod = GO_MOD.format(go=builder.go_directive(), extension=pinned_extension)
        file_store(self.repository, "go.mod", go_mod, builder.now)
        file_store(
            self.repository,
            ".github/workflows/generate-osqueryd-targets.yml",
            OSQUERYD_WORKFLOW.format(osquery=stable[-1]),
            builder.now,
        )
        self.requests += 2

    def sync_run(self) -> None:
        """The finished sync run the demo's writes stand for."""
        now = self.builder.now
        SyncRun.objects.update_or_create(
            repository=self.repository,
            trigger="demo",
            defaults={
                "kind": SyncRun.Kind.FULL,
                "started_at": now - dt.timedelta(minutes=3, seconds=12),
                "finished_at": now - dt.timedelta(minutes=1, seconds=47),
                "outcome": SyncRun.Outcome.OK,
                "step": "",
                "requests": self.requests,
                "created": self.result.created,
                "updated": self.result.updated,
                "rows": self.result.rows,
                "error": "",
            },
        )


def seed(ctx: DemoContext) -> None:
    """Mirror a believable fleetdm/fleet through the sync's upsert functions."""
    groups = _groups()
    repository = repository_get(settings.GITHUB_REPOSITORY)
    if not groups:
        ctx.summary.append(f"mirror: {repository.full_name}, skipped (no product groups)")
        return
    rng = random.Random(ctx.rng.getrandbits(64))
    builder = MirrorBuilder(rng, ctx.now, groups)
    items = builder.build()
    render = DemoJson(repository.full_name)
    _demo_reset_if_diverged(repository, items)
    writer = _Writer(repository, builder, render)
    writer.reference(items)
    writer.issues(items)
    writer.tags()
    osquery = builder.osquery_releases()
    extension = builder.extension_releases()
    writer.watched(WATCHED_OSQUERY, osquery)
    writer.watched(WATCHED_EXTENSION, extension)
    writer.files(osquery, extension)
    writer.sync_run()
    _summarise(ctx, repository)
    boards_seed(ctx)  # the boards' cards are the issues just written


def _summarise(ctx: DemoContext, repository: Repository) -> None:
    counts = mirror_counts(repository.full_name)
    ctx.summary.append(
        f"mirror: {repository.full_name}, "
        f"{counts['issues'] + counts['pull_requests']:,} issues and PRs, "
        f"{counts['comments']:,} comments, {counts['labels']:,} labels, "
        f"{counts['milestones']:,} milestones, {counts['tags']:,} tags"
    )
