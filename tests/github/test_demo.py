"""The demo mirror behind `manage.py seed_demo` (worlds/demo/github/)."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from fleetops.github.models import (
    MEMBER_ASSOCIATIONS,
    ExternalRelease,
    FileContent,
    Issue,
    IssueComment,
    Label,
    Milestone,
    Repository,
    SyncRun,
    Tag,
)
from fleetops.org.models import ProductGroup, Sprint, process_today
from worlds.demo.seed import demo_seed

REPO = "fleetdm/fleet"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Seed once for the module (a few seconds), inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Issue,
            IssueComment,
            Label,
            Milestone,
            Tag,
            ExternalRelease,
            FileContent,
            SyncRun,
            Repository,
        )
    }


def _repo_issues():
    return Issue.objects.filter(repository__full_name=REPO)


def test_demo_mirrors_thousands_of_issues_and_prs():
    assert _repo_issues().issues().count() > 1000
    assert _repo_issues().pull_requests().count() > 1000
    assert 2500 <= _repo_issues().count() <= 3500
    assert IssueComment.objects.count() > 5000


def test_demo_uses_every_group_label():
    for label in ProductGroup.objects.values_list("github_label", flat=True):
        assert _repo_issues().labelled(label).exists(), label


def test_demo_has_open_release_blockers_for_two_groups():
    group_labels = set(ProductGroup.objects.values_list("github_label", flat=True))
    blockers = _repo_issues().open().labelled("~release blocker")
    groups = set(
        Label.objects.filter(issues__in=blockers, name__in=group_labels).values_list(
            "name", flat=True
        )
    )
    assert len(groups) >= 2


def test_demo_has_community_issues_waiting_for_a_member():
    waiting = _repo_issues().open().issues().community().filter(first_member_response_at=None)
    assert waiting.count() >= 3
    assert not IssueComment.objects.filter(
        issue__in=waiting, author_association__in=MEMBER_ASSOCIATIONS
    ).exists()


def test_demo_has_community_issues_gone_stale_after_a_member_asked():
    today = process_today()
    stale = 0
    for issue in _repo_issues().open().issues().community().prefetch_related("comments"):
        comments = list(issue.comments.all())
        if (
            comments
            and comments[-1].by_member
            and (today - comments[-1].created_at.date()).days >= 7
        ):
            stale += 1
    assert stale >= 3


def test_demo_has_bot_pull_requests_outside_the_community():
    bots = _repo_issues().pull_requests().filter(author_login="dependabot[bot]")
    assert bots.count() > 20
    assert all(bots.values_list("author_is_bot", flat=True))
    assert not bots.community().exists()


def test_demo_has_community_pull_requests_of_each_association():
    associations = set(
        _repo_issues().pull_requests().community().values_list("author_association", flat=True)
    )
    assert {"CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR"} <= associations


def test_demo_merged_prs_are_closed_with_merged_at():
    merged = _repo_issues().pull_requests().exclude(merged_at=None)
    assert merged.count() > 500
    assert not merged.exclude(state="closed").exists()
    assert not merged.exclude(closed_at=F("merged_at")).exists()
    assert not _repo_issues().issues().exclude(merged_at=None).exists()
    assert _repo_issues().pull_requests().filter(state="open", draft=True).exists()


def test_demo_timestamps_are_consistent():
    issues = _repo_issues()
    assert not issues.filter(updated_at__lt=F("created_at")).exists()
    assert not issues.filter(closed_at__lt=F("created_at")).exists()
    assert not issues.filter(state="open").exclude(closed_at=None).exists()
    assert not issues.filter(state="closed", closed_at=None).exists()
    assert not IssueComment.objects.filter(created_at__lt=F("issue__created_at")).exists()
    assert not IssueComment.objects.filter(created_at__gt=F("issue__updated_at")).exists()
    counted = issues.annotate(n=Count("comments")).exclude(n=F("comments_count"))
    assert not counted.exists()


def test_demo_milestones_include_the_current_sprint_open():
    sprint = Sprint.objects.containing(process_today()).get()
    current = Milestone.objects.get(state="open", due_on__date=sprint.ends_on)
    assert re.fullmatch(r"4\.\d+\.0", current.title)
    assert Milestone.objects.filter(state="closed").count() > 10
    assert current.issues.filter(state="open").exists()


def test_demo_tags_name_the_releases_with_dates():
    names = list(Tag.objects.values_list("name", flat=True))
    for prefix in ("fleet-v4.", "orbit-v", "fleetd-chrome-v"):
        assert any(name.startswith(prefix) for name in names), prefix
    assert not Tag.objects.filter(committed_at=None).exists()


def test_demo_go_mod_has_the_go_directive_and_the_extension():
    text = FileContent.objects.get(repository__full_name=REPO, ref="main", path="go.mod").text
    assert re.search(r"^go 1\.\d+\.\d+$", text, re.MULTILINE)
    block = text.split("require (\n", 1)[1].split("\n)", 1)[0]
    assert re.search(r"^\tgithub\.com/macadmins/osquery-extension v1\.\d+\.\d+$", block, re.M)


def test_demo_osquery_workflow_pins_the_newest_stable_release():
    text = FileContent.objects.get(
        repository__full_name=REPO,
        ref="main",
        path=".github/workflows/generate-osqueryd-targets.yml",
    ).text
    env = text.split("\nenv:\n", 1)[1].split("\n\n", 1)[0]
    pinned = re.search(r"^  OSQUERY_VERSION: (5\.\d+\.\d+)$", env, re.M).group(1)
    osquery = ExternalRelease.objects.filter(repository__full_name="osquery/osquery")
    newest_stable = osquery.filter(prerelease=False).order_by("-published_at").first()
    assert pinned == newest_stable.tag_name
    assert osquery.filter(prerelease=True).exists()
    assert not osquery.filter(tag_name__startswith="v").exists()
    extension = ExternalRelease.objects.filter(repository__full_name="macadmins/osquery-extension")
    assert extension.exists()
    assert not extension.exclude(tag_name__startswith="v").exists()


def test_demo_first_member_response_is_set_exactly_where_a_member_commented():
    first = dict(
        IssueComment.objects.filter(author_association__in=MEMBER_ASSOCIATIONS, author_is_bot=False)
        .values("issue_id")
        .annotate(at=Min("created_at"))
        .values_list("issue_id", "at")
    )
    recorded = dict(
        _repo_issues()
        .exclude(first_member_response_at=None)
        .values_list("id", "first_member_response_at")
    )
    assert first
    assert recorded == first


def test_demo_records_a_finished_run_and_leaves_cursors_empty():
    run = SyncRun.objects.get(repository__full_name=REPO)
    assert (run.outcome, run.trigger) == ("ok", "demo")
    assert run.finished_at >= run.started_at
    repository = Repository.objects.get(full_name=REPO)
    assert repository.issues_cursor is None
    assert repository.comments_cursor is None


def test_demo_seeded_twice_changes_no_counts():
    before = _counts()
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert _counts() == before
    assert not _repo_issues().filter(~Q(first_member_response_at=None), comments_count=0).exists()


def test_demo_seeded_again_days_later_tells_one_coherent_history():
    before = _repo_issues().count()
    demo_seed(now=timezone.now() + dt.timedelta(days=3))
    assert _repo_issues().count() == before
    assert not _repo_issues().annotate(n=Count("comments")).exclude(n=F("comments_count")).exists()
    assert not IssueComment.objects.filter(created_at__lt=F("issue__created_at")).exists()
