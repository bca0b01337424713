"""Turn model objects into GitHub REST JSON shapes (as recorded in @octokit/fixtures).

The shapes the demo mirror also writes come from `worlds/github_json.py` (one renderer for
both); this module extends it with the fake's model and the shapes only a server answers
with (repositories, pull requests, git refs, compare, contents).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from worlds.github_json import HTML, GitHubJson, legacy_node_id, node_id

from .model import (
    DEFAULT_LABELS,
    Comment,
    Commit,
    Compare,
    Issue,
    Label,
    Milestone,
    Release,
    Repo,
    User,
    blob_sha,
)

DOCS = "https://docs.github.com/rest"


class Renderer(GitHubJson):
    """Renders objects for one API base URL (``http://127.0.0.1:PORT``)."""

    def __init__(self, base: str, lookup_user: Callable[[str], User]) -> None:
        super().__init__(base)
        self._lookup_user = lookup_user
        self._users: dict[str, dict[str, Any]] = {}
        self._repos: dict[tuple[str, int, str | None], dict[str, Any]] = {}

    def forget_users(self) -> None:
        """Drop cached user JSON (after an account changes)."""
        self._users.clear()
        self._repos.clear()

    # -- accounts -------------------------------------------------------------------------

    def user(self, login: str | None) -> dict[str, Any] | None:
        """``simple-user`` shape (cached per login)."""
        if login is None:
            return None
        cached = self._users.get(login)
        if cached is not None:
            return cached
        user = self._lookup_user(login)
        data = self.user_json(
            user.login, user_id=user.id, kind=user.type, site_admin=user.site_admin
        )
        self._users[login] = data
        return data

    def public_user(self, login: str) -> dict[str, Any]:
        """``public-user`` shape for ``GET /users/{login}`` and ``GET /user``."""
        user = self._lookup_user(login)
        data = dict(self.user(login) or {})
        data.update(
            {
                "name": user.name,
                "company": None,
                "blog": "",
                "location": None,
                "email": None,
                "hireable": None,
                "bio": None,
                "twitter_username": None,
                "public_repos": 0,
                "public_gists": 0,
                "followers": 0,
                "following": 0,
                "created_at": "2015-01-01T00:00:00Z",
                "updated_at": "2025-01-01T00:00:00Z",
            }
        )
        return data

    # -- repository -----------------------------------------------------------------------

    def repo(self, repo: Repo, *, owner_override: str | None = None) -> dict[str, Any]:
        """``full-repository`` shape (``owner_override`` renders a fork for PR heads)."""
        key = (repo.full_name, repo.version, owner_override)
        cached = self._repos.get(key)
        if cached is not None:
            return cached
        owner = owner_override or repo.owner
        full_name = f"{owner}/{repo.name}"
        api = f"{self.base}/repos/{full_name}"
        html = f"{HTML}/{full_name}"
        open_count = repo.open_issues_count()
        owner_json = self.user(owner)
        data: dict[str, Any] = {
            "id": repo.id if owner_override is None else repo.id + 10_000_000,
            "node_id": legacy_node_id("Repository", repo.id),
            "name": repo.name,
            "full_name": full_name,
            "private": repo.private,
            "owner": owner_json,
            "html_url": html,
            "description": repo.description,
            "fork": owner_override is not None,
            "url": api,
            "forks_url": f"{api}/forks",
            "keys_url": f"{api}/keys{{/key_id}}",
            "collaborators_url": f"{api}/collaborators{{/collaborator}}",
            "teams_url": f"{api}/teams",
            "hooks_url": f"{api}/hooks",
            "issue_events_url": f"{api}/issues/events{{/number}}",
            "events_url": f"{api}/events",
            "assignees_url": f"{api}/assignees{{/user}}",
            "branches_url": f"{api}/branches{{/branch}}",
            "tags_url": f"{api}/tags",
            "blobs_url": f"{api}/git/blobs{{/sha}}",
            "git_tags_url": f"{api}/git/tags{{/sha}}",
            "git_refs_url": f"{api}/git/refs{{/sha}}",
            "trees_url": f"{api}/git/trees{{/sha}}",
            "statuses_url": f"{api}/statuses/{{sha}}",
            "languages_url": f"{api}/languages",
            "stargazers_url": f"{api}/stargazers",
            "contributors_url": f"{api}/contributors",
            "subscribers_url": f"{api}/subscribers",
            "subscription_url": f"{api}/subscription",
            "commits_url": f"{api}/commits{{/sha}}",
            "git_commits_url": f"{api}/git/commits{{/sha}}",
            "comments_url": f"{api}/comments{{/number}}",
            "issue_comment_url": f"{api}/issues/comments{{/number}}",
            "contents_url": f"{api}/contents/{{+path}}",
            "compare_url": f"{api}/compare/{{base}}...{{head}}",
            "merges_url": f"{api}/merges",
            "archive_url": f"{api}/{{archive_format}}{{/ref}}",
            "downloads_url": f"{api}/downloads",
            "issues_url": f"{api}/issues{{/number}}",
            "pulls_url": f"{api}/pulls{{/number}}",
            "milestones_url": f"{api}/milestones{{/number}}",
            "notifications_url": f"{api}/notifications{{?since,all,participating}}",
            "labels_url": f"{api}/labels{{/name}}",
            "releases_url": f"{api}/releases{{/id}}",
            "deployments_url": f"{api}/deployments",
            "created_at": repo.created_at,
            "updated_at": repo.updated_at or repo.created_at,
            "pushed_at": repo.pushed_at or repo.created_at,
            "git_url": f"git://github.com/{full_name}.git",
            "ssh_url": f"git@github.com:{full_name}.git",
            "clone_url": f"{html}.git",
            "svn_url": html,
            "homepage": repo.homepage,
            "size": 0,
            "stargazers_count": repo.stargazers_count,
            "watchers_count": repo.stargazers_count,
            "language": repo.language,
            "has_issues": True,
            "has_projects": True,
            "has_downloads": True,
            "has_wiki": True,
            "has_pages": False,
            "has_discussions": False,
            "forks_count": repo.forks_count,
            "mirror_url": None,
            "archived": False,
            "disabled": False,
            "open_issues_count": open_count,
            "license": None,
            "allow_forking": True,
            "is_template": False,
            "web_commit_signoff_required": False,
            "topics": list(repo.topics),
            "visibility": "private" if repo.private else "public",
            "forks": repo.forks_count,
            "open_issues": open_count,
            "watchers": repo.stargazers_count,
            "default_branch": repo.default_branch,
            "permissions": {
                "admin": False,
                "maintain": False,
                "push": True,
                "triage": True,
                "pull": True,
            },
        }
        if owner_json is not None and owner_json["type"] == "Organization":
            data["organization"] = owner_json
        data["network_count"] = repo.forks_count
        data["subscribers_count"] = 0
        if len(self._repos) > 64:
            self._repos.clear()
        self._repos[key] = data
        return data

    # -- labels & milestones -------------------------------------------------------------

    def label(self, repo: Repo, label: Label) -> dict[str, Any]:
        """``label`` shape."""
        return self.label_json(
            repo.full_name,
            repo_id=repo.id,
            label_id=label.id,
            name=label.name,
            color=label.color,
            default=label.default or label.name in DEFAULT_LABELS,
            description=label.description,
        )

    def milestone(self, repo: Repo, milestone: Milestone) -> dict[str, Any]:
        """``milestone`` shape with live open/closed counts."""
        return self.milestone_json(
            repo.full_name,
            repo_id=repo.id,
            milestone_id=milestone.id,
            number=milestone.number,
            title=milestone.title,
            description=milestone.description,
            creator=self.user(milestone.creator),
            counts=repo.milestone_counts().get(milestone.number, (0, 0)),
            state=milestone.state,
            created_at=milestone.created_at,
            updated_at=milestone.updated_at,
            due_on=milestone.due_on,
            closed_at=milestone.closed_at,
        )

    def _labels(self, repo: Repo, names: list[str]) -> list[dict[str, Any]]:
        out = []
        for name in names:
            label = repo.labels.get(name.lower())
            if label is not None:
                out.append(self.label(repo, label))
        return out

    def _milestone_of(self, repo: Repo, number: int | None) -> dict[str, Any] | None:
        if number is None or number not in repo.milestones:
            return None
        return self.milestone(repo, repo.milestones[number])

    # -- issues & pulls -------------------------------------------------------------------

    def issue(self, repo: Repo, issue: Issue, *, full: bool = False) -> dict[str, Any]:
        """``issue`` shape; ``full`` adds ``closed_by`` like the single-issue endpoint."""
        data = self.issue_json(
            repo.full_name,
            repo_id=repo.id,
            issue_id=issue.id,
            number=issue.number,
            pull=issue.is_pr,
            fields={
                "title": issue.title,
                "user": self.user(issue.user),
                "labels": self._labels(repo, issue.labels),
                "state": issue.state,
                "locked": issue.locked,
                "assignees": [self.user(a) for a in issue.assignees],
                "milestone": self._milestone_of(repo, issue.milestone),
                "comments": issue.comments,
                "created_at": issue.created_at,
                "updated_at": issue.updated_at,
                "closed_at": issue.closed_at,
                "author_association": issue.author_association,
                "active_lock_reason": issue.active_lock_reason,
                "body": issue.body,
            },
            issue_type=self._issue_type(repo, issue.type_name),
            draft=issue.draft,
            merged_at=issue.merged_at,
        )
        if full:
            data["closed_by"] = self.user(issue.closed_by)
        return self.issue_json_finish(data, state_reason=issue.state_reason)

    def _issue_type(self, repo: Repo, name: str | None) -> dict[str, Any] | None:
        if name is None:
            return None
        type_id = sum(name.encode()) + 1000
        return {
            "id": type_id,
            "node_id": node_id("IT", repo.id, type_id),
            "name": name,
            "description": None,
            "color": "gray",
            "created_at": repo.created_at,
            "updated_at": repo.created_at,
            "is_enabled": True,
        }

    def _pr_ref(self, repo: Repo, owner: str, ref: str, sha: str) -> dict[str, Any]:
        override = None if owner.lower() == repo.owner.lower() else owner
        return {
            "label": f"{owner}:{ref}",
            "ref": ref,
            "sha": sha,
            "user": self.user(owner),
            "repo": self.repo(repo, owner_override=override),
        }

    def pull(self, repo: Repo, issue: Issue, *, full: bool = False) -> dict[str, Any]:
        """``pull-request-simple`` (lists) or, with ``full``, ``pull-request`` shape."""
        api = f"{self.base}/repos/{repo.full_name}"
        url = f"{api}/pulls/{issue.number}"
        html = f"{HTML}/{repo.full_name}/pull/{issue.number}"
        issue_url = f"{api}/issues/{issue.number}"
        head_owner = issue.head_owner or repo.owner
        data: dict[str, Any] = {
            "url": url,
            "id": issue.pr_id,
            "node_id": node_id("PR", repo.id, issue.pr_id),
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": issue_url,
            "number": issue.number,
            "state": issue.state,
            "locked": issue.locked,
            "title": issue.title,
            "user": self.user(issue.user),
            "body": issue.body,
            "created_at": issue.created_at,
            "updated_at": issue.updated_at,
            "closed_at": issue.closed_at,
            "merged_at": issue.merged_at,
            "merge_commit_sha": issue.merge_commit_sha,
            "assignee": self.user(issue.assignees[0]) if issue.assignees else None,
            "assignees": [self.user(a) for a in issue.assignees],
            "requested_reviewers": [],
            "requested_teams": [],
            "labels": self._labels(repo, issue.labels),
            "milestone": self._milestone_of(repo, issue.milestone),
            "draft": issue.draft,
            "commits_url": f"{url}/commits",
            "review_comments_url": f"{url}/comments",
            "review_comment_url": f"{api}/pulls/comments{{/number}}",
            "comments_url": f"{issue_url}/comments",
            "statuses_url": f"{api}/statuses/{issue.head_sha}",
            "head": self._pr_ref(repo, head_owner, issue.head_ref, issue.head_sha),
            "base": self._pr_ref(repo, repo.owner, issue.base_ref, issue.base_sha),
            "_links": {
                "self": {"href": url},
                "html": {"href": html},
                "issue": {"href": issue_url},
                "comments": {"href": f"{issue_url}/comments"},
                "review_comments": {"href": f"{url}/comments"},
                "review_comment": {"href": f"{api}/pulls/comments{{/number}}"},
                "commits": {"href": f"{url}/commits"},
                "statuses": {"href": f"{api}/statuses/{issue.head_sha}"},
            },
            "author_association": issue.author_association,
            "auto_merge": None,
            "active_lock_reason": issue.active_lock_reason,
        }
        if full:
            is_open = issue.state == "open"
            data.update(
                {
                    "merged": issue.merged_at is not None,
                    "mergeable": True if is_open else None,
                    "rebaseable": True if is_open else None,
                    "mergeable_state": "clean" if is_open else "unknown",
                    "merged_by": self.user(issue.merged_by) if issue.merged_at else None,
                    "comments": issue.comments,
                    "review_comments": issue.review_comments,
                    "maintainer_can_modify": False,
                    "commits": issue.commits,
                    "additions": issue.additions,
                    "deletions": issue.deletions,
                    "changed_files": issue.changed_files,
                }
            )
        return data

    def comment(self, repo: Repo, comment: Comment) -> dict[str, Any]:
        """``issue-comment`` shape."""
        issue = repo.issues.get(comment.issue_number)
        return self.comment_json(
            repo.full_name,
            repo_id=repo.id,
            comment_id=comment.id,
            issue_number=comment.issue_number,
            pull=issue is not None and issue.is_pr,
            user=self.user(comment.user),
            created_at=comment.created_at,
            updated_at=comment.updated_at,
            author_association=comment.author_association,
            body=comment.body,
        )

    # -- git data -------------------------------------------------------------------------

    def tag(self, repo: Repo, name: str, sha: str) -> dict[str, Any]:
        """``tag`` shape (``GET /tags``)."""
        return self.tag_json(repo.full_name, repo_id=repo.id, name=name, sha=sha)

    def git_ref(self, repo: Repo, ref: str, sha: str) -> dict[str, Any]:
        """``git-ref`` shape."""
        api = f"{self.base}/repos/{repo.full_name}"
        return {
            "ref": ref,
            "node_id": legacy_node_id("Ref", sum(f"{repo.id}:{ref}".encode())),
            "url": f"{api}/git/{ref}",
            "object": {"sha": sha, "type": "commit", "url": f"{api}/git/commits/{sha}"},
        }

    def commit(self, repo: Repo, commit: Commit, *, full: bool = True) -> dict[str, Any]:
        """``commit`` shape; ``full`` adds stats and files like ``GET /commits/{sha}``."""
        person = {"name": commit.author_name, "email": commit.author_email, "date": commit.date}
        data = self.commit_json(
            repo.full_name,
            repo_id=repo.id,
            sha=commit.sha,
            author=person,
            committer=dict(person, date=commit.committer_date or commit.date),
            message=commit.message,
            user=self.user(commit.login),
            parents=commit.parents,
        )
        if full:
            files = [self.diff_entry(repo, commit.sha, f) for f in commit.files]
            additions = sum(f["additions"] for f in files)
            deletions = sum(f["deletions"] for f in files)
            data["stats"] = {
                "total": additions + deletions,
                "additions": additions,
                "deletions": deletions,
            }
            data["files"] = files
        return data

    def diff_entry(self, repo: Repo, sha: str, entry: dict[str, Any]) -> dict[str, Any]:
        """``diff-entry`` shape from a partial dict (filename required)."""
        filename = entry["filename"]
        additions = int(entry.get("additions", 0))
        deletions = int(entry.get("deletions", 0))
        quoted = quote(filename)
        data = {
            "sha": entry.get("sha") or blob_sha(f"{sha}:{filename}".encode()),
            "filename": filename,
            "status": entry.get("status", "modified"),
            "additions": additions,
            "deletions": deletions,
            "changes": int(entry.get("changes", additions + deletions)),
            "blob_url": f"{HTML}/{repo.full_name}/blob/{sha}/{quoted}",
            "raw_url": f"{HTML}/{repo.full_name}/raw/{sha}/{quoted}",
            "contents_url": f"{self.base}/repos/{repo.full_name}/contents/{quoted}?ref={sha}",
        }
        if "patch" in entry:
            data["patch"] = entry["patch"]
        if "previous_filename" in entry:
            data["previous_filename"] = entry["previous_filename"]
        return data

    def compare(
        self, repo: Repo, cmp: Compare, commits: list[Commit], *, with_files: bool
    ) -> dict[str, Any]:
        """``commit-comparison`` shape for one page of commits."""
        api = f"{self.base}/repos/{repo.full_name}"
        basehead = f"{cmp.base}...{cmp.head}"
        head_sha = cmp.commits[-1].sha if cmp.commits else cmp.base_sha

        def stub(sha: str) -> Commit:
            return repo.commits.get(sha) or Commit(sha=sha, message="", date=repo.created_at)

        data: dict[str, Any] = {
            "url": f"{api}/compare/{basehead}",
            "html_url": f"{HTML}/{repo.full_name}/compare/{basehead}",
            "permalink_url": f"{HTML}/{repo.full_name}/compare/"
            f"{repo.owner}:{cmp.base_sha}...{repo.owner}:{head_sha}",
            "diff_url": f"{HTML}/{repo.full_name}/compare/{basehead}.diff",
            "patch_url": f"{HTML}/{repo.full_name}/compare/{basehead}.patch",
            "base_commit": self.commit(repo, stub(cmp.base_sha), full=False),
            "merge_base_commit": self.commit(repo, stub(cmp.merge_base_sha), full=False),
            "status": cmp.status,
            "ahead_by": cmp.ahead_by,
            "behind_by": cmp.behind_by,
            "total_commits": len(cmp.commits),
            "commits": [self.commit(repo, c, full=False) for c in commits],
        }
        if with_files:
            data["files"] = [self.diff_entry(repo, head_sha, f) for f in cmp.files[:300]]
        return data

    def release(self, repo: Repo, release: Release) -> dict[str, Any]:
        """``release`` shape."""
        return self.release_json(
            repo.full_name,
            repo_id=repo.id,
            release_id=release.id,
            tag_name=release.tag_name,
            author=self.user(release.author),
            fields={
                "target_commitish": release.target_commitish,
                "name": release.name,
                "draft": release.draft,
                "prerelease": release.prerelease,
                "created_at": release.created_at,
                "published_at": release.published_at,
                "body": release.body,
            },
        )

    def content_file(self, repo: Repo, ref: str, path: str, data: bytes) -> dict[str, Any]:
        """``content-file`` shape: base64 wrapped at 60 columns, git blob SHA."""
        encoded = base64.b64encode(data).decode()
        wrapped = "".join(encoded[i : i + 60] + "\n" for i in range(0, len(encoded), 60))
        entry = self.content_entry(repo, ref, path, data)
        links = entry.pop("_links")
        entry["content"] = wrapped
        entry["encoding"] = "base64"
        entry["_links"] = links
        return entry

    def content_entry(self, repo: Repo, ref: str, path: str, data: bytes | None) -> dict[str, Any]:
        """Directory-listing entry shape (``data`` None for a sub-directory)."""
        api = f"{self.base}/repos/{repo.full_name}"
        is_dir = data is None
        sha = blob_sha(path.encode()) if is_dir else blob_sha(data or b"")
        kind = "tree" if is_dir else "blob"
        html = f"{HTML}/{repo.full_name}/{kind}/{ref}/{quote(path)}"
        git = f"{api}/git/{'trees' if is_dir else 'blobs'}/{sha}"
        return {
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "sha": sha,
            "size": 0 if is_dir else len(data or b""),
            "url": f"{api}/contents/{quote(path)}?ref={quote(ref)}",
            "html_url": html,
            "git_url": git,
            "download_url": None
            if is_dir
            else f"https://raw.githubusercontent.com/{repo.full_name}/{ref}/{quote(path)}",
            "type": "dir" if is_dir else "file",
            "_links": {
                "self": f"{api}/contents/{quote(path)}?ref={quote(ref)}",
                "git": git,
                "html": html,
            },
        }
