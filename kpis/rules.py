"""The KPI rules: keys, labels, one-sentence definitions, charts (ADR 0003). Pure.

Handbook, "Record engineering KPIs": "We track the effectiveness of our processes by
observing issue throughput and identifying where buildups (and therefore bottlenecks) are
occurring." Each KPI below says what it counts; the capacity rule that reads one of them
("while the average open bug is older than 32 days, 50% of each sprint's capacity goes to
bugs") lives in `oncall/capacity/rules.py`.

The keys are an interface: `record_kpis --json`, `/kpis/weekly.json` and `/kpis/weekly.csv`
use them, and other tools compare against them.
"""

from __future__ import annotations

from dataclasses import dataclass

BUG_LABEL = "bug"
RELEASED_LABEL = "~released bug"
UNRELEASED_LABEL = "~unreleased bug"
PRIORITIZED_LABEL = ":release"
CUSTOMER_MARK = "customer-"
GROUP_PREFIX = "#g-"
# PRs with these labels are the company's own housekeeping, not contributor work.
NON_CONTRIBUTOR_LABELS = ("#handbook", "~ceo", ":improve documentation")
# Where a bug sits in the workflow (handbook: bugs start with `:reproduce` and `:incoming`).
WORKFLOW_LABELS = (":incoming", ":reproduce", ":product", ":release")
ALL_GROUPS = "all"

BUG_GOAL_DAYS = 32  # handbook capacity rule: the average open bug is at most 32 days old
OLD_BUG_DAYS = 32
MERGE_WINDOW_DAYS = 21


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    definition: str
    unit: str = ""  # "days" for averages
    better: str = "down"  # which way is good: "up" | "down" | "" (neither)


METRICS: tuple[Kpi, ...] = (
    Kpi(
        "open_bugs",
        "Open bugs",
        "Bugs (issues labelled bug, not PRs) open at the end of the week.",
    ),
    Kpi(
        "open_bugs_avg_days",
        "Average open bug age",
        "Mean age of those bugs at the end of the week.",
        "days",
    ),
    Kpi(
        "open_released_bugs",
        "Open released bugs",
        "Open bugs labelled ~released bug and not ~unreleased bug.",
    ),
    Kpi(
        "open_released_bugs_avg_days",
        "Average released bug age",
        "Mean age of the open released bugs.",
        "days",
    ),
    Kpi("open_unreleased_bugs", "Open unreleased bugs", "Open bugs labelled ~unreleased bug."),
    Kpi(
        "open_unreleased_bugs_avg_days",
        "Average unreleased bug age",
        "Mean age of the open unreleased bugs.",
        "days",
    ),
    Kpi(
        "open_bugs_32_days_or_older",
        "Open bugs 32+ days old",
        "Open bugs created 32 days or more before the end of the week.",
    ),
    Kpi(
        "unprioritized_bugs_avg_days",
        "Average unprioritized bug age",
        "Mean age of open bugs not labelled :release.",
        "days",
    ),
    Kpi(
        "bugs_opened",
        "Bugs opened",
        "Bugs created during the week, whatever their state now.",
        better="",
    ),
    Kpi(
        "customer_bugs_opened",
        "Customer bugs opened",
        "Bugs created during the week with a label containing customer-.",
    ),
    Kpi("bugs_closed", "Bugs closed", "Bugs closed during the week.", better="up"),
    Kpi(
        "open_prs",
        "Open PRs",
        "Pull requests open at the end of the week that are not drafts.",
        better="",
    ),
    Kpi(
        "open_prs_avg_days",
        "Average open PR age",
        "Mean age of those pull requests at the end of the week.",
        "days",
    ),
    Kpi(
        "contributor_open_prs",
        "Contributor open PRs",
        "Open non-draft PRs not by a bot and not labelled #handbook, ~ceo or "
        ":improve documentation.",
        better="",
    ),
    Kpi(
        "contributor_open_prs_avg_days",
        "Average contributor PR age",
        "Mean age of the contributor open PRs at the end of the week.",
        "days",
    ),
    Kpi("prs_merged", "PRs merged", "Pull requests merged during the week.", better="up"),
    Kpi(
        "pr_open_to_merge_avg_days",
        "Open to merge",
        "Mean time from opening to merging of PRs merged in the 21 days before the end of "
        "the week.",
        "days",
    ),
)
METRIC_KEYS: tuple[str, ...] = tuple(kpi.key for kpi in METRICS)
METRIC_BY_KEY: dict[str, Kpi] = {kpi.key: kpi for kpi in METRICS}

