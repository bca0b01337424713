"""In-memory object model of the fake GitHub: repositories, issues, comments, refs, files."""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_CANONICAL_TS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")

# Labels GitHub creates in every new repository (they render with "default": true).
DEFAULT_LABELS = frozenset(
    {
        "bug",
        "documentation",
        "duplicate",
        "enhancement",
        "good first issue",
        "help wanted",
        "invalid",
        "question",
        "wontfix",
    }
)


def parse_iso(value: str) -> datetime:
    """Parse an ISO 8601 timestamp (``Z``, offsets, date-only) into an aware UTC datetime."""
    text = value.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def to_ts(value: str | datetime | None) -> str | None:
    """Normalise a datetime or ISO string to GitHub's ``2024-01-02T03:04:05Z`` form."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime(ISO_FORMAT)
    text = str(value)
    if _CANONICAL_TS.fullmatch(text):
        return text
    return parse_iso(text).strftime(ISO_FORMAT)


def since_key(value: str) -> str:
    """Turn a ``since`` query value into a comparable timestamp (fractions round up)."""
    parsed = parse_iso(value)
    if parsed.microsecond:
        parsed = parsed.replace(microsecond=0) + timedelta(seconds=1)
    return parsed.strftime(ISO_FORMAT)


def blob_sha(data: bytes) -> str:
    """Git blob SHA-1 of ``data`` (what the contents API reports as ``sha``)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def fake_sha(*parts: object) -> str:
    """A deterministic 40-hex SHA for synthetic commits."""
    text = "\0".join(str(p) for p in parts)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def version_key(name: str) -> tuple:
    """Natural sort key: digit runs compare as numbers (``v1.10`` > ``v1.9``)."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))


@dataclass(slots=True)
class User:
    """A GitHub account: ``type`` is ``User``, ``Bot`` or ``Organization``."""

    login: str
    id: int
    type: str = "User"
    site_admin: bool = False
    name: str | None = None


@dataclass(slots=True)
class Label:
    """A repository label."""

    id: int
    name: str
    color: str = "ededed"
    description: str | None = None
    default: bool = False


@dataclass(slots=True)
class Milestone:
    """A repository milestone; issue counts are derived from the issues."""

    number: int
    id: int
    title: str
    creator: str
    created_at: str
    updated_at: str
    description: str | None = None
    state: str = "open"
    due_on: str | None = None
    closed_at: str | None = None


@dataclass(slots=True)
class Issue:
    """An issue or, with ``is_pr``, a pull request (GitHub numbers them together)."""

    number: int
    id: int
    title: str
    user: str
    created_at: str
    updated_at: str
    body: str | None = None
    labels: list[str] = field(default_factory=list)
    state: str = "open"
    state_reason: str | None = None
    locked: bool = False
    active_lock_reason: str | None = None
    assignees: list[str] = field(default_factory=list)
    milestone: int | None = None
    comments: int = 0
    closed_at: str | None = None
    closed_by: str | None = None
    author_association: str = "NONE"
    type_name: str | None = None
    # Pull-request fields (ignored for plain issues).
    is_pr: bool = False
    pr_id: int = 0
    draft: bool = False
    merged_at: str | None = None
    merged_by: str | None = None
    base_ref: str = "main"
    head_ref: str = ""
    head_owner: str | None = None
    head_sha: str = ""
    base_sha: str = ""
    merge_commit_sha: str | None = None
    commits: int = 1
    additions: int = 0
    deletions: int = 0
    changed_files: int = 0
    review_comments: int = 0
    # 0 while live; 404 or 410 once deleted/transferred.
    deleted: int = 0


@dataclass(slots=True)
class Comment:
    """An issue (or pull request conversation) comment."""

    id: int
    issue_number: int
    user: str
    body: str
    created_at: str
    updated_at: str
    author_association: str = "NONE"


@dataclass(slots=True)
class Commit:
    """A commit, enough to answer ``GET /commits/{sha}`` and compare."""

    sha: str
    message: str
    date: str
    author_name: str = "Fleet Bot"
    author_email: str = "bot@example.com"
    login: str | None = None
    committer_date: str | None = None
    parents: list[str] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class Release:
    """A release attached to a tag."""

    id: int
    tag_name: str
    name: str | None
    body: str | None
    draft: bool
    prerelease: bool
    created_at: str
    published_at: str | None
    author: str
    target_commitish: str = "main"


@dataclass(slots=True)
class Compare:
    """A canned ``compare/{base}...{head}`` answer."""

    base: str
    head: str
    commits: list[Commit]
    files: list[dict[str, Any]]
    status: str
    ahead_by: int
    behind_by: int
    base_sha: str
    merge_base_sha: str


def _index_add(index: list[tuple[Any, int]], key: tuple[Any, int]) -> None:
    if not index or index[-1] <= key:
        index.append(key)
    else:
        bisect.insort(index, key)


def _index_remove(index: list[tuple[Any, int]], key: tuple[Any, int]) -> None:
    pos = bisect.bisect_left(index, key)
    if pos < len(index) and index[pos] == key:
        del index[pos]


class Repo:
    """One repository's state plus sorted indexes and a small query cache."""

    CACHE_SIZE = 24

    def __init__(self, owner: str, name: str, repo_id: int) -> None:
        self.owner = owner
        self.name = name
        self.id = repo_id
        self.default_branch = "main"
        self.description: str | None = None
        self.private = False
        self.language: str | None = None
        self.topics: list[str] = []
        self.homepage: str | None = None
        self.created_at = "2016-08-30T17:28:42Z"
        self.pushed_at: str | None = None
        self.updated_at: str | None = None
        self.stargazers_count = 0
        self.forks_count = 0
        self.members: set[str] = set()
        self.next_number = 1
        self.issues: dict[int, Issue] = {}
        self.by_created: list[tuple[str, int]] = []
        self.by_updated: list[tuple[str, int]] = []
        self.comments: dict[int, Comment] = {}
        self.comments_by_issue: dict[int, list[tuple[str, int]]] = {}
        self.comments_by_created: list[tuple[str, int]] = []
        self.comments_by_updated: list[tuple[str, int]] = []
        self.labels: dict[str, Label] = {}
        self.milestones: dict[int, Milestone] = {}
        self.variables: dict[str, str] = {}  # Actions variables: name -> value
        self.tags: dict[str, str] = {}
        self.refs: dict[str, str] = {}
        self.commits: dict[str, Commit] = {}
        self.releases: dict[int, Release] = {}
        self.files: dict[tuple[str, str], bytes] = {}
        self.compares: dict[tuple[str, str], Compare] = {}
        self.version = 0
        self._cache: dict[tuple, tuple[int, Any]] = {}

    @property
    def full_name(self) -> str:
        """``owner/name``."""
        return f"{self.owner}/{self.name}"

    def touch(self) -> None:
        """Invalidate cached query results after any mutation."""
        self.version += 1

    # -- issues ---------------------------------------------------------------------------

    def insert_issue(self, issue: Issue) -> None:
        """Add a live issue to the indexes."""
        self.issues[issue.number] = issue
        _index_add(self.by_created, (issue.created_at, issue.number))
        _index_add(self.by_updated, (issue.updated_at, issue.number))
        self.touch()

    def set_issue_updated(self, issue: Issue, updated_at: str) -> None:
        """Change ``updated_at`` keeping the updated index sorted."""
        if issue.updated_at == updated_at:
            return
        if not issue.deleted:
            _index_remove(self.by_updated, (issue.updated_at, issue.number))
            _index_add(self.by_updated, (updated_at, issue.number))
        issue.updated_at = updated_at
        self.touch()

    def remove_issue(self, issue: Issue, status: int) -> None:
        """Hide an issue (and its comments) from every listing; single GETs answer ``status``."""
        if not issue.deleted:
            _index_remove(self.by_created, (issue.created_at, issue.number))
            _index_remove(self.by_updated, (issue.updated_at, issue.number))
            for _, cid in self.comments_by_issue.pop(issue.number, []):
                comment = self.comments.pop(cid)
                _index_remove(self.comments_by_created, (comment.created_at, cid))
                _index_remove(self.comments_by_updated, (comment.updated_at, cid))
        issue.deleted = status
        self.touch()

    def live_issue(self, number: int) -> Issue | None:
        """The issue with ``number`` unless missing or deleted."""
        issue = self.issues.get(number)
        return issue if issue is not None and not issue.deleted else None

    # -- comments -------------------------------------------------------------------------

    def insert_comment(self, comment: Comment) -> None:
        """Add a comment to the indexes (the issue's comment count follows)."""
        self.comments[comment.id] = comment
        key = (comment.created_at, comment.id)
        _index_add(self.comments_by_issue.setdefault(comment.issue_number, []), key)
        _index_add(self.comments_by_created, key)
        _index_add(self.comments_by_updated, (comment.updated_at, comment.id))
        issue = self.issues[comment.issue_number]
        issue.comments += 1
        self.touch()

    def rebuild_indexes(self) -> None:
        """Re-sort every index after a bulk load."""
        live = [i for i in self.issues.values() if not i.deleted]
        self.by_created = sorted((i.created_at, i.number) for i in live)
        self.by_updated = sorted((i.updated_at, i.number) for i in live)
        self.comments_by_created = sorted((c.created_at, c.id) for c in self.comments.values())
        self.comments_by_updated = sorted((c.updated_at, c.id) for c in self.comments.values())
        by_issue: dict[int, list[tuple[str, int]]] = {}
        for created, cid in self.comments_by_created:
            by_issue.setdefault(self.comments[cid].issue_number, []).append((created, cid))
        self.comments_by_issue = by_issue
        self.touch()

    # -- queries --------------------------------------------------------------------------

    def _cached(self, key: tuple, compute: Callable[[], Any]) -> Any:
        hit = self._cache.get(key)
        if hit is not None and hit[0] == self.version:
            return hit[1]
        value = compute()
        if len(self._cache) >= self.CACHE_SIZE:
            self._cache.pop(next(iter(self._cache)))
        self._cache[key] = (self.version, value)
        return value

    def query_issues(
        self,
        *,
        state: str = "open",
        sort: str = "created",
        direction: str = "desc",
        since: str | None = None,
        labels: tuple[str, ...] = (),
        milestone: str | None = None,
        assignee: str | None = None,
        creator: str | None = None,
        pulls_only: bool = False,
        base: str | None = None,
        head: str | None = None,
    ) -> list[Issue]:
        """Filtered, sorted issues (cached until the next mutation)."""
        key = (
            "issues",
            state,
            sort,
            direction,
            since,
            labels,
            milestone,
            assignee,
            creator,
            pulls_only,
            base,
            head,
        )
        return self._cached(
            key,
            lambda: self._compute_issues(
                state,
                sort,
                direction,
                since,
                labels,
                milestone,
                assignee,
                creator,
                pulls_only,
                base,
                head,
            ),
        )

    def _compute_issues(
        self,
        state: str,
        sort: str,
        direction: str,
        since: str | None,
        labels: tuple[str, ...],
        milestone: str | None,
        assignee: str | None,
        creator: str | None,
        pulls_only: bool,
        base: str | None,
        head: str | None,
    ) -> list[Issue]:
        issues = self.issues
        if sort == "updated":
            index = self.by_updated
            start = bisect.bisect_left(index, (since, -1)) if since else 0
            candidates: Iterable[Issue] = (issues[n] for _, n in index[start:])
            since = None
        else:
            candidates = (issues[n] for _, n in self.by_created)
        checks: list[Callable[[Issue], bool]] = []
        if since:
            checks.append(lambda i: i.updated_at >= since)
        if state in ("open", "closed"):
            checks.append(lambda i: i.state == state)
        if pulls_only:
            checks.append(lambda i: i.is_pr)
        if base:
            checks.append(lambda i: i.base_ref == base)
        if head:
            owner, _, ref = head.rpartition(":")
            checks.append(
                lambda i: i.head_ref == ref and (not owner or (i.head_owner or self.owner) == owner)
            )
        if labels:
            wanted = {name.lower() for name in labels}
            checks.append(lambda i: wanted <= {name.lower() for name in i.labels})
        if milestone == "*":
            checks.append(lambda i: i.milestone is not None)
        elif milestone == "none":
            checks.append(lambda i: i.milestone is None)
        elif milestone:
            number = int(milestone) if milestone.isdigit() else -1
            checks.append(lambda i: i.milestone == number)
        if assignee == "*":
            checks.append(lambda i: bool(i.assignees))
        elif assignee == "none":
            checks.append(lambda i: not i.assignees)
        elif assignee:
            who = assignee.lower()
            checks.append(lambda i: who in (a.lower() for a in i.assignees))
        if creator:
            author = creator.lower()
            checks.append(lambda i: i.user.lower() == author)
        if checks:
            result = [i for i in candidates if all(check(i) for check in checks)]
        else:
            result = list(candidates)
        if sort in ("comments", "popularity"):
            result.sort(key=lambda i: (i.comments, i.created_at, i.number))
        elif sort == "long-running":
            result.sort(key=lambda i: (i.created_at, i.number))
        if direction == "desc":
            result.reverse()
        return result

    def query_comments(
        self, *, sort: str = "created", direction: str = "asc", since: str | None = None
    ) -> list[Comment]:
        """Repository-wide comments, filtered and sorted (cached)."""
        return self._cached(
            ("comments", sort, direction, since),
            lambda: self._compute_comments(sort, direction, since),
        )

    def _compute_comments(self, sort: str, direction: str, since: str | None) -> list[Comment]:
        comments = self.comments
        if sort == "updated":
            index = self.comments_by_updated
            start = bisect.bisect_left(index, (since, -1)) if since else 0
            result = [comments[cid] for _, cid in index[start:]]
        else:
            result = [comments[cid] for _, cid in self.comments_by_created]
            if since:
                result = [c for c in result if c.updated_at >= since]
        if direction == "desc":
            result.reverse()
        return result

    def issue_comments(self, number: int, since: str | None = None) -> list[Comment]:
        """Comments of one issue, oldest first."""
        result = [self.comments[cid] for _, cid in self.comments_by_issue.get(number, [])]
        if since:
            result = [c for c in result if c.updated_at >= since]
        return result

    def milestone_counts(self) -> dict[int, tuple[int, int]]:
        """``{milestone number: (open issues, closed issues)}`` (cached)."""

        def compute() -> dict[int, tuple[int, int]]:
            counts: dict[int, list[int]] = {}
            for issue in self.issues.values():
                if issue.milestone is None or issue.deleted:
                    continue
                pair = counts.setdefault(issue.milestone, [0, 0])
                pair[0 if issue.state == "open" else 1] += 1
            return {k: (v[0], v[1]) for k, v in counts.items()}

        return self._cached(("milestone_counts",), compute)

    def open_issues_count(self) -> int:
        """Open issues plus open pull requests (what GitHub reports on the repo)."""
        return self._cached(
            ("open_count",),
            lambda: sum(1 for i in self.issues.values() if i.state == "open" and not i.deleted),
        )

    # -- refs -----------------------------------------------------------------------------

    def resolve_ref(self, ref: str) -> str | None:
        """Resolve a branch, tag, ``heads/x``, ``tags/x`` or SHA (prefix) to a commit SHA."""
        name = ref.removeprefix("refs/")
        candidates = [f"refs/{name}"] if name.startswith(("heads/", "tags/")) else []
        candidates += [f"refs/heads/{ref}", f"refs/tags/{ref}"]
        for full in candidates:
            if full in self.refs:
                return self.refs[full]
        if ref in self.tags:
            return self.tags[ref]
        if ref in self.commits:
            return ref
        if len(ref) >= 7 and all(c in "0123456789abcdef" for c in ref):
            for sha in self.commits:
                if sha.startswith(ref):
                    return sha
        return None

    def file_at(self, ref: str, path: str) -> tuple[str, bytes] | None:
        """File bytes at ``ref`` (exact ref first, then anything resolving to the same SHA)."""
        path = path.strip("/")
        for candidate in (
            ref,
            ref.removeprefix("refs/").removeprefix("heads/").removeprefix("tags/"),
        ):
            data = self.files.get((candidate, path))
            if data is not None:
                return candidate, data
        sha = self.resolve_ref(ref)
        if sha is not None:
            for (file_ref, file_path), data in self.files.items():
                if file_path == path and self.resolve_ref(file_ref) == sha:
                    return file_ref, data
        return None

    def dir_at(self, ref: str, path: str) -> list[tuple[str, str, bytes | None]]:
        """Entries ``(name, path, data or None for dirs)`` directly inside ``path`` at ``ref``."""
        prefix = path.strip("/")
        prefix = f"{prefix}/" if prefix else ""
        seen: dict[str, tuple[str, str, bytes | None]] = {}
        for (file_ref, file_path), data in self.files.items():
            if file_ref != ref or not file_path.startswith(prefix):
                continue
            rest = file_path[len(prefix) :]
            head, sep, _ = rest.partition("/")
            if sep:
                seen.setdefault(head, (head, prefix + head, None))
            else:
                seen[head] = (head, file_path, data)
        return [seen[k] for k in sorted(seen)]
