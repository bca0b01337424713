"""`manage.py org_load PATH|-`: load the organisation (people, groups, boards) from YAML."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from fleetops.org.orgfile.rules import OrgFileInvalid, org_file_parse
from fleetops.org.orgfile.services import LoadSummary, organization_load


class Command(BaseCommand):
    help = (
        "Load the organisation from a YAML file (or - for standard input), idempotently: "
        "people and groups left out are deactivated. Problems: one per line, exit code 2."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The organisation file, or - to read standard input.")
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON only.")

    def handle(self, *args, path: str, json: bool = False, **options) -> None:
        source = "<stdin>" if path == "-" else path
        try:
            text = self._read(path, options.get("stdin") or sys.stdin)
            summary = organization_load(spec=org_file_parse(text, source))
        except OrgFileInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(problem if problem.startswith(source) else f"{source}: {problem}")
            raise SystemExit(2) from exc
        if json:
            self.stdout.write(_dumps(summary.as_dict()))
        else:
            self.stdout.write(_describe(summary, source))

    @staticmethod
    def _read(path: str, stdin) -> str:
        try:
            return stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise OrgFileInvalid([f"{path}: no such file"]) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise OrgFileInvalid([f"{path}: cannot be read as UTF-8 text: {exc}"]) from exc


def _describe(summary: LoadSummary, source: str) -> str:
    if not summary.changed:
        return f"Loaded {source}: nothing changed."
    parts = []
    for verb, kinds in summary.as_dict().items():
        done = [f"{len(names)} {kind}" for kind, names in kinds.items() if names]
        if done:
            parts.append(f"{verb} " + ", ".join(done))
    return f"Loaded {source}: " + "; ".join(parts) + "."


def _dumps(data: object) -> str:
    return json.dumps(data)
