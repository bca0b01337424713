"""The demo history as GitHub's REST JSON, rendered by the renderer the fake GitHub shares.

The demo numbers its objects itself: ids derive from issue numbers, comment positions,
label positions, milestone numbers and release tags (see `vocabulary.py`), so seeding twice
updates rows and duplicates none.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterator
from typing import Any

from worlds.demo.github.history import MirrorBuilder
from worlds.demo.github.items import Comment, Item, Release, fake_sha, ts
from worlds.demo.github.vocabulary import (
    COMMENT_ID_BASE,
    COMMENTS_PER_ISSUE_MAX,
    ISSUE_ID_BASE,
    LABEL_ID_BASE,
    LABELS,
    MILESTONE_ID_BASE,
    MILESTONE_NUMBER_OFFSET,
    PAGE_SIZE,
    RELEASE_ID_BASE,
    WATCHED_OSQUERY,
)
from worlds.github_json import API, GitHubJson

# GitHub's repository id of fleetdm/fleet, for the node ids (no row stores them).
REPOSITORY_ID = 38_576_537
DEFAULT_LABELS = ("bug", "duplicate", "good first issue", "question")


class DemoJson(GitHubJson):
    """Renders the builder's objects as the REST API's JSON for one repository."""

    def __init__(self, full_name: str) -> None:
        super().__init__(API)
        self.full_name = full_name
        self._users: dict[str, dict[str, Any]] = {}
        self.labels: dict[str, dict[str, Any]] = {
            name: self.label_json(
                full_name,
                repo_id=REPOSITORY_ID,
                label_id=LABEL_ID_BASE + position,
                name=name,
                color=color,
                default=name in DEFAULT_LABELS,
                description=description or None,
            )
            for position, (name, color, description) in enumerate(LABELS)
        }
        self.milestones: dict[int, dict[str, Any]] = {}

    def user(self, login: str) -> dict[str, Any]:
        cached = self._users.get(login)
        if cached is None:
            user_id = 1_000_000 + zlib.crc32(login.encode()) % 150_000_000
            kind = "Bot" if login.endswith("[bot]") else "User"
            cached = self._users[login] = self.user_json(login, user_id=user_id, kind=kind)
        return cached

    def milestone(
        self, builder: MirrorBuilder, minor: int, counts: tuple[int, int], updated: dt.datetime
    ) -> dict[str, Any]:
        number = minor + MILESTONE_NUMBER_OFFSET
        released = builder.released(minor)
        created = builder.sprint_start(minor) - dt.timedelta(days=42)
        created = max(created, builder.start - dt.timedelta(days=30))
        closed = builder.release_at(minor) + dt.timedelta(hours=2) if released else None
        if closed and closed > builder.now:
            closed = builder.now
        updated = max(filter(None, [created, closed, min(updated, builder.now)]))
        data = self.milestone_json(
            self.full_name,
            repo_id=REPOSITORY_ID,
            milestone_id=MILESTONE_ID_BASE + number,
            number=number,
            title=builder.minor_label(minor),
            description=f"Fleet {builder.minor_label(minor)}",
            creator=self.user(builder.groups[0].em),
            counts=counts,
            state="closed" if released else "open",
            created_at=ts(created),
            updated_at=ts(updated),
            due_on=ts(builder.sprint_end(minor)),
            closed_at=ts(closed),
        )
        self.milestones[minor] = data
        return data

    def issue(self, item: Item) -> dict[str, Any]:
        data = self.issue_json(
            self.full_name,
            repo_id=REPOSITORY_ID,
            issue_id=ISSUE_ID_BASE + item.number,
            number=item.number,
            pull=item.pull,
            fields={
                "title": item.title,
                "user": self.user(item.author),
                "labels": [self.labels[name] for name in dict.fromkeys(item.labels)],
                "state": "closed" if item.closed_at else "open",
                "assignees": [self.user(login) for login in item.assignees],
                "milestone": self.milestones.get(item.minor) if item.minor is not None else None,
                "comments": len(item.comments),
                "created_at": ts(item.created_at),
                "updated_at": ts(item.updated_at),
                "closed_at": ts(item.closed_at),
                "author_association": item.association,
                "body": item.body or None,
            },
            draft=item.draft,
            merged_at=ts(item.closed_at) if item.merged else None,
        )
        reason = item.state_reason if item.closed_at and not item.pull else None
        return self.issue_json_finish(data, state_reason=reason)

    def comment(self, item: Item, position: int, comment: Comment) -> dict[str, Any]:
        return self.comment_json(
            self.full_name,
            repo_id=REPOSITORY_ID,
            comment_id=COMMENT_ID_BASE + item.number * (COMMENTS_PER_ISSUE_MAX + 1) + position,
            issue_number=item.number,
            pull=item.pull,
            user=self.user(comment.login),
            created_at=ts(comment.at),
            updated_at=ts(comment.at),
            author_association=comment.association,
            body=comment.body,
        )

    def tag(self, repository: str, name: str) -> dict[str, Any]:
        return self.tag_json(
            repository, repo_id=REPOSITORY_ID, name=name, sha=fake_sha(repository, name)
        )

    def commit(self, repository: str, name: str, at: dt.datetime) -> dict[str, Any]:
        who = {"name": "Fleet Release", "email": "release@fleetdm.com", "date": ts(at)}
        return self.commit_json(
            repository,
            repo_id=REPOSITORY_ID,
            sha=fake_sha(repository, name),
            author=who,
            committer=who,
            message=f"Release {name}",
            user=None,
            parents=[],
        )

    def release(self, repository: str, release: Release) -> dict[str, Any]:
        release_id = RELEASE_ID_BASE + zlib.crc32(f"{repository}@{release.tag}".encode()) % 10**8
        return self.release_json(
            repository,
            repo_id=REPOSITORY_ID,
            release_id=release_id,
            tag_name=release.tag,
            author=self.user("github-actions[bot]"),
            fields={
                "target_commitish": "master" if repository == WATCHED_OSQUERY else "main",
                "name": release.tag,
                "draft": False,
                "prerelease": release.prerelease,
                "created_at": ts(release.at - dt.timedelta(hours=1)),
                "published_at": ts(release.at),
                "body": f"## What's changed in {release.tag}\n",
            },
        )


def pages(items: list[Any]) -> Iterator[list[Any]]:
    """Listings in pages of 100, as the sync fetches them."""
    for offset in range(0, len(items), PAGE_SIZE):
        yield items[offset : offset + PAGE_SIZE]
