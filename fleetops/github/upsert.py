"""Write GitHub's REST objects into the mirror: one code path for the sync and the webhooks.

Every function takes the JSON GitHub sends (a page of a listing, or the object inside a
webhook payload), validates what it needs of it (a malformed object raises
`MalformedPayload` naming the field, before anything is written), and upserts by GitHub's
ids, so writing the same page twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from fleetops.github.models import (
    MEMBER_ASSOCIATIONS,
    ExternalRelease,
    Issue,
    IssueComment,
    Label,
    Milestone,
    Repository,
    Tag,
)
from fleetops.github.payloads import (
    MalformedPayload,
    _as_list,
    _comment_row,
    _issue_row,
    _label_row,
    _milestone_row,
    _require,
    parse_time,
)
from fleetops.github.stamp import mirror_changed


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    rows: int = 0  # all mirror rows written (labels, comments, ... included)

    def __iadd__(self, other: UpsertResult) -> UpsertResult:
        self.created += other.created
        self.updated += other.updated
        self.rows += other.rows
        return self


ISSUE_FIELDS = [
    "number",
    "is_pull_request",
    "title",
    "body",
    "state",
    "state_reason",
    "draft",
    "author_login",
    "author_is_bot",
    "author_association",
    "assignees",
    "milestone_id",
    "created_at",
    "updated_at",
    "closed_at",
    "merged_at",
    "comments_count",
]


def _labels_ensure(repository: Repository, rows: Iterable[dict]) -> tuple[dict[int, int], int]:
    """Label ids by GitHub id, creating or refreshing the labels seen; returns (ids, written)."""
    by_id = {row["github_id"]: row for row in rows}
    if not by_id:
        return {}, 0
    existing = {
        label.github_id: label
        for label in Label.objects.filter(repository=repository, github_id__in=by_id)
    }
    new = [Label(repository=repository, **row) for gid, row in by_id.items() if gid not in existing]
    changed = []
    for gid, label in existing.items():
        row = by_id[gid]
        if any(getattr(label, k) != v for k, v in row.items()):
            for k, v in row.items():
                setattr(label, k, v)
            changed.append(label)
    Label.objects.bulk_create(new, ignore_conflicts=True)
    if changed:
        Label.objects.bulk_update(changed, ["name", "color", "description"])
    ids = dict(
        Label.objects.filter(repository=repository, github_id__in=by_id).values_list(
            "github_id", "id"
        )
    )
    return ids, len(new) + len(changed)


def _milestones_ensure(repository: Repository, rows: Iterable[dict]) -> tuple[dict[int, int], int]:
    """Milestone ids by number, creating or refreshing those seen; returns (ids, written)."""
    by_number = {row["number"]: row for row in rows}
    if not by_number:
        return {}, 0
    existing = {
        m.number: m for m in Milestone.objects.filter(repository=repository, number__in=by_number)
    }
    new, changed = [], []
    for number, row in by_number.items():
        milestone = existing.get(number)
        if milestone is None:
            new.append(Milestone(repository=repository, **row))
        elif any(getattr(milestone, k) != v for k, v in row.items()):
            for k, v in row.items():
                setattr(milestone, k, v)
            changed.append(milestone)
    Milestone.objects.bulk_create(new, ignore_conflicts=True)
    if changed:
        Milestone.objects.bulk_update(
            changed, [k for k in next(iter(by_number.values())) if k != "number"]
        )
    ids = dict(
        Milestone.objects.filter(repository=repository, number__in=by_number).values_list(
            "number", "id"
        )
    )
    return ids, len(new) + len(changed)


@transaction.atomic
def issues_upsert(
    repository: Repository, items: Any, *, seen_in_run: int | None = None
) -> UpsertResult:
    """Upsert a page of issues/PRs (REST issue objects). Unchanged rows are not rewritten."""
    rows = [_issue_row(item) for item in _as_list(items, "issues")]
    result = UpsertResult()
    label_ids, written = _labels_ensure(
        repository, (label for row in rows for label in row["_labels"])
    )
    result.rows += written
    milestone_ids, written = _milestones_ensure(
        repository, (row["_milestone"] for row in rows if row["_milestone"])
    )
    result.rows += written

    existing = {
        i.github_id: i for i in Issue.objects.filter(github_id__in=[r["github_id"] for r in rows])
    }
    current_labels = _labels_of(existing.values())

    new: list[Issue] = []
    changed: list[Issue] = []
    unchanged: list[int] = []
    wanted_labels: dict[int, set[int]] = {}  # by github id
    for row in rows:
        labels = {label_ids[label["github_id"]] for label in row.pop("_labels")}
        milestone = row.pop("_milestone")
        row["milestone_id"] = milestone_ids.get(milestone["number"]) if milestone else None
        wanted_labels[row["github_id"]] = labels
        issue = existing.get(row["github_id"])
        if issue is None:
            new.append(Issue(repository=repository, seen_in_run=seen_in_run, **row))
            continue
        differs = any(getattr(issue, field) != row[field] for field in ISSUE_FIELDS)
        if issue.updated_at > row["updated_at"]:
            unchanged.append(issue.pk)  # an older copy (a late webhook): keep the newer one
        elif differs or issue.gone_at or current_labels.get(issue.pk, set()) != labels:
            for field in ISSUE_FIELDS:
                setattr(issue, field, row[field])
            issue.gone_at, issue.gone_reason = None, ""
            issue.seen_in_run = seen_in_run if seen_in_run is not None else issue.seen_in_run
            changed.append(issue)
        else:
            unchanged.append(issue.pk)

    Issue.objects.bulk_create(new)
    if changed:
        Issue.objects.bulk_update(changed, [*ISSUE_FIELDS, "gone_at", "gone_reason", "seen_in_run"])
    if unchanged and seen_in_run is not None:
        Issue.objects.filter(pk__in=unchanged).update(seen_in_run=seen_in_run)

    if new or changed:
        _touched_write(repository, new, changed, wanted_labels)
    if new or changed or result.rows:
        mirror_changed()
    result.created += len(new)
    result.updated += len(changed)
    result.rows += len(new) + len(changed)
    return result


def _labels_of(issues: Iterable[Issue]) -> dict[int, set[int]]:
    """The label ids each stored issue has now, by issue pk (one query)."""
    current: dict[int, set[int]] = {}
    pks = [issue.pk for issue in issues]
    if pks:
        through = Issue.labels.through.objects.filter(issue_id__in=pks)
        for issue_id, label_id in through.values_list("issue_id", "label_id"):
            current.setdefault(issue_id, set()).add(label_id)
    return current


def _touched_write(
    repository: Repository,
    new: list[Issue],
    changed: list[Issue],
    wanted_labels: dict[int, set[int]],
) -> None:
    """Written issues' labels, and the comments that reached the mirror before them."""
    touched = new + changed
    pks = {issue.github_id: issue.pk for issue in touched}
    if any(issue.pk is None for issue in new):  # backends without RETURNING ids
        pks = dict(Issue.objects.filter(github_id__in=pks).values_list("github_id", "id"))
    Through = Issue.labels.through
    Through.objects.filter(issue_id__in=pks.values()).delete()
    Through.objects.bulk_create(
        [Through(issue_id=pks[gid], label_id=lid) for gid in pks for lid in wanted_labels[gid]]
    )
    numbers = {issue.number: pks[issue.github_id] for issue in touched}
    orphans = IssueComment.objects.filter(
        repository=repository, issue__isnull=True, issue_number__in=numbers
    )
    orphan_numbers = set(orphans.values_list("issue_number", flat=True))
    for number in orphan_numbers:
        IssueComment.objects.filter(
            repository=repository, issue__isnull=True, issue_number=number
        ).update(issue_id=numbers[number])
    if orphan_numbers:
        _first_member_response_refresh(repository, orphan_numbers)


