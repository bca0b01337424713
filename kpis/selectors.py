"""Reads of the KPI snapshots for pages, exports and other apps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from fleetops.org.models import ProductGroup
from kpis.models import KpiSnapshot
from kpis.rules import (
    ALL_GROUPS,
    BUG_GOAL_DAYS,
    BUILDUP_DEFINITION,
    COMPANY_CHARTS,
    GROUP_CHARTS,
    GROUP_KEYS,
    GROUP_METRIC_BY_KEY,
    GROUP_METRICS,
    METRIC_BY_KEY,
    METRIC_KEYS,
    METRICS,
    SHEET_COLUMNS,
    WORKFLOW_LABELS,
    Chart,
    Kpi,
)
from kpis.weeks import IsoWeek, zone_name

PERIODS = ("13", "26", "52", "all")
DEFAULT_PERIOD = "26"


def kpi_bug_goal_exceeded() -> bool | None:
    """Whether the latest recorded week's average open bug is older than 32 days.

    Handbook capacity rule (product groups): while it is, half of each sprint's capacity
    goes to bugs and engineering-initiated stories. None when no week is recorded yet.
    """
    return KpiSnapshot.objects.latest_first().values_list("over_bug_goal", flat=True).first()


def kpi_snapshots(*, weeks: int | None = None) -> list[KpiSnapshot]:
    """The newest `weeks` recorded weeks (all when None), oldest first: one query."""
    snapshots: QuerySet[KpiSnapshot] = (
        KpiSnapshot.objects.in_bounds().latest_first().select_related("sync_run")
    )
    if weeks is not None:
        snapshots = snapshots[:weeks]
    return list(reversed(snapshots))


def kpi_snapshot_entry(snapshot: KpiSnapshot) -> dict[str, Any]:
    """A recorded week as `record_kpis --json` prints it."""
    return {
        "week": snapshot.week,
        "metrics": {**snapshot.metrics, "over_bug_goal": snapshot.over_bug_goal},
        "groups": snapshot.groups,
        "over_bug_goal": snapshot.over_bug_goal,
    }


def kpi_snapshot_export(snapshot: KpiSnapshot) -> dict[str, Any]:
    """A recorded week as /kpis/weekly.json serves it: the entry plus when and from what."""
    return {
        **kpi_snapshot_entry(snapshot),
        "starts_at": snapshot.starts_at.isoformat(),
        "ends_at": snapshot.ends_at.isoformat(),
        "time_zone": snapshot.time_zone,
        "buildup": snapshot.buildup,
        "computed_at": snapshot.computed_at.isoformat(),
        "sync_run": snapshot.sync_run_id,
    }


def kpi_sheet_row(snapshot: KpiSnapshot) -> list[Any]:
    """The week's six values in the KPI sheet's column order."""
    return [snapshot.metrics.get(key) for key in SHEET_COLUMNS]


def kpi_sheet_text(snapshot: KpiSnapshot) -> str:
    """The sheet row as pasted into a spreadsheet: tab-separated, empty for none."""
    return "\t".join(_plain(value) for value in kpi_sheet_row(snapshot))


@dataclass
class KpiExport:
    """The recorded weeks an export covers, oldest first, for the company or one group."""

    snapshots: list[KpiSnapshot]
    group: str = ""  # a group label; empty for the whole company
    weeks: int | None = None  # the newest N recorded weeks; None for every one


def kpi_export(*, weeks: int | None = None, group: str = "") -> KpiExport:
    """The newest `weeks` recorded weeks (all when None) of the company or of a group label
    those weeks have; any other group is a ValidationError that names it (one query)."""
    snapshots = kpi_snapshots(weeks=weeks)
    if group and group not in _group_labels(snapshots):
        period = "No recorded week" if weeks is None else f"None of the last {weeks} recorded weeks"
        raise ValidationError(
            f"{period} has the group label “{group}”: leave group empty for the whole company."
        )
    return KpiExport(snapshots, group, weeks)


def kpi_snapshot_group_export(snapshot: KpiSnapshot, group: str) -> dict[str, Any]:
    """A recorded week of one group as /kpis/weekly.json?group=... serves it."""
    return {
        "week": snapshot.week,
        "group": group,
        "metrics": snapshot.groups.get(group, {}),
        "buildup": snapshot.buildup.get(group, {}),
        "starts_at": snapshot.starts_at.isoformat(),
        "ends_at": snapshot.ends_at.isoformat(),
        "time_zone": snapshot.time_zone,
        "computed_at": snapshot.computed_at.isoformat(),
        "sync_run": snapshot.sync_run_id,
    }


def kpi_export_columns(snapshots: list[KpiSnapshot], group: str = "") -> list[str]:
    """CSV columns: the week, its metrics, then each group's and each buildup's counts; for
    one group, only that group's columns (named as in the company's export)."""
    if group:
        return [
            "week",
            "starts_at",
            "ends_at",
            *(f"{group} {key}" for key in GROUP_KEYS),
            *(f"{group} open {label}" for label in WORKFLOW_LABELS),
            "computed_at",
            "sync_run",
        ]
    groups = _group_labels(snapshots)
    return [
        "week",
        "starts_at",
        "ends_at",
        *METRIC_KEYS,
        "over_bug_goal",
        *(f"{group} {key}" for group in groups for key in GROUP_KEYS),
        *(f"{where} open {label}" for where in (ALL_GROUPS, *groups) for label in WORKFLOW_LABELS),
        "computed_at",
        "sync_run",
    ]


def kpi_export_row(snapshot: KpiSnapshot, columns: list[str]) -> list[str]:
    row: dict[str, object] = {
        "week": snapshot.week,
        "starts_at": snapshot.starts_at.isoformat(),
        "ends_at": snapshot.ends_at.isoformat(),
        **snapshot.metrics,
        "over_bug_goal": snapshot.over_bug_goal,
        "computed_at": snapshot.computed_at.isoformat(),
        "sync_run": snapshot.sync_run_id,
    }
    for group, values in snapshot.groups.items():
        row.update({f"{group} {key}": value for key, value in values.items()})
    for where, counts in snapshot.buildup.items():
        row.update({f"{where} open {label}": count for label, count in counts.items()})
    return [_plain(row.get(column)) for column in columns]


def _plain(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _group_labels(snapshots: list[KpiSnapshot]) -> list[str]:
    return sorted({label for snapshot in snapshots for label in snapshot.groups})


@dataclass
class KpiSeries:
    """Recorded weeks, oldest first, with each KPI's values (None where a week has none)."""

    snapshots: list[KpiSnapshot]
    group: str | None
    values: dict[str, list[Any]]
    buildup: dict[str, list[int]]  # workflow label -> open bugs with it, per week

    @property
    def weeks(self) -> list[str]:
        return [snapshot.week for snapshot in self.snapshots]

    @property
    def groups(self) -> list[str]:
        """Every group label in these weeks."""
        return _group_labels(self.snapshots)


