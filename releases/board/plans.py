"""Plans of GitHub writes for the release actions (RC cut, conclusion), and their application.

A plan is a list of writes, each with its dedupe key (release, step, item). It is what the
confirmation pages and `release_cut` / `release_conclude` show; applying it sends each write
through the gateway, which performs it once among real writes (dry run: records a preview),
so a run that failed halfway resumes on the next apply without repeating what succeeded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from fleetops.github.models import GitHubWrite

PLANNED, DONE, DRY_RUN, SKIPPED, FAILED = "planned", "done", "dry-run", "skipped", "failed"


@dataclass(frozen=True)
class PlannedWrite:
    """One write of a plan: what the `--json` shape shows, and how the gateway makes it."""

    step: str  # the handbook's step: "2", "3", ... ("branch", "qa-issue", ... for the cut)
    what: str  # for a person: "close #123", "move #123 to Closed"
    key: str  # the gateway's dedupe key
    method: str  # POST | PATCH | GRAPHQL
    path: str
    body: dict[str, Any]
    perform: Callable[[AbstractBaseUser | None], GitHubWrite] = field(compare=False, repr=False)


@dataclass(frozen=True)
class WriteOutcome:
    write: PlannedWrite
    status: str  # planned | done | dry-run | skipped | failed
    error: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "method": self.write.method,
            "path": self.write.path,
            "body": self.write.body,
            "status": self.status,
        }


def _real_done(keys: list[str]) -> set[str]:
    return set(
        GitHubWrite.objects.filter(dedupe_key__in=keys, status=GitHubWrite.Status.DONE).values_list(
            "dedupe_key", flat=True
        )
    )


def plan_preview(writes: list[PlannedWrite]) -> list[WriteOutcome]:
    """Each write as it stands, without writing: done (for real, earlier) or planned."""
    done = _real_done([w.key for w in writes])
    return [WriteOutcome(w, DONE if w.key in done else PLANNED) for w in writes]


def plan_apply(writes: list[PlannedWrite], *, actor: AbstractBaseUser | None) -> list[WriteOutcome]:
    """Send each write through the gateway in order; stop at the first failure.

    A write already done for real is skipped (not sent again); after a failure the rest
    stay planned, so the next apply resumes there.
    """
    done = _real_done([w.key for w in writes])
    outcomes: list[WriteOutcome] = []
    failed = False
    for write in writes:
        if write.key in done:
            outcomes.append(WriteOutcome(write, SKIPPED))
            continue
        if failed:
            outcomes.append(WriteOutcome(write, PLANNED))
            continue
        record = write.perform(actor)
        status = {
            GitHubWrite.Status.DONE: DONE,
            GitHubWrite.Status.DRY_RUN: DRY_RUN,
        }.get(record.status, FAILED)
        if status == FAILED:
            failed = True
        outcomes.append(WriteOutcome(write, status, record.error))
    return outcomes


def all_done(outcomes: list[WriteOutcome]) -> bool:
    """Every write happened for real (now or earlier)."""
    return all(o.status in (DONE, SKIPPED) for o in outcomes)
