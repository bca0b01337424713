"""Files and comparisons at a ref, cached in the mirror and revalidated with ETags
(fleetops/github/files.py, which the dependency checks read through)."""

from __future__ import annotations

import pytest

from fleetops.github.client import GitHubMalformedResponse, GitHubNotFound
from fleetops.github.files import comparison_between, file_content_at
from fleetops.github.models import Comparison, FileContent
from tests.releases import test_dependency_fixtures as fixtures
from tests.releases.test_dependency_fixtures import PRODUCT

# The shared fixture (github), used by name.
fixture_github = fixtures.fixture_github

pytestmark = pytest.mark.django_db


def _read(path: str = "go.mod", ref: str = "main") -> FileContent:
    return file_content_at(repository_name=PRODUCT, path=path, ref=ref)


def test_file_is_fetched_and_stored(github):
    github.set_file(PRODUCT, "main", "go.mod", "module x\n\ngo 1.24.4\n")
    content = _read()
    assert content.text == "module x\n\ngo 1.24.4\n"
    assert len(content.blob_sha) == 40
    assert content.etag
    assert FileContent.objects.get() == content


def test_file_read_again_is_a_304_that_reuses_the_text(github):
    github.set_file(PRODUCT, "main", "go.mod", "go 1.24.4\n")
    first = _read()
    github.reset_counts()
    again = _read()
    assert [r.status for r in github.requests] == [304]
    assert again.pk == first.pk
    assert again.text == "go 1.24.4\n"
    assert again.fetched_at >= first.fetched_at


def test_file_changed_on_github_is_read_again(github):
    github.set_file(PRODUCT, "main", "go.mod", "go 1.24.4\n")
    _read()
    github.set_file(PRODUCT, "main", "go.mod", "go 1.24.6\n")
    assert _read().text == "go 1.24.6\n"
    assert FileContent.objects.count() == 1


def test_file_is_cached_per_ref(github):
    github.set_file(PRODUCT, "main", "go.mod", "go 1.24.4\n")
    github.set_file(PRODUCT, "rc-minor-fleet-v4.76.0", "go.mod", "go 1.24.3\n")
    assert _read(ref="rc-minor-fleet-v4.76.0").text == "go 1.24.3\n"
    assert _read(ref="main").text == "go 1.24.4\n"
    assert FileContent.objects.count() == 2


def test_file_404_raises_and_keeps_the_cache(github):
    github.set_file(PRODUCT, "main", "go.mod", "go 1.24.4\n")
    _read()
    github.repo(PRODUCT).files.clear()
    with pytest.raises(GitHubNotFound):
        _read()
    assert FileContent.objects.get().text == "go 1.24.4\n"


def test_file_that_is_a_directory_is_refused(github):
    github.set_file(PRODUCT, "main", ".github/workflows/a.yml", "x")
    with pytest.raises(GitHubMalformedResponse, match="is a directory"):
        _read(path=".github/workflows")


def test_comparison_is_fetched_stored_and_revalidated(github):
    github.set_compare(
        PRODUCT,
        "orbit-v1.40.0",
        "main",
        files=[{"filename": "orbit/a.go", "status": "modified", "additions": 2, "deletions": 1}],
        commits=["Orbit: fix\n\nbody", "Other change"],
    )
    comparison = comparison_between(repository_name=PRODUCT, base="orbit-v1.40.0", head="main")
    assert comparison.files == [
        {"filename": "orbit/a.go", "status": "modified", "additions": 2, "deletions": 1}
    ]
    assert [c["message"] for c in comparison.commits] == ["Orbit: fix", "Other change"]
    assert comparison.total_commits == 2
    github.reset_counts()
    again = comparison_between(repository_name=PRODUCT, base="orbit-v1.40.0", head="main")
    assert [r.status for r in github.requests] == [304]
    assert again.pk == comparison.pk
    assert Comparison.objects.count() == 1


def test_comparison_unknown_is_not_found(github):
    with pytest.raises(GitHubNotFound):
        comparison_between(repository_name=PRODUCT, base="orbit-v9.9.9", head="main")
