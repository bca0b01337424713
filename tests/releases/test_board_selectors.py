"""The board's counts equal a count made from scratch by the handbook's rules after every
sync and every webhook: they are stored per mirror stamp (ADR 0022), and the stamp moves
after each writer's commit. Here only the real writers move it (no test shortcut)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from fleetops.github.client import GitHubClient
from fleetops.github.models import Issue, Label
from fleetops.github.stamp import mirror_changed
from fleetops.github.sync import repository_sync
from fleetops.github.tasks import webhook_delivery_process_task
from releases.board import selectors as board_selectors
from releases.board.selectors import release_board
from tests.github.payloads import SECRET, deliver, event

REPO = "fleetdm/fleet"


@pytest.fixture(autouse=True)
def mirror_writes_move_the_stamp():
    """Overrides the suite's ORM-signal shortcut: only the sync and webhooks move the stamp."""
    return


@pytest.fixture
def queued(monkeypatch, settings) -> list[int]:
    """Webhooks accepted (the test runs the queued task itself, as a worker would)."""
    settings.GITHUB_WEBHOOK_SECRET = SECRET
    ids: list[int] = []
    monkeypatch.setattr(webhook_delivery_process_task, "delay_on_commit", ids.append)
    return ids


def _fresh(groups: set[str]) -> dict[str, tuple[list[int], int, int]]:
    """Per group label: release blockers, unreleased bugs, P1 bugs, from every issue's labels.

    Handbook: an issue blocks the release with `~release blocker`, or with `~unreleased
    bug` and `:release`; only open issues that are still on GitHub count.
    """
    found = {label: ([], 0, 0) for label in groups}
    for issue in Issue.objects.prefetch_related("labels").order_by("number"):
        names = {label.name for label in issue.labels.all()}
        if issue.state != "open" or issue.gone_at or issue.is_pull_request:
            continue
        for group in groups & names:
            blockers, unreleased, p1 = found[group]
            if "~release blocker" in names or {"~unreleased bug", ":release"} <= names:
                blockers = [*blockers, issue.number]
            unreleased += "~unreleased bug" in names
            p1 += {"bug", "P1"} <= names
            found[group] = (blockers, unreleased, p1)
    return found


def _shown(release) -> dict[str, tuple[list[int], int, int]]:
    return {
        card.group.github_label: (
            [number for number, _ in card.release_blockers],
            card.unreleased_bugs,
            card.p1_bugs,
        )
        for card in release_board(release=release).cards
    }


def _added(release, base: dict) -> dict[str, tuple[list[int], int, int]]:
    """What the board shows beyond the fixture repository's own issues; checks it first."""
    shown = _shown(release)
    assert shown == _fresh(set(shown))
    return {
        group: (
            [n for n in blockers if n not in base[group][0]],
            unreleased - base[group][1],
            p1 - base[group][2],
        )
        for group, (blockers, unreleased, p1) in shown.items()
    }