COMMENT_FIELDS = [
    "issue_number",
    "author_login",
    "author_is_bot",
    "author_association",
    "created_at",
    "updated_at",
]


@transaction.atomic
def comments_upsert(repository: Repository, items: Any) -> UpsertResult:
    """Upsert a page of issue comments and refresh the first member response they may change."""
    rows = [_comment_row(item) for item in _as_list(items, "comments")]
    if not rows:
        return UpsertResult()
    numbers = {row["issue_number"] for row in rows}
    issue_ids = dict(
        Issue.objects.filter(repository=repository, number__in=numbers).values_list("number", "id")
    )
    existing = {
        c.github_id: c
        for c in IssueComment.objects.filter(github_id__in=[r["github_id"] for r in rows])
    }
    new, changed = [], []
    for row in rows:
        comment = existing.get(row["github_id"])
        issue_id = issue_ids.get(row["issue_number"])
        if comment is None:
            new.append(IssueComment(repository=repository, issue_id=issue_id, **row))
        elif comment.issue_id != issue_id or any(
            getattr(comment, f) != row[f] for f in COMMENT_FIELDS
        ):
            for field in COMMENT_FIELDS:
                setattr(comment, field, row[field])
            comment.issue_id = issue_id
            changed.append(comment)
    IssueComment.objects.bulk_create(new, ignore_conflicts=True)
    if changed:
        IssueComment.objects.bulk_update(changed, [*COMMENT_FIELDS, "issue"])
    # A new comment matters only if by a member; an edit may change who counts as one.
    numbers = {c.issue_number for c in changed} | {c.issue_number for c in new if c.by_member}
    _first_member_response_refresh(repository, numbers)
    return UpsertResult(rows=len(new) + len(changed))


