"""What `release_cut` and `release_conclude` share: the release by version, the output.

`--json` prints `{"version", "applied", "writes": [{"method", "path", "body", "status"}]}`
(and `"left_open": [{"repository", "number", "column"}]` for the conclusion); a refusal is
one line on stderr and exit code 2, with nothing written.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from releases.board.models import Release
from releases.board.plans import WriteOutcome


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("version", help="The release's version, such as 4.80.0.")
    parser.add_argument(
        "--apply",
        action="store_true",
        help="Perform the plan through the gateway (real writes need FLEETOPS_GITHUB_WRITE=1).",
    )
    parser.add_argument("--json", action="store_true", help="Print the result as JSON only.")


def release_by_version(version: str) -> Release:
    release = (
        Release.objects.select_related("milestone", "dri", "candidate")
        .filter(version=version.strip())
        .first()
    )
    if release is None:
        raise CommandError(
            f"No release {version!r}: releases come from the milestones.", returncode=2
        )
    return release


def refuse(message: str) -> CommandError:
    return CommandError(" ".join(message.split()), returncode=2)


def output(
    command: BaseCommand,
    *,
    release: Release,
    applied: bool,
    outcomes: list[WriteOutcome],
    as_json: bool,
    extra: dict[str, Any] | None = None,
    lines: list[str] | tuple[str, ...] = (),
) -> None:
    data: dict[str, Any] = {
        "version": release.version,
        "applied": applied,
        "writes": [o.as_json() for o in outcomes],
        **(extra or {}),
    }
    if as_json:
        command.stdout.write(json.dumps(data))
        return
    for outcome in outcomes:
        error = f" ({outcome.error})" if outcome.error else ""
        command.stdout.write(
            f"[{outcome.status}] {outcome.write.what}: "
            f"{outcome.write.method} {outcome.write.path}{error}"
        )
    for line in lines:
        command.stdout.write(line)
