"""The pre-release dependency checks: the run, and what the release DRI does about them.

Handbook, "Confirm latest versions of dependencies": before kicking off release QA, confirm
that we are using the latest versions of the dependencies we keep up to date with each
release. The rules live in `rules.py`; here they run against a ref (the release candidate's
branch when it exists on GitHub, else `main`) on the inputs `sources.py` reads. A check
that cannot run records "error" with the reason; the others still run. Every result is
stored as it is found, so the page shows the run's progress.

Writes to GitHub (the bug, the story, the fleetd release QA issue, drafted in `issues.py`)
go through the gateway (dry-run unless FLEETOPS_GITHUB_WRITE=1) and are never made twice:
the issue is keyed by the dependency and the version it asks for
(`depcheck:<check>:<latest>`), and an open issue with the same title already in the mirror
is linked instead of filing another.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from fleetops.core import slack
from fleetops.core.errors import error_sentence
from fleetops.github import gateway
from fleetops.github.client import GitHubClient
from fleetops.github.models import GitHubWrite, Issue, Repository
from fleetops.github.upsert import repository_get
from fleetops.org.roles import display_name
from releases.board.activity import activity_record, release_bump
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
    FLEETD_COMPONENTS,
    UNACKNOWLEDGEABLE,
    Check,
    DependencyCheckError,
    Failed,
    Finding,
    Status,
    check_label,
    error_finding,
    fileable,
    go_mod_findings,
    issue_version,
)
from releases.dependencies.sources import (
    GoReleasesError,
    Unavailable,
    dependency_ref_for,
    feeds_confirmation,
    feeds_finding,
    file_text,
    fleetd_findings,
    go_releases_fetch,
    macadmins_findings,
    oncall_person,
    osquery_findings,
)
from releases.dependencies.versions import (
    GO_MOD,
    OSQUERY_WORKFLOW,
    Version,
)
from releases.permissions import ensure_can_act_on_dependency_checks

logger = logging.getLogger(__name__)

Outcome = DependencyCheckRun.Outcome
RUN_STALE_AFTER = dt.timedelta(minutes=15)


def findings_guarded(checks: list[str], compute: Callable[[], list[Finding]]) -> list[Finding]:
    """What `compute` finds; any failure becomes an error finding for each of `checks`."""
    try:
        return compute()
    except Unavailable as exc:
        return [error_finding(check, exc.failed) for check in checks]
    except Exception as exc:  # one broken check must not stop the others
        logger.exception("dependency check %s failed", ", ".join(checks))
        failed = Failed(error_sentence(exc))
        return [error_finding(check, failed) for check in checks]


# -- the run ---------------------------------------------------------------------------------


def _run_start(
    *, release: Release | None, ref: str, ref_note: str, trigger: str, actor: Any
) -> DependencyCheckRun:
    """Start a run, or record it skipped when another is in progress for the same release."""
    now = timezone.now()
    with transaction.atomic():
        # Serialise run starts across workers on the product repository's row.
        repository = repository_get(settings.GITHUB_REPOSITORY)
        Repository.objects.select_for_update().filter(pk=repository.pk).first()
        running = DependencyCheckRun.objects.filter(release=release, outcome=Outcome.RUNNING)
        running.filter(started_at__lt=now - RUN_STALE_AFTER).update(
            outcome=Outcome.ABANDONED,
            finished_at=now,
            step="",
            error="its worker stopped before it finished; a later run took over",
        )
        busy = running.exists()
        return DependencyCheckRun.objects.create(
            release=release,
            ref=ref,
            ref_note=ref_note[:300],
            trigger=trigger[:20],
            requested_by=actor if actor is not None and actor.is_authenticated else None,
            started_at=now,
            finished_at=now if busy else None,
            outcome=Outcome.SKIPPED if busy else Outcome.RUNNING,
            step="" if busy else "starting",
            error="another run for the same release is in progress" if busy else "",
        )


def _step(run: DependencyCheckRun, text: str) -> None:
    run.step = text[:120]
    DependencyCheckRun.objects.filter(pk=run.pk).update(step=run.step)


def _save(run: DependencyCheckRun, finding: Finding) -> DependencyCheckResult:
    result, _ = DependencyCheckResult.objects.update_or_create(
        run=run,
        check_name=finding.check,
        defaults={
            "current": finding.current[:100],
            "latest": finding.latest[:100],
            "status": finding.status,
            "release_blocker": finding.release_blocker,
            "action": finding.action,
            "detail": finding.detail,
            "data": finding.data,
            "checked_at": timezone.now(),
        },
    )
    return result


def _guarded(
    run: DependencyCheckRun, checks: list[str], compute: Callable[[], list[Finding]]
) -> None:
    for finding in findings_guarded(checks, compute):
        _save(run, finding)


def _checks_run(
    run: DependencyCheckRun, *, release: Release | None, ref: str, client: GitHubClient
) -> None:
    """Every check, one after the other, each result stored as found; sets the outcome."""
    try:
        _step(run, f"reading {GO_MOD} at {ref}")
        go_mod = file_text(GO_MOD, ref, client)
        _step(run, "reading the Go release list")
        try:
            go_list: list[Version] | Failed = go_releases_fetch()
        except GoReleasesError as exc:
            go_list = Failed(str(exc), exc.transient, exc.cause)
        _guarded(run, [Check.GO, Check.GO_MAJOR], lambda: go_mod_findings(go_mod, go_list, ref))
        _step(run, "comparing macadmins-extension with its releases")
        _guarded(run, [Check.MACADMINS], lambda: macadmins_findings(go_mod, ref))
        _step(run, f"reading the osquery workflow at {ref}")
        workflow = file_text(OSQUERY_WORKFLOW, ref, client)
        _guarded(run, [Check.OSQUERY], lambda: osquery_findings(workflow, ref))
        _guarded(
            run,
            [Check.FEEDS],
            lambda: [feeds_finding(confirmation=feeds_confirmation(release), release=release)],
        )
        for check, (_, path) in FLEETD_COMPONENTS.items():
            _step(run, f"comparing {path} with its newest tag")
            _guarded(run, [check], lambda check=check: fleetd_findings(check, ref, client))
    except Exception as exc:
        logger.exception("dependency check run %s failed", run.pk)
        run.outcome, run.error = Outcome.ERROR, error_sentence(exc)
    else:
        failed = run.results.filter(status=Status.ERROR).exists()
        run.outcome = Outcome.PARTIAL if failed else Outcome.OK


def dependency_checks_run(
    *,
    release: Release | None = None,
    ref: str | None = None,
    trigger: str = "button",
    actor: AbstractBaseUser | None = None,
    client: GitHubClient | None = None,
) -> DependencyCheckRun:
    """Handbook, "Confirm latest versions of dependencies": run every check against a ref.

    Safe to run twice: a run for the same release already in progress makes this one
    "skipped"; a run whose worker died is marked abandoned after 15 minutes.
    """
    ref_note = ""
    if ref is None:
        ref, ref_note = dependency_ref_for(release=release)
    run = _run_start(release=release, ref=ref, ref_note=ref_note, trigger=trigger, actor=actor)
    if run.outcome == Outcome.SKIPPED:
        return run
    with GitHubClient.borrowed_or_new(client) as github:
        _checks_run(run, release=release, ref=ref, client=github)
    run.finished_at = timezone.now()
    run.step = ""
    run.save(update_fields=["outcome", "error", "finished_at", "step"])
    if release is not None:
        release_bump(release)
    return run


def dependency_run_record(
    *,
    release: Release | None,
    ref: str,
    findings: list[Finding],
    trigger: str,
    started_at: dt.datetime,
    finished_at: dt.datetime,
    ref_note: str = "",
) -> DependencyCheckRun:
    """Store a finished run from findings made elsewhere (the demo's, made without network)."""
    with transaction.atomic():
        run = DependencyCheckRun.objects.create(
            release=release,
            ref=ref,
            ref_note=ref_note,
            trigger=trigger,
            started_at=started_at,
            finished_at=finished_at,
            outcome=(
                Outcome.PARTIAL if any(f.status == Status.ERROR for f in findings) else Outcome.OK
            ),
        )
        for finding in findings:
            _save(run, finding)
        DependencyCheckResult.objects.filter(run=run).update(checked_at=finished_at)
    return run


def run_summary(run: DependencyCheckRun) -> str:
    """One line: the run's outcome and what it found."""
    if run.outcome in (Outcome.SKIPPED, Outcome.ERROR):
        return f"dependency checks {run.outcome}: {run.error}"
    statuses = list(run.results.values_list("status", flat=True))
    counts = {s: statuses.count(s) for s in Status.values if statuses.count(s)}
    found = ", ".join(f"{n} {s}" for s, n in counts.items()) or "nothing"
    return f"dependency checks {run.outcome} at {run.ref}: {found}"


# -- acknowledgements and the feeds ----------------------------------------------------------


@transaction.atomic
def dependency_check_acknowledge(
    *, result: DependencyCheckResult, actor: AbstractBaseUser | None, note: str
) -> DependencyAcknowledgement:
    """The DRI acknowledges an outdated check with a reason (osquery, fleetd components...).

    Handbook, "Confirm latest versions of dependencies": an outdated Go patch or
    macadmins-extension is a release blocker that "we must upgrade … before publishing the
    next release": it is refused here, only fixing it clears the gate.
    """
    release = result.run.release
    if release is None:
        raise DependencyCheckError(
            "This run is not for a release: there is nothing to acknowledge."
        )
    ensure_can_act_on_dependency_checks(actor, release, "acknowledge a release-blocking check")
    if result.check_name in UNACKNOWLEDGEABLE or result.release_blocker:
        raise DependencyCheckError(
            f"{check_label(result.check_name)} {result.current} → {result.latest} cannot be "
            "acknowledged: the handbook says we must upgrade it before publishing the next "
            "release. Fix it (the bug is filed from this page)."
        )
    if result.status != Status.OUTDATED:
        raise DependencyCheckError(
            f"{check_label(result.check_name)} is not outdated: nothing to acknowledge."
        )
    note = note.strip()
    if not note:
        raise DependencyCheckError("Say why the release can go ahead with it.")
    acknowledgement, created = DependencyAcknowledgement.objects.get_or_create(
        release=release,
        check_name=result.check_name,
        latest=result.latest,
        defaults={"note": note, "by": actor, "at": timezone.now()},
    )
    if created:
        activity_record(
            release=release,
            kind="dependency-ack",
            actor=actor,
            message=(
                f"{display_name(actor)} acknowledged the release blocker "
                f"{check_label(result.check_name)} {result.current} → {result.latest}: {note}"
            ),
        )
    return acknowledgement


@transaction.atomic
def dependency_feeds_confirm(
    *,
    release: Release,
    actor: AbstractBaseUser | None,
    note: str = "",
    may_affect_feeds: bool = False,
) -> FeedConfirmation:
    """Handbook, vulnerability data sources: the DRI checked NVD and CISA; if an announcement
    may impact feed availability, notify the on-call engineer, whose responsibility it is to
    investigate and file a bug or take further action as necessary."""
    ensure_can_act_on_dependency_checks(actor, release, "confirm the vulnerability feeds")
    note = note.strip()
    if may_affect_feeds and not note:
        raise DependencyCheckError("Say which announcement may affect the feeds.")
    oncall = oncall_person() if may_affect_feeds else None
    confirmation = FeedConfirmation.objects.create(
        release=release,
        confirmed_by=actor if actor is not None and actor.is_authenticated else None,
        at=timezone.now(),
        note=note,
        may_affect_feeds=may_affect_feeds,
        oncall_notified=oncall,
    )
    who = display_name(actor)
    if may_affect_feeds:
        to = (
            f"@{oncall.github_login} ({oncall.name}, on call)" if oncall else "the on-call engineer"
        )
        message = (
            f"Vulnerability feeds for Fleet v{release.version}: {who} found an announcement that "
            f"may impact our NVD or CISA data feed: {note} {to}: it is your responsibility to "
            "investigate and file a bug or take further action as necessary."
        )
        if oncall is None:
            message += " (No on-call engineer is known to fleetops: tell them directly.)"
    else:
        message = (
            f"{who} checked the NVD and CISA announcements for Fleet v{release.version}: "
            "nothing that might impact our data feeds." + (f" {note}" if note else "")
        )
    activity_record(
        release=release,
        kind="dependency-feeds",
        actor=actor,
        message=message,
        announce=may_affect_feeds,
        purpose=slack.DEPENDENCIES,
    )
    return confirmation


# -- issues --------------------------------------------------------------------------------------


def _mirror_open_issue(titles: list[str]) -> Issue | None:
    query = Q()
    for title in titles:
        query |= Q(title__iexact=title)
    return (
        Issue.objects.open()
        .issues()
        .filter(query, repository__full_name=settings.GITHUB_REPOSITORY)
        .order_by("number")
        .first()
    )


def _issue_link(
    draft: IssueDraft, *, actor: Any, write: GitHubWrite | None, issue: Issue | None
) -> DependencyIssue:
    number = issue.number if issue is not None else None
    html_url = issue.html_url if issue is not None else ""
    if write is not None and isinstance(write.response, dict):
        number = write.response.get("number") or number
        html_url = write.html_url or html_url
    first: DependencyIssue | None = None
    for check, version in draft.targets:
        defaults = {
            "title": draft.title,
            "write": write,
            "number": number,
            "html_url": html_url,
            "linked_existing": write is None,
            "filed_by": actor if actor is not None and actor.is_authenticated else None,
            "filed_at": timezone.now(),
        }
        try:
            row, _ = DependencyIssue.objects.update_or_create(
                check_name=check, version=version, defaults=defaults
            )
        except IntegrityError:  # the same click on another worker, a moment earlier
            row = DependencyIssue.objects.get(check_name=check, version=version)
        first = first or row
    assert first is not None
    return first


def _issues_settled(
    keys: list[tuple[str, str]], *, live: bool
) -> dict[tuple[str, str], DependencyIssue]:
    """The issues already filed for these (check, version)s; a dry run's stop counting once live."""
    rows = DependencyIssue.objects.filter(
        Q(*[Q(check_name=c, version=v) for c, v in keys], _connector=Q.OR)
    ).select_related("write")
    return {(r.check_name, r.version): r for r in rows if not (live and r.dry_run)}


def dependency_issue_file(
    *, result: DependencyCheckResult, actor: AbstractBaseUser | None
) -> DependencyIssue:
    """File the bug, story or fleetd QA issue a result calls for; never the same one twice.

    An issue filed before for the same dependency and version (by fleetops, keyed
    `depcheck:<check>:<latest>`), or an open issue with the same title in the mirror, is
    returned instead. A dry-run record does not count once writes are on: then it is filed.
    """
    release = result.run.release
    ensure_can_act_on_dependency_checks(actor, release, "file issues for the dependency checks")
    if not fileable(result):
        raise DependencyCheckError(
            f"{check_label(result.check_name)} is {result.get_status_display()}: nothing to file."
        )
    live = settings.FLEETOPS_GITHUB_WRITE
    own = (result.check_name, issue_version(result))
    settled = _issues_settled([own], live=live)
    if own in settled:
        return settled[own]
    draft = dependency_issue_draft(result=result)
    if len(draft.targets) > 1:  # fleetd: a component already covered stays out of this one
        covered = _issues_settled(draft.targets, live=live)
        if covered:
            draft = dependency_issue_draft(result=result, exclude=set(covered))
    existing = _mirror_open_issue(draft.titles)
    if existing is not None:
        return _issue_link(draft, actor=actor, write=None, issue=existing)
    if live:  # a rehearsal's record must not stand in for the real filing
        GitHubWrite.objects.filter(
            dedupe_key=draft.dedupe_key, status=GitHubWrite.Status.DRY_RUN
        ).update(dedupe_key=None)
    write = gateway.issue_create(
        title=draft.title,
        body=draft.body,
        labels=draft.labels,
        assignees=draft.assignees,
        reason=f"dependency check {draft.check}: {result.current} -> {result.latest}",
        actor=actor,
        dedupe_key=draft.dedupe_key,
    )
    if write.status == GitHubWrite.Status.FAILED:
        raise DependencyCheckError(f"GitHub did not take the issue: {write.error}")
    link = _issue_link(draft, actor=actor, write=write, issue=None)
    if release is not None:
        activity_record(
            release=release,
            kind="dependency-issue",
            actor=actor,
            message=(
                f"{display_name(actor)} filed “{draft.title}”"
                + (f" (#{link.number})" if link.number else "")
                + (" — dry run: nothing was written to GitHub." if not live else ".")
            ),
        )
    return link
