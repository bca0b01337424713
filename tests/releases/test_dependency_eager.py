"""Run checks with Celery run in-process (`make run`): the page shows the finished run, and a
GitHub that cannot be reached is said once, in one sentence, on every page that shows it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from releases.models import DependencyCheckRun, Release
from tests.eager import eager
from tests.factories import PersonFactory
from tests.releases import test_dependency_fixtures as fixtures
from tests.releases.factories import ReleaseFactory
from tests.releases.test_dependency_fixtures import CHROME_TAG, ORBIT_TAG, mirror_tag, product_set

pytestmark = pytest.mark.django_db
fixture_github, fixture_golist, fixture_eager = (
    fixtures.fixture_github,
    fixtures.fixture_golist,
    eager,
)
UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens there
CAUSE = "GitHub could not be reached (connection refused by 127.0.0.1:9)"


@pytest.fixture
def dri_client():
    dri = PersonFactory(user__username="pieter", name="Pieter de Wit", github_login="pdewit")
    ReleaseFactory(version="4.76.0", dri=dri, state=Release.State.QA)
    client = Client()
    client.force_login(dri.user)
    return client


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _run_checks(client: Client, hx: dict[str, str]) -> str:
    response = client.post("/releases/dependencies/run/", {"release": "4.76.0"}, headers=hx)
    assert response.status_code == 200
    return _text(response)


def test_run_in_process_answers_with_the_finished_run(dri_client, github, golist, hx, eager):
    product_set(github, golist, go_releases=["1.24.6", "1.24.4"])
    html = _run_checks(dri_client, hx)
    run = DependencyCheckRun.objects.get()
    assert run.outcome == "ok"
    assert "queued" not in html
    assert "Waiting for a worker" not in html
    panel = re.search(r'<article[^>]*id="run-panel"[^>]*>', html).group(0)
    assert "hx-get" not in panel  # finished: nothing to poll for
    assert 'aria-busy="false"' in panel
    assert 'id="dependency-results" hx-swap-oob="true"' in html  # the results come along
    assert "Go 1.24.4 → 1.24.6 is a release blocker (DRI: Pieter de Wit)" in html
    assert 'id="run-history" hx-swap-oob="true"' in html


def test_run_in_process_without_htmx_says_it_finished(dri_client, github, golist, eager):
    product_set(github, golist)
    response = dri_client.post("/releases/dependencies/run/", {"release": "4.76.0"}, follow=True)
    html = _text(response)
    assert "Dependency checks finished: ok." in html
    assert "queued" not in html


@pytest.fixture
def github_unreachable(settings):
    settings.GITHUB_API_URL = UNREACHABLE
    settings.GO_RELEASES_URL = f"{UNREACHABLE}/dl/"
    settings.GITHUB_REPOSITORY = "fleetdm/fleet"
    mirror_tag(ORBIT_TAG)
    mirror_tag(CHROME_TAG)


def test_unreachable_github_is_one_sentence_said_once(dri_client, github_unreachable, hx, eager):
    html = _run_checks(dri_client, hx)
    run = DependencyCheckRun.objects.get()
    assert run.outcome == "partial"
    assert set(run.results.filter(status="error").values_list("data__cause", flat=True)) == {CAUSE}
    for answer in (html, _text(dri_client.get("/releases/4.76.0/dependencies/"))):
        assert answer.count("connection refused by 127.0.0.1:9") == 1, answer
        assert f"Dependency checks could not run: {CAUSE} (DRI: Pieter de Wit)" in answer
        assert "6 checks could not run" in answer
        assert "6 of 7 checks could not run" in answer  # the run panel, linking to the card
        assert "HTTPConnectionPool" not in answer
        assert "NewConnectionError" not in answer
        assert "queued" not in answer


def test_unreachable_github_is_said_once_on_the_release_board(
    dri_client, github_unreachable, hx, eager
):
    _run_checks(dri_client, hx)
    html = _text(dri_client.get("/releases/4.76.0/"))
    assert html.count("connection refused by 127.0.0.1:9") == 1
    assert f"Dependency checks could not run: {CAUSE} (DRI: Pieter de Wit)" in html
    assert "The Go check failed" not in html
