"""Computing and recording the weekly KPIs from the mirror (definitions: ADR 0003).

Handbook, "Record engineering KPIs": "At the end of each week, the Engineering KPIs are
recorded". Every number is aggregate SQL over the mirror: a fixed number of queries per
week, whatever the size of the mirror, and no request to GitHub.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import (
    Avg,
    Count,
    Exists,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone

from fleetops.github.models import Issue, Label, Repository, SyncRun
from fleetops.org.models import process_time_zone
from kpis.models import KpiSnapshot, KpiSnapshotRevision
from kpis.rules import (
    ALL_GROUPS,
    BUG_GOAL_DAYS,
    BUG_LABEL,
    CUSTOMER_MARK,
    GROUP_KEYS,
    GROUP_PREFIX,
    MERGE_WINDOW_DAYS,
    METRIC_KEYS,
    NON_CONTRIBUTOR_LABELS,
    OLD_BUG_DAYS,
    PRIORITIZED_LABEL,
    RELEASED_LABEL,
    UNRELEASED_LABEL,
    WORKFLOW_LABELS,
)
from kpis.weeks import InvalidWeek, IsoWeek, zone_name

MAX_BACKFILL_WEEKS = 520

IssueLabel = Issue.labels.through
SECONDS_PER_DAY = Decimal(86_400)
# Handbook, "Record engineering KPIs": the week is recorded on Monday morning, once the
# weekend's last changes have reached the mirror.
RECORD_AFTER = dt.time(6, 0)


class WeekNotOver(ValueError):
    """The week has not ended yet: its numbers would change after recording."""


class EpochSeconds(Func):
    """Seconds since 1970 of a datetime column, the same on SQLite and PostgreSQL."""

    arity = 1
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django stores UTC text there; julianday() reads it (to the millisecond).
        template = "((julianday(%(expressions)s) - 2440587.5) * 86400.0)"
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "EXTRACT(EPOCH FROM %(expressions)s)::double precision"
        return self.as_sql(compiler, connection, template=template, **extra_context)


class _Labels:
    """The mirror's labels of the product repository, by name: the queries use their ids."""

    def __init__(self, rows: list[tuple[int, str]]) -> None:
        self.rows = rows

    def ids(self, *names: str) -> list[int]:
        return [pk for pk, name in self.rows if name in names]

    def containing(self, text: str) -> list[int]:
        """Names containing `text`, case-sensitively (the old script's `includes`)."""
        return [pk for pk, name in self.rows if text in name]

    def starting(self, text: str) -> list[int]:
        return [pk for pk, name in self.rows if name.startswith(text)]

    def groups(self) -> dict[int, str]:
        return {pk: name for pk, name in self.rows if name.startswith(GROUP_PREFIX)}


def _has(label_ids: list[int], outer: str = "pk") -> Exists:
    """The issue carries one of these labels (an EXISTS on the label through table)."""
    return Exists(IssueLabel.objects.filter(issue_id=OuterRef(outer), label_id__in=label_ids))


def _days(seconds: float | Decimal | None) -> float | None:
    """Seconds as days, rounded to 2 decimals (half up); None when nothing was averaged."""
    if seconds is None:
        return None
    exact = Decimal(repr(round(float(seconds), 2))) / SECONDS_PER_DAY
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _age_days(end: dt.datetime, mean_created: float | None) -> float | None:
    """The mean age at `end` of rows whose mean creation time is `mean_created` (epoch)."""
    return None if mean_created is None else _days(end.timestamp() - mean_created)


def _as_week(week: IsoWeek | str) -> IsoWeek:
    return week if isinstance(week, IsoWeek) else IsoWeek.parse(week)


def _product_repository() -> Repository | None:
    return Repository.objects.filter(full_name=settings.GITHUB_REPOSITORY).first()


