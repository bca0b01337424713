"""The rituals' schedule and the YAML reading (rituals/rules.py), property-tested."""

from __future__ import annotations

import calendar
import datetime as dt

import yaml
from hypothesis import given
from hypothesis import strategies as st

from rituals.rules import (
    due_dates,
    due_on,
    frequency_key,
    next_due,
    previous_due,
    rituals_parse,
)
from tests.fakegithub.seed_rituals import RITUALS_PATH, RITUALS_YML

DATED = ["Daily", "Weekly", "Biweekly", "Triweekly", "Monthly", "Quarterly", "Annually"]
STEPS = {"Daily": 1, "Weekly": 7, "Biweekly": 14, "Triweekly": 21}
MONTHS = {"Monthly": 1, "Quarterly": 3, "Annually": 12}

dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))
frequencies = st.sampled_from(DATED)
# The names as people type them: any case, spaces around.
spelled = st.tuples(
    frequencies, st.sampled_from(["lower", "upper", "title"]), st.text(" \t", max_size=3)
).map(lambda t: getattr(t[0], t[1])() + t[2])


@given(start=dates, frequency=spelled, day=dates)
def test_schedule_never_due_before_started_on(start, frequency, day):
    if day < start:
        assert not due_on(started_on=start, frequency=frequency, day=day)
    assert next_due(started_on=start, frequency=frequency, day=day) >= start


@given(start=dates, day=dates)
def test_schedule_weekly_due_iff_a_whole_number_of_weeks_after_the_start(start, day):
    expected = day >= start and (day - start).days % 7 == 0
    assert due_on(started_on=start, frequency="Weekly", day=day) is expected


@given(start=dates, day=dates, frequency=st.sampled_from(list(STEPS)))
def test_schedule_day_frequencies_step_from_the_start(start, day, frequency):
    expected = day >= start and (day - start).days % STEPS[frequency] == 0
    assert due_on(started_on=start, frequency=frequency, day=day) is expected


@given(start=dates, day=dates, frequency=st.sampled_from(list(MONTHS)))
def test_schedule_month_frequencies_fall_on_the_start_day_or_the_month_end(start, day, frequency):
    if due_on(started_on=start, frequency=frequency, day=day):
        length = calendar.monthrange(day.year, day.month)[1]
        assert day.day == min(start.day, length)
        months = (day.year - start.year) * 12 + day.month - start.month
        assert months % MONTHS[frequency] == 0


@given(start=dates, frequency=spelled, day=dates)
def test_schedule_next_due_is_due_and_not_before_the_day(start, frequency, day):
    found = next_due(started_on=start, frequency=frequency, day=day)
    assert found >= day
    assert due_on(started_on=start, frequency=frequency, day=found)
    # ... and it is the first: nothing between the day and it is due.
    probe = max(day, found - dt.timedelta(days=400))
    while probe < found:
        assert not due_on(started_on=start, frequency=frequency, day=probe)
        probe += dt.timedelta(days=1)


@given(start=dates, frequency=frequencies, day=dates)
def test_schedule_previous_due_is_the_last_due_date_up_to_the_day(start, frequency, day):
    found = previous_due(started_on=start, frequency=frequency, day=day)
    if day < start:
        assert found is None
        return
    assert start <= found <= day
    assert due_on(started_on=start, frequency=frequency, day=found)
    after = next_due(started_on=start, frequency=frequency, day=found + dt.timedelta(days=1))
    assert after > day


def test_schedule_month_end_start_never_drifts_to_the_28th():
    start = dt.date(2024, 1, 31)
    got = list(
        due_dates(started_on=start, frequency="Monthly", first=start, last=dt.date(2025, 3, 31))
    )
    assert got[:5] == [
        dt.date(2024, 1, 31),
        dt.date(2024, 2, 29),
        dt.date(2024, 3, 31),
        dt.date(2024, 4, 30),
        dt.date(2024, 5, 31),
    ]
    assert dt.date(2025, 2, 28) in got
    assert dt.date(2025, 3, 31) in got
    assert not due_on(started_on=start, frequency="Monthly", day=dt.date(2024, 3, 29))


def test_schedule_feb_29_start_is_due_feb_28_in_other_years():
    start = dt.date(2024, 2, 29)
    assert due_on(started_on=start, frequency="Annually", day=dt.date(2025, 2, 28))
    assert not due_on(started_on=start, frequency="Annually", day=dt.date(2025, 3, 1))
    assert due_on(started_on=start, frequency="Annually", day=dt.date(2028, 2, 29))
    assert not due_on(started_on=start, frequency="Annually", day=dt.date(2028, 2, 28))
    assert next_due(started_on=start, frequency="annually ", day=dt.date(2026, 3, 1)) == dt.date(
        2027, 2, 28
    )


def test_schedule_quarterly_from_a_month_end():
    start = dt.date(2024, 11, 30)
    got = list(
        due_dates(started_on=start, frequency="Quarterly", first=start, last=dt.date(2025, 12, 1))
    )
    assert got == [
        dt.date(2024, 11, 30),
        dt.date(2025, 2, 28),
        dt.date(2025, 5, 30),
        dt.date(2025, 8, 30),
        dt.date(2025, 11, 30),
    ]


@given(start=dates, day=dates, frequency=st.text(max_size=30))
def test_schedule_other_frequencies_are_event_driven(start, day, frequency):
    if frequency_key(frequency) is not None:
        return
    assert not due_on(started_on=start, frequency=frequency, day=day)
    assert next_due(started_on=start, frequency=frequency, day=day) is None
    assert previous_due(started_on=start, frequency=frequency, day=day) is None


