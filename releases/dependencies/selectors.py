"""Reads of the dependency checks: the release board's gate and the dependencies page."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.http import Http404

from fleetops.github.models import Issue
from fleetops.org.models import Person
from releases.board.models import Release
from releases.dependencies.issues import IssueDraft, dependency_issue_draft
from releases.dependencies.models import (
    DependencyAcknowledgement,
    DependencyCheckResult,
    DependencyCheckRun,
    DependencyIssue,
    FeedConfirmation,
)
from releases.dependencies.rules import (
    ACTIONS,
    BLOCKING_CHECKS,
    CHECK_ORDER,
    UNACKNOWLEDGEABLE,
    Action,
    DependencyCheckError,
    Status,
    check_label,
    fileable,
    gate_remaining,
    issue_version,
    verdict_key,
)
from releases.dependencies.sources import oncall_person
from releases.permissions import can_act_on_dependency_checks, can_run_dependency_checks

Outcome = DependencyCheckRun.Outcome
HISTORY_LENGTH = 12


@dataclass(frozen=True)
class DependencyGate:
    """The dependency checks' part of a release's go / no-go."""

    status: str  # "not_run" | "ok" | "blocking"
    remaining: list[str] = field(default_factory=list)  # one sentence per item, naming its owner
    last_run_at: dt.datetime | None = None


def _runs_for(release: Release | None) -> QuerySet[DependencyCheckRun]:
    runs = DependencyCheckRun.objects.exclude(outcome=Outcome.SKIPPED)
    return runs.filter(release=release) if release is not None else runs


def dependency_gate(*, release: Release | None) -> DependencyGate:
    """Handbook: the release waits until the dependency checks have passed or been acknowledged.

    "ok" when the latest finished run (for the release; the latest of all without one) has no
    unresolved release blocker (an outdated Go minor or macadmins-extension not acknowledged,
    or an error in either check) and the vulnerability feeds are confirmed. Four queries.
    """
    run = (
        _runs_for(release)
        .filter(finished_at__isnull=False)
        .select_related("release__dri")
        .order_by("-finished_at", "-pk")
        .first()
    )
    if run is None:
        return DependencyGate(status="not_run", remaining=[], last_run_at=None)
    release = run.release
    dri = release.dri.name if release is not None and release.dri else None
    owner = f"DRI: {dri}" if dri else "no DRI assigned"
    results = {
        r.check_name: r
        for r in DependencyCheckResult.objects.filter(run=run, check_name__in=BLOCKING_CHECKS)
    }
    acknowledged: set[tuple[str, str]] = set()
    confirmed = False
    if release is not None:
        acknowledged = set(
            DependencyAcknowledgement.objects.filter(release=release).values_list(
                "check_name", "latest"
            )
        )
        confirmed = FeedConfirmation.objects.filter(release=release).exists()
    remaining = gate_remaining(
        results=results, acknowledged=acknowledged, feeds_confirmed=confirmed, owner=owner
    )
    return DependencyGate(
        status="blocking" if remaining else "ok", remaining=remaining, last_run_at=run.finished_at
    )


# -- the page ----------------------------------------------------------------------------------


VERDICTS: dict[str, tuple[str, str]] = {
    # key: (what the row says, tag class)
    "ok": ("up to date", "tag-ok"),
    "no-changes": ("no changes", "tag-ok"),
    "confirmed": ("confirmed", "tag-ok"),
    "outdated": ("outdated", "tag-warn"),
    "blocker": ("release blocker", "tag-bad"),
    "acknowledged": ("blocker acknowledged", "tag-warn"),
    "qa": ("release QA needed", "tag-warn"),
    "manual": ("needs confirmation", "tag-accent"),
    "error": ("error", "tag-bad"),
    "pending": ("checking…", ""),
}


@dataclass
class CheckRow:
    """One check on the page: what it found, what it calls for, and what was done about it."""

    check: str
    label: str
    result: DependencyCheckResult | None  # None while a running run has not reached it
    verdict_key: str
    action_text: str
    issue: DependencyIssue | None = None
    issue_state: str = ""  # open | closed (from the mirror), "" when unknown
    acknowledgement: DependencyAcknowledgement | None = None
    draft: IssueDraft | None = None
    can_file: bool = False
    can_acknowledge: bool = False
    failure_anchor: str = ""  # the card saying why it (and others) could not run

    @property
    def link(self) -> str:
        return self.failure_anchor or self.anchor

    @property
    def verdict(self) -> str:
        return VERDICTS[self.verdict_key][0]

    @property
    def tone(self) -> str:
        return VERDICTS[self.verdict_key][1]

    @property
    def anchor(self) -> str:
        return f"check-{self.check}"

    @property
    def needs_attention(self) -> bool:
        return self.verdict_key in ("blocker", "outdated", "qa", "manual", "error", "acknowledged")

    @property
    def files(self) -> list[dict[str, Any]]:
        return (self.result.data or {}).get("files", []) if self.result else []

    @property
    def commits(self) -> list[dict[str, Any]]:
        return (self.result.data or {}).get("commits", []) if self.result else []

    @property
    def request_json(self) -> str:
        """The body of the recorded (dry-run) request, as it would be sent."""
        if self.issue is None or self.issue.write is None:
            return ""
        return json.dumps(self.issue.write.payload, indent=2, ensure_ascii=False)


@dataclass(frozen=True)
class FailureGroup:
    """Checks that could not run for the same reason: the reason is shown once, for all."""

    anchor: str
    reason: str
    labels: list[str]
    transient: bool
    in_gate: bool  # the go / no-go card says it already: the page does not repeat it


def failure_groups(rows: list[CheckRow], gate: DependencyGate) -> list[FailureGroup]:
    """The errored rows grouped by root cause (or, without one, by identical reason)."""
    grouped: dict[str, list[CheckRow]] = {}
    for row in rows:
        if row.verdict_key == "error" and row.result is not None:
            data = row.result.data or {}
            grouped.setdefault(data.get("cause") or row.result.detail, []).append(row)
    groups = []
    for reason, members in grouped.items():
        anchor = members[0].anchor if len(members) == 1 else f"failed-{members[0].check}"
        for row in members:
            row.failure_anchor = anchor
        groups.append(
            FailureGroup(
                anchor=anchor,
                reason=reason,
                labels=[row.label for row in members],
                transient=all((row.result.data or {}).get("transient") for row in members),
                in_gate=bool(reason) and any(reason in item for item in gate.remaining),
            )
        )
    return groups


@dataclass
class DependencyPage:
    release: Release | None
    run: DependencyCheckRun | None  # the run shown
    latest_run: DependencyCheckRun | None
    rows: list[CheckRow]
    gate: DependencyGate
    history: list[DependencyCheckRun]
    feeds: FeedConfirmation | None
    can_run: bool
    can_act: bool
    oncall_name: str = ""
    dry_run: bool = True
    checks_done: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    failures: list[FailureGroup] = field(default_factory=list)

    @property
    def running(self) -> bool:
        return self.latest_run is not None and self.latest_run.outcome == Outcome.RUNNING

    @property
    def viewing_history(self) -> bool:
        return self.run is not None and self.latest_run is not None and self.run != self.latest_run

    @property
    def checks_total(self) -> int:
        return len(CHECK_ORDER)

    @property
    def failed_count(self) -> int:
        return sum(len(failure.labels) for failure in self.failures)

    @property
    def attention(self) -> list[CheckRow]:
        return [
            row
            for row in self.rows
            if row.needs_attention and row.result is not None and row.verdict_key != "error"
        ]


def _issues_for(results: list[DependencyCheckResult]) -> dict[tuple[str, str], DependencyIssue]:
    keys = [(r.check_name, issue_version(r)) for r in results if fileable(r) and issue_version(r)]
    if not keys:
        return {}
    query = Q(*[Q(check_name=c, version=v) for c, v in keys], _connector=Q.OR)
    return {
        (row.check_name, row.version): row
        for row in DependencyIssue.objects.filter(query).select_related("write")
    }


def _issue_states(issues: list[DependencyIssue]) -> dict[int, str]:
    numbers = [i.number for i in issues if i.number]
    if not numbers:
        return {}
    return dict(
        Issue.objects.filter(
            repository__full_name=settings.GITHUB_REPOSITORY, number__in=numbers
        ).values_list("number", "state")
    )


def dependency_run_get(*, release: Release | None, run_id: int) -> DependencyCheckRun:
    """A past run of the release's checks (404 when it belongs elsewhere)."""
    run = _runs_for(release).filter(pk=run_id).first()
    if run is None or (release is None and run.release_id is not None):
        raise Http404("No such run of the dependency checks.")
    return run


