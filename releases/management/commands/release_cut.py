"""`manage.py release_cut VERSION [--apply] [--json]`: the release candidate, step by step."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from releases.board import commands
from releases.board.services import ReleaseError, candidate_preview, release_candidate_apply


class Command(BaseCommand):
    help = (
        "Print the release candidate cut's GitHub writes (branch from main, release QA issue, "
        "QAWOLF_DEPLOY_TAG); with --apply, perform them through the gateway, each once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands.add_arguments(parser)

    def handle(self, *args, version: str, apply: bool, json: bool, **options) -> None:
        release = commands.release_by_version(version)
        if not apply:
            outcomes = candidate_preview(release=release)
        else:
            try:
                _, outcomes = release_candidate_apply(release=release, trigger="command")
            except ReleaseError as exc:
                raise commands.refuse(str(exc)) from exc
        lines = []
        if apply:
            lines.append(
                f"Release candidate {release.rc_branch_name}: "
                + ("cut." if settings.FLEETOPS_GITHUB_WRITE else "dry run, nothing written.")
            )
        commands.output(
            self, release=release, applied=apply, outcomes=outcomes, as_json=json, lines=lines
        )
