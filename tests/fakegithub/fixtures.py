"""Load and dump seed data stored as recorded GitHub REST responses.

One file per repository and endpoint: ``{owner}__{name}.{kind}.json`` holding exactly what
the API returns (lists are the concatenation of all pages):

=============  ================================================================
kind           response
=============  ================================================================
``repo``       ``GET /repos/{o}/{r}``
``labels``     ``GET /repos/{o}/{r}/labels``
``milestones`` ``GET /repos/{o}/{r}/milestones?state=all``
``commits``    ``GET /repos/{o}/{r}/commits/{sha}`` for each listed commit
``tags``       ``GET /repos/{o}/{r}/tags``
``issues``     ``GET /repos/{o}/{r}/issues?state=all`` (PRs included)
``pulls``      ``GET /repos/{o}/{r}/pulls?state=all`` (head/base refs, draft)
``comments``   ``GET /repos/{o}/{r}/issues/comments``
``releases``   ``GET /repos/{o}/{r}/releases``
``contents``   ``GET /repos/{o}/{r}/contents/{path}?ref={ref}`` for each file
``compare``    ``GET /repos/{o}/{r}/compare/{base}...{head}`` for each pair
=============  ================================================================
"""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from .model import Comment, Repo, to_ts

if TYPE_CHECKING:
    from .server import FakeGitHub

KINDS = (
    "repo",
    "labels",
    "milestones",
    "commits",
    "tags",
    "issues",
    "pulls",
    "comments",
    "releases",
    "contents",
    "compare",
)


def _register(fake: FakeGitHub, user: dict[str, Any] | None) -> str | None:
    if not user:
        return None
    fake.add_user(
        user["login"],
        id=user.get("id"),
        type=user.get("type", "User"),
        site_admin=bool(user.get("site_admin", False)),
        name=user.get("name"),
    )
    return user["login"]


def _note_member(repo: Repo, login: str | None, association: str | None) -> None:
    if login and association in ("MEMBER", "OWNER"):
        repo.members.add(login.lower())


def load_fixture_dir(fake: FakeGitHub, directory: Path) -> list[str]:
    """Load every ``*.json`` seed file in ``directory``; returns the repositories loaded."""
    grouped: dict[str, dict[str, Any]] = defaultdict(dict)
    for path in sorted(directory.glob("*.json")):
        stem, _, kind = path.stem.rpartition(".")
        if kind not in KINDS or "__" not in stem:
            raise ValueError(f"{path.name}: expected '{{owner}}__{{name}}.{{kind}}.json'")
        owner, _, name = stem.partition("__")
        grouped[f"{owner}/{name}"][kind] = json.loads(path.read_text(encoding="utf-8"))
    for full_name, kinds in grouped.items():
        for kind in KINDS:
            if kind in kinds:
                globals()[f"_load_{kind}"](fake, full_name, kinds[kind])
        fake.repo(full_name).rebuild_indexes()
    return list(grouped)


def _load_repo(fake: FakeGitHub, full_name: str, data: dict[str, Any]) -> None:
    _register(fake, data.get("owner"))
    fields = {
        key: data[key]
        for key in (
            "id",
            "description",
            "default_branch",
            "private",
            "language",
            "topics",
            "homepage",
            "created_at",
            "pushed_at",
            "updated_at",
            "stargazers_count",
            "forks_count",
        )
        if key in data
    }
    fake.add_repo(full_name, **fields)


def _load_labels(fake: FakeGitHub, full_name: str, data: list[dict[str, Any]]) -> None:
    for label in data:
        fake.add_label(
            full_name,
            label["name"],
            label.get("color", "ededed"),
            label.get("description"),
            id=label.get("id"),
            default=label.get("default"),
        )


def _load_milestones(fake: FakeGitHub, full_name: str, data: list[dict[str, Any]]) -> None:
    for milestone in data:
        _ensure_milestone(fake, full_name, milestone)


def _ensure_milestone(fake: FakeGitHub, full_name: str, milestone: dict[str, Any] | None) -> None:
    if not milestone or milestone["number"] in fake.repo(full_name).milestones:
        return
    fake.add_milestone(
        full_name,
        milestone["title"],
        number=milestone["number"],
        state=milestone.get("state", "open"),
        description=milestone.get("description"),
        due_on=milestone.get("due_on"),
        created_at=milestone.get("created_at"),
        updated_at=milestone.get("updated_at"),
        closed_at=milestone.get("closed_at"),
        creator=_register(fake, milestone.get("creator")),
        id=milestone.get("id"),
    )


