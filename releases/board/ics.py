"""The release calendar as iCalendar: each sprint's release-candidate cut and each release's
target date, for calendar apps to subscribe to.

Handbook, "Create a release candidate": a release candidate for the next minor release is
created on the last Friday of each sprint at 8:00 AM Pacific. The cut is a timed event in
America/Los_Angeles (with its VTIMEZONE, so it stays at 8:00 across daylight-saving changes);
a release's target date is an all-day event. UIDs depend only on the sprint number or the
version, so a subscribed calendar updates an event in place when its date moves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import icalendar

from fleetops.core.bounds import date_in_range
from fleetops.core.ics import feed_calendar
from fleetops.org.models import Sprint
from fleetops.org.rules import PACIFIC  # "8:00 AM Pacific"
from releases.board.models import Release

PRODID = "-//fleetops//release calendar//EN"
CALENDAR_NAME = "Fleet releases"
RC_CUT_LENGTH = dt.timedelta(minutes=30)


def release_calendar_ics(
    *,
    sprints: Iterable[Sprint],
    releases: Iterable[Release],
    now: dt.datetime,
    page_url: str,
    board_url: Callable[[str], str],
) -> bytes:
    """The calendar: one RC-cut event per sprint, one all-day event per dated release."""
    calendar = feed_calendar(prodid=PRODID, name=CALENDAR_NAME, refresh=dt.timedelta(hours=6))
    stamp = now.astimezone(dt.UTC)
    days: list[dt.date] = []
    for sprint in sprints:
        if not date_in_range(sprint.ends_on):
            continue
        starts = sprint.rc_cut_at.astimezone(PACIFIC)
        days.append(starts.date())
        event = icalendar.Event()
        event.add("uid", f"rc-cut-sprint-{sprint.number}@fleetops")
        event.add("dtstamp", stamp)
        event.add("dtstart", starts)
        event.add("dtend", starts + RC_CUT_LENGTH)
        event.add("summary", f"Release candidate cut (sprint {sprint.number})")
        event.add(
            "description",
            f"Sprint {sprint.number} ({sprint.starts_on:%b} {sprint.starts_on.day} to "
            f"{sprint.ends_on:%b} {sprint.ends_on.day}): the release candidate for the next "
            "minor release is cut on the sprint's last Friday at 8:00 AM Pacific.",
        )
        event.add("transp", "TRANSPARENT")
        event.add("url", page_url)
        calendar.add_component(event)
    for release in releases:
        if release.target_date is None or not date_in_range(release.target_date):
            continue
        event = icalendar.Event()
        event.add("uid", f"release-{release.version}@fleetops")
        event.add("dtstamp", stamp)
        event.add("dtstart", release.target_date)
        event.add("dtend", release.target_date + dt.timedelta(days=1))
        event.add("summary", f"Fleet v{release.version} release ({release.get_state_display()})")
        dri = release.dri.name if release.dri else "not set"
        event.add("description", f"Target date of Fleet v{release.version}. Release DRI: {dri}.")
        event.add("transp", "TRANSPARENT")
        event.add("url", board_url(release.version))
        calendar.add_component(event)
    if days:
        calendar.add_missing_timezones(
            first_date=min(days) - dt.timedelta(days=366),
            last_date=max(days) + dt.timedelta(days=366),
        )
    return calendar.to_ical()
