"""The release DRI runs the dependency checks in the browser and acts on what they find.

"Run checks" queues the task; here its `delay` runs the task in a thread of the test process
(the real-worker path is tested in tests/releases/test_dependency_tasks.py), against a fake
GitHub that answers slowly enough for the progress to show, and a fake Go release list.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Page, expect

from fleetops.github.models import GitHubWrite
from releases.dependencies import views as dependency_views
from releases.dependencies.rules import Finding
from releases.dependencies.services import dependency_run_record
from releases.dependencies.tasks import dependency_checks_run_task
from releases.models import DependencyAcknowledgement, DependencyCheckRun, Release
from tests.eager import eager
from tests.factories import PersonFactory
from tests.fakegithub.server import FakeGitHub
from tests.releases import test_dependency_fixtures as fixtures
from tests.releases.factories import ReleaseFactory
from tests.releases.test_dependency_fixtures import product_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The shared fixtures (golist, dirty_reads_on_sqlite, eager), used by name.
fixture_golist, fixture_dirty_reads = (
    fixtures.fixture_golist,
    fixtures.fixture_dirty_reads_on_sqlite,
)
fixture_eager = eager


@pytest.fixture
def slow_github(settings):
    """A fake GitHub taking 0.8 s per request: a run takes a few seconds, like the real one."""
    with FakeGitHub(latency=0.8) as fake:
        settings.GITHUB_API_URL = fake.url
        settings.GITHUB_TOKEN = "test-token-not-a-secret"
        settings.GITHUB_REPOSITORY = "fleetdm/fleet"
        yield fake


@pytest.fixture
def task_in_a_thread(monkeypatch):
    """`delay` starts the task in a thread half a second later, as a worker would pick it up
    (on SQLite's shared in-memory test database, starting at once would lock the tables the
    request is still reading)."""
    threads: list[threading.Thread] = []

    def run(*args):
        def target():
            try:
                dependency_checks_run_task(*args)
            finally:
                connection.close()

        thread = threading.Timer(0.5, target)
        thread.daemon = True
        threads.append(thread)
        thread.start()

    monkeypatch.setattr(dependency_views.dependency_checks_run_task, "delay", run)
    yield threads
    for thread in threads:
        thread.join(timeout=30)


@pytest.fixture
def dri():
    return PersonFactory(user__username="dri", name="Pieter de Wit", github_login="pdewit")


def _sign_in(page: Page, live_server, password: str, username: str = "dri") -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _console_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_browser_run_checks_shows_progress_then_results(
    live_server,
    page: Page,
    password,
    dri,
    slow_github,
    golist,
    task_in_a_thread,
    dirty_reads_on_sqlite,
):
    ReleaseFactory(version="4.76.0", dri=dri, state=Release.State.QA)
    product_set(
        slow_github,
        golist,
        go_releases=["1.25.1", "1.24.6", "1.24.4"],
        orbit_files=["orbit/cmd/desktop/desktop.go"],
    )
    errors = _console_errors(page)
    _sign_in(page, live_server, password)
    page.goto(f"{live_server.url}/releases/dependencies/")
    expect(page.get_by_role("heading", name="Dependency checks · Fleet v4.76.0")).to_be_visible()
    expect(page.locator("#dependency-gate")).to_contain_text("Not run yet")
    page.evaluate("window.notReloaded = true")

    page.get_by_role("button", name="Run checks").click()
    panel = page.locator("#run-panel")
    expect(panel).to_contain_text("Waiting for a worker")
    expect(panel.get_by_role("button", name="Run checks")).to_be_disabled()
    expect(panel).to_contain_text("checks done", timeout=15_000)  # the run, under way
    expect(panel.locator("progress")).to_be_visible()

    expect(panel).to_contain_text("ok", timeout=30_000)
    expect(panel).not_to_contain_text("checks done")
    expect(panel.get_by_role("button", name="Run checks")).to_be_enabled()
    expect(page.locator("#row-go")).to_contain_text("release blocker")
    expect(page.locator("#row-go")).to_contain_text("1.24.6")
    expect(page.locator("#row-go-major")).to_contain_text("outdated")
    expect(page.locator("#row-orbit")).to_contain_text("release QA needed")
    expect(page.locator("#dependency-gate")).to_contain_text("2 unresolved")
    expect(page.locator("#dependency-gate")).to_contain_text(
        "Go 1.24.4 → 1.24.6 is a release blocker (DRI: Pieter de Wit)"
    )
    expect(page.locator("#run-history")).to_contain_text("button")
    assert page.evaluate("window.notReloaded") is True  # all of it without a reload
    assert DependencyCheckRun.objects.get().outcome == "ok"
    assert not errors, errors  # no CSP violation, no failed request


def test_browser_dri_files_the_issue_and_acknowledges(
    live_server, page: Page, password, dri, slow_github, golist
):
    release = ReleaseFactory(version="4.76.0", dri=dri, state=Release.State.QA)
    slow_github.latency = 0
    product_set(slow_github, golist, go_releases=["1.24.6", "1.24.4"])
    dependency_checks_run_task(release.pk, "schedule")
    errors = _console_errors(page)
    _sign_in(page, live_server, password)
    page.goto(f"{live_server.url}/releases/4.76.0/dependencies/")

    page.locator("#row-go").get_by_role("button", name="File the issue").click()
    expect(page.get_by_role("status").filter(has_text="Dry run")).to_contain_text(
        "“Upgrade Go to 1.24.6 (release blocker)” recorded, not sent to GitHub"
    )
    card = page.locator("#check-go")
    expect(card).to_contain_text("POST /repos/fleetdm/fleet/issues")
    expect(card).to_contain_text("~release blocker")
    expect(page.locator("#row-go")).to_contain_text("dry run")
    assert GitHubWrite.objects.get().payload["assignees"] == ["pdewit"]

    # Handbook: an outdated Go patch is upgraded before publishing, never acknowledged away.
    expect(card).to_contain_text("It cannot be acknowledged away")
    expect(card.get_by_role("button", name="Acknowledge")).to_have_count(0)
    expect(page.locator("#dependency-gate")).to_contain_text("2 unresolved")

    feeds = page.locator("#check-vulnerability-feeds")
    feeds.get_by_role("button", name="Confirm the announcements were checked").click()
    expect(page.locator("#dependency-gate")).to_contain_text("1 unresolved")
    expect(page.locator("#dependency-gate")).to_contain_text("Go 1.24.4 → 1.24.6")
    assert not DependencyAcknowledgement.objects.exists()
    assert not errors, errors


def test_browser_phone_width_keeps_verdicts_visible(live_server, browser, password, dri):
    release = ReleaseFactory(version="4.76.0", dri=dri, state=Release.State.QA)
    dependency_run_record(
        release=release,
        ref="main",
        findings=[Finding("macadmins-extension", "v1.2.7", "v1.3.0", "outdated", True, "bug")],
        trigger="schedule",
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    _sign_in(page, live_server, password)
    page.goto(f"{live_server.url}/releases/dependencies/")
    verdict = page.locator("#row-macadmins-extension").get_by_text("release blocker")
    expect(verdict).to_be_visible()
    box = verdict.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] / 2 < 390, "the verdict is off-screen on a phone"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
    context.close()


def test_browser_run_checks_spins_while_it_runs_then_shows_the_finished_run(
    live_server, page: Page, password, dri, slow_github, golist, eager
):
    """`make run` (Celery in-process): the button is disabled and spins while the request is
    out, and the answer is the finished run, never "queued"."""
    ReleaseFactory(version="4.76.0", dri=dri, state=Release.State.QA)
    slow_github.latency = 0
    product_set(slow_github, golist, go_releases=["1.24.6", "1.24.4"])
    errors = _console_errors(page)
    held = []
    page.route("**/releases/dependencies/run/", lambda route: held.append(route))  # held
    _sign_in(page, live_server, password)
    page.goto(f"{live_server.url}/releases/dependencies/")
    panel = page.locator("#run-panel")
    button = panel.get_by_role("button", name="Run checks")

    button.click()
    expect(button).to_be_disabled()
    expect(button.locator(".spinner")).to_be_visible()
    expect(panel).to_have_attribute("aria-busy", "true")
    assert len(held) == 1
    held[0].continue_()

    expect(panel).to_contain_text("ok", timeout=30_000)
    expect(button).to_be_enabled()
    expect(button.locator(".spinner")).to_be_hidden()
    expect(panel).to_have_attribute("aria-busy", "false")
    expect(panel).not_to_contain_text("queued")
    expect(page.locator("#row-go")).to_contain_text("release blocker")
    expect(page.locator("#dependency-gate")).to_contain_text("Go 1.24.4 → 1.24.6")
    assert DependencyCheckRun.objects.get().outcome == "ok"
    assert not errors, errors
