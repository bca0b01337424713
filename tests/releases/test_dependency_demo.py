"""The demo's dependency checks: one finished run, made from the demo mirror without network."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from fleetops.github.client import GitHubClient
from releases.board.selectors import release_current
from releases.dependencies import sources as dependency_checks
from releases.dependencies.selectors import dependency_gate
from releases.dependencies.versions import Version
from releases.models import DependencyCheckResult, DependencyCheckRun
from worlds.demo.context import DemoContext
from worlds.demo.dependencies import demo_go_releases, seed_dependencies


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The demo organisation and mirror, once for the module, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the demo must not use the network")

    monkeypatch.setattr(dependency_checks.requests, "get", refuse)
    monkeypatch.setattr(GitHubClient, "request", refuse)


def _seed():
    ctx = DemoContext(now=timezone.now(), rng=random.Random(1))
    release = release_current()
    return ctx, release, seed_dependencies(ctx, release)


def test_demo_records_one_finished_run_with_realistic_results(no_network):
    ctx, _, run = _seed()
    results = {r.check_name: r for r in run.results.all()}
    assert run.finished_at is not None
    assert run.outcome == "ok"
    assert list(results) == [
        "go",
        "go-major",
        "macadmins-extension",
        "osquery",
        "vulnerability-feeds",
        "orbit",
        "fleetd-chrome",
    ]
    assert {c: (r.status, r.release_blocker) for c, r in results.items()} == {
        "go": ("outdated", True),
        "go-major": ("outdated", False),
        "macadmins-extension": ("outdated", True),  # the demo go.mod trails by one release
        "osquery": ("ok", False),
        "vulnerability-feeds": ("manual", False),
        "orbit": ("outdated", False),
        "fleetd-chrome": ("ok", False),
    }
    assert all(f["filename"].startswith("orbit/") for f in results["orbit"].data["files"])
    assert any("dependency checks" in line for line in ctx.summary)


def test_demo_shows_on_the_release_go_no_go(no_network):
    _, release, _ = _seed()
    gate = dependency_gate(release=release)
    assert gate.status == "blocking"
    assert len(gate.remaining) == 3


def test_demo_twice_replaces_its_run(no_network):
    _, release, first = _seed()
    _, _, second = _seed()
    assert list(DependencyCheckRun.objects.filter(release=release, trigger="demo")) == [second]
    assert (
        DependencyCheckResult.objects.filter(run__release=release, run__trigger="demo").count() == 7
    )
    assert first.pk != second.pk


def test_demo_go_list_is_relative_to_the_pinned_version():
    versions = demo_go_releases(Version(1, 27, 2))
    assert max(v for v in versions if v.line == (1, 27)) == Version(1, 27, 3)
    assert max(versions) == Version(1, 28, 1)
    assert not any(v.is_prerelease for v in versions)