def _row_issue(
    row: CheckRow,
    result: DependencyCheckResult,
    *,
    issues: dict[tuple[str, str], DependencyIssue],
    states: dict[int, str],
) -> None:
    """The issue filed for the row's result (and its state), and whether one is still to file."""
    row.issue = issues.get((row.check, issue_version(result)))
    if row.issue is not None and row.issue.number:
        row.issue_state = states.get(row.issue.number, "")
    settled = row.issue is not None and not (row.issue.dry_run and settings.FLEETOPS_GITHUB_WRITE)
    row.can_file = not settled


def _draft(result: DependencyCheckResult, oncall: Person | None) -> IssueDraft | None:
    """The issue the result calls for, as it would be filed (a preview on the page)."""
    try:
        return dependency_issue_draft(result=result, oncall=oncall)
    except DependencyCheckError:
        return None


def _acknowledgeable(row: CheckRow) -> bool:
    """Go and macadmins-extension blockers are fixed, never acknowledged (handbook: "we must
    upgrade … before publishing the next release"); other outdated checks may be."""
    return row.verdict_key in ("outdated", "qa") and row.check not in UNACKNOWLEDGEABLE


def dependency_page(
    *,
    release: Release | None,
    user: AbstractBaseUser | None,
    run_id: int | None = None,
    preview: bool = True,
) -> DependencyPage:
    """Everything the dependencies page shows for a release (or the ad hoc runs without one)."""
    history = list(
        _runs_for(release)
        .filter(release=release)
        .select_related("requested_by")
        .order_by("-started_at", "-pk")[:HISTORY_LENGTH]
    )
    latest_run = history[0] if history else None
    run = dependency_run_get(release=release, run_id=run_id) if run_id else latest_run
    results = (
        {r.check_name: r for r in run.results.select_related("run__release__dri")} if run else {}
    )
    feeds = (
        FeedConfirmation.objects.filter(release=release)
        .select_related("confirmed_by__person", "oncall_notified")
        .first()
        if release is not None
        else None
    )
    acknowledgements = (
        {
            (a.check_name, a.latest): a
            for a in DependencyAcknowledgement.objects.filter(release=release).select_related(
                "by__person"
            )
        }
        if release is not None
        else {}
    )
    issues = _issues_for(list(results.values()))
    states = _issue_states(list(issues.values()))
    can_act = can_act_on_dependency_checks(user, release)
    oncall = oncall_person() if preview else None
    rows: list[CheckRow] = []
    for check in CHECK_ORDER:
        result = results.get(check)
        acknowledgement = (
            acknowledgements.get((check, result.latest)) if result is not None else None
        )
        row = CheckRow(
            check=check,
            label=check_label(check),
            result=result,
            verdict_key=verdict_key(
                result, acknowledged=acknowledgement is not None, confirmed=feeds is not None
            ),
            action_text=ACTIONS[check],
            acknowledgement=acknowledgement,
        )
        if result is not None and fileable(result):
            _row_issue(row, result, issues=issues, states=states)
            row.can_file = row.can_file and can_act and run == latest_run
            if preview and (row.can_file or row.issue is None):
                row.draft = _draft(result, oncall)
        row.can_acknowledge = can_act and release is not None and run == latest_run
        row.can_acknowledge = row.can_acknowledge and _acknowledgeable(row)
        rows.append(row)
    gate = dependency_gate(release=release)
    return DependencyPage(
        release=release,
        run=run,
        latest_run=latest_run,
        rows=rows,
        gate=gate,
        history=history,
        feeds=feeds,
        can_run=can_run_dependency_checks(user, release),
        can_act=can_act,
        oncall_name=oncall.name if oncall is not None else "",
        dry_run=not settings.FLEETOPS_GITHUB_WRITE,
        checks_done=len(results),
        failures=failure_groups(rows, gate),
    )


