"""GitHub webhook deliveries in the shapes GitHub sends them (docs: webhook events and payloads).

Each builder returns the JSON object of one payload or of an object inside one; `deliver`
signs a payload like GitHub does and posts it to the webhook.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import json
import uuid
from typing import Any

from django.test import Client

REPO = "fleetdm/fleet"
API = "https://api.github.com"
HTML = "https://github.com"
SECRET = "test-webhook-secret-not-a-real-one"
URL = "/github/webhook"
T0 = dt.datetime(2026, 11, 2, 17, 0, tzinfo=dt.UTC)

_ids = itertools.count(5_000_000)


def at(minutes: int) -> str:
    """A GitHub timestamp `minutes` after T0."""
    return (T0 + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def when(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def issue_id(number: int) -> int:
    """The id GitHub's issues endpoint gives issue (or PR) `number`."""
    return 2_900_000_000 + number


def pull_id(number: int) -> int:
    """The id GitHub's pulls endpoint gives PR `number`: a different number from its issue id."""
    return 1_700_000_000 + number


def user(login: str = "community-dev", *, kind: str = "User") -> dict[str, Any]:
    uid = sum(login.encode()) * 1000 + len(login)
    return {
        "login": login,
        "id": uid,
        "node_id": f"U_kgDO{uid}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}?v=4",
        "gravatar_id": "",
        "url": f"{API}/users/{login}",
        "html_url": f"{HTML}/{login}",
        "type": kind,
        "user_view_type": "public",
        "site_admin": False,
    }


def repository(full_name: str = REPO) -> dict[str, Any]:
    owner, _, name = full_name.partition("/")
    return {
        "id": 311_000_000 + len(full_name),
        "node_id": "R_kgDOExample",
        "name": name,
        "full_name": full_name,
        "private": False,
        "owner": user(owner, kind="Organization"),
        "html_url": f"{HTML}/{full_name}",
        "url": f"{API}/repos/{full_name}",
        "default_branch": "main",
        "visibility": "public",
    }


def label(name: str = "bug", *, github_id: int = 4_100_001, color: str = "d73a4a") -> dict:
    return {
        "id": github_id,
        "node_id": f"LA_kwDO{github_id}",
        "url": f"{API}/repos/{REPO}/labels/{name}",
        "name": name,
        "color": color,
        "default": name == "bug",
        "description": f"The {name} label",
    }


def milestone(
    number: int = 213,
    *,
    title: str = "4.76.0",
    state: str = "open",
    updated: int = 0,
    closed: int | None = None,
    repo: str = REPO,
) -> dict[str, Any]:
    return {
        "url": f"{API}/repos/{repo}/milestones/{number}",
        "html_url": f"{HTML}/{repo}/milestone/{number}",
        "labels_url": f"{API}/repos/{repo}/milestones/{number}/labels",
        "id": 12_000_000 + number,
        "node_id": f"MI_kwDO{number}",
        "number": number,
        "title": title,
        "description": f"Fleet {title} release",
        "creator": user("pm-priya"),
        "open_issues": 3,
        "closed_issues": 1,
        "state": state,
        "created_at": at(-1000),
        "updated_at": at(updated),
        "due_on": at(20_000),
        "closed_at": at(closed) if closed is not None else None,
    }