def _load_commits(fake: FakeGitHub, full_name: str, data: list[dict[str, Any]]) -> None:
    for commit in data:
        info = commit["commit"]
        fake.add_commit(
            full_name,
            commit["sha"],
            message=info["message"],
            date=info["author"]["date"],
            login=_register(fake, commit.get("author")),
            author_name=info["author"]["name"],
            author_email=info["author"]["email"],
            parents=[p["sha"] for p in commit.get("parents", [])],
            files=commit.get("files", []),
        )


def _load_tags(fake: FakeGitHub, full_name: str, data: list[dict[str, Any]]) -> None:
    for tag in data:
        fake.add_tag(full_name, tag["name"], tag["commit"]["sha"])


def _load_issues(fake: FakeGitHub, full_name: str, data: list[dict[str, Any]]) -> None:
    repo = fake.repo(full_name)
    for item in sorted(data, key=lambda i: i["number"]):
        login = _register(fake, item["user"])
        for label in item.get("labels", []):
            if label["name"].lower() not in repo.labels:
                fake.add_label(
                    full_name,
                    label["name"],
                    label.get("color", "ededed"),
                    label.get("description"),
                    id=label.get("id"),
                )
        _ensure_milestone(fake, full_name, item.get("milestone"))
        assignees = [_register(fake, a) for a in item.get("assignees") or []]
        _note_member(repo, login, item.get("author_association"))
        pull = item.get("pull_request")
        fields: dict[str, Any] = {
            "number": item["number"],
            "id": item["id"],
            "title": item["title"],
            "body": item.get("body"),
            "user": login,
            "author_association": item.get("author_association", "NONE"),
            "labels": [label["name"] for label in item.get("labels", [])],
            "state": item["state"],
            "state_reason": item.get("state_reason"),
            "locked": item.get("locked", False),
            "active_lock_reason": item.get("active_lock_reason"),
            "assignees": assignees,
            "milestone": (item.get("milestone") or {}).get("number"),
            "created_at": item["created_at"],
            "updated_at": item["updated_at"],
            "closed_at": item.get("closed_at"),
            "closed_by": _register(fake, item.get("closed_by")),
            "type": (item.get("type") or {}).get("name"),
        }
        if pull is not None:
            fields.update(
                pull_request=True, draft=item.get("draft", False), merged_at=pull.get("merged_at")
            )
        issue = fake._new_issue(repo, fields)
        if item.get("closed_by") is None and "closed_by" in item:
            issue.closed_by = None
        repo.insert_issue(issue)


def _load_pulls(fake: FakeGitHub, full_name: str, data: list[dict[str, Any]]) -> None:
    repo = fake.repo(full_name)
    for pull in data:
        issue = repo.issues.get(pull["number"])
        if issue is None:
            _load_issues(
                fake, full_name, [dict(pull, pull_request={"merged_at": pull.get("merged_at")})]
            )
            issue = repo.issues[pull["number"]]
        issue.pr_id = fake._id("pull", pull["id"])
        issue.draft = bool(pull.get("draft", False))
        issue.merged_at = to_ts(pull.get("merged_at"))
        issue.merge_commit_sha = pull.get("merge_commit_sha")
        head, base = pull["head"], pull["base"]
        issue.head_ref, issue.head_sha = head["ref"], head["sha"]
        issue.base_ref, issue.base_sha = base["ref"], base["sha"]
        head_owner = (head.get("user") or {}).get("login") or head["label"].partition(":")[0]
        issue.head_owner = None if head_owner.lower() == repo.owner.lower() else head_owner
        if head.get("user"):
            _register(fake, head["user"])
        if "merged_by" in pull:
            issue.merged_by = _register(fake, pull.get("merged_by"))
        for key in ("commits", "additions", "deletions", "changed_files", "review_comments"):
            if key in pull:
                setattr(issue, key, int(pull[key]))
    repo.touch()


