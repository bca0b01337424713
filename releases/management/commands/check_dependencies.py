"""`manage.py check_dependencies [--ref REF] [--json]`: the pre-release dependency checks."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from releases.board.selectors import release_current
from releases.dependencies.models import DependencyCheckRun
from releases.dependencies.rules import check_label, git_ref_problem
from releases.dependencies.selectors import dependency_run_rows
from releases.dependencies.services import dependency_checks_run


class Command(BaseCommand):
    help = (
        "Run the pre-release dependency checks (Go, macadmins-extension, osquery, vulnerability "
        "feeds, fleetd components) against GITHUB_API_URL and GO_RELEASES_URL; print each "
        "check's result. Without --ref: the current release's RC branch, else main."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--ref",
            help="Check this branch, tag or commit instead (an ad hoc run, not for a release).",
        )
        parser.add_argument("--json", action="store_true", help="Print the results as JSON only.")

    def handle(self, *args, ref: str | None = None, json: bool = False, **options) -> None:
        if ref is not None and (problem := git_ref_problem(ref)):
            raise CommandError(f"--ref: {problem}", returncode=2)
        # With --ref the run is ad hoc: it never changes a release's go / no-go.
        release = None if ref is not None else release_current()
        run = dependency_checks_run(release=release, ref=ref, trigger="command")
        if run.outcome == DependencyCheckRun.Outcome.SKIPPED:
            raise CommandError(f"not run: {run.error}")
        rows = dependency_run_rows(run)
        if json:
            self.stdout.write(_dumps(rows))
            _exit_unless_complete(run, rows)
            return
        what = f" for Fleet v{release.version}" if release else ""
        note = f" ({run.ref_note})" if run.ref_note else ""
        self.stdout.write(
            f"Dependency checks of {settings.GITHUB_REPOSITORY} at {run.ref}{note}{what}: "
            f"{run.get_outcome_display()}."
        )
        for row in rows:
            versions = ""
            if row["current"] or row["latest"]:
                versions = f" {row['current'] or '?'} → {row['latest'] or '?'}"
            blocker = ", release blocker" if row["release_blocker"] else ""
            action = f" [{row['action']}]" if row["action"] != "none" else ""
            self.stdout.write(
                f"- {check_label(row['check'])}: {row['status']}{blocker}{versions}{action}. "
                f"{row['detail']}"
            )
        _exit_unless_complete(run, rows)


def _exit_unless_complete(run: DependencyCheckRun, rows: list[dict]) -> None:
    """Exit 1 when the verdicts are incomplete: the run failed, or a check errored.

    Release tooling reads the exit code: a run whose checks could not reach GitHub or
    go.dev says nothing about the dependencies and must not pass as a clean run.
    """
    errored = [row["check"] for row in rows if row["status"] == "error"]
    if run.error or errored:
        what = run.error or f"{len(errored)} of {len(rows)} checks errored: {', '.join(errored)}"
        raise CommandError(what)


def _dumps(data: object) -> str:
    return json.dumps(data)