def _series(snapshots: list[KpiSnapshot], group: str | None) -> KpiSeries:
    if group:
        values = {key: [s.groups.get(group, {}).get(key) for s in snapshots] for key in GROUP_KEYS}
    else:
        values = {key: [s.metrics.get(key) for s in snapshots] for key in METRIC_KEYS}
    buildup = {
        label: [s.buildup.get(group or ALL_GROUPS, {}).get(label, 0) for s in snapshots]
        for label in WORKFLOW_LABELS
    }
    return KpiSeries(snapshots, group or None, values, buildup)


def kpi_series(*, weeks: int | None, group: str | None = None) -> KpiSeries:
    """The last `weeks` recorded weeks (all when None) of the company's or a group's KPIs."""
    return _series(kpi_snapshots(weeks=weeks), group)


# -- the page --------------------------------------------------------------------------


@dataclass
class Stat:
    """One series' headline on a chart card: latest week, the week before, the change."""

    kpi: Kpi
    latest: float | int | None
    previous: float | int | None

    @property
    def change(self) -> float | int | None:
        if self.latest is None or self.previous is None:
            return None
        change = self.latest - self.previous
        return round(change, 2) if isinstance(change, float) else change

    @property
    def trend(self) -> str:
        """good | bad | flat | "" (no direction is better, or nothing to compare)."""
        change = self.change
        if change is None or not self.kpi.better:
            return ""
        if change == 0:
            return "flat"
        return "good" if (change > 0) == (self.kpi.better == "up") else "bad"


@dataclass
class Card:
    chart: Chart
    stats: list[Stat]

    @property
    def definition(self) -> str:
        return self.chart.definition


@dataclass
class TableRow:
    snapshot: KpiSnapshot
    title: str
    values: list[object]
    sheet_row: str


@dataclass
class KpiPage:
    period: str
    group: str
    groups: list[str]
    snapshots: list[KpiSnapshot]
    latest: KpiSnapshot | None
    group_names: dict[str, str] = field(default_factory=dict)
    cards: list[Card] = field(default_factory=list)
    buildup_stats: list[Stat] = field(default_factory=list)
    chart_data: dict[str, Any] = field(default_factory=dict)
    columns: list[Kpi] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)
    sheet_values: list[Any] = field(default_factory=list)
    periods: tuple[str, ...] = PERIODS
    default_period: str = DEFAULT_PERIOD
    workflow_labels: tuple[str, ...] = WORKFLOW_LABELS
    sheet_columns: tuple[Kpi, ...] = tuple(METRIC_BY_KEY[key] for key in SHEET_COLUMNS)
    definitions: tuple[Kpi, ...] = METRICS
    group_definitions: tuple[Kpi, ...] = GROUP_METRICS
    buildup_definition: str = BUILDUP_DEFINITION
    bug_goal_days: int = BUG_GOAL_DAYS

    @property
    def time_zone(self) -> str:
        return self.latest.time_zone if self.latest else zone_name()

    @property
    def recent(self) -> list[KpiSnapshot]:
        """The last 13 weeks (a quarter): every period shows at least these."""
        return self.snapshots[-13:]

    @property
    def recent_over_goal(self) -> int:
        return sum(snapshot.over_bug_goal for snapshot in self.recent)

    @property
    def latest_sheet_row(self) -> str:
        return kpi_sheet_text(self.latest) if self.latest else ""

    @property
    def group_choices(self) -> list[tuple[str, str]]:
        """Each group label with its product group's name where one is configured."""
        return [(label, self._name(label)) for label in self.groups]

    @property
    def export_query(self) -> str:
        """The page's group and weeks as the exports' query string: they export what it shows."""
        return urlencode(
            {"group": self.group, "weeks": self.period} if self.group else {"weeks": self.period}
        )

    @property
    def group_title(self) -> str:
        """The chosen group's product-group name alone ("" when none is configured)."""
        return self.group_names.get(self.group, "") if self.group else ""

    @property
    def group_name(self) -> str:
        return self._name(self.group) if self.group else ""

    def _name(self, label: str) -> str:
        name = self.group_names.get(label)
        return f"{name} · {label}" if name else label