def issue(
    number: int = 101,
    *,
    title: str = "Hosts page shows 500",
    state: str = "open",
    login: str = "community-dev",
    association: str = "NONE",
    labels: list[dict] | None = None,
    milestone: dict | None = None,
    assignees: tuple[str, ...] = (),
    comments: int = 0,
    created: int = 0,
    updated: int = 0,
    closed: int | None = None,
    pull_request: bool = False,
    merged: int | None = None,
    repo: str = REPO,
) -> dict[str, Any]:
    """An issue object (issues endpoint, `issues` and `issue_comment` payloads)."""
    url = f"{API}/repos/{repo}/issues/{number}"
    kind = "pull" if pull_request else "issues"
    data: dict[str, Any] = {
        "url": url,
        "repository_url": f"{API}/repos/{repo}",
        "labels_url": f"{url}/labels{{/name}}",
        "comments_url": f"{url}/comments",
        "events_url": f"{url}/events",
        "html_url": f"{HTML}/{repo}/{kind}/{number}",
        "id": issue_id(number),
        "node_id": f"I_kwDO{number}",
        "number": number,
        "title": title,
        "user": user(login),
        "labels": labels or [],
        "state": state,
        "locked": False,
        "assignee": user(assignees[0]) if assignees else None,
        "assignees": [user(a) for a in assignees],
        "milestone": milestone,
        "comments": comments,
        "created_at": at(created),
        "updated_at": at(updated),
        "closed_at": at(closed) if closed is not None else None,
        "author_association": association,
        "active_lock_reason": None,
        "body": "Steps to reproduce: open the hosts page.",
        "reactions": {"url": f"{url}/reactions", "total_count": 0},
        "timeline_url": f"{url}/timeline",
        "performed_via_github_app": None,
        "state_reason": ("completed" if state == "closed" and not pull_request else None),
    }
    if pull_request:
        data["draft"] = False
        data["pull_request"] = {
            "url": f"{API}/repos/{repo}/pulls/{number}",
            "html_url": f"{HTML}/{repo}/pull/{number}",
            "diff_url": f"{HTML}/{repo}/pull/{number}.diff",
            "patch_url": f"{HTML}/{repo}/pull/{number}.patch",
            "merged_at": at(merged) if merged is not None else None,
        }
    return data


def comment(
    number: int = 101,
    *,
    github_id: int | None = None,
    login: str = "member-mo",
    association: str = "MEMBER",
    created: int = 10,
    updated: int | None = None,
    repo: str = REPO,
) -> dict[str, Any]:
    """An issue comment object (`issue_comment` payloads)."""
    github_id = github_id or next(_ids)
    return {
        "url": f"{API}/repos/{repo}/issues/comments/{github_id}",
        "html_url": f"{HTML}/{repo}/issues/{number}#issuecomment-{github_id}",
        "issue_url": f"{API}/repos/{repo}/issues/{number}",
        "id": github_id,
        "node_id": f"IC_kwDO{github_id}",
        "user": user(login),
        "created_at": at(created),
        "updated_at": at(created if updated is None else updated),
        "author_association": association,
        "body": "Thanks, looking into it.",
        "reactions": {"url": f"{API}/reactions", "total_count": 0},
        "performed_via_github_app": None,
    }


def pull_request(
    number: int = 205,
    *,
    title: str = "Fix hosts page 500",
    state: str = "open",
    login: str = "community-dev",
    association: str = "CONTRIBUTOR",
    labels: list[dict] | None = None,
    draft: bool = False,
    comments: int = 0,
    created: int = 0,
    updated: int = 0,
    closed: int | None = None,
    merged: int | None = None,
    repo: str = REPO,
) -> dict[str, Any]:
    """A pull request object (`pull_request` payloads): its `id` is the pull id."""
    url = f"{API}/repos/{repo}/pulls/{number}"
    html = f"{HTML}/{repo}/pull/{number}"
    branch = {"label": f"{login}:fix-{number}", "ref": f"fix-{number}", "sha": "a" * 40}
    return {
        "url": url,
        "id": pull_id(number),
        "node_id": f"PR_kwDO{number}",
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": f"{API}/repos/{repo}/issues/{number}",
        "number": number,
        "state": state,
        "locked": False,
        "title": title,
        "user": user(login),
        "body": "Fixes the 500.",
        "created_at": at(created),
        "updated_at": at(updated),
        "closed_at": at(closed) if closed is not None else None,
        "merged_at": at(merged) if merged is not None else None,
        "merge_commit_sha": "b" * 40 if merged is not None else None,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [],
        "requested_teams": [],
        "labels": labels or [],
        "milestone": None,
        "draft": draft,
        "head": branch,
        "base": {"label": "fleetdm:main", "ref": "main", "sha": "c" * 40},
        "author_association": association,
        "auto_merge": None,
        "active_lock_reason": None,
        "merged": merged is not None,
        "mergeable": None,
        "rebaseable": None,
        "mergeable_state": "unknown",
        "merged_by": user("member-mo") if merged is not None else None,
        "comments": comments,
        "review_comments": 0,
        "maintainer_can_modify": False,
        "commits": 1,
        "additions": 3,
        "deletions": 1,
        "changed_files": 1,
    }


