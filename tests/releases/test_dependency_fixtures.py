"""Set-up shared by the dependency-check tests: a fake GitHub and a fake Go release list on
loopback, the mirror's releases and tags, and the on-call engineer. Imported by the other
`test_dependency_*` modules; it has no tests of its own."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.utils import timezone

from fleetops.github.models import ExternalRelease, Tag
from fleetops.github.upsert import repository_get
from tests.fakegithub.server import FakeGitHub

PRODUCT = "fleetdm/fleet"
ORBIT_TAG = "orbit-v1.40.0"
CHROME_TAG = "fleetd-chrome-v1.10.0"

GO_MOD = """module github.com/fleetdm/fleet/v4

go {go}

toolchain go1.99.9

require (
\tgithub.com/aws/aws-sdk-go v1.55.7
\tgithub.com/macadmins/osquery-extension {extension}
\tgithub.com/spf13/cobra v1.9.1
)

require (
\tgolang.org/x/sys v0.36.0 // indirect
)
"""

WORKFLOW = """name: Generate osqueryd targets for Fleet

on:
  workflow_dispatch:

permissions:
  contents: read

env:
  OSQUERY_VERSION: {osquery}

jobs:
  generate-linux:
    runs-on: ubuntu-latest
    env:
      OSQUERY_VERSION: 0.0.1 # a job's own env is not the pin
"""

_ids = itertools.count(900_000_000)


def go_entries(*stable: str, unstable: Iterable[str] = ()) -> list[dict[str, Any]]:
    """A Go release list in go.dev/dl's JSON format (newest first, like go.dev)."""
    entries = [{"version": f"go{v}", "stable": True, "files": []} for v in stable]
    entries += [{"version": f"go{v}", "stable": False, "files": []} for v in unstable]
    return entries


def mirror_release(repository: str, tag: str, *, prerelease: bool = False, draft: bool = False):
    return ExternalRelease.objects.create(
        repository=repository_get(repository),
        github_id=next(_ids),
        tag_name=tag,
        name=tag,
        draft=draft,
        prerelease=prerelease,
        published_at=None if draft else timezone.now() - dt.timedelta(days=3),
    )


def mirror_tag(name: str, sha: str | None = None) -> Tag:
    return Tag.objects.create(
        repository=repository_get(PRODUCT),
        name=name,
        commit_sha=sha or f"{abs(hash(name)):040x}"[:40],
    )


@pytest.fixture(name="github")
def fixture_github(settings):
    """A fresh fake GitHub (nothing loaded) with the app pointed at it."""
    with FakeGitHub() as fake:
        settings.GITHUB_API_URL = fake.url
        settings.GITHUB_TOKEN = "test-token-not-a-secret"
        settings.GITHUB_REPOSITORY = PRODUCT
        yield fake


@pytest.fixture(name="golist")
def fixture_golist(httpserver, settings) -> Callable[..., None]:
    """Serve a Go release list at GO_RELEASES_URL: `golist(entries)` or `golist(body, status=)`."""
    settings.GO_RELEASES_URL = httpserver.url_for("/dl/")

    def serve(data: Any, status: int = 200) -> None:
        httpserver.clear()
        if isinstance(data, (bytes, str)):
            httpserver.expect_request("/dl/").respond_with_data(data, status=status)
        else:
            httpserver.expect_request("/dl/").respond_with_json(data, status=status)

    return serve


def product_set(
    github: FakeGitHub,
    golist: Callable[..., None] | None = None,
    *,
    ref: str = "main",
    go: str = "1.24.4",
    extension: str = "v1.2.7",
    osquery: str = "5.12.2",
    go_releases: Iterable[str] = ("1.24.4", "1.24.3", "1.23.9"),
    extension_releases: Iterable[str] = ("v1.2.7", "v1.2.6"),
    osquery_releases: Iterable[str] = ("5.12.2", "5.12.1"),
    orbit_files: Iterable[str] = (),
    chrome_files: Iterable[str] = (),
    go_mod: str | None = None,
    workflow: str | None = None,
) -> None:
    """The product at `ref`, the watched releases and tags in the mirror, the Go list served."""
    github.set_file(
        PRODUCT,
        ref,
        "go.mod",
        go_mod if go_mod is not None else GO_MOD.format(go=go, extension=extension),
    )
    github.set_file(
        PRODUCT,
        ref,
        ".github/workflows/generate-osqueryd-targets.yml",
        workflow if workflow is not None else WORKFLOW.format(osquery=osquery),
    )
    if golist is not None:
        golist(go_entries(*go_releases, unstable=("1.99rc1", "1.98beta1")))
    for tag in extension_releases:
        mirror_release("macadmins/osquery-extension", tag)
    for tag in osquery_releases:
        mirror_release("osquery/osquery", tag)
    # Older tags whose names sort after the newest as strings: the newest is found by version.
    for name in (ORBIT_TAG, "orbit-v1.9.0", CHROME_TAG, "fleetd-chrome-v1.9.2"):
        if not Tag.objects.filter(name=name).exists():
            mirror_tag(name)
    other = [{"filename": "server/service/hosts.go", "status": "modified", "additions": 3}]
    github.set_compare(
        PRODUCT,
        ORBIT_TAG,
        ref,
        files=[
            *other,
            *({"filename": f, "status": "modified", "additions": 2} for f in orbit_files),
        ],
        commits=["Fix host details", "Orbit: retry TUF updates\n\nLonger body."],
    )
    github.set_compare(
        PRODUCT,
        CHROME_TAG,
        ref,
        files=[*other, *({"filename": f, "status": "added", "additions": 5} for f in chrome_files)],
        commits=["Chrome extension: new table"],
    )


@pytest.fixture(name="oncall_now")
def fixture_oncall_now(monkeypatch) -> Callable[[Any], None]:
    """Set who `oncall.schedule.selectors.oncall_person_now` says is on call (None by default)."""

    def set_person(person: Any) -> None:
        monkeypatch.setattr(
            "oncall.schedule.selectors.oncall_person_now", lambda *, at=None: person
        )

    set_person(None)
    return set_person


@pytest.fixture(name="dirty_reads_on_sqlite")
def fixture_dirty_reads_on_sqlite():
    """Let this thread read while a worker thread writes, on SQLite's test database.

    The in-memory test database is shared between threads in shared-cache mode, where a
    reader meets a writer's table lock with "database table is locked" at once instead of
    waiting; `read_uncommitted` lifts that for readers. PostgreSQL needs nothing.
    """
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA read_uncommitted = true")
    yield
    with connection.cursor() as cursor:  # the connection outlives the test
        cursor.execute("PRAGMA read_uncommitted = false")