def _week_label(snapshot: KpiSnapshot) -> str:
    monday = IsoWeek.parse(snapshot.week).monday
    return f"{monday:%b} {monday.day}"


def _week_title(snapshot: KpiSnapshot) -> str:
    monday = IsoWeek.parse(snapshot.week).monday
    sunday = monday + dt.timedelta(days=6)
    days = f"{monday:%b} {monday.day}\u2013{sunday:%b} {sunday.day}, {sunday.year}"
    return f"{snapshot.week} · {days}"


def _stat(kpi: Kpi, series: list[Any]) -> Stat:
    return Stat(kpi, series[-1] if series else None, series[-2] if len(series) > 1 else None)


def _chart_data(
    series: KpiSeries, charts: tuple[Chart, ...], by_key: dict[str, Kpi]
) -> dict[str, Any]:
    """What static/js/kpis.js draws (through json_script): labels, then one entry per chart."""

    def entry(key: str, kpi: Kpi, axis: str, data: list[Any]) -> dict[str, Any]:
        return {"key": key, "label": kpi.label, "unit": kpi.unit, "axis": axis, "data": data}

    drawn = [
        {
            "id": chart.id,
            "kind": chart.kind,
            "goal": chart.goal,
            "series": [
                entry(
                    key,
                    by_key[key],
                    "y1" if key in chart.right_axis else "y",
                    series.values[key],
                )
                for key in chart.keys
            ],
        }
        for chart in charts
    ]
    drawn.append(
        {
            "id": "buildup",
            "kind": "stacked",
            "goal": None,
            "series": [
                entry(label, BUILDUP_KPIS[label], "y", counts)
                for label, counts in series.buildup.items()
            ],
        }
    )
    return {
        "weeks": series.weeks,
        "labels": [_week_label(s) for s in series.snapshots],
        "titles": [_week_title(s) for s in series.snapshots],
        "charts": drawn,
    }


BUILDUP_KPIS = {
    label: Kpi(label, f"Open {label}", f"Open bugs labelled {label}.", better="")
    for label in WORKFLOW_LABELS
}


def kpi_page(*, period: str = DEFAULT_PERIOD, group: str = "") -> KpiPage:
    """What the CTO's KPI page shows for a period (13/26/52/all weeks) and a group label."""
    period = period if period in PERIODS else DEFAULT_PERIOD
    series = kpi_series(weeks=None if period == "all" else int(period))
    groups = series.groups
    group = group if group in groups else ""
    if group:
        series = _series(series.snapshots, group)
    by_key = GROUP_METRIC_BY_KEY if group else METRIC_BY_KEY
    charts = GROUP_CHARTS if group else COMPANY_CHARTS
    snapshots = series.snapshots
    page = KpiPage(
        period=period,
        group=group,
        groups=groups,
        snapshots=snapshots,
        latest=snapshots[-1] if snapshots else None,
        group_names=dict(ProductGroup.objects.values_list("github_label", "name")),
    )
    page.cards = [
        Card(chart, [_stat(by_key[key], series.values[key]) for key in chart.keys])
        for chart in charts
    ]
    page.buildup_stats = [
        _stat(BUILDUP_KPIS[label], counts) for label, counts in series.buildup.items()
    ]
    page.chart_data = _chart_data(series, charts, by_key)
    page.columns = [by_key[key] for key in series.values]
    page.rows = [
        TableRow(
            snapshot=snapshot,
            title=_week_title(snapshot),
            values=[series.values[kpi.key][index] for kpi in page.columns]
            + [series.buildup[label][index] for label in WORKFLOW_LABELS],
            sheet_row=kpi_sheet_text(snapshot),
        )
        for index, snapshot in reversed(list(enumerate(snapshots)))
    ]
    if page.latest is not None:
        page.sheet_values = kpi_sheet_row(page.latest)
    return page