def _bug_metrics(
    issues: QuerySet[Issue], labels: _Labels, start: dt.datetime, end: dt.datetime
) -> dict[str, Any]:
    """The bug KPIs of one week: one aggregate query."""
    open_at_end = Q(closed_at__isnull=True) | Q(closed_at__gte=end)  # created < end: below
    released = Q(released=True, unreleased=False)
    old = Q(created_at__lte=end - dt.timedelta(days=OLD_BUG_DAYS))
    created = EpochSeconds("created_at")
    bugs = (
        issues.filter(is_pull_request=False, created_at__lt=end)
        # Open at the end, created in the week, or closed in it: closed_at >= start covers all.
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
        .filter(_has(labels.ids(BUG_LABEL)))
        .annotate(
            released=_has(labels.ids(RELEASED_LABEL)),
            unreleased=_has(labels.ids(UNRELEASED_LABEL)),
            prioritized=_has(labels.ids(PRIORITIZED_LABEL)),
            customer=_has(labels.containing(CUSTOMER_MARK)),
        )
    )
    row = bugs.aggregate(
        open_bugs=Count("pk", filter=open_at_end),
        open_bugs_created=Avg(created, filter=open_at_end),
        open_released_bugs=Count("pk", filter=open_at_end & released),
        open_released_bugs_created=Avg(created, filter=open_at_end & released),
        open_unreleased_bugs=Count("pk", filter=open_at_end & Q(unreleased=True)),
        open_unreleased_bugs_created=Avg(created, filter=open_at_end & Q(unreleased=True)),
        open_bugs_32_days_or_older=Count("pk", filter=open_at_end & old),
        unprioritized_bugs_created=Avg(created, filter=open_at_end & Q(prioritized=False)),
        bugs_opened=Count("pk", filter=Q(created_at__gte=start)),
        customer_bugs_opened=Count("pk", filter=Q(created_at__gte=start, customer=True)),
        bugs_closed=Count("pk", filter=Q(closed_at__gte=start, closed_at__lt=end)),
    )
    return {
        "open_bugs": row["open_bugs"],
        "open_bugs_avg_days": _age_days(end, row["open_bugs_created"]),
        "open_released_bugs": row["open_released_bugs"],
        "open_released_bugs_avg_days": _age_days(end, row["open_released_bugs_created"]),
        "open_unreleased_bugs": row["open_unreleased_bugs"],
        "open_unreleased_bugs_avg_days": _age_days(end, row["open_unreleased_bugs_created"]),
        "open_bugs_32_days_or_older": row["open_bugs_32_days_or_older"],
        "unprioritized_bugs_avg_days": _age_days(end, row["unprioritized_bugs_created"]),
        "bugs_opened": row["bugs_opened"],
        "customer_bugs_opened": row["customer_bugs_opened"],
        "bugs_closed": row["bugs_closed"],
    }


def _pr_metrics(
    issues: QuerySet[Issue],
    labels: _Labels,
    start: dt.datetime,
    end: dt.datetime,
    merge_window: dt.datetime,
) -> dict[str, Any]:
    """The pull-request KPIs of one week: one aggregate query."""
    open_at_end = (Q(closed_at__isnull=True) | Q(closed_at__gte=end)) & Q(draft=False)
    contributor = open_at_end & Q(author_is_bot=False, housekeeping=False)
    earliest = min(start, merge_window)
    prs = (
        issues.filter(is_pull_request=True, created_at__lt=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=earliest) | Q(merged_at__gte=earliest))
        .annotate(housekeeping=_has(labels.ids(*NON_CONTRIBUTOR_LABELS)))
    )
    created = EpochSeconds("created_at")
    row = prs.aggregate(
        open_prs=Count("pk", filter=open_at_end),
        open_prs_created=Avg(created, filter=open_at_end),
        contributor_open_prs=Count("pk", filter=contributor),
        contributor_open_prs_created=Avg(created, filter=contributor),
        prs_merged=Count("pk", filter=Q(merged_at__gte=start, merged_at__lt=end)),
        open_to_merge=Avg(
            EpochSeconds("merged_at") - created,
            filter=Q(merged_at__gte=merge_window, merged_at__lt=end),
            output_field=FloatField(),
        ),
    )
    return {
        "open_prs": row["open_prs"],
        "open_prs_avg_days": _age_days(end, row["open_prs_created"]),
        "contributor_open_prs": row["contributor_open_prs"],
        "contributor_open_prs_avg_days": _age_days(end, row["contributor_open_prs_created"]),
        "prs_merged": row["prs_merged"],
        "pr_open_to_merge_avg_days": _days(row["open_to_merge"]),
    }