def _first_member_response_refresh(repository: Repository, numbers: set[int]) -> None:
    """Set each issue's first comment by a member of the organisation (for response SLAs).

    One UPDATE for all the issues, computed in the database from the comments it holds.
    """
    if not numbers:
        return
    first = IssueComment.objects.filter(
        issue_id=OuterRef("pk"), author_association__in=MEMBER_ASSOCIATIONS, author_is_bot=False
    ).order_by("created_at", "github_id")
    Issue.objects.filter(repository=repository, number__in=numbers).update(
        first_member_response_at=Subquery(first.values("created_at")[:1]),
        first_member_response_by=Coalesce(Subquery(first.values("author_login")[:1]), Value("")),
    )


@transaction.atomic
def comment_delete(repository: Repository, github_id: int) -> None:
    comment = IssueComment.objects.filter(repository=repository, github_id=github_id).first()
    if comment is not None:
        comment.delete()
        _first_member_response_refresh(repository, {comment.issue_number})


@transaction.atomic
def labels_upsert(repository: Repository, items: Any, *, complete: bool = False) -> UpsertResult:
    """Upsert labels; with `complete` (the whole listing) labels GitHub no longer has go."""
    rows = [_label_row(item) for item in _as_list(items, "labels")]
    _, written = _labels_ensure(repository, rows)
    if complete:
        stale = Label.objects.filter(repository=repository).exclude(
            github_id__in=[r["github_id"] for r in rows]
        )
        written += stale.delete()[1].get(Label._meta.label, 0)
    if written:
        mirror_changed()
    return UpsertResult(rows=written)


@transaction.atomic
def milestones_upsert(repository: Repository, items: Any) -> UpsertResult:
    rows = [_milestone_row(item) for item in _as_list(items, "milestones")]
    _, written = _milestones_ensure(repository, rows)
    if written:
        mirror_changed()
    return UpsertResult(rows=written)


@transaction.atomic
def milestone_delete(repository: Repository, number: int) -> None:
    if Milestone.objects.filter(repository=repository, number=number).delete()[0]:
        mirror_changed()


@transaction.atomic
def tags_upsert(repository: Repository, items: Any, *, complete: bool = False) -> UpsertResult:
    """Upsert tags (name, commit); a tag moved to another commit loses its known date."""
    rows = []
    for item in _as_list(items, "tags"):
        name = _require(item, "name", str, "tag")
        commit = _require(item, "commit", dict, f"tag {name}")
        rows.append((name, _require(commit, "sha", str, f"tag {name}.commit")))
    existing = {
        t.name: t for t in Tag.objects.filter(repository=repository, name__in=[n for n, _ in rows])
    }
    new, changed = [], []
    for name, sha in rows:
        tag = existing.get(name)
        if tag is None:
            new.append(Tag(repository=repository, name=name, commit_sha=sha))
        elif tag.commit_sha != sha:
            tag.commit_sha, tag.committed_at = sha, None
            changed.append(tag)
    Tag.objects.bulk_create(new, ignore_conflicts=True)
    if changed:
        Tag.objects.bulk_update(changed, ["commit_sha", "committed_at"])
    written = len(new) + len(changed)
    if complete:
        stale = Tag.objects.filter(repository=repository).exclude(name__in=[n for n, _ in rows])
        written += stale.delete()[1].get(Tag._meta.label, 0)
    return UpsertResult(rows=written)


