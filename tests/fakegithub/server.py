"""A fake GitHub REST API served on loopback from an in-memory model.

Usage::

    with FakeGitHub() as fake:
        fake.load_fixtures()
        gh = github.Github(base_url=fake.url, auth=github.Auth.Token("x"))

Tests mutate state with the ``add_*``/``update_*`` helpers, inspect ``requests`` and
``writes``, and inject faults with ``fail_next``/``rate_limit_next``/``malformed_next``.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import re
import socket
import threading
import time
import traceback
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlencode

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from .boards import FakeBoard, FakeBoards, FakeItem
from .cursors import Key, cursor_decode, cursor_encode, cursor_page
from .graphql import GraphQLFake
from .model import (
    Comment,
    Commit,
    Compare,
    Issue,
    Label,
    Milestone,
    Release,
    Repo,
    User,
    fake_sha,
    parse_iso,
    since_key,
    to_ts,
    version_key,
)
from .render import DOCS, Renderer

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "github"

JSON_TYPE = "application/json; charset=utf-8"
RATE_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
SECONDARY_DOCS = (
    "https://docs.github.com/free-pro-team@latest/rest/overview/"
    "rate-limits-for-the-rest-api#about-secondary-rate-limits"
)
_REASONS = {
    400: "Bad Request",
    401: "Bad credentials",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    410: "Gone",
    422: "Validation Failed",
    500: "Server Error",
    502: "Server Error",
    503: "Service Unavailable",
    504: "We couldn't respond to your request in time. Sorry about that.",
}


class RequestRecord(NamedTuple):
    """One served request: ``(method, path, query, status)``."""

    method: str
    path: str
    query: dict[str, str]
    status: int


class Write(NamedTuple):
    """One write request (POST/PATCH/PUT/DELETE) with its parsed JSON body."""

    method: str
    path: str
    body: Any
    status: int


class RequestInfo(NamedTuple):
    """What an ``on_request`` hook receives."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


class DropConnection(Exception):
    """Raise from ``on_request`` to close the socket without any response."""


