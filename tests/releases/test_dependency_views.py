"""The dependencies page: what a DRI sees and does, and what others may not do."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone
from kombu.exceptions import OperationalError

from fleetops.github.models import GitHubWrite
from releases.dependencies import views as dependency_views
from releases.dependencies.rules import Finding
from releases.dependencies.services import dependency_run_record
from releases.models import (
    DependencyAcknowledgement,
    DependencyCheckRun,
    DependencyIssue,
    FeedConfirmation,
)
from tests.factories import PersonFactory, ProductGroupFactory, UserFactory
from tests.releases.factories import ReleaseFactory

pytestmark = pytest.mark.django_db

FINDINGS = [
    Finding("go", "1.24.4", "1.24.6", "outdated", True, "bug", "Go 1.24.6 is out.",
            {"file": "go.mod", "line": 3, "ref": "main"}),
    Finding("go-major", "1.24", "1.25", "outdated", False, "story", "Go 1.25 is out."),
    Finding("macadmins-extension", "v1.2.7", "v1.2.7", detail="up to date"),
    Finding("osquery", status="error", detail="GitHub has no x.yml at main (404)"),
    Finding("vulnerability-feeds", status="manual", action="confirm", detail="Check NVD and CISA."),
    Finding("orbit", "orbit-v1.40.0", "main", "outdated", False, "fleetd-release-qa",
            "1 file changed under orbit/ since orbit-v1.40.0.",
            {"path": "orbit/", "files": [{"filename": "orbit/cmd/desktop/desktop.go",
                                           "status": "modified", "additions": 3, "deletions": 1}],
             "commits": [{"sha": "a" * 40, "message": "Desktop: refresh tray", "author": "x"}],
             "total_commits": 1, "compare_url": "https://github.com/fleetdm/fleet/compare/x"}),
    Finding("fleetd-chrome", "fleetd-chrome-v1.3.0", "main", detail="No changes."),
]  # fmt: skip


@pytest.fixture
def dri():
    return PersonFactory(user__username="pieter", name="Pieter de Wit", github_login="pdewit")


@pytest.fixture
def release(dri):
    return ReleaseFactory(version="4.76.0", dri=dri)


@pytest.fixture
def run(release):
    now = timezone.now()
    return dependency_run_record(
        release=release,
        ref="main",
        findings=FINDINGS,
        trigger="schedule",
        started_at=now - dt.timedelta(seconds=12),
        finished_at=now,
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def dri_client(dri):
    return _client(dri.user)


@pytest.fixture
def engineer_client():
    return _client(PersonFactory(user__username="eng").user)


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(
        dependency_views.dependency_checks_run_task, "delay", lambda *args: calls.append(args)
    )
    return calls


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _result(run, check):
    return run.results.get(check_name=check)


# -- the page -----------------------------------------------------------------------------------


def test_page_shows_one_row_per_check_with_verdicts(dri_client, run):
    response = dri_client.get("/releases/dependencies/")
    html = _text(response)
    assert response.status_code == 200
    assert "Dependency checks · Fleet v4.76.0" in html
    for check, verdict in [
        ("go", "release blocker"),
        ("go-major", "outdated"),
        ("macadmins-extension", "up to date"),
        ("osquery", "error"),
        ("vulnerability-feeds", "needs confirmation"),
        ("orbit", "release QA needed"),
        ("fleetd-chrome", "no changes"),
    ]:
        row = re.search(rf'<tr id="row-{check}">(.*?)</tr>', html).group(1)
        assert verdict in row, (check, row)
    assert "GitHub has no x.yml at main (404)" in html
    assert "orbit/cmd/desktop/desktop.go" in html


def test_page_go_no_go_counts_unresolved_blockers(dri_client, run):
    html = _text(dri_client.get("/releases/4.76.0/dependencies/"))
    assert "2 unresolved" in html
    assert "Go 1.24.4 → 1.24.6 is a release blocker (DRI: Pieter de Wit)" in html
    assert "Vulnerability feeds not confirmed (DRI: Pieter de Wit)" in html


def test_page_shows_the_issue_a_check_calls_for_before_filing(dri_client, run):
    html = _text(dri_client.get("/releases/4.76.0/dependencies/"))
    assert "Upgrade Go to 1.24.6 (release blocker)" in html
    assert "File the issue (dry run)" in html
    assert "~release blocker" in html


def test_page_strict_csp_no_inline_script_style_or_handlers(dri_client, run):
    html = dri_client.get("/releases/4.76.0/dependencies/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)


def test_page_without_runs_says_not_run(dri_client, release):
    html = _text(dri_client.get("/releases/4.76.0/dependencies/"))
    assert "Not run yet" in html
    assert "Run checks" in html


def test_page_unknown_release_is_404(dri_client):
    assert dri_client.get("/releases/9.9.9/dependencies/").status_code == 404


def test_page_engineer_sees_results_without_buttons(engineer_client, run):
    html = _text(engineer_client.get("/releases/4.76.0/dependencies/"))
    assert "release blocker" in html
    assert ">Run checks<" not in html
    assert "File the issue" not in html
    assert "can run the checks" in html


def test_page_shows_a_past_run(dri_client, run, release):
    later = dependency_run_record(
        release=release,
        ref="main",
        findings=[Finding("go", "1.24.6", "1.24.6")],
        trigger="button",
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )
    latest = _text(dri_client.get("/releases/4.76.0/dependencies/"))
    assert 'id="row-go"' in latest
    assert "release blocker</span>" not in re.search(r'<tr id="row-go">(.*?)</tr>', latest).group(1)
    past = _text(dri_client.get(f"/releases/4.76.0/dependencies/?run={run.pk}"))
    assert "You are looking at the run of" in past
    assert "release blocker" in re.search(r'<tr id="row-go">(.*?)</tr>', past).group(1)
    assert later.pk != run.pk


def test_page_run_of_another_release_is_404(dri_client, run):
    other = ReleaseFactory()
    assert (
        dri_client.get(f"/releases/{other.version}/dependencies/?run={run.pk}").status_code == 404
    )
    assert dri_client.get("/releases/4.76.0/dependencies/?run=abc").status_code == 404


def test_page_history_lists_runs(dri_client, run):
    html = _text(dri_client.get("/releases/4.76.0/dependencies/"))
    history = re.search(r'id="run-history"(.*?)</section>', html).group(1)
    assert "schedule" in history
    assert "ok" in history


# -- running the checks ---------------------------------------------------------------------------


def test_run_by_dri_queues_the_task_and_shows_progress(dri_client, dri, release, run, queued, hx):
    response = dri_client.post("/releases/dependencies/run/", {"release": "4.76.0"}, headers=hx)
    html = _text(response)
    assert response.status_code == 200
    assert queued == [(release.pk, "button", dri.user.pk)]
    assert "Waiting for a worker" in html
    assert f"after={run.pk}" in html
    assert 'hx-trigger="every 2s"' in html


def test_run_without_htmx_redirects_to_the_page(dri_client, release, queued):
    response = dri_client.post("/releases/dependencies/run/", {"release": "4.76.0"})
    assert response.status_code == 302
    assert response["Location"] == "/releases/4.76.0/dependencies/"
    assert len(queued) == 1


def test_run_by_a_qa_lead_is_allowed(release, queued, hx):
    qa = PersonFactory(user__username="qa")
    ProductGroupFactory(qa_lead=qa)
    response = _client(qa.user).post(
        "/releases/dependencies/run/", {"release": "4.76.0"}, headers=hx
    )
    assert response.status_code == 200
    assert len(queued) == 1


def test_run_by_an_engineer_is_refused(engineer_client, release, queued, hx):
    response = engineer_client.post(
        "/releases/dependencies/run/", {"release": "4.76.0"}, headers=hx
    )
    assert response.status_code == 403
    assert queued == []


def test_run_with_the_queue_down_says_so(dri_client, release, monkeypatch, hx):
    def down(*args):
        raise OperationalError("connection refused")

    monkeypatch.setattr(dependency_views.dependency_checks_run_task, "delay", down)
    html = _text(dri_client.post("/releases/dependencies/run/", {"release": "4.76.0"}, headers=hx))
    assert "The task queue is unavailable" in html
    assert 'hx-trigger="every 2s"' not in html


def test_run_of_an_unknown_release_is_refused(dri_client, queued):
    assert dri_client.post("/releases/dependencies/run/", {"release": "x"}).status_code == 400
    assert dri_client.post("/releases/dependencies/run/", {"release": "9.9.9"}).status_code == 404
    assert queued == []


def test_status_while_queued_keeps_polling(dri_client, run, hx):
    response = dri_client.get(
        f"/releases/dependencies/status/?release=4.76.0&after={run.pk}&queued_at=9999999999",
        headers=hx,
    )
    html = _text(response)
    assert "Waiting for a worker" in html
    assert 'hx-trigger="every 2s"' in html


def test_status_gives_up_waiting_for_a_worker(dri_client, run, hx):
    html = _text(
        dri_client.get(
            f"/releases/dependencies/status/?release=4.76.0&after={run.pk}&queued_at=1", headers=hx
        )
    )
    assert "No worker has started the checks since they were queued" in html
    assert "is a Celery worker running?" in html
    assert 'hx-trigger="every 10s"' in html  # still asking, more slowly: a worker may start


def test_status_while_running_shows_progress_and_partial_results(dri_client, release, run, hx):
    running = DependencyCheckRun.objects.create(
        release=release, ref="main", started_at=timezone.now(), step="reading go.mod at main"
    )
    running.results.create(
        check_name="go", current="1.24.4", latest="1.24.4", status="ok", checked_at=timezone.now()
    )
    html = _text(
        dri_client.get(f"/releases/dependencies/status/?release=4.76.0&after={run.pk}", headers=hx)
    )
    assert "1 of 7 checks done · reading go.mod at main" in html
    assert 'hx-trigger="every 2s"' in html
    assert 'id="dependency-results" hx-swap-oob="true"' in html
    assert "checking…" in html


def test_status_when_finished_stops_polling_and_brings_results(dri_client, run, hx):
    html = _text(
        dri_client.get(
            f"/releases/dependencies/status/?release=4.76.0&after={run.pk - 1}", headers=hx
        )
    )
    panel = re.search(r'<article[^>]*id="run-panel"[^>]*>', html).group(0)
    assert "hx-get" not in panel
    assert 'id="dependency-results" hx-swap-oob="true"' in html
    assert 'id="dependency-gate" hx-swap-oob="true"' in html


# -- filing, acknowledging, confirming -----------------------------------------------------------


def test_file_the_issue_shows_the_exact_dry_run_request(dri_client, run, hx):
    result = _result(run, "go")
    response = dri_client.post(f"/releases/dependencies/results/{result.pk}/file/", headers=hx)
    html = _text(response)
    assert response.status_code == 200
    assert "Dry run: “Upgrade Go to 1.24.6 (release blocker)” recorded, not sent" in html
    assert "POST /repos/fleetdm/fleet/issues" in html
    assert "&quot;~release blocker&quot;" in html
    assert 'id="dependency-gate" hx-swap-oob="true"' in html
    assert GitHubWrite.objects.get().status == "dry-run"


def test_file_the_issue_twice_files_once(dri_client, run, hx):
    result = _result(run, "go")
    for _ in range(2):
        dri_client.post(f"/releases/dependencies/results/{result.pk}/file/", headers=hx)
    assert GitHubWrite.objects.count() == 1
    assert DependencyIssue.objects.count() == 1


def test_file_the_issue_by_an_engineer_is_refused(engineer_client, run, hx):
    result = _result(run, "go")
    response = engineer_client.post(f"/releases/dependencies/results/{result.pk}/file/", headers=hx)
    assert response.status_code == 403
    assert not GitHubWrite.objects.exists()


def test_file_the_issue_for_an_up_to_date_check_says_nothing_to_file(dri_client, run, hx):
    result = _result(run, "macadmins-extension")
    html = _text(dri_client.post(f"/releases/dependencies/results/{result.pk}/file/", headers=hx))
    assert "nothing to file" in html
    assert not GitHubWrite.objects.exists()


def test_file_the_issue_without_htmx_redirects(dri_client, run):
    result = _result(run, "go-major")
    response = dri_client.post(f"/releases/dependencies/results/{result.pk}/file/")
    assert response.status_code == 302
    assert response["Location"] == "/releases/4.76.0/dependencies/"


def test_acknowledging_the_go_blocker_is_refused_and_the_gate_holds(dri_client, run, hx):
    result = _result(run, "go")
    html = _text(
        dri_client.post(
            f"/releases/dependencies/results/{result.pk}/acknowledge/",
            {"note": "Upgrade merged in #41, in the next RC build"},
            headers=hx,
        )
    )
    assert "cannot be acknowledged" in html
    assert "must upgrade it before publishing" in html
    assert not DependencyAcknowledgement.objects.exists()
    gate = re.search(r'id="dependency-gate" hx-swap-oob="true"(.*?)</article>', html).group(1)
    assert "2 unresolved" in gate


def test_the_page_offers_no_acknowledge_for_a_go_blocker(dri_client, run):
    html = _text(dri_client.get("/releases/4.76.0/dependencies/"))
    assert 'for="ack-note-go"' not in html
    assert "It cannot be acknowledged away" in html
    assert 'for="ack-note-go-major"' in html


def test_acknowledge_another_outdated_check_with_a_reason(dri_client, run, hx):
    result = _result(run, "go-major")
    html = _text(
        dri_client.post(
            f"/releases/dependencies/results/{result.pk}/acknowledge/",
            {"note": "Go 1.25 lands next sprint"},
            headers=hx,
        )
    )
    assert "Acknowledged." in html
    assert "Go 1.25 lands next sprint" in html


def test_acknowledge_without_a_reason_changes_nothing(dri_client, run, hx):
    result = _result(run, "go-major")
    html = _text(
        dri_client.post(
            f"/releases/dependencies/results/{result.pk}/acknowledge/", {"note": " "}, headers=hx
        )
    )
    assert "Say why the release can go ahead" in html
    assert not DependencyAcknowledgement.objects.exists()


def test_acknowledge_by_an_engineer_is_refused(engineer_client, run, hx):
    result = _result(run, "go-major")
    response = engineer_client.post(
        f"/releases/dependencies/results/{result.pk}/acknowledge/", {"note": "fine"}, headers=hx
    )
    assert response.status_code == 403
    assert not DependencyAcknowledgement.objects.exists()


def test_confirm_feeds(dri_client, run, hx):
    html = _text(
        dri_client.post("/releases/4.76.0/dependencies/feeds/", {"note": "Nothing."}, headers=hx)
    )
    assert "Vulnerability feeds confirmed." in html
    assert re.search(r'<tr id="row-vulnerability-feeds">.*?confirmed</span>', html)
    assert FeedConfirmation.objects.get().note == "Nothing."


def test_confirm_feeds_affecting_needs_a_note(dri_client, run, hx):
    html = _text(
        dri_client.post(
            "/releases/4.76.0/dependencies/feeds/", {"may_affect_feeds": "on"}, headers=hx
        )
    )
    assert "Say which announcement may affect the feeds." in html
    assert not FeedConfirmation.objects.exists()


def test_confirm_feeds_by_staff_is_allowed(run, hx):
    client = _client(UserFactory(username="admin", is_staff=True))
    client.post("/releases/4.76.0/dependencies/feeds/", {"note": ""}, headers=hx)
    assert FeedConfirmation.objects.count() == 1


def test_confirm_feeds_by_an_engineer_is_refused(engineer_client, run):
    response = engineer_client.post("/releases/4.76.0/dependencies/feeds/", {"note": "ok"})
    assert response.status_code == 403
    assert not FeedConfirmation.objects.exists()


# -- without a current release ------------------------------------------------------------------


def test_current_page_without_a_release_shows_ad_hoc_runs(queued, hx):
    staff = UserFactory(username="admin", is_staff=True)
    dependency_run_record(
        release=None,
        ref="my-branch",
        findings=FINDINGS,
        trigger="command",
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )
    client = _client(staff)
    html = _text(client.get("/releases/dependencies/"))
    assert "Checks at <code>my-branch</code>" in html
    client.post("/releases/dependencies/run/", {"release": ""}, headers=hx)
    assert queued == [(None, "button", staff.pk)]
