"""GitHub REST JSON shapes, shared by the demo mirror and the fake GitHub of the tests.

One renderer for the shapes both need (``simple-user``, ``label``, ``milestone``, ``issue``,
``issue-comment``, ``tag``, ``release``, the short ``commit``), as recorded in
``@octokit/fixtures``. It takes plain values: who numbers the objects (the demo derives ids
from issue numbers and names, the fake keeps a model) stays with the caller. The fake
extends it (``tests/fakegithub/render.py``) with the shapes only a server answers with.

Pure: no Django, no I/O.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

API = "https://api.github.com"
HTML = "https://github.com"
AVATARS = "https://avatars.githubusercontent.com"


def node_id(prefix: str, *numbers: int) -> str:
    """A stable, GitHub-looking global node id (``I_kwDO...``)."""
    raw = b"".join(n.to_bytes(8, "big") for n in numbers)
    return f"{prefix}_kwDO" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def legacy_node_id(kind: str, number: int) -> str:
    """Legacy base64 node id used for accounts (``MDQ6VXNlcjE=`` is ``04:User1``)."""
    return base64.b64encode(f"{len(kind):02d}:{kind}{number}".encode()).decode()


def reactions(url: str) -> dict[str, Any]:
    """The ``reactions`` rollup of an issue or comment, with nobody reacting."""
    return {
        "url": f"{url}/reactions",
        "total_count": 0,
        "+1": 0,
        "-1": 0,
        "laugh": 0,
        "hooray": 0,
        "confused": 0,
        "heart": 0,
        "rocket": 0,
        "eyes": 0,
    }


class GitHubJson:
    """Renders GitHub's REST shapes for one API base URL (GitHub's, or a fake's on loopback)."""

    def __init__(self, base: str = API) -> None:
        self.base = base.rstrip("/")

    def repo_api(self, full_name: str) -> str:
        return f"{self.base}/repos/{full_name}"

    # -- accounts -------------------------------------------------------------------------

    def user_json(
        self, login: str, *, user_id: int, kind: str = "User", site_admin: bool = False
    ) -> dict[str, Any]:
        """``simple-user`` shape; ``kind`` is ``User``, ``Bot`` or ``Organization``."""
        api = f"{self.base}/users/{quote(login)}"
        if kind == "Bot":
            html = f"{HTML}/apps/{login.removesuffix('[bot]')}"
            avatar = f"{AVATARS}/in/{user_id % 1_000_000}?v=4"
            node = legacy_node_id("Bot", user_id)
        else:
            html = f"{HTML}/{login}"
            avatar = f"{AVATARS}/u/{user_id}?v=4"
            node = legacy_node_id("Organization" if kind == "Organization" else "User", user_id)
        return {
            "login": login,
            "id": user_id,
            "node_id": node,
            "avatar_url": avatar,
            "gravatar_id": "",
            "url": api,
            "html_url": html,
            "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions",
            "organizations_url": f"{api}/orgs",
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events",
            "type": kind,
            "user_view_type": "public",
            "site_admin": site_admin,
        }

    # -- labels & milestones -------------------------------------------------------------

    def label_json(
        self,
        full_name: str,
        *,
        repo_id: int,
        label_id: int,
        name: str,
        color: str,
        default: bool,
        description: str | None,
    ) -> dict[str, Any]:
        """``label`` shape."""
        return {
            "id": label_id,
            "node_id": node_id("LA", repo_id, label_id),
            "url": f"{self.repo_api(full_name)}/labels/{quote(name, safe='')}",
            "name": name,
            "color": color,
            "default": default,
            "description": description,
        }

    def milestone_json(
        self,
        full_name: str,
        *,
        repo_id: int,
        milestone_id: int,
        number: int,
        title: str,
        description: str | None,
        creator: dict[str, Any] | None,
        counts: tuple[int, int],
        state: str,
        created_at: str | None,
        updated_at: str | None,
        due_on: str | None,
        closed_at: str | None,
    ) -> dict[str, Any]:
        """``milestone`` shape; ``counts`` are its open and closed issues."""
        api = f"{self.repo_api(full_name)}/milestones/{number}"
        return {
            "url": api,
            "html_url": f"{HTML}/{full_name}/milestone/{number}",
            "labels_url": f"{api}/labels",
            "id": milestone_id,
            "node_id": node_id("MI", repo_id, milestone_id),
            "number": number,
            "title": title,
            "description": description,
            "creator": creator,
            "open_issues": counts[0],
            "closed_issues": counts[1],
            "state": state,
            "created_at": created_at,
            "updated_at": updated_at,
            "due_on": due_on,
            "closed_at": closed_at,
        }

    # -- issues & comments ----------------------------------------------------------------

    def issue_json(
        self,
        full_name: str,
        *,
        repo_id: int,
        issue_id: int,
        number: int,
        pull: bool,
        fields: dict[str, Any],
        issue_type: dict[str, Any] | None = None,
        draft: bool = False,
        merged_at: str | None = None,
    ) -> dict[str, Any]:
        """``issue`` shape (a pull request's carries ``draft`` and ``pull_request``).

        ``fields`` are the values GitHub reports as they are: ``title``, ``user``, ``labels``,
        ``state``, ``locked``, ``assignees``, ``milestone``, ``comments``, the timestamps,
        ``author_association``, ``active_lock_reason``, ``body``, ``state_reason``.
        """
        api = self.repo_api(full_name)
        url = f"{api}/issues/{number}"
        html = f"{HTML}/{full_name}/{'pull' if pull else 'issues'}/{number}"
        assignees = fields["assignees"]
        data: dict[str, Any] = {
            "url": url,
            "repository_url": api,
            "labels_url": f"{url}/labels{{/name}}",
            "comments_url": f"{url}/comments",
            "events_url": f"{url}/events",
            "html_url": html,
            "id": issue_id,
            "node_id": node_id("PR" if pull else "I", repo_id, issue_id),
            "number": number,
            "title": fields["title"],
            "user": fields["user"],
            "labels": fields["labels"],
            "state": fields["state"],
            "locked": fields.get("locked", False),
            "assignee": assignees[0] if assignees else None,
            "assignees": assignees,
            "milestone": fields["milestone"],
            "comments": fields["comments"],
            "created_at": fields["created_at"],
            "updated_at": fields["updated_at"],
            "closed_at": fields["closed_at"],
            "author_association": fields["author_association"],
            "type": issue_type,
            "active_lock_reason": fields.get("active_lock_reason"),
        }
        if pull:
            data["draft"] = draft
            data["pull_request"] = {
                "url": f"{api}/pulls/{number}",
                "html_url": html,
                "diff_url": f"{html}.diff",
                "patch_url": f"{html}.patch",
                "merged_at": merged_at,
            }
        else:
            data["sub_issues_summary"] = {"total": 0, "completed": 0, "percent_completed": 0}
            data["issue_dependencies_summary"] = {
                "blocked_by": 0,
                "total_blocked_by": 0,
                "blocking": 0,
                "total_blocking": 0,
            }
        data["body"] = fields["body"]
        return data

    def issue_json_finish(
        self, data: dict[str, Any], *, state_reason: str | None
    ) -> dict[str, Any]:
        """The keys GitHub lists after ``closed_by``: reactions, timeline, state reason."""
        data["reactions"] = reactions(data["url"])
        data["timeline_url"] = f"{data['url']}/timeline"
        data["performed_via_github_app"] = None
        data["state_reason"] = state_reason
        return data

    def comment_json(
        self,
        full_name: str,
        *,
        repo_id: int,
        comment_id: int,
        issue_number: int,
        pull: bool,
        user: dict[str, Any] | None,
        created_at: str | None,
        updated_at: str | None,
        author_association: str,
        body: str,
    ) -> dict[str, Any]:
        """``issue-comment`` shape."""
        api = self.repo_api(full_name)
        url = f"{api}/issues/comments/{comment_id}"
        return {
            "url": url,
            "html_url": f"{HTML}/{full_name}/{'pull' if pull else 'issues'}/{issue_number}"
            f"#issuecomment-{comment_id}",
            "issue_url": f"{api}/issues/{issue_number}",
            "id": comment_id,
            "node_id": node_id("IC", repo_id, comment_id),
            "user": user,
            "created_at": created_at,
            "updated_at": updated_at,
            "author_association": author_association,
            "body": body,
            "reactions": reactions(url),
            "performed_via_github_app": None,
        }

    # -- git data -------------------------------------------------------------------------

    def tag_json(self, full_name: str, *, repo_id: int, name: str, sha: str) -> dict[str, Any]:
        """``tag`` shape (``GET /tags``)."""
        api = self.repo_api(full_name)
        return {
            "name": name,
            "zipball_url": f"{api}/zipball/refs/tags/{quote(name)}",
            "tarball_url": f"{api}/tarball/refs/tags/{quote(name)}",
            "commit": {"sha": sha, "url": f"{api}/commits/{sha}"},
            "node_id": legacy_node_id("Ref", sum(f"{repo_id}:{name}".encode())),
        }

    def commit_json(
        self,
        full_name: str,
        *,
        repo_id: int,
        sha: str,
        author: dict[str, Any],
        committer: dict[str, Any],
        message: str,
        user: dict[str, Any] | None,
        parents: list[str],
    ) -> dict[str, Any]:
        """``commit`` shape as lists give it (``GET /commits/{sha}`` adds stats and files)."""
        api = self.repo_api(full_name)
        return {
            "sha": sha,
            "node_id": node_id("C", repo_id, int(sha[:15], 16)),
            "commit": {
                "author": author,
                "committer": committer,
                "message": message,
                "tree": {"sha": sha[::-1], "url": f"{api}/git/trees/{sha[::-1]}"},
                "url": f"{api}/git/commits/{sha}",
                "comment_count": 0,
                "verification": {
                    "verified": False,
                    "reason": "unsigned",
                    "signature": None,
                    "payload": None,
                    "verified_at": None,
                },
            },
            "url": f"{api}/commits/{sha}",
            "html_url": f"{HTML}/{full_name}/commit/{sha}",
            "comments_url": f"{api}/commits/{sha}/comments",
            "author": user,
            "committer": user,
            "parents": [
                {
                    "sha": p,
                    "url": f"{api}/commits/{p}",
                    "html_url": f"{HTML}/{full_name}/commit/{p}",
                }
                for p in parents
            ],
        }

    def release_json(
        self,
        full_name: str,
        *,
        repo_id: int,
        release_id: int,
        tag_name: str,
        author: dict[str, Any] | None,
        fields: dict[str, Any],
    ) -> dict[str, Any]:
        """``release`` shape; ``fields`` are ``target_commitish``, ``name``, ``draft``,
        ``prerelease``, ``created_at``, ``published_at`` and ``body``."""
        api = self.repo_api(full_name)
        url = f"{api}/releases/{release_id}"
        tag = quote(tag_name)
        return {
            "url": url,
            "assets_url": f"{url}/assets",
            "upload_url": f"https://uploads.github.com/repos/{full_name}/releases/"
            f"{release_id}/assets{{?name,label}}",
            "html_url": f"{HTML}/{full_name}/releases/tag/{tag}",
            "id": release_id,
            "author": author,
            "node_id": node_id("RE", repo_id, release_id),
            "tag_name": tag_name,
            "target_commitish": fields["target_commitish"],
            "name": fields["name"],
            "draft": fields["draft"],
            "immutable": False,
            "prerelease": fields["prerelease"],
            "created_at": fields["created_at"],
            "updated_at": fields["published_at"] or fields["created_at"],
            "published_at": fields["published_at"],
            "assets": [],
            "tarball_url": f"{api}/tarball/{tag}",
            "zipball_url": f"{api}/zipball/{tag}",
            "body": fields["body"],
        }
