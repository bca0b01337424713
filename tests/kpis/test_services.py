"""Each KPI definition against hand-built issues at the edges of a week (ADR 0003).

Week 2026-W46 in America/Los_Angeles: S = Mon 2026-11-09 00:00 PST = 08:00 UTC,
T = Mon 2026-11-16 00:00 PST = 08:00 UTC. Expected numbers are worked out by hand.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kpis.rules import GROUP_KEYS, METRIC_KEYS, WORKFLOW_LABELS
from kpis.services import kpi_week_compute

UTC = dt.UTC
S = dt.datetime(2026, 11, 9, 8, tzinfo=UTC)
T = dt.datetime(2026, 11, 16, 8, tzinfo=UTC)
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
SECOND = dt.timedelta(seconds=1)
WEEK = "2026-W46"


def _metrics(week: str = WEEK) -> dict:
    return kpi_week_compute(week=week)["metrics"]


def test_kpi_week_compute_open_closed_and_opened_at_the_week_edges(mirror):
    mirror.bug(created=T)  # created exactly at T: not open at T, not opened in the week
    mirror.bug(created=T - 12 * HOUR)  # open, age 0.5; opened in the week
    mirror.bug(created=S - 10 * DAY, closed=T)  # closed exactly at T: open at T, age 17
    mirror.bug(created=S - 10 * DAY, closed=T - SECOND)  # closed in the week
    mirror.bug(created=S - 5 * DAY, closed=S)  # closed exactly at the window start: counts
    mirror.bug(created=S - 5 * DAY, closed=S - SECOND)  # closed the week before
    mirror.bug(created=S, closed=S + HOUR)  # created at S: opened and closed in the week
    mirror.issue(created=S + DAY, labels=["bug"], pr=True)  # a PR labelled bug is no bug
    mirror.bug(created=S + DAY, gone=T + DAY)  # deleted on GitHub: left out
    mirror.issue(created=S + DAY, labels=[":incoming"])  # not a bug

    metrics = _metrics()

    assert metrics["open_bugs"] == 2
    assert metrics["open_bugs_avg_days"] == 8.75  # (0.5 + 17) / 2
    assert metrics["bugs_opened"] == 2
    assert metrics["bugs_closed"] == 3
    assert metrics["open_bugs_32_days_or_older"] == 0


def test_kpi_week_compute_bugs_opened_counts_closed_ones_too(mirror):
    """The old script counted only bugs still open when it ran."""
    mirror.bug(created=S + DAY, closed=S + 2 * DAY)
    mirror.bug(created=S + DAY, closed=T + 30 * DAY)
    mirror.bug(created=S + 3 * DAY)

    assert _metrics()["bugs_opened"] == 3


def test_kpi_week_compute_bugs_closed_counts_old_bugs(mirror):
    """The old script looked only at the 300 most recently created closed bugs."""
    for index in range(3):
        mirror.bug(created=S - 400 * DAY + index * HOUR, closed=S + DAY)
    for index in range(5):
        mirror.bug(created=S - 10 * DAY + index * HOUR, closed=S - 2 * DAY)

    metrics = _metrics()

    assert metrics["bugs_closed"] == 3
    assert metrics["open_bugs"] == 0


def test_kpi_week_compute_32_days_or_older_is_inclusive(mirror):
    mirror.bug(created=T - 32 * DAY)  # exactly 32 days: counts
    mirror.bug(created=T - 32 * DAY + SECOND)  # a second short: does not
    mirror.bug(created=T - 40 * DAY)

    values = kpi_week_compute(week=WEEK)

    assert values["metrics"]["open_bugs_32_days_or_older"] == 2
    assert values["metrics"]["open_bugs_avg_days"] == 34.67  # (32 + 31.99999 + 40) / 3
    assert values["over_bug_goal"] is True


def test_kpi_week_compute_bug_goal_is_over_32_not_at_32(mirror):
    mirror.bug(created=T - 31 * DAY)
    mirror.bug(created=T - 33 * DAY)  # mean exactly 32.00

    values = kpi_week_compute(week=WEEK)

    assert values["metrics"]["open_bugs_avg_days"] == 32.0
    assert values["over_bug_goal"] is False


def test_kpi_week_compute_released_and_unreleased_bugs(mirror):
    mirror.bug(created=T - 10 * DAY, labels=["~released bug", ":release"])
    mirror.bug(created=T - 4 * DAY, labels=["~released bug", "~unreleased bug"])  # unreleased
    mirror.bug(created=T - 2 * DAY, labels=["~unreleased bug"])
    mirror.bug(created=T - 6 * DAY)
    mirror.bug(created=T - 3 * DAY, closed=S + DAY, labels=["~released bug"])  # closed: no

    metrics = _metrics()

    assert metrics["open_bugs"] == 4
    assert metrics["open_bugs_avg_days"] == 5.5  # (10 + 4 + 2 + 6) / 4
    assert metrics["open_released_bugs"] == 1
    assert metrics["open_released_bugs_avg_days"] == 10.0
    assert metrics["open_unreleased_bugs"] == 2
    assert metrics["open_unreleased_bugs_avg_days"] == 3.0  # (4 + 2) / 2
    assert metrics["unprioritized_bugs_avg_days"] == 4.0  # not :release: (4 + 2 + 6) / 3


def test_kpi_week_compute_averages_round_half_up_to_two_decimals(mirror):
    mirror.bug(created=T - DAY)
    mirror.bug(created=T - 87_264 * SECOND)  # 1.01 days

    # (1 + 1.01) / 2 = 1.005 -> 1.01 (round() on the float would give 1.0)
    assert _metrics()["open_bugs_avg_days"] == 1.01


def test_kpi_week_compute_averages_are_null_with_nothing_to_average(mirror):
    mirror.bug(created=T - 3 * DAY, labels=[":release"])

    metrics = _metrics()

    assert metrics["open_released_bugs"] == 0
    assert metrics["open_released_bugs_avg_days"] is None
    assert metrics["open_unreleased_bugs_avg_days"] is None
    assert metrics["unprioritized_bugs_avg_days"] is None
    assert metrics["open_prs_avg_days"] is None
    assert metrics["pr_open_to_merge_avg_days"] is None


def test_kpi_week_compute_empty_mirror_has_every_key(mirror):
    values = kpi_week_compute(week=WEEK)

    assert list(values["metrics"]) == list(METRIC_KEYS)
    assert values["metrics"]["open_bugs"] == 0
    assert values["metrics"]["open_bugs_avg_days"] is None
    assert values["over_bug_goal"] is False
    assert values["groups"] == {}
    assert values["buildup"] == {"all": dict.fromkeys(WORKFLOW_LABELS, 0)}


def test_kpi_week_compute_customer_bugs_by_label_containing_customer(mirror):
    mirror.bug(created=S + DAY, labels=["customer-acme"])
    mirror.bug(created=S + DAY, labels=["prospect-customer-x"])  # contains "customer-"
    mirror.bug(created=S + DAY, labels=["Customer-Acme"])  # another case: not the label
    mirror.bug(created=S + DAY, labels=["customers"])  # no hyphen
    mirror.bug(created=S - DAY, labels=["customer-acme"])  # before the week

    metrics = _metrics()

    assert metrics["bugs_opened"] == 4
    assert metrics["customer_bugs_opened"] == 2


def test_kpi_week_compute_pull_requests(mirror):
    window = dt.datetime(2026, 10, 26, 7, tzinfo=UTC)  # T - 21 days: Oct 26 00:00 PDT
    mirror.pr(created=T - 2 * DAY)  # open, contributor
    mirror.pr(created=T - 3 * DAY, draft=True)  # draft: not counted
    mirror.pr(created=T - 4 * DAY, bot=True)  # open, a bot's
    mirror.pr(created=T - 6 * DAY, labels=["#handbook"])
    mirror.pr(created=T - 8 * DAY, labels=["~ceo"])
    mirror.pr(created=T - 10 * DAY, labels=[":improve documentation"])
    mirror.pr(created=T - DAY, closed=T)  # closed exactly at T: open at T, contributor
    mirror.pr(created=T - 5 * DAY, merged=T)  # merged at T: open at T, not merged in week
    mirror.pr(created=S - 3 * DAY, merged=S)  # merged at S: in the week, 3 days to merge
    mirror.pr(created=window - DAY, merged=window)  # at the 21-day window's start: 1 day
    mirror.pr(created=window - 9 * DAY, merged=window - SECOND)  # just before the window
    mirror.pr(created=S + DAY, closed=S + 2 * DAY)  # closed unmerged in the week
    mirror.pr(created=T - DAY, gone=T)  # deleted on GitHub
    mirror.bug(created=T - DAY)  # an issue, not a PR

    metrics = _metrics()

    assert metrics["open_prs"] == 7
    assert metrics["open_prs_avg_days"] == 5.14  # (2 + 4 + 6 + 8 + 10 + 1 + 5) / 7
    assert metrics["contributor_open_prs"] == 3
    assert metrics["contributor_open_prs_avg_days"] == 2.67  # (2 + 1 + 5) / 3
    assert metrics["prs_merged"] == 1
    assert metrics["pr_open_to_merge_avg_days"] == 2.0  # (3 + 1) / 2


def test_kpi_week_compute_dst_start_week_is_167_hours(mirror):
    # 2026-W10: Mon Mar 2 00:00 PST (08:00 UTC) to Mon Mar 9 00:00 PDT (07:00 UTC).
    end = dt.datetime(2026, 3, 9, 7, tzinfo=UTC)
    mirror.bug(created=end - SECOND)  # Sunday 23:59:59 PDT: in W10
    mirror.bug(created=end + 30 * 60 * SECOND)  # Monday 00:30 PDT: W11 (168 h would say W10)
    mirror.bug(created=end - 10 * DAY, closed=end)  # closed at T: open at T

    values = kpi_week_compute(week="2026-W10")

    assert (values["ends_at"] - values["starts_at"]) == dt.timedelta(hours=167)
    assert values["ends_at"] == end
    assert values["metrics"]["bugs_opened"] == 1
    assert values["metrics"]["open_bugs"] == 2
    assert values["metrics"]["open_bugs_avg_days"] == 5.0  # (0.0000116 + 10) / 2 -> 5.00


def test_kpi_week_compute_dst_end_week_is_169_hours(mirror):
    # 2026-W44: Mon Oct 26 00:00 PDT (07:00 UTC) to Mon Nov 2 00:00 PST (08:00 UTC).
    start = dt.datetime(2026, 10, 26, 7, tzinfo=UTC)
    end = dt.datetime(2026, 11, 2, 8, tzinfo=UTC)
    mirror.bug(created=end - 30 * 60 * SECOND)  # Sunday 23:30 PST: in W44 (168 h would miss)
    mirror.bug(created=start - SECOND)  # Sunday 23:59:59 PDT: W43
    mirror.bug(created=start, closed=start + HOUR)  # at the start: opened and closed

    values = kpi_week_compute(week="2026-W44")

    assert (values["ends_at"] - values["starts_at"]) == dt.timedelta(hours=169)
    assert values["starts_at"] == start
    assert values["metrics"]["bugs_opened"] == 2
    assert values["metrics"]["bugs_closed"] == 1


def test_kpi_week_compute_groups_every_group_label(mirror):
    mirror.label("#g-empty")
    mirror.label("g-not-a-group")
    mirror.bug(created=S + DAY, labels=["#g-mdm", "customer-acme", "~released bug"])
    mirror.bug(created=S + DAY, labels=["#g-mdm", "~released bug", "~unreleased bug"])
    mirror.bug(created=S + DAY, labels=["#g-mdm", "#g-software", "~unreleased bug"])
    mirror.bug(created=S + DAY, labels=["#g-software", "prospect-customer-x"])  # not customer-*
    mirror.bug(created=S - DAY, labels=["#g-mdm", "~released bug"])  # before the week
    mirror.pr(created=S + DAY, labels=["#g-mdm", "bug"])  # a PR

    groups = kpi_week_compute(week=WEEK)["groups"]

    assert groups == {
        "#g-empty": dict.fromkeys(GROUP_KEYS, 0),
        "#g-mdm": {
            "bugs_opened": 3,
            "bugs_opened_customer": 1,
            "bugs_opened_released": 1,
            "bugs_opened_unreleased": 2,
        },
        "#g-software": {
            "bugs_opened": 2,
            "bugs_opened_customer": 0,
            "bugs_opened_released": 0,
            "bugs_opened_unreleased": 1,
        },
    }


def test_kpi_week_compute_buildup_by_workflow_label_and_group(mirror):
    mirror.bug(created=S - DAY, labels=[":incoming", ":reproduce", "#g-mdm"])
    mirror.bug(created=S - DAY, labels=[":release", "#g-mdm"])
    mirror.bug(created=S - DAY, labels=[":release", "#g-software"])
    mirror.bug(created=S - DAY, labels=[":product"])  # no group yet
    mirror.bug(created=S - DAY, closed=S + DAY, labels=[":incoming", "#g-mdm"])  # closed
    mirror.issue(created=S - DAY, labels=[":incoming", "#g-mdm"])  # a story, not a bug
    mirror.bug(created=T, labels=[":incoming", "#g-mdm"])  # created at T: not open at T

    buildup = kpi_week_compute(week=WEEK)["buildup"]

    assert buildup == {
        "all": {":incoming": 1, ":reproduce": 1, ":product": 1, ":release": 2},
        "#g-mdm": {":incoming": 1, ":reproduce": 1, ":product": 0, ":release": 1},
        "#g-software": {":incoming": 0, ":reproduce": 0, ":product": 0, ":release": 1},
    }


def test_kpi_week_compute_past_week_ignores_later_activity(mirror):
    mirror.bug(created=S - 20 * DAY, closed=T + 3 * DAY)  # open at T, closed since
    mirror.bug(created=T + DAY)  # created after the week

    metrics = _metrics()

    assert metrics["open_bugs"] == 1
    assert metrics["open_bugs_avg_days"] == 27.0
    assert metrics["bugs_opened"] == 0
    assert metrics["bugs_closed"] == 0


def test_kpi_week_compute_other_repositories_do_not_count(mirror):
    from fleetops.github.models import Repository
    from tests.kpis.conftest import Mirror

    other = Mirror(Repository.objects.create(full_name="osquery/osquery"))
    other.numbers = iter(range(500, 600))
    other.bug(created=S + DAY)

    assert _metrics()["bugs_opened"] == 0


def test_kpi_week_compute_records_the_latest_ok_sync(mirror):
    mirror.sync(started=T - DAY)
    newest_ok = mirror.sync(started=T + HOUR)
    mirror.sync(started=T + 2 * HOUR, outcome="error")

    assert kpi_week_compute(week=WEEK)["sync_run_id"] == newest_ok.pk


@pytest.mark.parametrize("size", [5, 60])
def test_kpi_week_compute_query_count_does_not_grow_with_the_mirror(
    mirror, django_assert_num_queries, size
):
    for index in range(size):
        group = ("#g-mdm", "#g-software", "#g-orchestration")[index % 3]
        mirror.bug(created=S - index * HOUR, labels=[group, ":incoming", "~released bug"])
        mirror.pr(created=S - index * HOUR, merged=S + index * 60 * SECOND)

    # repository, labels, bugs, PRs, groups, buildup overall, buildup per group, sync run
    with django_assert_num_queries(8):
        kpi_week_compute(week=WEEK)