def dependency_run_latest(*, release: Release | None) -> DependencyCheckRun | None:
    """The newest run (running or finished) for the release; for the progress panel."""
    return _runs_for(release).filter(release=release).order_by("-started_at", "-pk").first()


def dependency_run_rows(run: DependencyCheckRun) -> list[dict[str, Any]]:
    """The run's results as `check_dependencies --json` prints them, one per check, in order."""
    results = {r.check_name: r for r in run.results.all()}
    rows = []
    for check in CHECK_ORDER:
        result = results.get(check)
        if result is None:
            rows.append(
                {
                    "check": check,
                    "current": None,
                    "latest": None,
                    "status": Status.ERROR,
                    "release_blocker": False,
                    "action": Action.NONE,
                    "detail": run.error or "the check did not run",
                }
            )
            continue
        rows.append(
            {
                "check": check,
                "current": result.current or None,
                "latest": result.latest or None,
                "status": result.status,
                "release_blocker": result.release_blocker,
                "action": result.action,
                "detail": result.detail,
                **_changes(result),
            }
        )
    return rows


def _changes(result: DependencyCheckResult) -> dict[str, list[str]]:
    """The fleetd checks' changed files and commits since the tag, as the page lists them."""
    data = result.data or {}
    if "files" not in data and "commits" not in data:
        return {}
    return {
        "files": [str(f.get("filename", "")) for f in data.get("files", []) if isinstance(f, dict)],
        "commits": [str(c.get("sha", "")) for c in data.get("commits", []) if isinstance(c, dict)],
    }