def _group_metrics(
    issues: QuerySet[Issue], labels: _Labels, start: dt.datetime, end: dt.datetime
) -> dict[str, dict[str, int]]:
    """Bugs opened in the week per `#g-*` label: one aggregate query, grouped by label."""
    groups = labels.groups()
    opened = issues.filter(is_pull_request=False, created_at__gte=start, created_at__lt=end).filter(
        _has(labels.ids(BUG_LABEL))
    )
    released = _has(labels.ids(RELEASED_LABEL), outer="issue_id")
    unreleased = _has(labels.ids(UNRELEASED_LABEL), outer="issue_id")
    customer = _has(labels.starting(CUSTOMER_MARK), outer="issue_id")
    rows = (
        IssueLabel.objects.filter(label_id__in=list(groups), issue_id__in=opened.values("pk"))
        .values("label_id")
        .annotate(
            bugs_opened=Count("issue_id"),
            bugs_opened_customer=Count("issue_id", filter=Q(customer)),
            bugs_opened_released=Count("issue_id", filter=Q(released) & ~Q(unreleased)),
            bugs_opened_unreleased=Count("issue_id", filter=Q(unreleased)),
        )
        .order_by()
    )
    counts = {name: dict.fromkeys(GROUP_KEYS, 0) for name in sorted(groups.values())}
    for row in rows:
        target = counts[groups[row["label_id"]]]
        for key in GROUP_KEYS:
            target[key] += row[key]  # += : a label renamed onto another name's twin
    return counts


