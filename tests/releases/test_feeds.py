"""The release calendar as a feed: a calendar app subscribes by a secret address (the
person's one feed token), without a session; a rotated or strange token is a 404."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest
from django.test import Client

from fleetops.org.models import process_today
from oncall.models import OncallProfile
from tests.factories import SprintFactory
from tests.oncall.factories import OncallProfileFactory
from tests.releases.factories import ReleaseFactory

pytestmark = pytest.mark.django_db

PACIFIC = zoneinfo.ZoneInfo("America/Los_Angeles")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sprint(org):
    """The sprint of today: its RC cut is on its last Friday at 8:00 AM Pacific."""
    today = process_today()
    monday = today - dt.timedelta(days=today.weekday())
    sprint = SprintFactory(number=90, starts_on=monday, ends_on=monday + dt.timedelta(days=20))
    org["release"].sprint = sprint
    org["release"].save()
    return sprint


def _events(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_calendar_feed_opens_without_a_session_by_the_token(org, sprint):
    profile = OncallProfileFactory(person=org["outsider"].person)

    response = Client().get(f"/releases/feeds/{profile.feed_token}/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "Fleet releases"
    events = _events(response.content)
    cut = events["rc-cut-sprint-90@fleetops"]
    starts = cut["DTSTART"].dt
    assert starts.tzinfo is not None
    assert starts.astimezone(PACIFIC).time() == dt.time(8, 0)  # 8:00 AM Pacific
    assert starts.astimezone(PACIFIC).weekday() == 4  # the sprint's last Friday
    assert starts.astimezone(PACIFIC).date() == sprint.ends_on - dt.timedelta(days=2)
    assert "America/Los_Angeles" in response.content.decode()  # TZID and its VTIMEZONE
    assert calendar.walk("VTIMEZONE")
    release = events["release-4.75.0@fleetops"]
    assert release["DTSTART"].dt == dt.date(2026, 12, 16)  # all day
    assert release["DTEND"].dt == dt.date(2026, 12, 17)
    assert str(release["SUMMARY"]) == "Fleet v4.75.0 release (QA)"
    assert "Dana Ri" in str(release["DESCRIPTION"])
    assert str(release["URL"]) == "http://testserver/releases/4.75.0/"


def test_calendar_feed_answers_head_without_a_body(org, sprint):
    profile = OncallProfileFactory(person=org["outsider"].person)

    response = Client().head(f"/releases/feeds/{profile.feed_token}/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.content == b""


def test_calendar_feed_refuses_other_methods(org):
    profile = OncallProfileFactory(person=org["outsider"].person)

    response = Client().post(f"/releases/feeds/{profile.feed_token}/calendar.ics")

    assert response.status_code == 405


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "1.",
        ".abc",
        "1.%C3%A9",  # a non-ASCII secret
        "%C2%B9.abc",  # a superscript one
        "%D9%A3.abc",  # an Arabic-Indic three
        "99999999999999999999.x",  # past any id column
        "%E2%80%8B",
        "-1.abc",
    ],
)
def test_calendar_feed_with_a_strange_token_is_404(org, token):
    OncallProfileFactory(person=org["outsider"].person)

    response = Client().get(f"/releases/feeds/{token}/calendar.ics")

    assert response.status_code == 404


def test_calendar_feed_with_a_nul_in_the_token_is_refused_before_the_view(org):
    OncallProfileFactory(person=org["outsider"].person)

    response = Client().get("/releases/feeds/1.abc%00def/calendar.ics")

    assert response.status_code == 400  # the project-wide NUL guard, never a 500


def test_calendar_feed_with_someone_elses_secret_is_404(org):
    mine = OncallProfileFactory(person=org["outsider"].person)
    theirs = OncallProfileFactory(person=org["release"].dri)

    response = Client().get(f"/releases/feeds/{mine.pk}.{theirs.feed_secret}/calendar.ics")

    assert response.status_code == 404


def test_calendar_feed_of_a_deactivated_person_is_404(org):
    profile = OncallProfileFactory(person=org["outsider"].person)
    org["outsider"].is_active = False
    org["outsider"].save()

    assert Client().get(f"/releases/feeds/{profile.feed_token}/calendar.ics").status_code == 404


def test_rotating_the_token_retires_every_old_feed_address(org, sprint):
    person = org["outsider"].person
    old = OncallProfileFactory(person=person).feed_token
    client = _client(org["outsider"])

    response = client.post("/oncall/feed-token/", {"next": "/releases/#release-feed"})

    assert response.status_code == 302
    assert response["Location"] == "/releases/#release-feed"
    new = OncallProfile.objects.get(person=person).feed_token
    assert new != old
    anonymous = Client()
    assert anonymous.get(f"/releases/feeds/{old}/calendar.ics").status_code == 404
    assert anonymous.get(f"/oncall/feeds/{old}/me.ics").status_code == 404
    assert anonymous.get(f"/rituals/feeds/{old}/mine.ics").status_code == 404
    assert anonymous.get(f"/releases/feeds/{new}/calendar.ics").status_code == 200
    page = client.get("/releases/").content.decode()
    assert f"/releases/feeds/{new}/calendar.ics" in page
    assert "New feed addresses: the old ones no longer work." in page


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/releases/", "javascript:alert(1)"]
)
def test_rotating_the_token_goes_back_only_to_this_site(org, target):
    client = _client(org["outsider"])

    response = client.post("/oncall/feed-token/", {"next": target})

    assert response.status_code == 302
    assert response["Location"] == "/oncall/"


def test_a_user_without_a_person_cannot_make_a_feed_token(org):
    response = _client(org["staff"]).post("/oncall/feed-token/", {"next": "/releases/"})

    assert response.status_code == 403
    assert "Only people of the organisation have calendar feeds." in response.content.decode()
    assert not OncallProfile.objects.exists()


def test_releases_page_shows_the_feed_to_copy_and_subscribe(org, sprint):
    profile = OncallProfileFactory(person=org["outsider"].person)

    html = _client(org["outsider"]).get("/releases/").content.decode()

    url = f"http://testserver/releases/feeds/{profile.feed_token}/calendar.ics"
    assert f'value="{url}"' in html
    assert "readonly" in html
    assert f'href="webcal://testserver/releases/feeds/{profile.feed_token}/calendar.ics"' in html
    assert 'data-copy-from="release-feed-url"' in html
    assert 'aria-live="polite"' in html
    assert "Rotate my feed token" in html
    assert 'href="/releases/calendar.ics"' in html  # the signed-in download stays


def test_releases_page_makes_no_token_on_a_read(org, sprint):
    html = _client(org["outsider"]).get("/releases/").content.decode()

    assert not OncallProfile.objects.exists()
    assert "Make my feed addresses" in html
    assert "/releases/feeds/" not in html


def test_releases_page_without_a_person_offers_the_download(org, sprint):
    html = _client(org["staff"]).get("/releases/").content.decode()

    assert "this account has no person" in html
    assert 'href="/releases/calendar.ics"' in html


def test_signed_in_calendar_download_still_works_and_needs_a_session(org, sprint):
    response = _client(org["outsider"]).get("/releases/calendar.ics")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "rc-cut-sprint-90@fleetops" in _events(response.content)
    anonymous = Client().get("/releases/calendar.ics")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


def test_calendar_feed_skips_a_release_dated_out_of_range(org, sprint):
    ReleaseFactory(version="9.0.0", target_date=dt.date(1900, 1, 1))
    profile = OncallProfileFactory(person=org["outsider"].person)

    response = Client().get(f"/releases/feeds/{profile.feed_token}/calendar.ics")

    assert response.status_code == 200
    assert "release-9.0.0@fleetops" not in _events(response.content)