def _webhook(client, queued: list[int], number: int) -> None:
    """GitHub's `issues` delivery for the issue as it is now on the fake GitHub."""
    data, _ = GitHubClient().get(f"/repos/{REPO}/issues/{number}")
    response = deliver(client, "issues", event("edited", issue=data))
    assert response.status_code == 202
    webhook_delivery_process_task(queued.pop())


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run each write as its own transaction would: its after-commit callbacks run."""

    def run(write):
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    return run


def test_board_counts_equal_a_fresh_count_after_every_sync_and_webhook(
    org, fake_github, client, queued, committed
):
    release = org["release"]
    assert committed(lambda: repository_sync(client=GitHubClient(), full=True)).outcome == "ok"
    base = _shown(release)
    assert base == _fresh(set(base))
    add = fake_github.add_issue
    blocker = add(REPO, labels=["#g-mdm", "bug", "~release blocker"])["number"]
    unreleased_release = add(REPO, labels=["#g-mdm", "bug", "~unreleased bug", ":release"])
    unreleased = add(REPO, labels=["#g-mdm", "bug", "~unreleased bug"])["number"]
    p1 = add(REPO, labels=["#g-software", "bug", "P1", "~unreleased bug"])["number"]
    add(REPO, labels=["#g-software", "bug", "~unreleased bug"], state="closed")
    add(REPO, labels=["#g-software", "bug", "~release blocker"], pull_request=True)

    assert committed(lambda: repository_sync(client=GitHubClient(), full=True)).outcome == "ok"
    shown = _added(release, base)
    assert shown["#g-mdm"] == (sorted([blocker, unreleased_release["number"]]), 2, 0)
    assert shown["#g-software"] == ([], 1, 1)

    # Webhooks: a blocker fixed, a bug becomes a blocker, a P1 moves to another group.
    fake_github.update_issue(REPO, blocker, state="closed")
    committed(lambda: _webhook(client, queued, blocker))
    fake_github.update_issue(REPO, unreleased, labels=["#g-mdm", "bug", "~release blocker"])
    committed(lambda: _webhook(client, queued, unreleased))
    fake_github.update_issue(REPO, p1, labels=["#g-mdm", "bug", "P1", "~unreleased bug"])
    committed(lambda: _webhook(client, queued, p1))
    shown = _added(release, base)
    assert shown["#g-mdm"] == (sorted([unreleased_release["number"], unreleased]), 2, 1)
    assert shown["#g-software"] == ([], 0, 0)

    # The next incremental sync: a new blocker, a reopened issue, labels dropped.
    new = add(REPO, labels=["#g-software", "~unreleased bug", ":release"])["number"]
    fake_github.update_issue(REPO, blocker, state="open")
    fake_github.update_issue(REPO, unreleased_release["number"], labels=["#g-mdm"])
    assert committed(lambda: repository_sync(client=GitHubClient())).outcome == "ok"
    shown = _added(release, base)
    assert shown["#g-mdm"] == (sorted([blocker, unreleased]), 1, 1)
    assert shown["#g-software"] == ([new], 1, 0)


def _poll(viewer, etag: str = ""):
    return viewer.get(
        f"/releases/4.75.0/board/?etag={etag}" if etag else "/releases/4.75.0/board/",
        headers={"HX-Request": "true"},
    )


def test_a_viewers_poll_redraws_after_a_webhook_and_not_after_an_idle_sync(
    org, fake_github, client, queued, monkeypatch, django_capture_on_commit_callbacks
):
    """The board ETag follows the mirror writes, not the sync runs (fleetops/github/stamp.py)."""
    monkeypatch.setattr(board_selectors, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))
    viewer = Client()
    viewer.force_login(org["outsider"])
    with django_capture_on_commit_callbacks(execute=True):
        assert repository_sync(client=GitHubClient(), full=True).outcome == "ok"
    html = _poll(viewer).content.decode()
    etag = html.split('data-etag="')[1].split('"')[0]

    with django_capture_on_commit_callbacks(execute=True):
        assert repository_sync(client=GitHubClient()).outcome == "ok"  # nothing changed
    assert _poll(viewer, etag).status_code == 204

    number = fake_github.add_issue(REPO, labels=["#g-mdm", "bug", "~unreleased bug"])["number"]
    with django_capture_on_commit_callbacks(execute=True):
        assert repository_sync(client=GitHubClient()).outcome == "ok"
    html = _poll(viewer, etag).content.decode()
    etag = html.split('data-etag="')[1].split('"')[0]
    assert f"#{number}" not in html  # an unreleased bug, not (yet) a blocker

    fake_github.update_issue(REPO, number, labels=["#g-mdm", "bug", "~release blocker"])
    with django_capture_on_commit_callbacks(execute=True):
        _webhook(client, queued, number)
    redrawn = _poll(viewer, etag)
    assert redrawn.status_code == 200
    assert f"#{number}" in redrawn.content.decode()
    assert number in _shown(org["release"])["#g-mdm"][0]


def test_the_board_reads_its_counts_once_per_mirror_change(org, fake_github, committed):
    """Proof that the stored counts are what the board shows: a row changed behind the
    writers' backs (no stamp move) is not seen until the stamp moves."""
    release = org["release"]
    assert committed(lambda: repository_sync(client=GitHubClient(), full=True)).outcome == "ok"
    before = _shown(release)
    issue = Issue.objects.create(
        repository=Issue.objects.first().repository,
        number=99_001,
        title="Found behind the writers' backs",
        state="open",
        author_login="someone",
        github_id=99_001,
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    issue.labels.set(Label.objects.filter(name__in=["#g-mdm", "~release blocker"]))
    assert _shown(release) == before
    committed(mirror_changed)
    assert 99_001 in _shown(release)["#g-mdm"][0]


def test_pushed_stories_are_read_once_per_mirror_change(org, committed):
    """The board's pushed stories are stored per mirror stamp (ADR 0022): what a writer
    changes shows after its stamp move, a row changed behind the writers' backs does not."""
    from fleetops.github.models import Milestone
    from releases.board.selectors import release_pushed_stories
    from tests.releases.factories import mirror_issue

    release = org["release"]
    story = mirror_issue(300, "story", "~pushed", "#g-mdm")
    story.milestone = Milestone.objects.create(
        repository=story.repository, github_id=77, number=77, title="4.75.0", state="open"
    )
    story.assignees = ["noahtalerman"]
    story.save()
    release.milestone = story.milestone
    release.save()
    [shown] = release_pushed_stories(release=release)
    assert (shown.number, shown.title) == (300, "Issue 300")
    assert "@noahtalerman" in " ".join(shown.stakeholders)
    Issue.objects.filter(pk=story.pk).update(state="closed")  # no writer, no stamp move
    assert [s.number for s in release_pushed_stories(release=release)] == [300]
    committed(mirror_changed)
    assert release_pushed_stories(release=release) == []