def tag_date_set(repository: Repository, name: str, commit: Any) -> None:
    """Record the date of a tag's commit from GitHub's commit object."""
    where = f"commit of tag {name}"
    inner = _require(commit, "commit", dict, where)
    committer = inner.get("committer") or inner.get("author") or {}
    when = parse_time(_require(committer, "date", str, f"{where}.committer"), f"{where}.date")
    Tag.objects.filter(repository=repository, name=name).update(committed_at=when)


@transaction.atomic
def releases_upsert(repository: Repository, items: Any) -> UpsertResult:
    rows = []
    for item in _as_list(items, "releases"):
        where = f"release {item.get('id', '?') if isinstance(item, dict) else '?'}"
        rows.append(
            {
                "github_id": _require(item, "id", int, where),
                "tag_name": _require(item, "tag_name", str, where),
                "name": (item.get("name") or "")[:300],
                "draft": bool(item.get("draft")),
                "prerelease": bool(item.get("prerelease")),
                "published_at": parse_time(item.get("published_at"), f"{where}.published_at"),
            }
        )
    existing = {
        r.github_id: r
        for r in ExternalRelease.objects.filter(
            repository=repository, github_id__in=[r["github_id"] for r in rows]
        )
    }
    written = 0
    for row in rows:
        release = existing.get(row["github_id"])
        if release is None:
            ExternalRelease.objects.create(repository=repository, **row)
            written += 1
        elif any(getattr(release, k) != v for k, v in row.items()):
            ExternalRelease.objects.filter(pk=release.pk).update(**row)
            written += 1
    return UpsertResult(rows=written)


@transaction.atomic
def release_delete(repository: Repository, github_id: int) -> None:
    ExternalRelease.objects.filter(repository=repository, github_id=github_id).delete()


@transaction.atomic
def issue_mark_gone(repository: Repository, number: int, reason: str) -> bool:
    """Mark an issue deleted or transferred (GitHub answers 404/410/301): kept, never open."""
    marked = Issue.objects.filter(
        repository=repository, number=number, gone_at__isnull=True
    ).update(gone_at=timezone.now(), gone_reason=reason[:20])
    if marked:
        mirror_changed()
    return bool(marked)


def pull_request_as_issue(pull: Any) -> dict[str, Any]:
    """A pull request object (pulls endpoint, pull_request webhook) in the issue shape."""
    if not isinstance(pull, dict):
        raise MalformedPayload("pull_request: expected an object")
    issue = dict(pull)
    issue["pull_request"] = {"merged_at": pull.get("merged_at"), "url": pull.get("url")}
    issue.setdefault("comments", pull.get("comments", 0))
    return issue


def repository_get(full_name: str) -> Repository:
    repository, _ = Repository.objects.get_or_create(full_name=full_name)
    return repository


@transaction.atomic
def label_delete(repository: Repository, github_id: int) -> bool:
    """Delete a label GitHub deleted (issues lose it with it); False if it was not mirrored."""
    deleted, _ = Label.objects.filter(repository=repository, github_id=github_id).delete()
    if deleted:
        mirror_changed()
    return bool(deleted)


@transaction.atomic
def pull_request_upsert(repository: Repository, pull: Any) -> UpsertResult | None:
    """Upsert a pull object onto the PR's row, found by number; None when it is not mirrored.

    GitHub gives a PR two ids: the issue id (issues endpoint, the mirror's key) and the pull
    id (pulls endpoint, `pull_request` webhook). The row keeps its issue id.
    """
    issue = pull_request_as_issue(pull)
    number = _require(issue, "number", int, "pull_request")
    row = (
        Issue.objects.filter(repository=repository, number=number)
        .values("github_id", "comments_count")
        .first()
    )
    if row is None:
        return None
    issue["id"] = row["github_id"]
    if not isinstance(pull.get("comments"), int):  # the pulls listing has no count: keep ours
        issue["comments"] = row["comments_count"]
    result = issues_upsert(repository, [issue])
    base = pull.get("base")
    if isinstance(base, dict) and isinstance(base.get("ref"), str):
        moved = (
            Issue.objects.filter(repository=repository, number=number)
            .exclude(base_ref=base["ref"])
            .update(base_ref=base["ref"][:250])
        )
        if moved:
            mirror_changed()
    return result