def _buildup(
    issues: QuerySet[Issue], labels: _Labels, end: dt.datetime
) -> dict[str, dict[str, int]]:
    """Open bugs at the end of the week by workflow label, overall and per group: 2 queries."""
    groups = labels.groups()
    workflow = {pk: name for pk, name in labels.rows if name in WORKFLOW_LABELS}
    open_bugs = (
        issues.filter(is_pull_request=False, created_at__lt=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
        .filter(_has(labels.ids(BUG_LABEL)))
        .values("pk")
    )
    names = (ALL_GROUPS, *sorted(groups.values()))
    buildup = {name: dict.fromkeys(WORKFLOW_LABELS, 0) for name in names}
    if not workflow:
        return buildup
    overall = (
        IssueLabel.objects.filter(label_id__in=list(workflow), issue_id__in=open_bugs)
        .values("label_id")
        .annotate(count=Count("issue_id"))
        .order_by()
    )
    for row in overall:
        buildup[ALL_GROUPS][workflow[row["label_id"]]] += row["count"]
    if groups:
        # group label -> its open bugs -> their workflow labels (a second pass through labels)
        per_group = (
            Label.objects.filter(pk__in=list(groups))
            .filter(issues__in=open_bugs, issues__labels__in=list(workflow))
            .values("pk", "issues__labels")
            .annotate(count=Count("issues"))
            .order_by()
        )
        for row in per_group:
            buildup[groups[row["pk"]]][workflow[row["issues__labels"]]] += row["count"]
    return buildup


def kpi_week_compute(*, week: IsoWeek | str) -> dict[str, Any]:
    """The week's KPIs from the mirror as it is now (ADR 0003), without storing them.

    Gone issues (deleted or transferred on GitHub) are left out of every week, past ones
    included: GitHub no longer has them, so no other tool counts them either.
    """
    week = _as_week(week)
    zone = process_time_zone()
    start, end = week.starts_at(zone), week.ends_at(zone)
    repository = _product_repository()
    issues = Issue.objects.present().filter(repository=repository)
    labels = _Labels(list(Label.objects.filter(repository=repository).values_list("pk", "name")))
    metrics = {
        **_bug_metrics(issues, labels, start, end),
        **_pr_metrics(issues, labels, start, end, week.days_before_end(MERGE_WINDOW_DAYS, zone)),
    }
    metrics = {key: metrics[key] for key in METRIC_KEYS}
    average = metrics["open_bugs_avg_days"]
    sync_run = (
        SyncRun.objects.filter(repository=repository, outcome=SyncRun.Outcome.OK)
        .order_by("-started_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return {
        "week": week.name,
        "starts_at": start,
        "ends_at": end,
        "time_zone": zone_name(zone),
        "metrics": metrics,
        "over_bug_goal": average is not None and average > BUG_GOAL_DAYS,
        "groups": _group_metrics(issues, labels, start, end) if labels.groups() else {},
        "buildup": _buildup(issues, labels, end),
        "sync_run_id": sync_run,
    }


@dataclass(frozen=True)
class KpiRecorded:
    snapshot: KpiSnapshot
    outcome: str  # recorded | recomputed | unchanged


def kpi_week_record(
    *, week: IsoWeek | str, force: bool = False, now: dt.datetime | None = None
) -> KpiRecorded:
    """Store a finished week's KPIs once; `force` recomputes and keeps the old values.

    Handbook, "Record engineering KPIs": recorded at the end of each week. A recorded week
    does not change unless recomputed on purpose; safe to run twice and on two machines.
    """
    week = _as_week(week)
    now = now or timezone.now()
    end = week.ends_at()
    if end > now:
        local_end = timezone.localtime(end, process_time_zone())
        raise WeekNotOver(f"{week} is not over yet: it ends {local_end:%a %Y-%m-%d %H:%M %Z}.")
    with transaction.atomic():
        existing = KpiSnapshot.objects.select_for_update().filter(week=week.name).first()
        if existing is not None and not force:
            return KpiRecorded(existing, "unchanged")
        values = kpi_week_compute(week=week)
        fields = {
            "starts_at": values["starts_at"],
            "ends_at": values["ends_at"],
            "time_zone": values["time_zone"],
            "metrics": values["metrics"],
            "groups": values["groups"],
            "buildup": values["buildup"],
            "over_bug_goal": values["over_bug_goal"],
            "computed_at": timezone.now(),
            "sync_run_id": values["sync_run_id"],
        }
        if existing is None:
            try:
                with transaction.atomic():
                    created = KpiSnapshot.objects.create(week=week.name, **fields)
                return KpiRecorded(created, "recorded")
            except IntegrityError:
                # Another worker recorded it a moment ago: theirs stands.
                return KpiRecorded(KpiSnapshot.objects.get(week=week.name), "unchanged")
        KpiSnapshotRevision.objects.create(
            snapshot=existing,
            time_zone=existing.time_zone,
            metrics=existing.metrics,
            groups=existing.groups,
            buildup=existing.buildup,
            over_bug_goal=existing.over_bug_goal,
            computed_at=existing.computed_at,
            sync_run_id=existing.sync_run_id,
            replaced_at=fields["computed_at"],
        )
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        return KpiRecorded(existing, "recomputed")


def kpi_weeks_backfill(
    *, weeks: int, force: bool = False, now: dt.datetime | None = None
) -> list[KpiRecorded]:
    """Record the `weeks` complete weeks before now, oldest first (recorded ones stay).

    At most `MAX_BACKFILL_WEEKS` (ten years): older weeks have no mirror to count from.
    """
    if not 1 <= weeks <= MAX_BACKFILL_WEEKS:
        raise InvalidWeek(
            f"Backfill at least 1 and at most {MAX_BACKFILL_WEEKS} weeks (ten years)."
        )
    now = now or timezone.now()
    newest = IsoWeek.last_complete(now)
    targets = [newest.previous(back) for back in reversed(range(weeks))]
    return [kpi_week_record(week=week, force=force, now=now) for week in targets]


def kpi_week_due(*, now: dt.datetime | None = None) -> IsoWeek:
    """The newest week whose recording time (the next Monday, 06:00 local) has passed."""
    now = now or timezone.now()
    zone = process_time_zone()
    week = IsoWeek.last_complete(now, zone)
    record_at = dt.datetime.combine(week.next().monday, RECORD_AFTER, tzinfo=zone)
    return week if now >= record_at else week.previous()


def kpi_week_record_due(*, now: dt.datetime | None = None) -> tuple[IsoWeek, str]:
    """Record the week that just ended, on Monday at 06:00 in FLEETOPS_TIME_ZONE, once.

    Waits (records nothing) until a successful sync has started after the week's end, so
    a broken sync never freezes stale numbers into a recorded week.
    """
    now = now or timezone.now()
    week = kpi_week_due(now=now)
    if KpiSnapshot.objects.filter(week=week.name).exists():
        return week, "unchanged"
    synced = SyncRun.objects.filter(
        repository__full_name=settings.GITHUB_REPOSITORY,
        outcome=SyncRun.Outcome.OK,
        started_at__gte=week.ends_at(),
    ).exists()
    if not synced:
        return week, "waiting for a sync after the week's end"
    return week, kpi_week_record(week=week, now=now).outcome
