"""How the sync pages through listings that change while it reads them (ADR 0002, 0023).

GitHub pages a large listing with keyset cursors (`after=` in the Link header) and a small
one with page numbers. Either way the sync must end with every item GitHub lists, however
items move or vanish between its requests; with cursors it asks for no page twice.
"""

from __future__ import annotations

import base64
import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleetops.github.client import (
    GitHubClient,
    GitHubPermanentError,
    GitHubTransientError,
    _next_link,
)
from fleetops.github.models import Issue, IssueComment
from fleetops.github.sync import repository_sync
from tests.fakegithub.cursors import cursor_decode, cursor_encode

REPO = "fleetdm/fleet"
pytestmark = pytest.mark.django_db
START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
MODES = {"cursors": 0, "page numbers": None}


def _stamp(minutes: int) -> str:
    return (START + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _bulk(fake, total: int = 300) -> None:
    """Issues with distinct update times, each with one comment, up to `total` issues."""
    for n in range(total - len(fake.repo(REPO).issues)):
        issue = fake.add_issue(
            REPO, title=f"Bulk {n}", created_at=_stamp(n), updated_at=_stamp(n), labels=["bug"]
        )
        fake.add_comment(REPO, issue["number"], login="someone", body=f"c{n}", created_at=_stamp(n))


def _present(fake) -> dict[int, str]:
    return {n: i.title for n, i in fake.repo(REPO).issues.items() if not i.deleted}


@pytest.fixture(params=list(MODES), ids=list(MODES))
def paged(request, fake_github):
    fake_github.cursor_pagination_over = MODES[request.param]
    _bulk(fake_github)
    return request.param


def test_full_sync_with_cursors_costs_one_request_per_hundred(fake_github, paged):
    issues, comments = len(fake_github.repo(REPO).issues), len(fake_github.repo(REPO).comments)
    repository_sync(full=True, client=GitHubClient())
    assert Issue.objects.count() == issues
    assert IssueComment.objects.count() == comments
    issue_pages = [r for r in fake_github.requests if r.path == f"/repos/{REPO}/issues"]
    comment_pages = [r for r in fake_github.requests if r.path.endswith("/issues/comments")]
    if paged == "cursors":
        assert len(issue_pages) == math.ceil(issues / 100)
        assert len(comment_pages) == math.ceil(comments / 100)
        assert all("page" not in r.query for r in issue_pages[1:])
        assert all("after" in r.query for r in issue_pages[1:])
    else:  # since= restarts repeat the previous page's newest item
        assert len(issue_pages) > math.ceil(issues / 100)
        assert all(r.query.get("page") == "1" for r in issue_pages)


def test_items_updated_and_deleted_between_pages_are_neither_skipped_nor_stale(fake_github, paged):
    """Between two pages, items already read are edited and deleted, one not yet read too."""
    listed_first = sorted(
        (i for i in fake_github.repo(REPO).issues.values()),
        key=lambda i: (i.updated_at, i.number),
    )
    early, gone, later = listed_first[3].number, listed_first[5].number, listed_first[-20].number
    requests = {"issues": 0}

    def change_between_pages(request):
        if request.path == f"/repos/{REPO}/issues":
            requests["issues"] += 1
            if requests["issues"] == 2:  # page 1 was read and written
                fake_github.update_issue(REPO, early, title="edited after it was read")
                fake_github.delete_issue(REPO, gone, status=404)
                fake_github.update_issue(REPO, later, title="edited before it was read")

    fake_github.on_request = change_between_pages
    run = repository_sync(full=True, client=GitHubClient())
    fake_github.on_request = None
    assert run.outcome == "ok", run.error
    mirrored = dict(Issue.objects.filter(gone_at__isnull=True).values_list("number", "title"))
    present = _present(fake_github)
    assert {n: mirrored.get(n) for n in present} == present  # nothing skipped, nothing stale
    assert mirrored[early] == "edited after it was read"
    assert mirrored[later] == "edited before it was read"
    # Deleted after this run listed it: the next full sync (or the webhook) finds it gone.
    assert set(mirrored) - set(present) <= {gone}
    repository_sync(full=True, client=GitHubClient())
    assert Issue.objects.get(number=gone).gone_reason == "not found"


def test_killed_sync_resumes_from_its_cursor_without_loss(fake_github, paged):
    pages = {"count": 0}

    def kill_on_third_page(request):
        if request.path == f"/repos/{REPO}/issues":
            pages["count"] += 1
            if pages["count"] == 3:
                raise ConnectionResetError("worker killed")

    fake_github.on_request = kill_on_third_page
    with pytest.raises(GitHubTransientError):
        repository_sync(full=True, client=GitHubClient())
    fake_github.on_request = None
    partial = Issue.objects.count()
    assert 0 < partial < len(_present(fake_github))
    run = repository_sync(client=GitHubClient())
    assert run.outcome == "ok", run.error
    assert set(Issue.objects.values_list("number", flat=True)) == set(_present(fake_github))


def test_a_cursor_github_refuses_fails_the_run_clearly(fake_github):
    fake_github.cursor_pagination_over = 0
    _bulk(fake_github, 150)
    fake_github.on_request = lambda request: (
        (422, {"message": "Validation Failed"}) if "after" in request.query else None
    )
    with pytest.raises(GitHubPermanentError):
        repository_sync(full=True, client=GitHubClient())
    assert Issue.objects.count() == 100  # the first page is kept with its cursor


def test_next_link_reads_a_cursor_or_a_page_number():
    base = "https://api.github.com/repositories/1/issues?per_page=100&state=all"
    assert _next_link(f'<{base}&after=Y3Vyc29y%3D>; rel="next"') == (None, "Y3Vyc29y=")
    assert _next_link(f'<{base}&page=3>; rel="next", <{base}&page=9>; rel="last"') == (3, None)
    assert _next_link(f'<{base}&page=1>; rel="prev"') == (None, None)
    assert _next_link("") == (None, None)
    assert _next_link(f'<{base}&page=x>; rel="next"') == (None, None)


@given(st.text(max_size=30), st.integers(min_value=0, max_value=2**40))
def test_fake_cursors_round_trip(stamp, ident):
    assert cursor_decode(cursor_encode((stamp, ident))) == (stamp, ident)


@given(
    st.one_of(
        st.text(max_size=40), st.binary(max_size=40).map(lambda b: base64.b64encode(b).decode())
    )
)
def test_fake_cursors_refuse_what_they_did_not_hand_out(value):
    """Any text is a key the fake handed out or a ValueError (the handler's 422)."""
    try:
        stamp, ident = cursor_decode(value)
    except ValueError:
        return
    assert cursor_encode((stamp, ident)).rstrip("=") == value.rstrip("=")