def test_schedule_frequency_names_in_any_case_with_spaces():
    assert frequency_key(" TRIWEEKLY  ") == "triweekly"
    assert frequency_key("Every patch release") is None
    assert frequency_key("Bi-weekly") is None  # not a name the rule knows: event-driven


# -- the YAML files ----------------------------------------------------------------------------


def test_parse_quirky_file_loads_the_good_entries_and_reports_the_bad_ones():
    parsed = rituals_parse(RITUALS_YML, file=RITUALS_PATH)
    tasks = [r.task for r in parsed.rituals]
    assert len(tasks) == 8
    assert "Quarterly grand review" not in tasks  # no startedOn
    assert "Rotate the signing keys" not in tasks  # 2024-02-30
    problems = {(p.file, p.index, p.task): p.message for p in parsed.problems}
    assert set(problems) == {
        (RITUALS_PATH, 8, "Quarterly grand review"),
        (RITUALS_PATH, 10, "Rotate the signing keys"),
    }
    assert "startedOn is missing" in problems[(RITUALS_PATH, 8, "Quarterly grand review")]
    assert "2024-02-30" in problems[(RITUALS_PATH, 10, "Rotate the signing keys")]


def test_parse_quirky_file_cleans_the_hand_written_values():
    rituals = {r.task: r for r in rituals_parse(RITUALS_YML, file=RITUALS_PATH).rituals}
    weekly = rituals["Engineering leadership weekly"]  # trailing spaces, an empty URL
    assert weekly.frequency == "weekly"
    assert weekly.more_info_url == ""
    assert "“state of the union”" in weekly.description
    handoff = rituals["Oncall handoff"]  # an unquoted URL with a fragment
    assert handoff.more_info_url.endswith("#how-to-reach-the-oncall-engineer")
    monthly = rituals["Monthly dependency review"]  # typed with typographic quotes
    assert monthly.auto_issue.labels == (":product", "bug")
    assert monthly.auto_issue.repo == "fleet"
    assert rituals["Bug review"].started_on == dt.date(2024, 2, 13)  # unquoted date
    assert rituals["Create patch release branch"].event_driven
    release = rituals["Release ritual"]
    assert release.auto_issue.labels == ("#g-mdm", ":release")
    assert release.issue_body() == (
        "Go through the process of releasing the next iteration of Fleet.\n\n"
        "https://fleetdm.com/handbook/engineering#release-fleet"
    )


def test_parse_reports_a_file_that_is_not_yaml_with_its_line():
    parsed = rituals_parse("- task: x\n  startedOn: [\n", file="f.yml")
    assert parsed.rituals == []
    assert len(parsed.problems) == 1
    assert parsed.problems[0].index is None
    assert "line" in parsed.problems[0].message


def test_parse_reports_a_file_that_is_not_a_list():
    parsed = rituals_parse("task: x\n", file="f.yml")
    assert "not a list" in parsed.problems[0].message


def test_parse_bad_auto_issue_loads_the_ritual_without_it():
    text = (
        '- task: "A"\n  startedOn: "2024-01-01"\n  frequency: Daily\n  dri: x\n  autoIssue: yes\n'
    )
    parsed = rituals_parse(text, file="f.yml")
    assert parsed.rituals[0].auto_issue is None
    assert "no issue will be filed" in parsed.problems[0].message


def test_parse_duplicate_task_keeps_the_first():
    entry = '- task: "A"\n  startedOn: "2024-01-0{}"\n  frequency: Daily\n  dri: x\n'
    parsed = rituals_parse(entry.format(1) + entry.format(2), file="f.yml")
    assert [r.started_on.day for r in parsed.rituals] == [1]
    assert parsed.problems[0].index == 2


@given(st.text(max_size=300))
def test_parse_any_text_gives_rituals_or_problems_never_an_exception(text):
    parsed = rituals_parse(text, file="f.yml")
    for problem in parsed.problems:
        assert problem.file == "f.yml"
        assert problem.message


entry_values = st.one_of(
    st.sampled_from(["2024-01-31", "2024-02-30", "Daily", "weekly ", "Every patch release"]),
    st.fixed_dictionaries({"labels": st.lists(st.text(max_size=5)), "repo": st.text(max_size=6)}),
    st.none(),
    st.text(max_size=12),
    st.integers(),
    st.booleans(),
    st.lists(st.text(max_size=5)),
)


@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["task", "startedOn", "frequency", "dri", "autoIssue", "moreInfoUrl"]),
            entry_values,
        ),
        max_size=5,
    ).map(lambda entries: [*entries, "not a mapping"])
)
def test_parse_any_entries_each_load_or_give_a_problem(entries):

    parsed = rituals_parse(yaml.safe_dump(entries), file="f.yml")
    loaded = {r.index for r in parsed.rituals}
    skipped = {p.index for p in parsed.problems if "skipped" in p.message}
    assert loaded | skipped == set(range(1, len(entries) + 1))
    assert not loaded & skipped


def test_parse_started_on_outside_the_supported_years_is_a_problem():
    text = '- task: "Old"\n  startedOn: 1899-01-01\n  frequency: Daily\n  dri: x\n'
    parsed = rituals_parse(text, file="f.yml")
    assert parsed.rituals == []
    assert "between 2000 and 2100" in parsed.problems[0].message
