"""Release hygiene from the mirror: the findings, the page, the board summary, the command."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from releases.board.models import MergeException, ReleaseCandidate
from releases.hygiene.selectors import hygiene_findings, release_hygiene, release_hygiene_page
from tests.releases.factories import mirror_issue

pytestmark = pytest.mark.django_db
BRANCH = "rc-minor-fleet-v4.75.0"


def _issue(number, *labels, body="", title=None, assignees=(), **kwargs):
    issue = mirror_issue(number, *labels, **kwargs)
    issue.body, issue.assignees = body, list(assignees)
    issue.title = title or issue.title
    issue.author_login = "dev-ann"
    issue.save()
    return issue


@pytest.fixture
def mirror(org):
    """A bug, an unreleased bug fully labelled, one missing everything, and a few PRs."""
    _issue(100, "bug")
    _issue(101, "bug", "~unreleased bug", ":release", "#g-mdm", assignees=["ann"])
    _issue(102, "bug", "~unreleased bug")
    _issue(103, "story")
    _issue(1, pull=True, body="Fixes #100\n\nTests added.")  # closes a bug: finding
    _issue(2, pull=True, body="For #100. Do not write `Fixes #100` here.")  # fine
    _issue(3, pull=True, body="Fixes #103")  # closes a story, not a bug: fine
    _issue(4, pull=True, body="The prefix #100 handling")  # "fix" inside a word: fine
    _issue(5, pull=True, title="Fix: #100 crash")  # the title counts too: finding
    _issue(6, pull=True, state="closed", body="Fixes #100")  # merged or closed: fine
    _issue(10, pull=True, base_ref=BRANCH, body="Cherry-pick of the fix for #101")  # fine
    _issue(11, pull=True, base_ref=BRANCH, body="New feature")  # finding
    _issue(12, pull=True, base_ref=BRANCH, body="Feature, exception approved")  # fine
    _issue(13, pull=True, base_ref=BRANCH, body="Feature for #103")  # a story: finding
    _issue(14, pull=True, base_ref="main", body="New feature")  # not into the RC: fine
    release = org["release"]
    MergeException.objects.create(
        release=release,
        group=org["mdm"],
        pr_number=12,
        reason="x",
        requested_at="2026-11-20T10:00Z",
        state=MergeException.State.APPROVED,
    )
    MergeException.objects.create(
        release=release,
        group=org["mdm"],
        pr_number=13,
        reason="y",
        requested_at="2026-11-20T10:00Z",
    )
    return org


def _found(findings):
    return sorted((f.rule, f.number) for f in findings)


def test_hygiene_findings_one_per_pr_or_issue_and_rule(mirror):
    findings = hygiene_findings(rc_branch=BRANCH, release=mirror["release"])
    assert _found(findings) == [
        ("closing-keyword", 1),
        ("closing-keyword", 5),
        ("rc-merge", 11),
        ("rc-merge", 13),
        ("unreleased-bug-labels", 102),
    ]
    by_number = {f.number: f for f in findings}
    assert "#100" in by_number[1].detail
    assert by_number[1].act == "@dev-ann"
    assert by_number[1].url.endswith("/pull/1")
    assert by_number[102].detail.startswith("No `:release` label; no product group label")
    assert "no assignee" in by_number[102].detail
    assert "pending" in by_number[13].detail  # its exception is not approved yet
    assert "automated words" in by_number[1].rule_text


def test_unreleased_bug_names_the_groups_em_when_the_label_is_there(mirror):
    _issue(104, "bug", "~unreleased bug", "#g-mdm")
    finding = next(f for f in hygiene_findings(rc_branch=BRANCH, release=None) if f.number == 104)
    assert finding.act == "Marta Okafor (EM)"
    assert finding.detail == "No `:release` label; no assignee (the engineer, else the group's EM)."


def test_release_hygiene_uses_the_cut_rc_branch(mirror):
    release = mirror["release"]
    ReleaseCandidate.objects.create(
        release=release, branch="rc-minor-fleet-v4.75.0-x", cut_at="2026-11-20T16:00Z"
    )
    _issue(20, pull=True, base_ref="rc-minor-fleet-v4.75.0-x", body="feature")
    summary = release_hygiene(release=release)
    assert summary.rc_branch == "rc-minor-fleet-v4.75.0-x"
    assert summary.counts["rc-merge"] == 1


def test_release_hygiene_command_json(mirror):
    out = StringIO()
    call_command("release_hygiene", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [(r["rule"], r["number"]) for r in rows] == [
        ("closing-keyword", 1),
        ("closing-keyword", 5),
        ("unreleased-bug-labels", 102),
        ("rc-merge", 11),
        ("rc-merge", 13),
    ]
    assert all(set(r) == {"rule", "number", "detail"} and r["detail"] for r in rows)


def test_release_hygiene_command_other_branch_and_text(mirror):
    out = StringIO()
    call_command("release_hygiene", "--rc-branch", "rc-patch-fleet-v4.74.1", stdout=out)
    text = out.getvalue()
    assert "3 finding(s)" in text  # no PR targets that branch
    assert "[closing-keyword] #1" in text


@pytest.mark.parametrize("branch", ["", "rc minor", "a..b", "-x", "x\x00y"])
def test_release_hygiene_command_refuses_a_bad_branch(mirror, branch):
    with pytest.raises(CommandError, match="is not a branch name") as exc:
        call_command("release_hygiene", f"--rc-branch={branch}", stderr=StringIO())
    assert exc.value.returncode == 2


def test_release_hygiene_command_bad_input_is_one_line_and_exit_2(mirror):
    done = subprocess.run(
        [sys.executable, "manage.py", "release_hygiene", "--rc-branch", "rc minor"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "not a branch name" in done.stderr
    assert done.stdout == ""


def test_hygiene_page_quotes_the_rule_and_who_acts(mirror, client):
    client.force_login(mirror["outsider"])
    response = client.get(reverse("releases:hygiene", args=["4.75.0"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "5 findings" in page
    assert "Who should act:" in page
    assert "@dev-ann" in page
    assert "do not use any automated words" in page
    filtered = client.get(reverse("releases:hygiene", args=["4.75.0"]) + "?rule=rc-merge")
    assert "2 findings" in filtered.content.decode()
    data = client.get(reverse("releases:hygiene-json", args=["4.75.0"])).json()
    assert len(data) == 5
    every = release_hygiene(release=mirror["release"]).findings
    assert data == [finding.as_json() for finding in every]  # the stored rows, the page's


def test_board_shows_the_hygiene_summary(mirror, client):
    client.force_login(mirror["outsider"])
    page = client.get(reverse("releases:board", args=["4.75.0"])).content.decode()
    assert 'id="hygiene"' in page
    assert "Release hygiene" in page
    assert "/pull/1" in page


def test_the_boards_summary_counts_what_the_page_lists(mirror):
    """The board builds five findings and counts the rest in the database: same numbers."""
    _issue(110, "bug", "~unreleased bug", ":release", "#g-mdm")  # no assignee
    _issue(111, "bug", "~unreleased bug", "#g-mdm", assignees=["ann"])  # no :release
    _issue(112, "bug", "~unreleased bug", ":release", assignees=["ann"])  # no group
    _issue(113, "bug", "~unreleased bug", ":release", "#g-mdm", assignees=["bo"])  # fine
    _issue(114, "bug", "~unreleased bug", state="closed")  # closed: fine
    _issue(115, "bug", "~unreleased bug", "#g-nobody", ":release", assignees=["x"])  # no group
    full = release_hygiene(release=mirror["release"])
    board = release_hygiene(release=mirror["release"], first=5)
    assert board.counts == full.counts
    assert board.counts["unreleased-bug-labels"] == 5  # 102, 110, 111, 112, 115
    assert board.total == full.total == len(full.findings)
    assert board.findings == full.findings[:5]


@pytest.mark.parametrize("size", [1, 2, 3, 50])
@pytest.mark.parametrize("rule", ["", "closing-keyword", "unreleased-bug-labels", "rc-merge"])
def test_the_pages_together_list_every_finding_once(mirror, rule, size):
    """Each rule's pages (and the all-rules pages) are the full list cut in order."""
    for number in range(120, 127):  # seven more unreleased bugs missing labels
        _issue(number, "bug", "~unreleased bug")
    release = mirror["release"]
    full = [f for f in release_hygiene(release=release).findings if not rule or f.rule == rule]
    first = release_hygiene_page(release=release, rule=rule, page=1, size=size)
    assert first.count == len(full)
    assert first.summary.counts == release_hygiene(release=release).counts
    listed = []
    for number in range(1, first.pages + 1):
        page = release_hygiene_page(release=release, rule=rule, page=number, size=size)
        assert len(page.findings) == page.last_shown - page.first_shown + 1
        listed.extend(page.findings)
    assert listed == full
    last = release_hygiene_page(release=release, rule=rule, page=10**6, size=size)
    assert last.number == first.pages  # past the end: the last page
    assert last.findings == full[(first.pages - 1) * size :]


def test_the_page_is_paged_and_a_bad_page_number_is_a_400(mirror, client):
    for number in range(120, 180):
        _issue(number, "bug", "~unreleased bug")
    client.force_login(mirror["outsider"])
    url = reverse("releases:hygiene", args=["4.75.0"])
    page = client.get(url).content.decode()
    assert "65 findings" in page  # 5 of the fixture and 60 more
    assert "1\N{EN DASH}50 shown" in page
    assert page.count('class="finding"') == 50
    assert 'rel="next" href="?page=2"' in page
    second = client.get(url + "?page=2").content.decode()
    assert second.count('class="finding"') == 15
    assert 'rel="prev"' in second
    filtered = client.get(url + "?rule=unreleased-bug-labels&page=2").content.decode()
    assert filtered.count('class="finding"') == 11  # 61 of that rule
    assert 'href="?rule=unreleased-bug-labels&amp;page=1"' in filtered
    for bad in ["x", "0", "-1", "1.5", "9" * 30]:
        response = client.get(url, {"page": bad})
        assert response.status_code == 400
        assert "is not a page number" in response.content.decode()
        assert response.content.decode().count('class="finding"') == 50
