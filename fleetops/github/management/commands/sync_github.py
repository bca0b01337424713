from __future__ import annotations

import json
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Sum

from fleetops.github.boards.rules import BoardAnswerError
from fleetops.github.boards.services import boards_sync
from fleetops.github.client import (
    GitHubClient,
    GitHubError,
    GitHubRateLimited,
    GitHubTransientError,
)
from fleetops.github.models import SyncRun
from fleetops.github.selectors import mirror_counts
from fleetops.github.signals import mirror_synced_send
from fleetops.github.sync import repository_sync

TRANSIENT_ATTEMPTS = 5


class Command(BaseCommand):
    help = "Sync the GitHub mirror from GITHUB_API_URL in the foreground; waits out rate limits."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--full", action="store_true", help="List everything, not only changes."
        )
        parser.add_argument("--json", action="store_true", help="Print the result as JSON only.")
        parser.add_argument(
            "--max-wait",
            type=int,
            default=3600,
            help="Longest total rate-limit wait, in seconds; then it gives up (exit 1).",
        )

    def handle(
        self, *args, full: bool = False, json: bool = False, max_wait: int = 3600, **options
    ) -> None:
        say = (lambda message: None) if json else (lambda message: self.stderr.write(message))
        requests = 0
        error: str | None = None
        before = SyncRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        if not 0 <= max_wait <= 86_400:
            raise CommandError("--max-wait is seconds between 0 and 86400.", returncode=2)
        attempt = waited = 0
        while True:
            client = GitHubClient()
            try:
                run = repository_sync(full=full, trigger="command", client=client)
            except GitHubRateLimited as exc:
                wait = exc.retry_after or 60
                if waited + wait > max_wait:
                    error = (
                        f"{exc}; GitHub asks to wait {wait} s more after {waited} s of waiting,"
                        f" beyond --max-wait {max_wait}"
                    )
                    break
                waited += wait
                say(f"Rate limited by GitHub: waiting {wait} s, then resuming from the cursor.")
                time.sleep(wait)
                full = False  # what the full pass committed stays; resume incrementally
            except GitHubTransientError as exc:
                attempt += 1
                if attempt >= TRANSIENT_ATTEMPTS:
                    error = f"{exc} (gave up after {attempt} attempts)"
                    break
                say(f"{exc}: retrying in {2**attempt} s")
                time.sleep(2**attempt)
            except Exception as exc:  # recorded on the SyncRun; reported here
                error = str(exc)
                break
            else:
                if run.outcome == "skipped":
                    error = run.error
                break
            finally:
                requests += client.requests
                client.close()
        boards = None
        if error is None:  # then the boards, whose items link to the issues just synced
            boards, board_requests, error = _boards(say)
            requests += board_requests
        if error is None:  # the releases the milestones, branches and tags name
            for summary in mirror_synced_send(trigger="command"):
                say(summary)
        changed = SyncRun.objects.filter(
            pk__gt=before, trigger="command", kind__in=[SyncRun.Kind.INCREMENTAL, SyncRun.Kind.FULL]
        ).aggregate(created=Sum("created", default=0), updated=Sum("updated", default=0))
        result = {
            "requests": requests,
            "created": changed["created"],
            "updated": changed["updated"],
            "outcome": "error" if error else "ok",
            "error": error,
            "mirror": mirror_counts(),
            "boards": boards,
        }
        if json:
            self.stdout.write(_dumps(result))
        else:
            self._print(result)
        if error:
            raise CommandError(f"sync of {settings.GITHUB_REPOSITORY} failed: {error}")

    def _print(self, result: dict) -> None:
        mirror, boards = result["mirror"], result["boards"]
        self.stdout.write(
            f"Synced {settings.GITHUB_REPOSITORY} from {settings.GITHUB_API_URL}: "
            f"{result['requests']} requests, "
            f"{result['created']} created, {result['updated']} updated."
        )
        self.stdout.write(
            "Mirror: "
            + ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in mirror.items())
        )
        if boards:
            self.stdout.write(
                f"Boards: {boards['requests']} GraphQL requests, {boards['rows']} rows changed."
            )


def _boards(say) -> tuple[dict | None, int, str | None]:
    """Sync the configured boards; (summary or None if none configured, requests, error)."""
    client = GitHubClient()
    try:
        run = boards_sync(trigger="command", client=client)
    except (GitHubError, BoardAnswerError) as exc:
        return None, client.requests, f"boards: {exc}"
    finally:
        client.close()
    if run is None:
        return None, 0, None
    summary = {"requests": run.requests, "rows": run.rows, "outcome": run.outcome}
    say(f"Boards: {run.requests} requests, {run.rows} rows changed ({run.outcome}).")
    skipped = run.outcome == SyncRun.Outcome.SKIPPED
    return summary, client.requests, (run.error if skipped else None)


def _dumps(data: object) -> str:
    return json.dumps(data)
