"""`manage.py release_hygiene [--rc-branch NAME] [--json]`: the handbook's hygiene findings."""

from __future__ import annotations

import json as jsonlib
import re

from django.core.management.base import BaseCommand, CommandError, CommandParser

from releases.board.selectors import release_current
from releases.hygiene.rules import HANDBOOK_SECTION
from releases.hygiene.selectors import hygiene_findings, rc_branch_of, release_for_branch

# A git branch name as the RC branches are named: no spaces, no "..", at most 250 characters.
_BRANCH_RE = re.compile(r"^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._/-]{0,249}$")


class Command(BaseCommand):
    help = (
        "The release hygiene findings from the mirror: PRs that would close a bug with a "
        "closing keyword, `~unreleased bug` issues missing labels or an assignee, and PRs into "
        "the RC branch that are neither unreleased-bug fixes nor approved merge exceptions. "
        "Default RC branch: the current release's."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rc-branch", help="The release candidate branch to check.")
        parser.add_argument("--json", action="store_true", help="Print the findings as JSON, only.")

    def handle(self, *args, rc_branch: str | None = None, json: bool = False, **options) -> None:
        if rc_branch is not None:
            if not _BRANCH_RE.match(rc_branch):
                raise CommandError(
                    f"--rc-branch {rc_branch[:60]!r} is not a branch name "
                    "(e.g. rc-minor-fleet-v4.75.0).",
                    returncode=2,
                )
            release = release_for_branch(rc_branch)
        else:
            release = release_current()
            if release is None:
                raise CommandError("No release is in flight: pass --rc-branch NAME.", returncode=2)
            rc_branch = rc_branch_of(release)
        findings = hygiene_findings(rc_branch=rc_branch, release=release)
        if json:
            self.stdout.write(jsonlib.dumps([f.as_json() for f in findings], indent=2))
            return
        what = f"Fleet v{release.version}, " if release else ""
        self.stdout.write(
            f"Release hygiene ({what}RC branch {rc_branch}): {len(findings)} finding(s)."
        )
        for finding in findings:
            self.stdout.write(
                f"- [{finding.rule}] #{finding.number} {finding.title}: {finding.detail} "
                f'Who: {finding.act}. Handbook: "{HANDBOOK_SECTION[finding.rule]}". {finding.url}'
            )
