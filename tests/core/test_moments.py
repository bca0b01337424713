"""`{% moment %}`: each date and time as a `<time>` in the viewer's zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.template import engines
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from fleetops.core.templatetags.moments import moment_html, pacific
from tests.moments import moment_problems, time_elements

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")
KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")


def _render(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


def test_moment_datetime_is_in_the_viewer_zone_with_its_offset():
    at = dt.datetime(2026, 12, 1, 17, 0, tzinfo=dt.UTC)
    with timezone.override(BERLIN):
        html = _render('{% moment at "D M j, H:i" %}', at=at)
    assert html.startswith('<time datetime="2026-12-01T18:00:00+01:00" title="Tuesday, December 1')
    assert html.endswith(">Tue Dec 1, 18:00</time>")
    assert "18:00 CET (UTC+01:00)" in html


def test_moment_half_hour_offset():
    at = dt.datetime(2026, 12, 1, 17, 0, tzinfo=dt.UTC)
    with timezone.override(KOLKATA):
        [(attribute, text)] = time_elements(_render("{% moment at %}", at=at))
    assert attribute == "2026-12-01T22:30:00+05:30"
    assert text == "Dec 1, 22:30"


def test_moment_across_the_spring_forward_gap():
    """Los Angeles skips 2:00-3:00 on March 8, 2026: a minute apart, an hour apart on the clock."""
    before = dt.datetime(2026, 3, 8, 9, 59, tzinfo=dt.UTC)
    after = dt.datetime(2026, 3, 8, 10, 0, tzinfo=dt.UTC)
    with timezone.override(LOS_ANGELES):
        html = _render('{% moment a "H:i" %} {% moment b "H:i" %}', a=before, b=after)
    assert time_elements(html) == [
        ("2026-03-08T01:59:00-08:00", "01:59"),
        ("2026-03-08T03:00:00-07:00", "03:00"),
    ]


def test_moment_the_repeated_hour_keeps_each_offset():
    """01:30 happens twice in Los Angeles on November 1, 2026: the offsets tell them apart."""
    first = dt.datetime(2026, 11, 1, 8, 30, tzinfo=dt.UTC)
    second = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)
    with timezone.override(LOS_ANGELES):
        html = _render('{% moment a "H:i" %} {% moment b "H:i" %}', a=first, b=second)
    assert time_elements(html) == [
        ("2026-11-01T01:30:00-07:00", "01:30"),
        ("2026-11-01T01:30:00-08:00", "01:30"),
    ]
    assert "PDT" in html
    assert "PST" in html


def test_moment_berlin_summer_time():
    at = dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC)  # 3:00 CEST, the first summer minute
    with timezone.override(BERLIN):
        [(attribute, text)] = time_elements(_render('{% moment at "H:i" %}', at=at))
    assert (attribute, text) == ("2026-03-29T03:00:00+02:00", "03:00")


def test_moment_date_has_a_plain_date_attribute():
    with timezone.override(KOLKATA):
        html = _render('{% moment day "D M j" %}', day=dt.date(2026, 12, 1))
    assert html == '<time datetime="2026-12-01">Tue Dec 1</time>'


def test_moment_default_formats():
    at = dt.datetime(2026, 12, 1, 17, 0, tzinfo=dt.UTC)
    with timezone.override(dt.UTC):
        html = _render("{% moment at %} {% moment day %}", at=at, day=dt.date(2026, 12, 1))
    assert time_elements(html) == [
        ("2026-12-01T17:00:00+00:00", "Dec 1, 17:00"),
        ("2026-12-01", "Dec 1, 2026"),
    ]


@pytest.mark.parametrize("value", [None, ""])
def test_moment_nothing_renders_nothing_or_the_default(value):
    assert _render("{% moment value %}", value=value) == ""
    assert _render('{% moment value "H:i" default="—" %}', value=value) == "—"
    assert _render("{% moment missing %}") == ""


def test_moment_relative_text_with_an_absolute_attribute():
    at = timezone.now() - dt.timedelta(hours=3)
    with timezone.override(BERLIN):
        [(attribute, text)] = time_elements(_render('{% moment at "relative" %}', at=at))
    assert text == "3 hours ago"  # (a no-break space, normalised by the collector)
    assert dt.datetime.fromisoformat(attribute) == at.replace(microsecond=0)
    assert attribute.endswith(("+01:00", "+02:00"))


def test_moment_text_built_elsewhere_is_escaped():
    at = dt.datetime(2026, 12, 1, 17, 0, tzinfo=dt.UTC)
    with timezone.override(BERLIN):
        html = str(moment_html(at, text="<b>Tue 18:00</b>"))
    assert "&lt;b&gt;Tue 18:00&lt;/b&gt;</time>" in html
    assert moment_problems(*time_elements(html)[0], "Europe/Berlin") == []


def test_moment_naive_datetime_is_taken_as_utc():
    with timezone.override(BERLIN):
        [(attribute, _)] = time_elements(str(moment_html(dt.datetime(2026, 12, 1, 17, 0))))  # noqa: DTZ001
    assert attribute == "2026-12-01T18:00:00+01:00"


def test_pacific_shows_the_pacific_wall_clock_whatever_the_viewer_zone():
    cut = dt.datetime(2026, 12, 18, 16, 0, tzinfo=dt.UTC)  # 8:00 AM PST
    with timezone.override(KOLKATA):
        assert pacific(cut, "g:i A") == "8:00 AM"
        assert _render('{{ cut|pacific:"H:i" }}', cut=cut) == "08:00"
    assert pacific(None) == ""


def test_moment_checker_catches_a_wrong_clock():
    """The shared checker fails a `<time>` whose text disagrees with its attribute."""
    assert moment_problems("2026-12-01T18:00:00+01:00", "Dec 1, 09:00", "Europe/Berlin")
    assert moment_problems("2026-12-01T09:00:00-08:00", "09:00", "Europe/Berlin")
    assert moment_problems("2026-12-01T18:00:00+01:00", "18:00", "Europe/Berlin") == []


def test_moment_at_the_edge_of_the_calendar_does_not_break():
    last = dt.datetime.max.replace(tzinfo=dt.UTC)
    with timezone.override(KOLKATA):
        [(attribute, _)] = time_elements(str(moment_html(last, "Y-m-d H:i")))
    assert attribute.startswith("9999-12-31T23:59:59")


@given(
    at=st.datetimes(
        min_value=dt.datetime(1, 1, 2),  # noqa: DTZ001 - made aware below
        max_value=dt.datetime(9999, 12, 30),  # noqa: DTZ001
    )
)
def test_the_fast_formats_write_what_django_writes(at):
    """The formats written without `date_format` give exactly its text, any date."""
    from django.utils.dateformat import format as date_format

    from fleetops.core.templatetags.moments import _FAST_FORMATS

    aware = at.replace(tzinfo=dt.UTC)
    for fmt, fast in _FAST_FORMATS.items():
        assert fast(aware) == date_format(aware, fmt), fmt
    for fmt in ("M j, Y", "D M j", "M j"):  # the formats pages use for days
        assert _FAST_FORMATS[fmt](aware.date()) == date_format(aware.date(), fmt), fmt


def test_a_moments_own_text_is_escaped_and_safe_text_kept():
    from django.utils.safestring import mark_safe

    at = dt.datetime(2026, 12, 1, 17, 0, tzinfo=dt.UTC)
    assert ">&lt;b&gt;x&lt;/b&gt;</time>" in str(moment_html(at, text="<b>x</b>"))
    assert "><b>x</b></time>" in str(moment_html(at, text=mark_safe("<b>x</b>")))