def _load_comments(fake: FakeGitHub, full_name: str, data: list[dict[str, Any]]) -> None:
    repo = fake.repo(full_name)
    for item in data:
        login = _register(fake, item["user"]) or fake.viewer
        _note_member(repo, login, item.get("author_association"))
        number = int(item["issue_url"].rstrip("/").rsplit("/", 1)[-1])
        repo.insert_comment(
            Comment(
                id=fake._id("comment", item["id"]),
                issue_number=number,
                user=login,
                body=item.get("body") or "",
                created_at=to_ts(item["created_at"]) or "",
                updated_at=to_ts(item["updated_at"]) or "",
                author_association=item.get("author_association", "NONE"),
            )
        )


def _load_releases(fake: FakeGitHub, full_name: str, data: list[dict[str, Any]]) -> None:
    for release in data:
        fake.add_release(
            full_name,
            release["tag_name"],
            prerelease=release.get("prerelease", False),
            draft=release.get("draft", False),
            published_at=release.get("published_at"),
            name=release.get("name"),
            body=release.get("body"),
            created_at=release.get("created_at"),
            author=_register(fake, release.get("author")),
            target_commitish=release.get("target_commitish"),
            id=release.get("id"),
        )


def _load_contents(fake: FakeGitHub, full_name: str, data: list[dict[str, Any]]) -> None:
    repo = fake.repo(full_name)
    for item in data:
        query = parse_qs(urlsplit(item["url"]).query)
        ref = query.get("ref", [repo.default_branch])[0]
        raw = base64.b64decode(item["content"]) if item.get("encoding") == "base64" else b""
        fake.set_file(full_name, ref, item["path"], raw)


def _load_compare(fake: FakeGitHub, full_name: str, data: list[dict[str, Any]]) -> None:
    for item in data:
        basehead = unquote(urlsplit(item["url"]).path.split("/compare/", 1)[1])
        base, _, head = basehead.partition("...")
        commits = [
            {
                "sha": c["sha"],
                "message": c["commit"]["message"],
                "date": c["commit"]["author"]["date"],
                "author_name": c["commit"]["author"]["name"],
                "author_email": c["commit"]["author"]["email"],
                "login": _register(fake, c.get("author")),
                "parents": [p["sha"] for p in c.get("parents", [])],
            }
            for c in item.get("commits", [])
        ]
        fake.set_compare(
            full_name,
            base,
            head,
            files=item.get("files", []),
            commits=commits,
            status=item.get("status"),
            behind_by=item.get("behind_by", 0),
        )


def dump_fixture_dir(
    fake: FakeGitHub, directory: Path, base: str = "https://api.github.com"
) -> None:
    """Write every repository of ``fake`` as recorded-response seed files."""
    directory.mkdir(parents=True, exist_ok=True)
    render = fake._renderer(base)
    for repo in fake.repos.values():
        prefix = f"{repo.owner}__{repo.name}"
        issues = sorted((i for i in repo.issues.values() if not i.deleted), key=lambda i: -i.number)
        in_compares = {c.sha for cmp in repo.compares.values() for c in cmp.commits}
        out: dict[str, Any] = {
            "repo": render.repo(repo),
            "labels": [
                render.label(repo, lbl)
                for lbl in sorted(repo.labels.values(), key=lambda x: x.name.lower())
            ],
            "milestones": [
                render.milestone(repo, m)
                for m in sorted(repo.milestones.values(), key=lambda m: m.number)
            ],
            "commits": [
                render.commit(repo, c) for c in repo.commits.values() if c.sha not in in_compares
            ],
            "tags": [render.tag(repo, n, s) for n, s in repo.tags.items()],
            "issues": [render.issue(repo, i) for i in issues],
            "pulls": [render.pull(repo, i, full=True) for i in issues if i.is_pr],
            "comments": [render.comment(repo, c) for c in repo.query_comments()],
            "releases": [
                render.release(repo, r)
                for r in sorted(repo.releases.values(), key=lambda r: r.created_at, reverse=True)
            ],
            "contents": [
                render.content_file(repo, ref, path, data)
                for (ref, path), data in repo.files.items()
            ],
            "compare": [
                render.compare(repo, c, c.commits, with_files=True) for c in repo.compares.values()
            ],
        }
        for kind, payload in out.items():
            if kind != "repo" and not payload:
                continue
            text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
            (directory / f"{prefix}.{kind}.json").write_text(text, encoding="utf-8")
