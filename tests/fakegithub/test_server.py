"""Tests of the fake GitHub server itself (plain pytest, PyGithub as the client)."""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import requests
from github import Auth, Github, GithubException, RateLimitExceededException
from github.GithubException import UnknownObjectException

from .model import blob_sha
from .server import DropConnection, FakeGitHub, RequestInfo

FLEET = "fleetdm/fleet"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    """A started fake loaded with the seed fixtures."""
    with FakeGitHub() as server:
        server.load_fixtures()
        yield server


@pytest.fixture
def gh(fake: FakeGitHub) -> Github:
    """A PyGithub client pointed at the fake, without retries or throttling."""
    return Github(
        base_url=fake.url,
        auth=Auth.Token("x"),
        per_page=100,
        seconds_between_requests=None,
        seconds_between_writes=None,
        retry=None,
    )


def _get(fake: FakeGitHub, path: str, **kwargs: object) -> requests.Response:
    headers = {"Authorization": "token test-token", **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    return requests.get(f"{fake.url}{path}", headers=headers, timeout=5, **kwargs)  # type: ignore[arg-type]


# -- lifecycle & seed data ----------------------------------------------------------------


def test_start_stop_and_url() -> None:
    fake = FakeGitHub()
    with pytest.raises(RuntimeError):
        _ = fake.url
    fake.start()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", fake.url)
    assert requests.get(f"{fake.url}/rate_limit", timeout=5).status_code == 200
    fake.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{fake.port}/rate_limit", timeout=2)


def test_seed_repositories(fake: FakeGitHub, gh: Github) -> None:
    repo = gh.get_repo(FLEET)
    assert repo.full_name == FLEET
    assert repo.default_branch == "main"
    assert repo.owner.type == "Organization"
    issues = list(repo.get_issues(state="all"))
    assert 35 <= len(issues) <= 45
    milestones = {m.title: m for m in repo.get_milestones(state="all")}
    assert {"4.74.0", "4.75.0", "4.76.0"} <= set(milestones)
    assert milestones["4.74.0"].state == "closed"
    assert milestones["4.75.0"].open_issues > 0
    tags = [t.name for t in repo.get_tags()]
    assert {"fleet-v4.74.0", "orbit-v1.40.0", "fleetd-chrome-v1.3.0"} <= set(tags)
    labels = {lbl.name for lbl in repo.get_labels()}
    assert {"bug", "story", "~release blocker", ":release", "P1", "#g-mdm"} <= labels
    by_number = {i.number: i for i in issues}
    dependabot = by_number[32431]
    assert dependabot.user.login == "dependabot[bot]"
    assert dependabot.user.type == "Bot"
    associations = {i.author_association for i in issues}
    assert {"MEMBER", "NONE", "CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR"} <= associations


def test_issue_json_shape(fake: FakeGitHub) -> None:
    body = _get(fake, f"/repos/{FLEET}/issues", params={"state": "all", "per_page": 100}).json()
    pr = next(i for i in body if "pull_request" in i)
    issue = next(i for i in body if "pull_request" not in i and i["milestone"])
    for key in (
        "url",
        "html_url",
        "id",
        "node_id",
        "number",
        "title",
        "user",
        "labels",
        "state",
        "state_reason",
        "locked",
        "assignee",
        "assignees",
        "milestone",
        "comments",
        "created_at",
        "updated_at",
        "closed_at",
        "author_association",
        "body",
    ):
        assert key in issue
    assert "draft" not in issue
    assert "closed_by" not in issue
    assert set(pr["pull_request"]) == {"url", "html_url", "diff_url", "patch_url", "merged_at"}
    assert isinstance(pr["draft"], bool)
    assert set(issue["labels"][0]) == {
        "id",
        "node_id",
        "url",
        "name",
        "color",
        "default",
        "description",
    }
    assert {"open_issues", "closed_issues", "due_on", "creator"} <= set(issue["milestone"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", issue["created_at"])
    assert issue["url"] == f"{fake.url}/repos/{FLEET}/issues/{issue['number']}"
    single = _get(fake, f"/repos/{FLEET}/issues/{issue['number']}").json()
    assert "closed_by" in single


# -- pagination, since, comments ----------------------------------------------------------


def test_link_header_like_github(fake: FakeGitHub) -> None:
    fake.generate("acme/big", issues=250, comments=0, tags=0, milestones=0)
    first = _get(fake, "/repos/acme/big/issues", params={"state": "all", "per_page": 100})
    base = f"{fake.url}/repos/acme/big/issues?state=all&per_page=100"
    assert first.headers["Link"] == (f'<{base}&page=2>; rel="next", <{base}&page=3>; rel="last"')
    middle = _get(
        fake, "/repos/acme/big/issues", params={"state": "all", "per_page": 100, "page": 2}
    )
    assert middle.headers["Link"] == (
        f'<{base}&page=1>; rel="prev", <{base}&page=3>; rel="next", '
        f'<{base}&page=3>; rel="last", <{base}&page=1>; rel="first"'
    )
    last = _get(fake, "/repos/acme/big/issues", params={"state": "all", "per_page": 100, "page": 3})
    assert last.headers["Link"] == f'<{base}&page=2>; rel="prev", <{base}&page=1>; rel="first"'
    assert len(last.json()) == 50
    single = _get(fake, f"/repos/{FLEET}/labels", params={"per_page": 100})
    assert "Link" not in single.headers


def test_pygithub_pages_issues_with_since(fake: FakeGitHub, gh: Github) -> None:
    fake.generate("acme/big", issues=450, comments=900, tags=5, milestones=4, seed=3)
    repo = gh.get_repo("acme/big")
    fake.reset_counts()
    everything = list(repo.get_issues(state="all", sort="updated", direction="asc"))
    assert len(everything) == 450
    assert fake.request_count == 5
    assert [r.query.get("page") for r in fake.requests] == [None, "2", "3", "4", "5"]
    updated = [i.updated_at for i in everything]
    assert updated == sorted(updated)

    cutoff = everything[300].updated_at
    recent = list(repo.get_issues(state="all", since=cutoff, sort="updated", direction="asc"))
    assert recent
    assert all(i.updated_at >= cutoff for i in recent)
    assert len(recent) == sum(1 for i in everything if i.updated_at >= cutoff)

    fake.update_issue("acme/big", everything[0].number, title="Touched", labels=["P1"])
    again = list(repo.get_issues(state="all", since=cutoff, sort="updated", direction="asc"))
    assert again[-1].number == everything[0].number
    assert again[-1].title == "Touched"
    assert [lbl.name for lbl in again[-1].labels] == ["P1"]


def test_since_parsing(fake: FakeGitHub) -> None:
    path = f"/repos/{FLEET}/issues"
    utc = _get(fake, path, params={"state": "all", "since": "2025-09-25T00:00:00Z"}).json()
    offset = _get(fake, path, params={"state": "all", "since": "2025-09-25T02:00:00+02:00"}).json()
    assert [i["number"] for i in utc] == [i["number"] for i in offset]
    assert all(i["updated_at"] >= "2025-09-25T00:00:00Z" for i in utc)
    boundary = utc[-1]["updated_at"]
    at = _get(fake, path, params={"state": "all", "since": boundary, "per_page": 100}).json()
    assert boundary in {i["updated_at"] for i in at}
    bad = _get(fake, path, params={"since": "yesterday"})
    assert bad.status_code == 422
    assert bad.json()["message"] == "Validation Failed"


def test_default_issue_listing_is_open_created_desc(fake: FakeGitHub, gh: Github) -> None:
    issues = list(gh.get_repo(FLEET).get_issues())
    assert issues
    assert all(i.state == "open" for i in issues)
    created = [i.created_at for i in issues]
    assert created == sorted(created, reverse=True)


def test_comments_repo_wide_and_per_issue(fake: FakeGitHub, gh: Github) -> None:
    repo = gh.get_repo(FLEET)
    comments = list(repo.get_issues_comments())
    assert len(comments) == len(fake.repo(FLEET).comments)
    assert [c.id for c in comments] == sorted(c.id for c in comments)
    first = comments[0]
    assert first.issue_url.endswith(f"/issues/{first.raw_data['issue_url'].rsplit('/', 1)[1]}")
    assert {c.author_association for c in comments} >= {"MEMBER", "NONE", "CONTRIBUTOR"}

    since = datetime(2025, 9, 25, tzinfo=UTC)
    recent = list(repo.get_issues_comments(sort="updated", direction="asc", since=since))
    assert recent
    assert all(c.updated_at >= since for c in recent)

    issue_comments = list(repo.get_issue(32465).get_comments())
    assert [c.user.login for c in issue_comments] == ["macadmin42", "jdoe-sre", "acme-itadmin"]

    added = fake.add_comment(
        FLEET, 32465, login="orch-olga", body="On it", created_at="2025-09-26T09:00:00Z"
    )
    assert added["author_association"] == "MEMBER"
    issue = repo.get_issue(32465)
    assert issue.comments == 4
    assert issue.updated_at == datetime(2025, 9, 26, 9, tzinfo=UTC)


def test_pulls_list_and_single(fake: FakeGitHub, gh: Github) -> None:
    repo = gh.get_repo(FLEET)
    rc = list(repo.get_pulls(state="all", base="rc-minor-fleet-v4.75.0"))
    assert [p.number for p in rc] == [32462]
    pull = repo.get_pull(32406)
    assert pull.merged is True
    assert pull.merged_at is not None
    assert pull.base.ref == "main"
    assert pull.head.ref == "mdm-maria/32405-resend"
    draft = repo.get_pull(32429)
    assert draft.draft is True
    assert draft.merged is False
    fork = repo.get_pull(32441)
    assert fork.head.repo.full_name == "newbie-dev/fleet"
    assert fork.head.repo.fork is True
    with pytest.raises(UnknownObjectException):
        repo.get_pull(32401)


# -- contents, compare, releases, tags ----------------------------------------------------


def test_contents(fake: FakeGitHub, gh: Github) -> None:
    repo = gh.get_repo(FLEET)
    gomod = repo.get_contents("go.mod", ref="main")
    text = gomod.decoded_content.decode()
    assert "\ngo 1.24.4\n" in text
    require = text.split("require (", 1)[1].split(")", 1)[0]
    assert "\tgithub.com/macadmins/osquery-extension v1.2.7\n" in require
    assert gomod.sha == blob_sha(gomod.decoded_content)
    assert gomod.encoding == "base64"
    assert gomod.type == "file"
    workflow = repo.get_contents(".github/workflows/generate-osqueryd-targets.yml")
    assert "\nenv:\n  OSQUERY_VERSION: 5.13.1\n" in workflow.decoded_content.decode()
    old = repo.get_contents("go.mod", ref="fleet-v4.74.0").decoded_content.decode()
    assert "osquery-extension v1.2.6" in old
    with pytest.raises(UnknownObjectException):
        repo.get_contents("nope.txt")

    fake.set_file(FLEET, "main", "VERSION", "4.75.0\n")
    raw = _get(
        fake,
        f"/repos/{FLEET}/contents/VERSION",
        headers={"Accept": "application/vnd.github.raw+json"},
    )
    assert raw.content == b"4.75.0\n"
    listing = _get(fake, f"/repos/{FLEET}/contents/.github").json()
    assert [(e["name"], e["type"]) for e in listing] == [("workflows", "dir")]


def test_compare(fake: FakeGitHub, gh: Github) -> None:
    repo = gh.get_repo(FLEET)
    cmp = repo.compare("fleet-v4.74.0", "main")
    assert cmp.status == "ahead"
    assert cmp.ahead_by == 5
    assert cmp.total_commits == 5
    files = {f.filename: f for f in cmp.files}
    assert "changes/32405-windows-profiles-reenroll" in files
    assert files["go.mod"].changes == 6
    messages = [c.commit.message for c in cmp.commits]
    assert messages[-1].startswith("Restore activity entries")

    fake.set_compare(
        FLEET,
        "main",
        "feature",
        files=[{"filename": "a.go"}],
        commits=[f"commit {i}" for i in range(7)],
    )
    assert len(list(repo.compare("main", "feature", comparison_commits_per_page=3).commits)) == 7
    with pytest.raises(UnknownObjectException):
        repo.compare("main", "nope").status  # noqa: B018 - lazy attribute triggers the request


def test_releases_latest_and_tags(fake: FakeGitHub, gh: Github) -> None:
    osquery = gh.get_repo("osquery/osquery")
    assert osquery.get_latest_release().tag_name == "5.14.1"
    tags = [r.tag_name for r in osquery.get_releases()]
    assert tags[0] == "5.15.0"
    assert osquery.get_releases()[0].prerelease
    extension = gh.get_repo("macadmins/osquery-extension")
    assert extension.get_latest_release().tag_name == "v1.3.0"
    assert any(r.draft for r in extension.get_releases())

    fleet = gh.get_repo(FLEET)
    tag = next(t for t in fleet.get_tags() if t.name == "fleet-v4.74.0")
    commit = fleet.get_commit(tag.commit.sha)
    assert commit.commit.author.date == datetime(2025, 9, 12, 20, 5, 27, tzinfo=UTC)

    fake.add_release("osquery/osquery", "5.15.1", published_at="2025-03-01T00:00:00Z")
    assert osquery.get_latest_release().tag_name == "5.15.1"


# -- caching & rate-limit headers ---------------------------------------------------------


def test_etag_304_does_not_count(fake: FakeGitHub) -> None:
    path = f"/repos/{FLEET}/issues/32401"
    first = _get(fake, path)
    assert first.headers["Content-Type"] == "application/json; charset=utf-8"
    etag = first.headers["ETag"]
    assert re.fullmatch(r'W/"[0-9a-f]{64}"', etag)
    remaining = int(first.headers["X-RateLimit-Remaining"])
    second = _get(fake, path, headers={"If-None-Match": etag})
    assert second.status_code == 304
    assert second.content == b""
    assert int(second.headers["X-RateLimit-Remaining"]) == remaining
    assert fake.requests[-1].status == 304
    fake.update_issue(FLEET, 32401, body="changed")
    third = _get(fake, path, headers={"If-None-Match": etag})
    assert third.status_code == 200
    assert int(third.headers["X-RateLimit-Remaining"]) == remaining - 1
    for header in (
        "X-RateLimit-Limit",
        "X-RateLimit-Reset",
        "X-RateLimit-Used",
        "X-GitHub-Request-Id",
    ):
        assert header in third.headers
    assert third.headers["X-RateLimit-Resource"] == "core"


def test_pygithub_conditional_update(fake: FakeGitHub, gh: Github) -> None:
    issue = gh.get_repo(FLEET).get_issue(32401)
    assert issue.update() is False
    assert fake.requests[-1].status == 304
    fake.update_issue(FLEET, 32401, title="New title")
    assert issue.update() is True
    assert issue.title == "New title"


def test_auth_recorded_and_rate_limit_endpoint(fake: FakeGitHub, gh: Github) -> None:
    gh.get_repo(FLEET)
    assert fake.auth_headers[-1] == "token x"
    core = gh.get_rate_limit().resources.core
    assert core.limit == 5000
    assert core.remaining == 4999
    fake.set_rate_limit(remaining=10)
    assert _get(fake, f"/repos/{FLEET}").headers["X-RateLimit-Remaining"] == "9"


# -- fault injection ----------------------------------------------------------------------


def test_fail_next(fake: FakeGitHub, gh: Github) -> None:
    repo = gh.get_repo(FLEET)
    fake.fail_next(2, status=502, path_contains="/labels")
    for _ in range(2):
        with pytest.raises(GithubException) as info:
            list(repo.get_labels())
        assert info.value.status == 502
        assert info.value.data["message"] == "Server Error"
    assert list(repo.get_labels())


def test_fail_between_pages(fake: FakeGitHub, gh: Github) -> None:
    fake.generate("acme/big", issues=300, comments=0, tags=0, milestones=0)
    fake.fail_next(1, status=500, path_contains="page=2")
    pages = gh.get_repo("acme/big").get_issues(state="all")
    with pytest.raises(GithubException):
        list(pages)
    assert [r.status for r in fake.requests_to("/issues")] == [200, 500]


def test_primary_rate_limit(fake: FakeGitHub, gh: Github) -> None:
    fake.rate_limit_next(kind="primary", reset_in=120)
    with pytest.raises(RateLimitExceededException) as info:
        gh.get_repo(FLEET)
    assert info.value.status == 403
    headers = info.value.headers or {}
    assert headers["x-ratelimit-remaining"] == "0"
    assert int(headers["x-ratelimit-reset"]) >= int(time.time()) + 110
    assert info.value.data["message"].startswith("API rate limit exceeded for")
    assert gh.get_repo(FLEET).full_name == FLEET


def test_secondary_rate_limit(fake: FakeGitHub, gh: Github) -> None:
    fake.rate_limit_next(kind="secondary", reset_in=30, status=429)
    response = _get(fake, f"/repos/{FLEET}")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "30"
    assert "secondary rate limit" in response.json()["message"]
    fake.rate_limit_next(kind="secondary")
    with pytest.raises(RateLimitExceededException):
        gh.get_repo(FLEET)


def test_malformed_and_dropped(fake: FakeGitHub, gh: Github) -> None:
    fake.malformed_next(path_contains="/tags")
    response = _get(fake, f"/repos/{FLEET}/tags")
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    repo = gh.get_repo(FLEET)
    fake.malformed_next(path_contains="/tags")
    with pytest.raises(json.JSONDecodeError):
        list(repo.get_tags())
    fake.drop_next(path_contains="/milestones")
    with pytest.raises(requests.ConnectionError):
        _get(fake, f"/repos/{FLEET}/milestones")
    assert list(repo.get_milestones(state="all"))


def test_on_request_hook(fake: FakeGitHub, gh: Github) -> None:
    seen: list[RequestInfo] = []
    gate = threading.Event()

    def hook(info: RequestInfo) -> object:
        seen.append(info)
        if info.query.get("page") == "2":
            gate.set()
            return 503
        return None

    fake.on_request = hook
    fake.generate("acme/big", issues=150, comments=0, tags=0, milestones=0)
    with pytest.raises(GithubException) as info:
        list(gh.get_repo("acme/big").get_issues(state="all"))
    assert info.value.status == 503
    assert gate.is_set()
    assert seen[-1].headers["Authorization"] == "token x"

    def crash(info: RequestInfo) -> None:
        raise DropConnection

    fake.on_request = crash
    with pytest.raises(requests.ConnectionError):
        _get(fake, "/rate_limit")
    fake.on_request = None


# -- writes & deletion --------------------------------------------------------------------


def test_writes_are_recorded(fake: FakeGitHub, gh: Github) -> None:
    repo = gh.get_repo(FLEET)
    created = repo.create_issue("Release 4.75.0 checklist", body="- [ ] QA", labels=[":release"])
    assert created.number == 32468
    assert created.user.login == fake.viewer
    created.edit(state="closed")
    created.create_comment("Done")
    milestone = repo.get_milestone(213)
    milestone.edit("4.75.0", state="closed")
    ref = repo.create_git_ref("refs/tags/fleet-v4.75.0", "a" * 40)
    assert ref.ref == "refs/tags/fleet-v4.75.0"
    assert [(w.method, w.path, w.status) for w in fake.writes] == [
        ("POST", f"/repos/{FLEET}/issues", 201),
        ("PATCH", f"/repos/{FLEET}/issues/32468", 200),
        ("POST", f"/repos/{FLEET}/issues/32468/comments", 201),
        ("PATCH", f"/repos/{FLEET}/milestones/213", 200),
        ("POST", f"/repos/{FLEET}/git/refs", 201),
    ]
    assert fake.writes[0].body["title"] == "Release 4.75.0 checklist"
    model = fake.repo(FLEET)
    assert model.issues[32468].state == "closed"
    assert model.issues[32468].comments == 1
    assert model.milestones[213].state == "closed"
    assert model.tags["fleet-v4.75.0"] == "a" * 40
    with pytest.raises(GithubException) as info:
        repo.create_git_ref("refs/tags/fleet-v4.75.0", "b" * 40)
    assert info.value.status == 422


def test_delete_issue(fake: FakeGitHub, gh: Github) -> None:
    repo = gh.get_repo(FLEET)
    fake.delete_issue(FLEET, 32415, status=410)
    fake.delete_issue(FLEET, 32436, status=404)
    with pytest.raises(GithubException) as gone:
        repo.get_issue(32415)
    assert gone.value.status == 410
    with pytest.raises(UnknownObjectException):
        repo.get_issue(32436)
    numbers = {i.number for i in repo.get_issues(state="all")}
    assert not numbers & {32415, 32436}
    assert all(not c.issue_url.endswith("/32415") for c in repo.get_issues_comments())
    assert _get(fake, f"/repos/{FLEET}/issues/32415").json() == {
        "message": "This issue was deleted",
        "documentation_url": "https://docs.github.com/rest/issues/issues#get-an-issue",
        "status": "410",
    }


# -- helpers, generation, PyGithub behaviour ----------------------------------------------


def test_helpers_return_github_shapes(fake: FakeGitHub) -> None:
    issue = fake.add_issue("acme/small", title="Hello", login="someone", labels=["bug"])
    assert issue["number"] == 1
    assert issue["author_association"] == "NONE"
    assert issue["labels"][0]["name"] == "bug"
    assert issue["labels"][0]["default"] is True
    bot_pr = fake.add_pull("acme/small", title="Bump x", user="dependabot[bot]")
    assert bot_pr["user"]["type"] == "Bot"
    assert bot_pr["draft"] is False
    closed = fake.update_issue("acme/small", 1, state="closed")
    assert closed["state_reason"] == "completed"
    assert closed["closed_at"]
    assert closed["updated_at"] >= issue["updated_at"]
    tag = fake.add_tag("acme/small", "v1.0.0", "c" * 40, "2024-01-02T03:04:05Z")
    assert tag["commit"]["sha"] == "c" * 40
    content = fake.set_file("acme/small", "main", "README.md", "hi\n")
    assert base64.b64decode(content["content"]) == b"hi\n"
    with pytest.raises(TypeError):
        fake.add_issue("acme/small", nonsense=True)


def test_new_ids_never_collide_with_loaded_ones(fake: FakeGitHub) -> None:
    model = fake.repo(FLEET)
    issue_ids = {i.id for i in model.issues.values()}
    pull_ids = {i.pr_id for i in model.issues.values() if i.is_pr}
    comment_ids = set(model.comments)
    issue = fake.add_issue(FLEET, title="New")
    pull = fake.add_pull(FLEET, title="New PR")
    comment = fake.add_comment(FLEET, issue["number"], body="hi")
    assert issue["id"] not in issue_ids
    assert pull["id"] not in issue_ids
    assert fake.repo(FLEET).issues[pull["number"]].pr_id not in pull_ids
    assert comment["id"] > max(comment_ids)


def test_generate_is_deterministic_and_realistic() -> None:
    a, b = FakeGitHub(), FakeGitHub()
    summary = a.generate("fleetdm/fleet", issues=800, comments=2400, seed=7)
    b.generate("fleetdm/fleet", issues=800, comments=2400, seed=7)
    ra, rb = a.repo("fleetdm/fleet"), b.repo("fleetdm/fleet")
    assert summary["issues"] + summary["pulls"] == 800
    assert summary["comments"] == 2400
    assert [(i.title, i.updated_at, i.labels) for i in ra.issues.values()] == [
        (i.title, i.updated_at, i.labels) for i in rb.issues.values()
    ]
    labels = {name for i in ra.issues.values() for name in i.labels}
    assert {"bug", "story", ":release", "~released bug", "#g-mdm", "P2"} <= labels
    authors = {i.user for i in ra.issues.values()}
    assert "dependabot[bot]" in authors
    assert a.users["dependabot[bot]"].type == "Bot"
    assert {i.author_association for i in ra.issues.values()} >= {"MEMBER", "NONE", "CONTRIBUTOR"}
    assert sum(i.comments for i in ra.issues.values()) == 2400


def test_pygithub_lazy_completion_costs_requests(fake: FakeGitHub, gh: Github) -> None:
    """Documents PyGithub: list items are incomplete; some accesses cost one GET each."""
    issues = list(gh.get_repo(FLEET).get_issues(state="all"))
    plain = [i for i in issues if "pull_request" not in i._rawData]
    fake.reset_counts()
    assert all(i.pull_request is None for i in plain[:3])
    assert fake.request_count == 3
    assert all(r.path.startswith(f"/repos/{FLEET}/issues/") for r in fake.requests)
    fake.reset_counts()
    assert all(i.raw_data["number"] for i in plain[3:6])
    assert fake.request_count == 3
    fake.reset_counts()
    assert all(i.title and i.labels is not None and i.updated_at for i in plain[6:9])
    assert fake.request_count == 0