def release(
    tag_name: str = "5.21.0",
    *,
    github_id: int = 180_000_001,
    repo: str = "osquery/osquery",
    published: int = 0,
    prerelease: bool = False,
) -> dict[str, Any]:
    """A release object (`release` payloads)."""
    return {
        "url": f"{API}/repos/{repo}/releases/{github_id}",
        "assets_url": f"{API}/repos/{repo}/releases/{github_id}/assets",
        "html_url": f"{HTML}/{repo}/releases/tag/{tag_name}",
        "id": github_id,
        "author": user("osquery-release-bot", kind="Bot"),
        "node_id": f"RE_kwDO{github_id}",
        "tag_name": tag_name,
        "target_commitish": "master",
        "name": tag_name,
        "draft": False,
        "prerelease": prerelease,
        "created_at": at(published - 5),
        "published_at": at(published),
        "assets": [],
        "tarball_url": f"{API}/repos/{repo}/tarball/{tag_name}",
        "zipball_url": f"{API}/repos/{repo}/zipball/{tag_name}",
        "body": "Release notes.",
    }


def event(action: str | None, *, repo: str = REPO, sender: str = "member-mo", **objects) -> dict:
    """A payload: `action`, the event's objects, `repository`, `sender`, `organization`."""
    payload: dict[str, Any] = {} if action is None else {"action": action}
    payload |= objects
    owner = repo.partition("/")[0]
    payload |= {
        "repository": repository(repo),
        "organization": {"login": owner, "id": 31_000_000, "url": f"{API}/orgs/{owner}"},
        "sender": user(sender),
    }
    return payload


def create_tag(ref: str, *, repo: str = REPO) -> dict[str, Any]:
    """A `create` payload for a tag: it names the tag, not its commit."""
    return event(
        None,
        repo=repo,
        ref=ref,
        ref_type="tag",
        master_branch="main",
        description="Open-source device management",
        pusher_type="user",
    )


def ping(*, repo: str = REPO) -> dict[str, Any]:
    return event(
        None,
        repo=repo,
        zen="Design for failure.",
        hook_id=501_234_567,
        hook={"type": "Repository", "id": 501_234_567, "active": True, "events": ["*"]},
    )


def sign(body: bytes, secret: str = SECRET) -> str:
    """The X-Hub-Signature-256 GitHub sends for `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def body_of(payload: dict[str, Any] | bytes) -> bytes:
    return payload if isinstance(payload, bytes) else json.dumps(payload).encode()


def deliver(
    client: Client,
    event_name: str,
    payload: dict[str, Any] | bytes,
    *,
    delivery: str | None = None,
    signature: str | None = None,
    secret: str = SECRET,
    signed: bool = True,
):
    """POST a delivery the way GitHub does (JSON body, signed unless `signed=False`)."""
    body = body_of(payload)
    headers = {
        "X-GitHub-Event": event_name,
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "X-GitHub-Hook-ID": "501234567",
        "User-Agent": "GitHub-Hookshot/5f2a1b9",
    }
    if signed:
        headers["X-Hub-Signature-256"] = sign(body, secret) if signature is None else signature
    return client.post(URL, data=body, content_type="application/json", headers=headers)