class GitHubError(Exception):
    """An API error answered as GitHub's ``{"message", "documentation_url", "status"}``."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        errors: list[dict[str, Any]] | None = None,
        doc: str = DOCS,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message or _REASONS.get(status, "Error"))
        self.status = status
        self.message = message or _REASONS.get(status, "Error")
        self.errors = errors
        self.doc = doc
        self.headers = headers or {}

    def payload(self) -> dict[str, Any]:
        """The JSON error body."""
        body: dict[str, Any] = {"message": self.message}
        if self.errors:
            body["errors"] = self.errors
        body["documentation_url"] = self.doc
        body["status"] = str(self.status)
        return body


@dataclass
class _Fault:
    kind: str
    remaining: int
    path_contains: str | None
    status: int = 502
    reset_in: int = 60
    message: str | None = None

    def matches(self, target: str) -> bool:
        return self.path_contains is None or self.path_contains in target


@dataclass
class _Reply:
    status: int
    payload: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    content_type: str = JSON_TYPE


@dataclass
class _Ctx:
    request: Request
    method: str
    path: str
    raw_path: str
    base: str
    render: Renderer
    body: bytes

    def arg(self, name: str, default: str | None = None) -> str | None:
        value = self.request.args.get(name)
        return default if value in (None, "") else value

    def json(self) -> dict[str, Any]:
        if not self.body:
            return {}
        try:
            data = json.loads(self.body)
        except ValueError as exc:
            raise GitHubError(400, "Problems parsing JSON") from exc
        if not isinstance(data, dict):
            raise GitHubError(400, "Problems parsing JSON")
        return data


class _QuietHandler(WSGIRequestHandler):
    """Request handler that does not log every request to stderr."""

    def log(self, kind: str, message: str, *args: Any) -> None:
        """Stay silent."""


_R = r"/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)"
_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    (m, re.compile(p + r"/?\Z"), h)
    for m, p, h in [
        ("GET", r"/rate_limit", "get_rate_limit"),
        ("POST", r"/graphql", "graphql"),
        ("GET", r"/user", "get_viewer"),
        ("GET", r"/users/(?P<login>[^/]+)", "get_user"),
        ("GET", r"/user/memberships/orgs/(?P<org>[^/]+)", "get_membership"),
        ("GET", _R, "get_repo"),
        ("GET", _R + r"/issues", "list_issues"),
        ("POST", _R + r"/issues", "create_issue"),
        ("GET", _R + r"/issues/comments", "list_repo_comments"),
        ("GET", _R + r"/issues/comments/(?P<cid>\d+)", "get_comment"),
        ("GET", _R + r"/issues/(?P<number>\d+)", "get_issue"),
        ("PATCH", _R + r"/issues/(?P<number>\d+)", "edit_issue"),
        ("GET", _R + r"/issues/(?P<number>\d+)/comments", "list_issue_comments"),
        ("POST", _R + r"/issues/(?P<number>\d+)/comments", "create_comment"),
        ("GET", _R + r"/pulls", "list_pulls"),
        ("GET", _R + r"/pulls/(?P<number>\d+)", "get_pull"),
        ("GET", _R + r"/labels", "list_labels"),
        ("GET", _R + r"/labels/(?P<label>.+)", "get_label"),
        ("GET", _R + r"/milestones", "list_milestones"),
        ("GET", _R + r"/milestones/(?P<number>\d+)", "get_milestone"),
        ("PATCH", _R + r"/milestones/(?P<number>\d+)", "edit_milestone"),
        ("GET", _R + r"/tags", "list_tags"),
        ("GET", _R + r"/releases", "list_releases"),
        ("GET", _R + r"/releases/latest", "latest_release"),
        ("GET", _R + r"/releases/tags/(?P<tag>.+)", "release_by_tag"),
        ("GET", _R + r"/releases/(?P<rid>\d+)", "get_release"),
        ("GET", _R + r"/commits/(?P<ref>.+)", "get_commit"),
        ("GET", _R + r"/git/ref/(?P<ref>.+)", "get_git_ref"),
        ("GET", _R + r"/git/matching-refs/(?P<ref>.*)", "matching_refs"),
        ("GET", _R + r"/git/refs(?:/(?P<ref>.*))?", "matching_refs"),
        ("POST", _R + r"/git/refs", "create_ref"),
        ("PATCH", _R + r"/actions/variables/(?P<variable>[A-Za-z0-9_]+)", "update_variable"),
        ("GET", _R + r"/contents(?:/(?P<path>.*))?", "get_contents"),
        ("GET", _R + r"/compare/(?P<basehead>.+)", "compare"),
    ]
]
_REPOSITORIES = re.compile(r"/repositories/(?P<rid>\d+)(?P<rest>/.*)?\Z")


class FakeGitHub:
    """In-memory GitHub REST API on ``127.0.0.1`` with an ephemeral port."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limit: int = 5000,
        enforce_rate_limit: bool = False,
        require_auth: bool = False,
        viewer: str = "fleetops-bot",
        clock: Callable[[], datetime] | None = None,
        latency: float = 0.0,
    ) -> None:
        self.host = host
        self.port = port
        self.enforce_rate_limit = enforce_rate_limit
        self.require_auth = require_auth
        self.viewer = viewer
        self.latency = latency
        self.on_request: Callable[[RequestInfo], Any] | None = None
        # Issue and comment listings sorted by `updated` ascending with more items than this
        # are paged with keyset cursors (`after=`), as GitHub pages large datasets; None: never.
        self.cursor_pagination_over: int | None = 1000
        self.repos: dict[str, Repo] = {}
        self.boards = FakeBoards()
        self._graphql = GraphQLFake(self)
        self.users: dict[str, User] = {}
        # organisation -> logins of its active members (for /user/memberships/orgs/{org})
        self.org_members: dict[str, set[str]] = {}
        self.requests: list[RequestRecord] = []
        self.auth_headers: list[str | None] = []
        self.writes: list[Write] = []
        self.server_errors: list[str] = []
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.RLock()
        self._faults: list[_Fault] = []
        self._renderers: dict[str, Renderer] = {}
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._request_seq = itertools.count(1)
        self._ids = {
            "repo": 300_000_000,
            "issue": 3_000_000_000,
            "pull": 2_500_000_000,
            "comment": 3_300_000_000,
            "label": 7_000_000_000,
            "milestone": 12_000_000,
            "release": 200_000_000,
        }
        self._rl_limit = rate_limit
        self._rl_used = 0
        self._rl_reset = int(time.time()) + 3600

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> FakeGitHub:
        """Bind the port and serve in a daemon thread."""
        if self._server is not None:
            return self
        server = make_server(
            self.host, self.port, self._wsgi, threaded=True, request_handler=_QuietHandler
        )
        server.daemon_threads = True
        self._server = server
        self.port = server.server_port
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fakegithub:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321`` (no trailing slash)."""
        if self._server is None:
            raise RuntimeError("FakeGitHub is not started")
        return f"http://{self.host}:{self.port}"

    def _base(self) -> str:
        return self.url if self._server is not None else f"http://{self.host}"

    def _renderer(self, base: str | None = None) -> Renderer:
        base = base or self._base()
        renderer = self._renderers.get(base)
        if renderer is None:
            renderer = self._renderers[base] = Renderer(base, self._user)
        return renderer

    def now(self) -> str:
        """Current fake time as a GitHub timestamp."""
        return to_ts(self._clock()) or ""

    # -- counting & faults ----------------------------------------------------------------

    @property
    def request_count(self) -> int:
        """Number of requests served since the last ``reset_counts``."""
        return len(self.requests)

    def reset_counts(self) -> None:
        """Forget recorded requests/auth headers and reset the rate-limit ``used`` counter."""
        with self._lock:
            self.requests.clear()
            self.auth_headers.clear()
            self._rl_used = 0

    def requests_to(self, path_contains: str, method: str = "GET") -> list[RequestRecord]:
        """Recorded requests whose path contains ``path_contains``."""
        return [r for r in self.requests if r.method == method and path_contains in r.path]

    def fail_next(
        self,
        n: int = 1,
        status: int = 502,
        path_contains: str | None = None,
        message: str | None = None,
    ) -> None:
        """Answer the next ``n`` matching requests with ``status`` and a GitHub error body."""
        with self._lock:
            self._faults.append(_Fault("fail", n, path_contains, status=status, message=message))

    def rate_limit_next(
        self,
        n: int = 1,
        kind: str = "primary",
        reset_in: int = 60,
        path_contains: str | None = None,
        status: int = 403,
    ) -> None:
        """Rate-limit the next ``n`` matching requests.

        ``primary``: ``status`` (403) with ``X-RateLimit-Remaining: 0`` and a reset epoch
        ``reset_in`` seconds ahead. ``secondary``: ``status`` (403, or 429) with
        ``Retry-After: reset_in``.
        """
        if kind not in ("primary", "secondary"):
            raise ValueError(f"kind must be primary or secondary, not {kind!r}")
        with self._lock:
            self._faults.append(_Fault(kind, n, path_contains, status=status, reset_in=reset_in))

    def malformed_next(self, n: int = 1, path_contains: str | None = None) -> None:
        """Answer the next ``n`` matching requests 200 with a truncated (invalid) JSON body."""
        with self._lock:
            self._faults.append(_Fault("malformed", n, path_contains, status=200))

    def drop_next(self, n: int = 1, path_contains: str | None = None) -> None:
        """Close the connection without answering the next ``n`` matching requests."""
        with self._lock:
            self._faults.append(_Fault("drop", n, path_contains, status=0))

    def clear_faults(self) -> None:
        """Cancel every pending injected fault."""
        with self._lock:
            self._faults.clear()

    def set_rate_limit(
        self,
        *,
        limit: int | None = None,
        remaining: int | None = None,
        reset_in: int | None = None,
    ) -> None:
        """Set the core rate-limit window as reported in headers and ``/rate_limit``."""
        with self._lock:
            if limit is not None:
                self._rl_limit = limit
            if remaining is not None:
                self._rl_used = max(self._rl_limit - remaining, 0)
            if reset_in is not None:
                self._rl_reset = int(time.time()) + reset_in

    # -- accounts & repositories ----------------------------------------------------------

    def add_user(
        self,
        login: str,
        *,
        id: int | None = None,
        type: str = "User",
        site_admin: bool = False,
        name: str | None = None,
    ) -> User:
        """Register (or update) an account; ``type`` is User, Bot or Organization."""
        with self._lock:
            user = self.users.get(login.lower())
            if user is None:
                user = User(login=login, id=id or self._account_id(login), type=type)
                self.users[login.lower()] = user
            else:
                user.type = type
                if id is not None:
                    user.id = id
            user.site_admin = site_admin
            user.name = name
            for renderer in self._renderers.values():
                renderer.forget_users()
            return user

    def _account_id(self, login: str) -> int:
        if login.endswith("[bot]"):
            return 40_000_000 + zlib.crc32(login.encode()) % 10_000_000
        return 1_000_000 + zlib.crc32(login.lower().encode()) % 90_000_000

    def _user(self, login: str) -> User:
        user = self.users.get(login.lower())
        if user is None:
            user_type = "Bot" if login.endswith("[bot]") else "User"
            user = User(login=login, id=self._account_id(login), type=user_type)
            self.users[login.lower()] = user
        return user

    def repo(self, full_name: str, *, create: bool = True) -> Repo:
        """The model of ``owner/name`` (created on first use unless ``create`` is false)."""
        with self._lock:
            repo = self.repos.get(full_name.lower())
            if repo is None:
                if not create:
                    raise GitHubError(404)
                owner, _, name = full_name.partition("/")
                if not owner or not name or "/" in name:
                    raise ValueError(f"repository must be 'owner/name', not {full_name!r}")
                repo = Repo(owner, name, self.next_id("repo"))
                repo.members.add(owner.lower())
                repo.refs["refs/heads/main"] = fake_sha(full_name, "refs/heads/main")
                self.repos[full_name.lower()] = repo
                if owner.lower() not in self.users:
                    self.add_user(owner, type="Organization")
            return repo

    def add_repo(self, full_name: str, **fields: Any) -> dict[str, Any]:
        """Create or update a repository (``default_branch``, ``description``, ``private``...)."""
        with self._lock:
            repo = self.repo(full_name)
            for key, value in fields.items():
                if key == "members":
                    repo.members.update(m.lower() for m in value)
                elif key == "id":
                    repo.id = self._id("repo", value)
                elif key in ("created_at", "pushed_at", "updated_at"):
                    setattr(repo, key, to_ts(value))
                elif key == "default_branch":
                    old = repo.refs.pop(f"refs/heads/{repo.default_branch}", None)
                    repo.default_branch = value
                    repo.refs.setdefault(
                        f"refs/heads/{value}", old or fake_sha(full_name, f"refs/heads/{value}")
                    )
                elif (
                    hasattr(repo, key)
                    and not key.startswith("_")
                    and not callable(getattr(repo, key))
                ):
                    setattr(repo, key, value)
                else:
                    raise TypeError(f"unknown repository field {key!r}")
            repo.touch()
            return self._renderer().repo(repo)

    def add_member(self, repo: str, *logins: str) -> None:
        """Mark logins as organisation members (default ``author_association`` MEMBER)."""
        with self._lock:
            self.repo(repo).members.update(login.lower() for login in logins)

    def _association(self, repo: Repo, login: str) -> str:
        if login.lower() in repo.members:
            return "OWNER" if login.lower() == repo.owner.lower() else "MEMBER"
        if self._user(login).type == "Bot":
            return "CONTRIBUTOR"
        return "NONE"

    # -- labels & milestones ----------------------------------------------------------------

    def add_label(
        self,
        repo: str,
        name: str,
        color: str = "ededed",
        description: str | None = None,
        *,
        id: int | None = None,
        default: bool | None = None,
    ) -> dict[str, Any]:
        """Create or update a label."""
        with self._lock:
            model = self.repo(repo)
            label = model.labels.get(name.lower())
            if label is None:
                label = Label(id=self._id("label", id), name=name)
                model.labels[name.lower()] = label
            label.name = name
            label.color = color.lstrip("#")
            label.description = description
            if default is not None:
                label.default = default
            model.touch()
            return self._renderer().label(model, label)

    def _ensure_label(self, repo: Repo, name: str) -> str:
        label = repo.labels.get(name.lower())
        if label is None:
            label = Label(id=self.next_id("label"), name=name)
            repo.labels[name.lower()] = label
        return label.name

    def add_milestone(
        self,
        repo: str,
        title: str,
        *,
        number: int | None = None,
        state: str = "open",
        description: str | None = None,
        due_on: str | datetime | None = None,
        created_at: str | datetime | None = None,
        updated_at: str | datetime | None = None,
        closed_at: str | datetime | None = None,
        creator: str | None = None,
        id: int | None = None,
    ) -> dict[str, Any]:
        """Create a milestone."""
        with self._lock:
            model = self.repo(repo)
            created = to_ts(created_at) or self.now()
            number = number or max(model.milestones, default=0) + 1
            milestone = Milestone(
                number=number,
                id=self._id("milestone", id),
                title=title,
                creator=creator or model.owner,
                created_at=created,
                updated_at=to_ts(updated_at) or created,
                description=description,
                state=state,
                due_on=to_ts(due_on),
                closed_at=to_ts(closed_at) or (created if state == "closed" else None),
            )
            model.milestones[number] = milestone
            model.touch()
            return self._renderer().milestone(model, milestone)

    def _milestone_number(self, repo: Repo, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, dict):
            value = value.get("number")
        if isinstance(value, int):
            if value not in repo.milestones:
                raise KeyError(f"{repo.full_name} has no milestone {value}")
            return value
        for milestone in repo.milestones.values():
            if milestone.title == value:
                return milestone.number
        number = max(repo.milestones, default=0) + 1
        repo.milestones[number] = Milestone(
            number=number,
            id=self.next_id("milestone"),
            title=str(value),
            creator=repo.owner,
            created_at=self.now(),
            updated_at=self.now(),
        )
        return number

    # -- issues, pulls, comments -----------------------------------------------------------

    # fmt: off
    _ISSUE_FIELDS = frozenset({
        "number", "id", "title", "body", "user", "login", "user_type", "author_association",
        "labels", "state", "state_reason", "locked", "active_lock_reason", "assignees",
        "assignee", "milestone", "created_at", "updated_at", "closed_at", "closed_by", "type",
        "is_pr", "pull_request", "pr_id", "draft", "merged_at", "merged_by", "base", "head",
        "head_owner", "head_sha", "base_sha", "merge_commit_sha", "commits", "additions",
        "deletions", "changed_files", "review_comments",
    })
    # fmt: on

    def add_issue(self, repo: str, **fields: Any) -> dict[str, Any]:
        """Create an issue (or a PR with ``pull_request=True``); returns its JSON.

        Fields: title, body, user/login, user_type, author_association, labels, state,
        state_reason, locked, assignees, milestone (number or title), created_at,
        updated_at, closed_at, closed_by, type, number, and for PRs draft, merged_at,
        merged_by, base, head, head_owner, head_sha, merge_commit_sha, commits,
        additions, deletions, changed_files.
        """
        unknown = set(fields) - self._ISSUE_FIELDS
        if unknown:
            raise TypeError(f"unknown issue fields: {sorted(unknown)}")
        with self._lock:
            model = self.repo(repo)
            issue = self._new_issue(model, fields)
            model.insert_issue(issue)
            return self._renderer().issue(model, issue, full=True)

    def add_pull(self, repo: str, **fields: Any) -> dict[str, Any]:
        """Create a pull request (``add_issue(..., pull_request=True)``)."""
        return self.add_issue(repo, pull_request=True, **fields)

    def _new_issue(self, model: Repo, fields: dict[str, Any]) -> Issue:
        login = fields.get("user") or fields.get("login") or self.viewer
        if isinstance(login, dict):
            login = login["login"]
        if "user_type" in fields:
            self.add_user(login, type=fields["user_type"])
        number = int(fields.get("number") or model.next_number)
        if number in model.issues:
            raise ValueError(f"{model.full_name}#{number} already exists")
        model.next_number = max(model.next_number, number + 1)
        is_pr = bool(fields.get("pull_request") or fields.get("is_pr"))
        created = to_ts(fields.get("created_at")) or self.now()
        merged_at = to_ts(fields.get("merged_at"))
        state = fields.get("state") or (
            "closed" if merged_at or fields.get("closed_at") else "open"
        )
        closed_at = to_ts(fields.get("closed_at"))
        if state == "closed" and closed_at is None:
            closed_at = merged_at or to_ts(fields.get("updated_at")) or created
        updated = to_ts(fields.get("updated_at")) or max(created, closed_at or created)
        assignees = fields.get("assignees") or (
            [fields["assignee"]] if fields.get("assignee") else []
        )
        assignees = [a["login"] if isinstance(a, dict) else a for a in assignees]
        labels = [
            self._ensure_label(model, lbl["name"] if isinstance(lbl, dict) else lbl)
            for lbl in fields.get("labels") or []
        ]
        state_reason = fields.get("state_reason")
        if state == "closed" and state_reason is None and not is_pr:
            state_reason = "completed"
        issue = Issue(
            number=number,
            id=self._id("issue", fields.get("id")),
            title=fields.get("title") or f"Issue {number}",
            user=login,
            created_at=created,
            updated_at=updated,
            body=fields.get("body"),
            labels=labels,
            state=state,
            state_reason=state_reason,
            locked=bool(fields.get("locked", False)),
            active_lock_reason=fields.get("active_lock_reason"),
            assignees=assignees,
            milestone=self._milestone_number(model, fields.get("milestone")),
            closed_at=closed_at if state == "closed" else None,
            closed_by=fields.get("closed_by")
            or ((assignees or [login])[0] if state == "closed" else None),
            author_association=fields.get("author_association") or self._association(model, login),
            type_name=fields.get("type"),
        )
        if is_pr:
            issue.is_pr = True
            issue.pr_id = self._id("pull", fields.get("pr_id"))
            issue.draft = bool(fields.get("draft", False))
            issue.merged_at = merged_at
            issue.merged_by = fields.get("merged_by") or (
                (assignees or [model.owner])[0] if merged_at else None
            )
            issue.base_ref = fields.get("base") or model.default_branch
            issue.head_ref = fields.get("head") or f"{login.removesuffix('[bot]')}/change-{number}"
            issue.head_owner = fields.get("head_owner")
            issue.head_sha = fields.get("head_sha") or fake_sha(model.full_name, number, "head")
            issue.base_sha = fields.get("base_sha") or (
                model.resolve_ref(issue.base_ref) or fake_sha(model.full_name, issue.base_ref)
            )
            issue.merge_commit_sha = fields.get("merge_commit_sha") or (
                fake_sha(model.full_name, number, "merge") if merged_at else None
            )
            for key in ("commits", "additions", "deletions", "changed_files", "review_comments"):
                if key in fields:
                    setattr(issue, key, int(fields[key]))
        return issue

    def _issue(self, model: Repo, number: int) -> Issue:
        issue = model.issues.get(number)
        if issue is None:
            raise KeyError(f"{model.full_name}#{number} does not exist")
        return issue

    def _bumped(self, old: str) -> str:
        now = self.now()
        if now > old:
            return now
        return to_ts(parse_iso(old) + timedelta(seconds=1)) or now

    def update_issue(self, repo: str, number: int, **fields: Any) -> dict[str, Any]:
        """Edit an issue/PR and bump ``updated_at`` (to now, or ``updated_at=`` if given)."""
        unknown = set(fields) - self._ISSUE_FIELDS
        if unknown:
            raise TypeError(f"unknown issue fields: {sorted(unknown)}")
        with self._lock:
            model = self.repo(repo)
            issue = self._issue(model, number)
            self._apply_issue_edit(model, issue, fields)
            return self._renderer().issue(model, issue, full=True)

    def _apply_issue_edit(self, model: Repo, issue: Issue, fields: dict[str, Any]) -> None:
        updated = to_ts(fields.get("updated_at")) or self._bumped(issue.updated_at)
        for key in ("title", "body", "locked", "active_lock_reason", "author_association"):
            if key in fields:
                setattr(issue, key, fields[key])
        if "type" in fields:
            issue.type_name = fields["type"]
        if "user" in fields or "login" in fields:
            issue.user = fields.get("user") or fields["login"]
        if "labels" in fields:
            issue.labels = [
                self._ensure_label(model, lbl["name"] if isinstance(lbl, dict) else lbl)
                for lbl in fields["labels"] or []
            ]
        if "assignees" in fields or "assignee" in fields:
            assignees = fields.get("assignees")
            if assignees is None:
                assignees = [fields["assignee"]] if fields.get("assignee") else []
            issue.assignees = [a["login"] if isinstance(a, dict) else a for a in assignees]
        if "milestone" in fields:
            issue.milestone = self._milestone_number(model, fields["milestone"])
        for key in ("draft", "merged_by", "merge_commit_sha", "head_sha", "base_sha"):
            if key in fields and issue.is_pr:
                setattr(issue, key, fields[key])
        for key in ("base", "head"):
            if key in fields and issue.is_pr:
                setattr(issue, f"{key}_ref", fields[key])
        if "merged_at" in fields and issue.is_pr:
            issue.merged_at = to_ts(fields["merged_at"])
            if issue.merged_at:
                fields.setdefault("state", "closed")
                issue.merge_commit_sha = issue.merge_commit_sha or fake_sha(
                    model.full_name, issue.number, "merge"
                )
                issue.merged_by = issue.merged_by or model.owner
        new_state = fields.get("state")
        if new_state and new_state != issue.state:
            issue.state = new_state
            if new_state == "closed":
                issue.closed_at = to_ts(fields.get("closed_at")) or issue.merged_at or updated
                issue.closed_by = fields.get("closed_by") or self.viewer
                if not issue.is_pr:
                    issue.state_reason = fields.get("state_reason") or "completed"
            else:
                issue.closed_at = None
                issue.closed_by = None
                issue.state_reason = None if issue.is_pr else "reopened"
        elif "state_reason" in fields:
            issue.state_reason = fields["state_reason"]
        if "closed_at" in fields and issue.state == "closed":
            issue.closed_at = to_ts(fields["closed_at"])
        if "closed_by" in fields:
            issue.closed_by = fields["closed_by"]
        model.set_issue_updated(issue, updated)
        model.touch()

    def delete_issue(self, repo: str, number: int, status: int = 410) -> None:
        """Delete (410) or transfer/hide (404) an issue: gone from lists, single GET errors."""
        if status not in (404, 410):
            raise ValueError("status must be 404 or 410")
        with self._lock:
            model = self.repo(repo)
            model.remove_issue(self._issue(model, number), status)

    def add_comment(
        self,
        repo: str,
        issue_number: int,
        *,
        login: str | None = None,
        body: str = "",
        author_association: str | None = None,
        created_at: str | datetime | None = None,
        updated_at: str | datetime | None = None,
        user_type: str | None = None,
        id: int | None = None,
        touch_issue: bool = True,
    ) -> dict[str, Any]:
        """Add a comment; the issue's ``comments`` count and ``updated_at`` follow."""
        with self._lock:
            model = self.repo(repo)
            issue = self._issue(model, issue_number)
            login = login or self.viewer
            if user_type:
                self.add_user(login, type=user_type)
            created = to_ts(created_at) or self.now()
            comment = Comment(
                id=self._id("comment", id),
                issue_number=issue_number,
                user=login,
                body=body,
                created_at=created,
                updated_at=to_ts(updated_at) or created,
                author_association=author_association or self._association(model, login),
            )
            model.insert_comment(comment)
            if touch_issue and comment.updated_at > issue.updated_at:
                model.set_issue_updated(issue, comment.updated_at)
            return self._renderer().comment(model, comment)

    def update_comment(
        self,
        repo: str,
        comment_id: int,
        *,
        body: str | None = None,
        updated_at: str | datetime | None = None,
    ) -> dict[str, Any]:
        """Edit a comment's body and bump its ``updated_at``."""
        with self._lock:
            model = self.repo(repo)
            comment = model.comments[comment_id]
            new_updated = to_ts(updated_at) or self._bumped(comment.updated_at)
            if body is not None:
                comment.body = body
            model.comments_by_updated.remove((comment.updated_at, comment.id))
            comment.updated_at = new_updated
            model.comments_by_updated.append((new_updated, comment.id))
            model.comments_by_updated.sort()
            model.touch()
            return self._renderer().comment(model, comment)

    # -- git data, releases, files -------------------------------------------------------

    def add_commit(
        self,
        repo: str,
        sha: str | None = None,
        *,
        message: str = "Commit",
        date: str | datetime | None = None,
        login: str | None = None,
        author_name: str | None = None,
        author_email: str | None = None,
        parents: Iterable[str] = (),
        files: Iterable[dict[str, Any]] = (),
    ) -> dict[str, Any]:
        """Create or replace a commit (served by ``GET /commits/{sha}``)."""
        with self._lock:
            model = self.repo(repo)
            commit = self._make_commit(
                model, sha, message, date, login, author_name, author_email, parents, files
            )
            model.commits[commit.sha] = commit
            model.touch()
            return self._renderer().commit(model, commit)

    def _make_commit(
        self,
        model: Repo,
        sha: str | None,
        message: str,
        date: str | datetime | None,
        login: str | None,
        author_name: str | None,
        author_email: str | None,
        parents: Iterable[str],
        files: Iterable[dict[str, Any]],
    ) -> Commit:
        when = to_ts(date) or self.now()
        login = login or self.viewer
        return Commit(
            sha=sha or fake_sha(model.full_name, message, when),
            message=message,
            date=when,
            author_name=author_name or login.removesuffix("[bot]"),
            author_email=author_email or f"{login.removesuffix('[bot]')}@users.noreply.github.com",
            login=login,
            parents=list(parents),
            files=[dict(f) for f in files],
        )

    def add_tag(
        self,
        repo: str,
        name: str,
        sha: str | None = None,
        date: str | datetime | None = None,
        *,
        message: str | None = None,
    ) -> dict[str, Any]:
        """Create a tag pointing at ``sha`` (a commit dated ``date`` is created if missing)."""
        with self._lock:
            model = self.repo(repo)
            sha = sha or fake_sha(model.full_name, "tag", name)
            commit = model.commits.get(sha)
            if commit is None:
                model.commits[sha] = self._make_commit(
                    model, sha, message or f"Release {name}", date, model.owner, None, None, (), ()
                )
            elif date is not None:
                commit.date = to_ts(date) or commit.date
            model.tags[name] = sha
            model.refs[f"refs/tags/{name}"] = sha
            model.touch()
            return self._renderer().tag(model, name, sha)

    def add_release(
        self,
        repo: str,
        tag_name: str,
        prerelease: bool = False,
        draft: bool = False,
        published_at: str | datetime | None = None,
        *,
        name: str | None = None,
        body: str | None = None,
        created_at: str | datetime | None = None,
        author: str | None = None,
        target_commitish: str | None = None,
        id: int | None = None,
    ) -> dict[str, Any]:
        """Create a release (and its tag, unless a draft)."""
        with self._lock:
            model = self.repo(repo)
            published = None if draft else (to_ts(published_at) or self.now())
            created = to_ts(created_at) or published or self.now()
            release = Release(
                id=self._id("release", id),
                tag_name=tag_name,
                name=tag_name if name is None else name,
                body=body,
                draft=draft,
                prerelease=prerelease,
                created_at=created,
                published_at=published,
                author=author or model.owner,
                target_commitish=target_commitish or model.default_branch,
            )
            model.releases[release.id] = release
            if not draft and tag_name not in model.tags:
                self.add_tag(repo, tag_name, date=created)
            model.touch()
            return self._renderer().release(model, release)

    def set_file(self, repo: str, ref: str, path: str, text: str | bytes) -> dict[str, Any]:
        """Store a file at ``ref`` (branch, tag or SHA) served by the contents API."""
        with self._lock:
            model = self.repo(repo)
            data = text.encode() if isinstance(text, str) else bytes(text)
            model.files[(ref, path.strip("/"))] = data
            model.touch()
            return self._renderer().content_file(model, ref, path.strip("/"), data)

    def set_compare(
        self,
        repo: str,
        base: str,
        head: str,
        files: Iterable[dict[str, Any]] = (),
        commits: Iterable[dict[str, Any] | str] = (),
        *,
        status: str | None = None,
        behind_by: int = 0,
    ) -> None:
        """Define the answer of ``compare/{base}...{head}``.

        ``files``: ``{filename, status, additions, deletions[, sha, patch]}``.
        ``commits``: messages or ``{sha, message, date, login, author_name}`` (oldest first).
        """
        with self._lock:
            model = self.repo(repo)
            base_sha = model.resolve_ref(base) or fake_sha(model.full_name, base)
            parent = base_sha
            made: list[Commit] = []
            for i, item in enumerate(commits):
                spec = {"message": item} if isinstance(item, str) else dict(item)
                commit = self._make_commit(
                    model,
                    spec.get("sha") or fake_sha(model.full_name, base, head, i),
                    spec.get("message", f"Commit {i + 1}"),
                    spec.get("date"),
                    spec.get("login"),
                    spec.get("author_name"),
                    spec.get("author_email"),
                    spec.get("parents") or [parent],
                    spec.get("files") or (),
                )
                model.commits.setdefault(commit.sha, commit)
                made.append(commit)
                parent = commit.sha
            ahead = len(made)
            if status is None:
                status = (
                    "identical"
                    if not ahead and not behind_by
                    else "diverged"
                    if ahead and behind_by
                    else "ahead"
                    if ahead
                    else "behind"
                )
            model.compares[(base, head)] = Compare(
                base=base,
                head=head,
                commits=made,
                files=[dict(f) for f in files],
                status=status,
                ahead_by=ahead,
                behind_by=behind_by,
                base_sha=base_sha,
                merge_base_sha=base_sha,
            )
            model.touch()

    # -- bulk data ------------------------------------------------------------------------

    def load_fixtures(self, directory: str | Path | None = None) -> list[str]:
        """Load recorded API responses from ``tests/fixtures/github`` (see ``fixtures.py``)."""
        from .fixtures import load_fixture_dir

        with self._lock:
            return load_fixture_dir(self, Path(directory) if directory else FIXTURES_DIR)

    def generate(
        self,
        repo: str,
        issues: int = 1000,
        labels: int = 40,
        milestones: int = 30,
        tags: int = 60,
        comments: int = 3000,
        seed: int = 0,
        **options: Any,
    ) -> dict[str, Any]:
        """Fill ``repo`` deterministically with realistic issues, PRs, comments, labels, tags."""
        from .generate import generate_repo

        with self._lock:
            return generate_repo(
                self,
                repo,
                issues=issues,
                labels=labels,
                milestones=milestones,
                tags=tags,
                comments=comments,
                seed=seed,
                **options,
            )

    def next_id(self, kind: str) -> int:
        """Allocate an id of ``kind`` (issue, pull, comment, label, milestone, release)."""
        with self._lock:
            value = self._ids[kind]
            self._ids[kind] = value + 1
            return value

    def _id(self, kind: str, explicit: int | str | None = None) -> int:
        """``explicit`` (reserved so later allocations never collide) or the next free id."""
        if not explicit:
            return self.next_id(kind)
        value = int(explicit)
        with self._lock:
            self._ids[kind] = max(self._ids[kind], value + 1)
        return value

    # -- HTTP -----------------------------------------------------------------------------

    def _wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        try:
            response = self._handle(request)
        except DropConnection:
            sock = environ.get("werkzeug.socket")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            raise ConnectionResetError("dropped by FakeGitHub") from None
        return response(environ, start_response)

    def _handle(self, request: Request) -> Response:
        method = request.method
        path = request.path
        query = request.args.to_dict()
        qs = request.query_string.decode("latin-1")
        target = f"{path}?{qs}" if qs else path
        body = request.get_data(cache=True)
        auth = request.headers.get("Authorization")
        if self.latency:
            time.sleep(self.latency)
        hook = self.on_request
        override: _Reply | None = None
        if hook is not None:
            try:
                result = hook(RequestInfo(method, path, query, dict(request.headers), body))
            except DropConnection:
                self._record(method, path, query, 0, auth, body)
                raise
            except Exception:
                self.server_errors.append(traceback.format_exc())
                result = 500
            if isinstance(result, int):
                override = self._error_reply(GitHubError(result))
            elif isinstance(result, tuple):
                status, payload, *extra = result
                override = _Reply(status, payload, dict(extra[0]) if extra else {})
        with self._lock:
            reply, counted = self._serve(request, method, path, target, body, auth, override)
            if reply is None:
                self._record(method, path, query, 0, auth, body)
                raise DropConnection
            return self._finish(request, method, path, query, reply, counted, auth, body)

    def _serve(
        self,
        request: Request,
        method: str,
        path: str,
        target: str,
        body: bytes,
        auth: str | None,
        override: _Reply | None,
    ) -> tuple[_Reply | None, bool]:
        counted = path.rstrip("/") != "/rate_limit"
        now = time.time()
        if now >= self._rl_reset:
            self._rl_used = 0
            self._rl_reset = int(now) + 3600
        if override is not None:
            return override, counted
        fault = next((f for f in self._faults if f.matches(target)), None)
        if fault is not None:
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
            if fault.kind == "drop":
                return None, False
            if fault.kind in ("primary", "secondary"):
                return self._rate_limited(fault.kind, fault.status, fault.reset_in), False
            if fault.kind == "fail":
                return self._error_reply(GitHubError(fault.status, fault.message)), counted
        if counted and self.enforce_rate_limit and self._rl_used >= self._rl_limit:
            return self._rate_limited("primary", 403, int(self._rl_reset - now)), False
        if self.require_auth and not auth:
            return self._error_reply(GitHubError(401, "Requires authentication")), counted
        reply = self._dispatch(request, method, path, body)
        if fault is not None and fault.kind == "malformed":
            raw = self._encode(reply)
            reply = _Reply(200, raw=raw[: max(len(raw) // 2, 1)] if len(raw) > 2 else b'{"')
        return reply, counted

    def _rate_limited(self, kind: str, status: int, reset_in: int) -> _Reply:
        if kind == "primary":
            viewer = self._user(self.viewer)
            error = GitHubError(
                status, f"API rate limit exceeded for user ID {viewer.id}.", doc=RATE_DOCS
            )
            reply = self._error_reply(error)
            reply.headers["X-RateLimit-Remaining"] = "0"
            reply.headers["X-RateLimit-Used"] = str(self._rl_limit)
            reply.headers["X-RateLimit-Reset"] = str(int(time.time()) + reset_in)
            return reply
        request_id = self._request_id()
        error = GitHubError(
            status,
            "You have exceeded a secondary rate limit. Please wait a few minutes before you "
            "try again. If you reach out to GitHub Support for help, please include the "
            f"request ID {request_id}.",
            doc=SECONDARY_DOCS,
        )
        reply = self._error_reply(error)
        reply.headers["Retry-After"] = str(reset_in)
        reply.headers["X-GitHub-Request-Id"] = request_id
        return reply

    def _error_reply(self, error: GitHubError) -> _Reply:
        return _Reply(error.status, error.payload(), dict(error.headers))

    def _request_id(self) -> str:
        n = next(self._request_seq)
        mixed = n * 104729 % 0xFFFFFFF
        return f"{n:04X}:{n * 7919 % 0xFFFFF:05X}:{mixed:07X}:{n:07X}:{0x67000000 + n:08X}"

    def _encode(self, reply: _Reply) -> bytes:
        if reply.raw is not None:
            return reply.raw
        if reply.payload is None:
            return b""
        return json.dumps(reply.payload, ensure_ascii=False, separators=(",", ":")).encode()

    def _record(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        status: int,
        auth: str | None,
        body: bytes,
    ) -> None:
        with self._lock:
            self.requests.append(RequestRecord(method, path, query, status))
            self.auth_headers.append(auth)
            if method in ("POST", "PATCH", "PUT", "DELETE"):
                try:
                    parsed: Any = json.loads(body) if body else None
                except ValueError:
                    parsed = body.decode("utf-8", "replace")
                self.writes.append(Write(method, path, parsed, status))

    def _finish(
        self,
        request: Request,
        method: str,
        path: str,
        query: dict[str, str],
        reply: _Reply,
        counted: bool,
        auth: str | None,
        body: bytes,
    ) -> Response:
        payload = self._encode(reply)
        headers = {
            "Cache-Control": "private, max-age=60, s-maxage=60",
            "Vary": "Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding",
            "X-GitHub-Media-Type": "github.v3; format=json",
            "X-GitHub-Api-Version-Selected": "2022-11-28",
            "X-OAuth-Scopes": "repo, read:org",
            "X-Accepted-OAuth-Scopes": "repo",
            "X-Content-Type-Options": "nosniff",
            "Server": "github.com",
        }
        status = reply.status
        if method == "GET" and status == 200 and reply.raw is None:
            etag = f'W/"{hashlib.sha256(payload).hexdigest()}"'
            headers["ETag"] = etag
            if _etag_matches(request.headers.get("If-None-Match"), etag):
                status, payload, counted = 304, b"", False
        if counted:
            self._rl_used += 1
        headers.update(
            {
                "X-RateLimit-Limit": str(self._rl_limit),
                "X-RateLimit-Remaining": str(max(self._rl_limit - self._rl_used, 0)),
                "X-RateLimit-Reset": str(self._rl_reset),
                "X-RateLimit-Used": str(self._rl_used),
                "X-RateLimit-Resource": "core",
                "X-GitHub-Request-Id": self._request_id(),
            }
        )
        headers.update(reply.headers)
        self._record(method, path, query, status, auth, body)
        if status == 304:
            return Response(b"", status=304, headers=headers)
        return Response(payload, status=status, headers=headers, content_type=reply.content_type)

    def _dispatch(self, request: Request, method: str, path: str, body: bytes) -> _Reply:
        raw_uri = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or path
        raw_path = raw_uri.split("?", 1)[0]
        base = request.host_url.rstrip("/")
        match = _REPOSITORIES.match(path)
        if match:
            repo = next((r for r in self.repos.values() if r.id == int(match["rid"])), None)
            if repo is None:
                return self._error_reply(GitHubError(404))
            path = f"/repos/{repo.full_name}{match['rest'] or ''}"
        ctx = _Ctx(request, method, path, raw_path, base, self._renderer(base), body)
        try:
            for route_method, pattern, handler in _ROUTES:
                found = pattern.match(path)
                if found and route_method == method:
                    return getattr(self, f"_h_{handler}")(ctx, **found.groupdict())
            raise GitHubError(404)
        except GitHubError as error:
            return self._error_reply(error)
        except Exception:
            self.server_errors.append(traceback.format_exc())
            traceback.print_exc()
            return self._error_reply(GitHubError(500))

    # -- handler helpers ------------------------------------------------------------------

    def _repo_for(self, owner: str, name: str) -> Repo:
        repo = self.repos.get(f"{owner}/{name}".lower())
        if repo is None:
            raise GitHubError(404)
        return repo

    def _paginate(
        self,
        ctx: _Ctx,
        items: list[Any],
        render: Callable[[Any], Any],
        *,
        default_per_page: int = 30,
        max_per_page: int = 100,
        keyset: Callable[[Any], Key] | None = None,
    ) -> _Reply:
        per_page = _int_arg(ctx, "per_page", default_per_page)
        per_page = min(max(per_page, 1), max_per_page)
        after = ctx.arg("after")
        over = self.cursor_pagination_over
        if keyset is not None and (after or (over is not None and len(items) > over)):
            return self._paginate_by_cursor(ctx, items, render, keyset, per_page)
        page = max(_int_arg(ctx, "page", 1), 1)
        chunk = items[(page - 1) * per_page : page * per_page]
        headers = _link_header(ctx, page, per_page, len(items))
        return _Reply(200, [render(item) for item in chunk], headers)

    def _paginate_by_cursor(
        self,
        ctx: _Ctx,
        items: list[Any],
        render: Callable[[Any], Any],
        keyset: Callable[[Any], Key],
        per_page: int,
    ) -> _Reply:
        """A page after the `after` cursor, linking the next by the cursor of its last item."""
        after = ctx.arg("after")
        try:
            start = cursor_decode(after) if after else None
        except ValueError as exc:
            raise GitHubError(
                422, "Validation Failed", errors=[{"field": "after", "code": "invalid"}]
            ) from exc
        chunk, more = cursor_page(items, keyset, start, per_page)
        headers = {}
        if more:
            pairs = parse_qsl(ctx.request.query_string.decode("latin-1"), keep_blank_values=True)
            query = [(k, v) for k, v in pairs if k not in ("page", "after", "before")]
            query.append(("after", cursor_encode(keyset(chunk[-1]))))
            headers["Link"] = f'<{ctx.base}{ctx.raw_path}?{urlencode(query)}>; rel="next"'
        return _Reply(200, [render(item) for item in chunk], headers)

    def _since(self, ctx: _Ctx) -> str | None:
        value = ctx.arg("since")
        if value is None:
            return None
        try:
            return since_key(value)
        except ValueError as exc:
            raise GitHubError(
                422,
                "Validation Failed",
                errors=[{"resource": "Issue", "field": "since", "code": "invalid"}],
            ) from exc

    # -- handlers: meta -------------------------------------------------------------------

    def _h_graphql(self, ctx: _Ctx) -> _Reply:
        """GitHub answers GraphQL errors with 200; only a missing token is a 401."""
        if not ctx.request.headers.get("Authorization"):
            raise GitHubError(401, "This endpoint requires you to be authenticated.")
        return _Reply(200, self._graphql.answer(ctx.json()))

    # -- boards (Projects v2) -------------------------------------------------------------

    def add_board(
        self, org: str, number: int, *, title: str = "", columns: list[str] | None = None
    ) -> FakeBoard:
        """An organisation's ProjectV2 with a Status field of `columns` (GitHub's order)."""
        with self._lock:
            return self.boards.add_board(org, number, title=title, columns=columns)

    def add_board_item(
        self,
        org: str,
        number: int,
        *,
        status: str | None,
        repository: str = "",
        issue: int | None = None,
        title: str = "",
        pull_request: bool = False,
        archived: bool = False,
    ) -> FakeItem:
        """An issue/PR (`repository`, `issue`) or, without `issue`, a draft on a board."""
        with self._lock:
            board = self.boards.board(org, number)
            if board is None:
                raise KeyError(f"no board {org}/{number}: add_board first")
            return self.boards.add_item(
                board,
                status=status,
                now=self.now(),
                repository=repository,
                number=issue,
                title=title,
                pull_request=pull_request,
                archived=archived,
            )

    def remove_board_item(self, item_id: str) -> None:
        with self._lock:
            self.boards.remove_item(item_id)

    def move_board_item(self, item_id: str, status: str | None) -> None:
        """Put an item in another column (as a person dragging its card would)."""
        with self._lock:
            found = self.boards.find_item(item_id)
            if found is None:
                raise KeyError(item_id)
            board, item = found
            item.status = board.option_named(status) if status else None
            item.updated_at = self.now()

    def _h_get_rate_limit(self, ctx: _Ctx) -> _Reply:
        core = {
            "limit": self._rl_limit,
            "used": self._rl_used,
            "remaining": max(self._rl_limit - self._rl_used, 0),
            "reset": self._rl_reset,
        }
        other = {"limit": 30, "used": 0, "remaining": 30, "reset": self._rl_reset}
        graphql = {"limit": 5000, "used": 0, "remaining": 5000, "reset": self._rl_reset}
        return _Reply(
            200,
            {
                "resources": {
                    "core": core,
                    "search": other,
                    "graphql": graphql,
                    "integration_manifest": graphql,
                    "code_search": dict(other, limit=10, remaining=10),
                },
                "rate": core,
            },
        )

    def _h_get_viewer(self, ctx: _Ctx) -> _Reply:
        return _Reply(200, ctx.render.public_user(self.viewer))

    def _h_get_membership(self, ctx: _Ctx, org: str) -> _Reply:
        """The viewer's membership of `org`: 404 when not a member, as GitHub answers."""
        if self.viewer not in self.org_members.get(org, set()):
            raise GitHubError(404)
        return _Reply(
            200,
            {
                "url": f"{self.url}/orgs/{org}/memberships/{self.viewer}",
                "state": "active",
                "role": "member",
                "organization_url": f"{self.url}/orgs/{org}",
                "organization": {"login": org, "url": f"{self.url}/orgs/{org}"},
                "user": ctx.render.public_user(self.viewer),
            },
        )

    def _h_get_user(self, ctx: _Ctx, login: str) -> _Reply:
        if login.lower() not in self.users:
            raise GitHubError(404)
        return _Reply(200, ctx.render.public_user(self.users[login.lower()].login))

    def _h_get_repo(self, ctx: _Ctx, owner: str, name: str) -> _Reply:
        return _Reply(200, ctx.render.repo(self._repo_for(owner, name)))

    # -- handlers: issues -----------------------------------------------------------------

    def _h_list_issues(self, ctx: _Ctx, owner: str, name: str) -> _Reply:
        repo = self._repo_for(owner, name)
        labels = tuple(p.strip() for p in (ctx.arg("labels") or "").split(",") if p.strip())
        items = repo.query_issues(
            state=ctx.arg("state", "open") or "open",
            sort=ctx.arg("sort", "created") or "created",
            direction=ctx.arg("direction", "desc") or "desc",
            since=self._since(ctx),
            labels=labels,
            milestone=ctx.arg("milestone"),
            assignee=ctx.arg("assignee"),
            creator=ctx.arg("creator"),
        )
        by_update = ctx.arg("sort") == "updated" and ctx.arg("direction") == "asc"
        return self._paginate(
            ctx,
            items,
            lambda i: ctx.render.issue(repo, i),
            keyset=(lambda i: (i.updated_at, i.number)) if by_update else None,
        )

    def _h_get_issue(self, ctx: _Ctx, owner: str, name: str, number: str) -> _Reply:
        repo = self._repo_for(owner, name)
        issue = repo.issues.get(int(number))
        doc = "https://docs.github.com/rest/issues/issues#get-an-issue"
        if issue is None:
            raise GitHubError(404, doc=doc)
        if issue.deleted == 410:
            raise GitHubError(410, "This issue was deleted", doc=doc)
        if issue.deleted:
            raise GitHubError(404, doc=doc)
        return _Reply(200, ctx.render.issue(repo, issue, full=True))

    def _h_create_issue(self, ctx: _Ctx, owner: str, name: str) -> _Reply:
        repo = self._repo_for(owner, name)
        data = ctx.json()
        if not data.get("title"):
            raise GitHubError(
                422,
                errors=[{"resource": "Issue", "code": "missing_field", "field": "title"}],
                doc="https://docs.github.com/rest/issues/issues#create-an-issue",
            )
        fields = {k: data[k] for k in ("title", "body", "labels", "assignees", "type") if k in data}
        if data.get("assignee"):
            fields["assignees"] = [data["assignee"]]
        if data.get("milestone") is not None:
            fields["milestone"] = self._checked_milestone(repo, data["milestone"])
        fields["user"] = self.viewer
        fields["created_at"] = self.now()
        issue = self._new_issue(repo, fields)
        repo.insert_issue(issue)
        return _Reply(
            201,
            ctx.render.issue(repo, issue, full=True),
            {"Location": f"{ctx.base}/repos/{repo.full_name}/issues/{issue.number}"},
        )

    def _checked_milestone(self, repo: Repo, value: Any) -> int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = -1
        if number not in repo.milestones:
            raise GitHubError(
                422, errors=[{"resource": "Issue", "code": "invalid", "field": "milestone"}]
            )
        return number

    def _h_edit_issue(self, ctx: _Ctx, owner: str, name: str, number: str) -> _Reply:
        repo = self._repo_for(owner, name)
        issue = repo.live_issue(int(number))
        if issue is None:
            raise GitHubError(404)
        data = ctx.json()
        fields = {
            k: data[k]
            for k in ("title", "body", "state", "state_reason", "labels", "assignees", "type")
            if k in data
        }
        if "assignee" in data:
            fields["assignees"] = [data["assignee"]] if data["assignee"] else []
        if "milestone" in data:
            milestone = data["milestone"]
            fields["milestone"] = (
                None if milestone is None else self._checked_milestone(repo, milestone)
            )
        if fields.get("state") == "closed":
            fields["closed_by"] = self.viewer
        self._apply_issue_edit(repo, issue, fields)
        return _Reply(200, ctx.render.issue(repo, issue, full=True))

    # -- handlers: comments ---------------------------------------------------------------

    def _h_list_repo_comments(self, ctx: _Ctx, owner: str, name: str) -> _Reply:
        repo = self._repo_for(owner, name)
        sort = ctx.arg("sort")
        direction = ctx.arg("direction", "desc") if sort else "asc"
        items = repo.query_comments(
            sort=sort or "created", direction=direction or "desc", since=self._since(ctx)
        )
        by_update = sort == "updated" and direction == "asc"
        return self._paginate(
            ctx,
            items,
            lambda c: ctx.render.comment(repo, c),
            keyset=(lambda c: (c.updated_at, c.id)) if by_update else None,
        )

    def _h_get_comment(self, ctx: _Ctx, owner: str, name: str, cid: str) -> _Reply:
        repo = self._repo_for(owner, name)
        comment = repo.comments.get(int(cid))
        if comment is None:
            raise GitHubError(404)
        return _Reply(200, ctx.render.comment(repo, comment))

    def _h_list_issue_comments(self, ctx: _Ctx, owner: str, name: str, number: str) -> _Reply:
        repo = self._repo_for(owner, name)
        issue = repo.issues.get(int(number))
        if issue is None or issue.deleted == 404:
            raise GitHubError(404)
        if issue.deleted:
            raise GitHubError(410, "This issue was deleted")
        items = repo.issue_comments(issue.number, since=self._since(ctx))
        return self._paginate(ctx, items, lambda c: ctx.render.comment(repo, c))

    def _h_create_comment(self, ctx: _Ctx, owner: str, name: str, number: str) -> _Reply:
        repo = self._repo_for(owner, name)
        issue = repo.live_issue(int(number))
        if issue is None:
            raise GitHubError(404)
        data = ctx.json()
        if not isinstance(data.get("body"), str) or not data["body"]:
            raise GitHubError(
                422, errors=[{"resource": "IssueComment", "code": "missing_field", "field": "body"}]
            )
        created = self.now()
        comment = Comment(
            id=self.next_id("comment"),
            issue_number=issue.number,
            user=self.viewer,
            body=data["body"],
            created_at=created,
            updated_at=created,
            author_association=self._association(repo, self.viewer),
        )
        repo.insert_comment(comment)
        repo.set_issue_updated(issue, self._bumped(issue.updated_at))
        return _Reply(
            201,
            ctx.render.comment(repo, comment),
            {"Location": f"{ctx.base}/repos/{repo.full_name}/issues/comments/{comment.id}"},
        )

    # -- handlers: pulls ------------------------------------------------------------------

    def _h_list_pulls(self, ctx: _Ctx, owner: str, name: str) -> _Reply:
        repo = self._repo_for(owner, name)
        sort = ctx.arg("sort", "created") or "created"
        default_direction = "desc" if sort == "created" else "asc"
        items = repo.query_issues(
            state=ctx.arg("state", "open") or "open",
            sort=sort,
            direction=ctx.arg("direction", default_direction) or default_direction,
            pulls_only=True,
            base=ctx.arg("base"),
            head=ctx.arg("head"),
        )
        return self._paginate(ctx, items, lambda i: ctx.render.pull(repo, i))

    def _h_get_pull(self, ctx: _Ctx, owner: str, name: str, number: str) -> _Reply:
        repo = self._repo_for(owner, name)
        issue = repo.live_issue(int(number))
        if issue is None or not issue.is_pr:
            raise GitHubError(
                404, doc="https://docs.github.com/rest/pulls/pulls#get-a-pull-request"
            )
        return _Reply(200, ctx.render.pull(repo, issue, full=True))

    # -- handlers: labels, milestones ----------------------------------------------------

    def _h_list_labels(self, ctx: _Ctx, owner: str, name: str) -> _Reply:
        repo = self._repo_for(owner, name)
        items = sorted(repo.labels.values(), key=lambda lbl: lbl.name.lower())
        return self._paginate(ctx, items, lambda lbl: ctx.render.label(repo, lbl))

    def _h_get_label(self, ctx: _Ctx, owner: str, name: str, label: str) -> _Reply:
        repo = self._repo_for(owner, name)
        found = repo.labels.get(label.lower())
        if found is None:
            raise GitHubError(404)
        return _Reply(200, ctx.render.label(repo, found))

    def _h_list_milestones(self, ctx: _Ctx, owner: str, name: str) -> _Reply:
        repo = self._repo_for(owner, name)
        state = ctx.arg("state", "open")
        items = [m for m in repo.milestones.values() if state == "all" or m.state == state]
        if ctx.arg("sort") == "completeness":
            counts = repo.milestone_counts()

            def completeness(m: Milestone) -> tuple[float, int]:
                open_count, closed_count = counts.get(m.number, (0, 0))
                total = open_count + closed_count
                return (closed_count / total if total else 0.0, m.number)

            items.sort(key=completeness)
        else:
            items.sort(key=lambda m: (m.due_on is None, m.due_on or "", m.number))
        if ctx.arg("direction", "asc") == "desc":
            items.reverse()
        return self._paginate(ctx, items, lambda m: ctx.render.milestone(repo, m))

    def _h_get_milestone(self, ctx: _Ctx, owner: str, name: str, number: str) -> _Reply:
        repo = self._repo_for(owner, name)
        milestone = repo.milestones.get(int(number))
        if milestone is None:
            raise GitHubError(404)
        return _Reply(200, ctx.render.milestone(repo, milestone))

    def _h_edit_milestone(self, ctx: _Ctx, owner: str, name: str, number: str) -> _Reply:
        repo = self._repo_for(owner, name)
        milestone = repo.milestones.get(int(number))
        if milestone is None:
            raise GitHubError(404)
        data = ctx.json()
        for key in ("title", "description"):
            if key in data:
                setattr(milestone, key, data[key])
        if "due_on" in data:
            milestone.due_on = to_ts(data["due_on"])
        if data.get("state") in ("open", "closed") and data["state"] != milestone.state:
            milestone.state = data["state"]
            milestone.closed_at = self.now() if milestone.state == "closed" else None
        milestone.updated_at = self._bumped(milestone.updated_at)
        repo.touch()
        return _Reply(200, ctx.render.milestone(repo, milestone))

    # -- handlers: git data ---------------------------------------------------------------

    def _h_list_tags(self, ctx: _Ctx, owner: str, name: str) -> _Reply:
        repo = self._repo_for(owner, name)
        items = sorted(repo.tags.items(), key=lambda kv: version_key(kv[0]), reverse=True)
        return self._paginate(ctx, items, lambda kv: ctx.render.tag(repo, kv[0], kv[1]))

    def _h_get_commit(self, ctx: _Ctx, owner: str, name: str, ref: str) -> _Reply:
        repo = self._repo_for(owner, name)
        sha = repo.resolve_ref(ref)
        if sha is None or sha not in repo.commits:
            raise GitHubError(
                422,
                f"No commit found for SHA: {ref}",
                doc="https://docs.github.com/rest/commits/commits#get-a-commit",
            )
        return _Reply(200, ctx.render.commit(repo, repo.commits[sha]))

    def _h_get_git_ref(self, ctx: _Ctx, owner: str, name: str, ref: str) -> _Reply:
        repo = self._repo_for(owner, name)
        full = f"refs/{ref.removeprefix('refs/')}"
        if full not in repo.refs:
            raise GitHubError(404)
        return _Reply(200, ctx.render.git_ref(repo, full, repo.refs[full]))

    def _h_matching_refs(self, ctx: _Ctx, owner: str, name: str, ref: str | None = None) -> _Reply:
        repo = self._repo_for(owner, name)
        prefix = f"refs/{(ref or '').removeprefix('refs/')}".rstrip("/") if ref else "refs"
        items = sorted(r for r in repo.refs if r == prefix or r.startswith(prefix))
        return self._paginate(ctx, items, lambda r: ctx.render.git_ref(repo, r, repo.refs[r]))

    def _h_create_ref(self, ctx: _Ctx, owner: str, name: str) -> _Reply:
        repo = self._repo_for(owner, name)
        data = ctx.json()
        ref, sha = data.get("ref"), data.get("sha")
        if not isinstance(ref, str) or not ref.startswith("refs/") or ref.count("/") < 2:
            raise GitHubError(422, f"{ref} is not a valid ref name.")
        if not isinstance(sha, str) or not sha:
            raise GitHubError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
        if ref in repo.refs:
            raise GitHubError(422, "Reference already exists")
        repo.refs[ref] = sha
        if ref.startswith("refs/tags/"):
            repo.tags[ref.removeprefix("refs/tags/")] = sha
        if sha not in repo.commits:
            repo.commits[sha] = Commit(sha=sha, message=f"Create {ref}", date=self.now())
        repo.touch()
        return _Reply(
            201,
            ctx.render.git_ref(repo, ref, sha),
            {"Location": f"{ctx.base}/repos/{repo.full_name}/git/{ref}"},
        )

    def _h_update_variable(self, ctx: _Ctx, owner: str, name: str, variable: str) -> _Reply:
        """`PATCH /repos/{owner}/{repo}/actions/variables/{name}`: 204, no body (GitHub's
        answer); 404 for a variable the repository does not have."""
        repo = self._repo_for(owner, name)
        data = ctx.json()
        if variable not in repo.variables:
            raise GitHubError(404)
        value = data.get("value")
        if not isinstance(value, str):
            raise GitHubError(422, 'Invalid request.\n\n"value" is not a string.')
        repo.variables[variable] = value
        return _Reply(204, None)

    # -- handlers: releases ---------------------------------------------------------------

    def _sorted_releases(self, repo: Repo) -> list[Release]:
        return sorted(
            repo.releases.values(),
            key=lambda r: (r.created_at, r.published_at or "", r.id),
            reverse=True,
        )

    def _h_list_releases(self, ctx: _Ctx, owner: str, name: str) -> _Reply:
        repo = self._repo_for(owner, name)
        items = self._sorted_releases(repo)
        return self._paginate(ctx, items, lambda r: ctx.render.release(repo, r))

    def _h_latest_release(self, ctx: _Ctx, owner: str, name: str) -> _Reply:
        repo = self._repo_for(owner, name)
        for release in self._sorted_releases(repo):
            if not release.draft and not release.prerelease:
                return _Reply(200, ctx.render.release(repo, release))
        raise GitHubError(
            404, doc="https://docs.github.com/rest/releases/releases#get-the-latest-release"
        )

    def _h_release_by_tag(self, ctx: _Ctx, owner: str, name: str, tag: str) -> _Reply:
        repo = self._repo_for(owner, name)
        for release in self._sorted_releases(repo):
            if release.tag_name == tag and not release.draft:
                return _Reply(200, ctx.render.release(repo, release))
        raise GitHubError(404)

    def _h_get_release(self, ctx: _Ctx, owner: str, name: str, rid: str) -> _Reply:
        repo = self._repo_for(owner, name)
        release = repo.releases.get(int(rid))
        if release is None:
            raise GitHubError(404)
        return _Reply(200, ctx.render.release(repo, release))

    # -- handlers: contents & compare ----------------------------------------------------

    def _h_get_contents(self, ctx: _Ctx, owner: str, name: str, path: str | None = None) -> _Reply:
        repo = self._repo_for(owner, name)
        path = (path or "").strip("/")
        ref = ctx.arg("ref") or repo.default_branch
        found = repo.file_at(ref, path) if path else None
        if found is not None:
            _, data = found
            accept = ctx.request.headers.get("Accept", "")
            if ".raw" in accept:
                return _Reply(200, raw=data, content_type="application/vnd.github.raw")
            return _Reply(200, ctx.render.content_file(repo, ref, path, data))
        entries = repo.dir_at(ref, path)
        if not entries:
            raise GitHubError(
                404, doc="https://docs.github.com/rest/repos/contents#get-repository-content"
            )
        return _Reply(200, [ctx.render.content_entry(repo, ref, p, d) for _, p, d in entries])

    def _h_compare(self, ctx: _Ctx, owner: str, name: str, basehead: str) -> _Reply:
        repo = self._repo_for(owner, name)
        base, sep, head = basehead.partition("...")
        if not sep:
            base, sep, head = basehead.partition("..")
        cmp = repo.compares.get((base, head))
        if cmp is None:
            raise GitHubError(
                404, doc="https://docs.github.com/rest/commits/commits#compare-two-commits"
            )
        per_page = min(max(_int_arg(ctx, "per_page", 250), 1), 1000)
        page = max(_int_arg(ctx, "page", 1), 1)
        chunk = cmp.commits[(page - 1) * per_page : page * per_page]
        headers = _link_header(ctx, page, per_page, len(cmp.commits))
        return _Reply(200, ctx.render.compare(repo, cmp, chunk, with_files=page == 1), headers)


def _int_arg(ctx: _Ctx, name: str, default: int) -> int:
    try:
        return int(ctx.arg(name) or default)
    except ValueError:
        return default


def _link_header(ctx: _Ctx, page: int, per_page: int, total: int) -> dict[str, str]:
    """GitHub's ``Link`` header (prev, next, last, first) or nothing for a single page."""
    last = max((total + per_page - 1) // per_page, 1)
    if last == 1 and page == 1:
        return {}
    pairs = parse_qsl(ctx.request.query_string.decode("latin-1"), keep_blank_values=True)

    def url(n: int) -> str:
        params: list[tuple[str, str]] = []
        for key, value in pairs:
            if key != "page":
                params.append((key, value))
            elif not any(k == "page" for k, _ in params):
                params.append(("page", str(n)))
        if not any(k == "page" for k, _ in params):
            params.append(("page", str(n)))
        return f"<{ctx.base}{ctx.raw_path}?{urlencode(params)}>"

    links = []
    if page > 1:
        links.append(f'{url(page - 1)}; rel="prev"')
    if page < last:
        links.append(f'{url(page + 1)}; rel="next"')
        links.append(f'{url(last)}; rel="last"')
    if page > 1:
        links.append(f'{url(1)}; rel="first"')
    return {"Link": ", ".join(links)}


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    bare = etag.removeprefix("W/")
    for candidate in header.split(","):
        value = candidate.strip()
        if value == "*" or value.removeprefix("W/") == bare:
            return True
    return False
