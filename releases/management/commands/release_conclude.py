"""`manage.py release_conclude VERSION [--apply] [--json]`: conclude the milestone, step by
step from the boards (handbook, "Conclude current milestone")."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from releases.board import commands
from releases.board.conclusion import ConclusionRefused, conclusion_preview, release_conclude


class Command(BaseCommand):
    help = (
        "Print the milestone conclusion's GitHub writes and the items left open; with --apply, "
        "perform them through the gateway, each once. Only once the release is published."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands.add_arguments(parser)

    def handle(self, *args, version: str, apply: bool, json: bool, **options) -> None:
        release = commands.release_by_version(version)
        try:
            if apply:
                result = release_conclude(release=release, actor=None)
            else:
                result = conclusion_preview(release=release)
        except ConclusionRefused as exc:
            raise commands.refuse(str(exc)) from exc
        left_open = [item.as_json() for item in result.left_open]
        lines = [f"Left open: {i.repository}#{i.number} ({i.column})" for i in result.left_open]
        if result.concluded:
            lines.append(f"Fleet v{release.version} is concluded.")
        commands.output(
            self,
            release=release,
            applied=apply,
            outcomes=result.outcomes,
            as_json=json,
            extra={"left_open": left_open},
            lines=lines,
        )
