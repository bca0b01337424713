"""`manage.py rituals [--date YYYY-MM-DD] [--json] [--file-issues]`."""

from __future__ import annotations

import datetime as dt
import json as jsonlib

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fleetops.core.bounds import RANGE_TEXT, date_in_range
from rituals.selectors import ritual_catalogue, ritual_entry, rituals_today
from rituals.services import ritual_files_fetch, ritual_issues_file


def _date(value: str | None) -> dt.date:
    if value is None:
        return rituals_today()
    try:
        if len(value) != 10:
            raise ValueError
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--date {value!r} is not a date: use YYYY-MM-DD, e.g. 2026-12-01.", returncode=2
        ) from None
    if not date_in_range(day):
        raise CommandError(
            f"--date {value}: pick a date (YYYY-MM-DD) between {RANGE_TEXT}.", returncode=2
        )
    return day


class Command(BaseCommand):
    help = (
        "The rituals of the FLEETOPS_RITUALS_FILES YAML files (read again from GitHub, "
        "conditionally; the stored copy when GitHub does not answer): which are due on the "
        "date (today, UTC, by default) and when each is next due. --file-issues files the "
        "auto-issues of the rituals due on the date, once each, through the gateway."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="The date D, YYYY-MM-DD (default: today in UTC).")
        parser.add_argument(
            "--json", action="store_true", help="Print one object per ritual as JSON, only."
        )
        parser.add_argument(
            "--file-issues",
            action="store_true",
            help="File the auto-issue of each ritual due on D (dry run unless "
            "FLEETOPS_GITHUB_WRITE=1).",
        )

    def handle(self, *args, date=None, json=False, file_issues=False, **options) -> None:
        day = _date(date)
        for fetched in ritual_files_fetch():
            if not fetched.ok:
                self.stderr.write(f"warning: {fetched.message} (using the stored copy)")
        catalogue = ritual_catalogue()
        for problem in catalogue.problems:
            self.stderr.write(f"problem: {problem}")
        outcomes = ritual_issues_file(day=day) if file_issues else []
        if json:
            entries = [ritual_entry(ritual, day=day) for ritual in catalogue.rituals]
            self.stdout.write(jsonlib.dumps(entries, indent=2, ensure_ascii=False))
            for outcome in outcomes:
                self.stderr.write(str(outcome))
        else:
            self._summary(catalogue, day, outcomes)
        failed = [o for o in outcomes if o.outcome == "failed"]
        if failed:
            raise CommandError(f"{len(failed)} issue(s) could not be filed; run it again.")

    def _summary(self, catalogue, day: dt.date, outcomes) -> None:
        if not catalogue.fetched:
            self.stdout.write("No rituals file could be read yet: nothing to show.")
            return
        self.stdout.write(f"Rituals on {day:%Y-%m-%d} (UTC), {len(catalogue.rituals)} in all:")
        for ritual in catalogue.rituals:
            due = ritual.next_due(day)
            when = "event-driven" if due is None else f"next due {due:%Y-%m-%d}"
            mark = "DUE  " if ritual.due_on(day) else "     "
            auto = " [auto-issue]" if ritual.auto_issue else ""
            self.stdout.write(
                f"  {mark}{ritual.task} ({ritual.frequency}, @{ritual.dri or '?'}): {when}{auto}"
            )
        for outcome in outcomes:
            self.stdout.write(f"  issue: {outcome}")
        if catalogue.problems:
            self.stdout.write(f"{len(catalogue.problems)} problem(s) in the files: see stderr.")