GROUP_METRICS: tuple[Kpi, ...] = (
    Kpi(
        "bugs_opened",
        "Bugs opened",
        "Bugs with the group's label created during the week.",
        better="",
    ),
    Kpi(
        "bugs_opened_customer",
        "Customer bugs opened",
        "Of those, labelled with a customer-* label.",
    ),
    Kpi(
        "bugs_opened_released",
        "Released bugs opened",
        "Of those, labelled ~released bug and not ~unreleased bug.",
    ),
    Kpi("bugs_opened_unreleased", "Unreleased bugs opened", "Of those, labelled ~unreleased bug."),
)
GROUP_KEYS: tuple[str, ...] = tuple(kpi.key for kpi in GROUP_METRICS)
GROUP_METRIC_BY_KEY: dict[str, Kpi] = {kpi.key: kpi for kpi in GROUP_METRICS}

# The KPI sheet the team pastes into (the old script's one row of six values, in order).
SHEET_COLUMNS: tuple[str, ...] = (
    "contributor_open_prs_avg_days",
    "open_bugs_avg_days",
    "open_bugs_32_days_or_older",
    "bugs_opened",
    "bugs_closed",
    "customer_bugs_opened",
)


@dataclass(frozen=True)
class Chart:
    """One chart card: which keys it draws, how, and the sentence under it."""

    id: str
    title: str
    keys: tuple[str, ...]
    definition: str
    kind: str = "line"  # line | bar | combo (first key as bars, the rest as lines) | stacked
    goal: float | None = None  # a dashed reference line (the 32-day bug goal)
    right_axis: tuple[str, ...] = ()  # keys drawn against a second (days) axis


COMPANY_CHARTS: tuple[Chart, ...] = (
    Chart(
        "bug-flow",
        "Bug inflow vs outflow",
        ("bugs_opened", "bugs_closed"),
        "Bugs created during each week against bugs closed during it; closed above opened "
        "shrinks the backlog.",
        kind="bar",
    ),
    Chart(
        "open-bugs",
        "Open bugs and their average age",
        ("open_bugs", "open_bugs_avg_days"),
        "Bugs open at the end of each week (bars) and their mean age in days (line); the "
        "dashed line is the 32-day goal.",
        kind="combo",
        goal=BUG_GOAL_DAYS,
        right_axis=("open_bugs_avg_days",),
    ),
    Chart(
        "old-bugs",
        "Open bugs 32+ days old",
        ("open_bugs_32_days_or_older",),
        "Bugs open at the end of each week that were created 32 days or more before it.",
        kind="bar",
    ),
    Chart(
        "bug-ages",
        "Bug age by kind",
        (
            "open_released_bugs_avg_days",
            "open_unreleased_bugs_avg_days",
            "unprioritized_bugs_avg_days",
        ),
        "Mean age at the end of each week of open released bugs, open unreleased bugs, and "
        "open bugs not labelled :release.",
        goal=BUG_GOAL_DAYS,
    ),
    Chart(
        "released-unreleased",
        "Open released vs unreleased bugs",
        ("open_released_bugs", "open_unreleased_bugs"),
        "Open bugs labelled ~released bug (and not ~unreleased bug) against open bugs "
        "labelled ~unreleased bug.",
    ),
    Chart(
        "customer-bugs",
        "Customer bugs opened",
        ("customer_bugs_opened",),
        "Bugs created during each week with a label containing customer-.",
        kind="bar",
    ),
    Chart(
        "pr-throughput",
        "PR throughput",
        ("prs_merged", "open_prs", "contributor_open_prs"),
        "Pull requests merged during each week, and non-draft PRs open at its end (all, and "
        "contributors' only).",
    ),
    Chart(
        "pr-age",
        "PR age",
        ("open_prs_avg_days", "contributor_open_prs_avg_days", "pr_open_to_merge_avg_days"),
        "Mean age of open non-draft PRs and of contributors' at the end of each week, and "
        "mean days from opening to merging of PRs merged in the 21 days before it.",
    ),
)

GROUP_CHARTS: tuple[Chart, ...] = (
    Chart(
        "group-bugs-opened",
        "Bugs opened",
        ("bugs_opened", "bugs_opened_released", "bugs_opened_unreleased"),
        "Bugs with the group's label created during each week (bars), and of those the "
        "released and the unreleased ones.",
        kind="combo",
    ),
    Chart(
        "group-customer-bugs",
        "Customer bugs opened",
        ("bugs_opened_customer",),
        "Bugs with the group's label and a customer-* label created during each week.",
        kind="bar",
    ),
)

BUILDUP_DEFINITION = (
    "Bugs open at the end of each week by workflow label (:incoming, :reproduce, :product, "
    ":release), with the labels the mirror holds now: a pile-up shows the week it starts."
)
