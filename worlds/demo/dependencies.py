"""Demo data of the dependency checks: one finished run for the release in its RC period.

Built without any network access, from what the mirror's demo holds (`go.mod` and the
osquery workflow at `main`, the watched repositories' releases, the `orbit-v*` and
`fleetd-chrome-v*` tags) through the same rules the live checks use. Two inputs are
recorded here instead of fetched, and say so:

- The Go release list: go.dev is never fetched by the demo. `GO_RELEASES` is the shape of
  go.dev/dl's JSON, written relative to the demo go.mod's Go version (the mirror's demo moves
  it with the calendar): Fleet's line has one newer patch (a release blocker) and the next
  major line is out (a story), with a release candidate of the one after (ignored).
- The fleetd comparison: `FLEETD_CHANGES` is what GitHub's compare endpoint would list
  since the newest tags: Orbit and Desktop changed, fleetd-chrome did not.

Seeding again replaces the demo's run (trigger "demo"): nothing duplicates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fleetops.github.models import FileContent
from releases.dependencies.rules import (
    DEFAULT_BRANCH,
    FLEETD_COMPONENTS,
    Check,
    Failed,
    Finding,
    go_mod_findings,
)
from releases.dependencies.services import dependency_run_record, findings_guarded
from releases.dependencies.sources import (
    dependency_ref_for,
    feeds_finding,
    fleetd_finding,
    fleetd_tag_newest,
    macadmins_findings,
    osquery_findings,
)
from releases.dependencies.versions import (
    GO_MOD,
    OSQUERY_WORKFLOW,
    ParseError,
    Version,
    parse_go_directive,
    parse_go_releases,
)
from releases.models import DependencyCheckRun, Release
from worlds.demo.context import DemoContext

__all__ = ["seed_dependencies"]

# (version pattern, stable): {line} is go.mod's 1.N, {patch} its patch number.
GO_RELEASES: list[tuple[str, bool]] = [
    ("go1.{after_next}rc1", False),
    ("go1.{next}.1", True),
    ("go1.{next}.0", True),
    ("go1.{next}rc3", False),
    ("go1.{line}.{patch_next}", True),
    ("go1.{line}.{patch}", True),
    ("go1.{line}.0", True),
    ("go1.{previous}.9", True),
    ("go1.{previous}.0", True),
]
# (filename, status, additions, deletions): what compare lists since the newest tags.
FLEETD_CHANGES: list[tuple[str, str, int, int]] = [
    ("orbit/pkg/update/runner.go", "modified", 48, 19),
    ("orbit/pkg/token/rotation.go", "modified", 31, 7),
    ("orbit/cmd/desktop/desktop.go", "modified", 14, 4),
    ("orbit/pkg/installer/installer.go", "modified", 22, 11),
    ("orbit/changes/24718-desktop-refresh-tray-menu", "added", 1, 0),
    ("server/service/hosts.go", "modified", 9, 2),
    ("frontend/pages/hosts/details/HostDetailsPage.tsx", "modified", 36, 12),
    ("ee/server/service/software_installers.go", "modified", 17, 5),
]
# (sha, first line of the message, author login) of the commits in that comparison.
FLEETD_COMMITS: list[tuple[str, str, str]] = [
    ("3f9c2d1e8b7a", "Orbit: retry TUF updates with backoff", "lucas-r"),
    ("9a8b7c6d5e4f", "Desktop: refresh the tray menu after token rotation", "mna-dev"),
    ("1b2c3d4e5f6a", "Fix host details software count", "rgarcia-eng"),
    ("7e6d5c4b3a2f", "orbit: rotate the enroll secret without restarting", "lucas-r"),
    ("c0ffee123456", "Software installers: validate package metadata", "jkim-sw"),
    ("5d4c3b2a1f0e", "Orbit installer: clean up temp files on failure", "mna-dev"),
]


def demo_go_releases(pinned: Version) -> list[Version]:
    """The recorded Go release list, relative to the Go version the demo go.mod pins."""
    values = {
        "line": pinned.minor,
        "patch": pinned.patch,
        "patch_next": pinned.patch + 1,
        "previous": max(pinned.minor - 1, 0),
        "next": pinned.minor + 1,
        "after_next": pinned.minor + 2,
    }
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for pattern, stable in GO_RELEASES:
        version = pattern.format(**values)
        if version not in seen:
            seen.add(version)
            entries.append({"version": version, "stable": stable, "files": []})
    return parse_go_releases(entries)


def _text(path: str, ref: str) -> str | Failed:
    stored = (
        FileContent.objects.filter(path=path, ref__in=[ref, DEFAULT_BRANCH])
        .order_by("-fetched_at")
        .values_list("ref", "text")
    )
    texts = dict(stored)
    if ref in texts:
        return texts[ref]
    if DEFAULT_BRANCH in texts:
        return texts[DEFAULT_BRANCH]
    return Failed(f"the demo mirror has no {path}: seed the GitHub mirror first")


def _fleetd(check: str, ref: str) -> list[Finding]:
    prefix, _ = FLEETD_COMPONENTS[check]
    tag = fleetd_tag_newest(prefix)
    files = [
        {"filename": name, "status": status, "additions": plus, "deletions": minus}
        for name, status, plus, minus in FLEETD_CHANGES
    ]
    commits = [
        {"sha": (sha * 4)[:40], "message": message, "author": author, "date": ""}
        for sha, message, author in FLEETD_COMMITS
    ]
    return [
        fleetd_finding(
            check=check,
            tag=tag,
            ref=ref,
            files=files,
            commits=commits,
            total_commits=len(commits),
        )
    ]


def seed_dependencies(ctx: DemoContext, release: Release) -> DependencyCheckRun:
    """Record one finished run of the checks for `release`, without network. Idempotent."""
    ref, ref_note = dependency_ref_for(release=release)
    go_mod = _text(GO_MOD, ref)
    workflow = _text(OSQUERY_WORKFLOW, ref)
    try:
        pinned = parse_go_directive(go_mod).version if isinstance(go_mod, str) else None
    except ParseError:
        pinned = None
    go_list = demo_go_releases(pinned or Version(1, 24, 0))
    findings: list[Finding] = []
    findings += findings_guarded(
        [Check.GO, Check.GO_MAJOR], lambda: go_mod_findings(go_mod, go_list, ref)
    )
    findings += findings_guarded([Check.MACADMINS], lambda: macadmins_findings(go_mod, ref))
    findings += findings_guarded([Check.OSQUERY], lambda: osquery_findings(workflow, ref))
    findings.append(feeds_finding(confirmation=None, release=release))
    for check in FLEETD_COMPONENTS:
        findings += findings_guarded([check], lambda check=check: _fleetd(check, ref))
    DependencyCheckRun.objects.filter(release=release, trigger="demo").delete()
    started = ctx.now - dt.timedelta(hours=2, minutes=14)
    run = dependency_run_record(
        release=release,
        ref=ref,
        ref_note=ref_note,
        findings=findings,
        trigger="demo",
        started_at=started,
        finished_at=started + dt.timedelta(seconds=11, milliseconds=600),
    )
    found = sorted({f.status for f in findings})
    ctx.summary.append(
        f"dependency checks: one run for Fleet v{release.version} at {ref} ({', '.join(found)})"
    )
    return run
