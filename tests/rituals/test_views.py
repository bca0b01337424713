"""The rituals page, its filters, its JSON, the overview card and the calendar feeds."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fleetops.github.models import Issue
from oncall.schedule.services import oncall_profile_for
from rituals import views
from rituals.models import RitualFile
from rituals.services import ritual_files_fetch, ritual_issues_file
from rituals.templatetags import rituals_overview
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

D = dt.date(2026, 11, 18)


@pytest.fixture
def today(monkeypatch):
    """Pin today (UTC) for the page, the feeds and the overview."""

    def pin(day: dt.date) -> None:
        monkeypatch.setattr(views, "rituals_today", lambda: day)
        monkeypatch.setattr(rituals_overview, "rituals_today", lambda: day)

    pin(D)
    return pin


@pytest.fixture
def fetched(github, today):
    ritual_files_fetch()
    return github


def test_page_lists_every_ritual_with_dri_frequency_and_next_due(auth_client, fetched):
    PersonFactory(name="Eli Engineer", github_login="eng-eli")
    response = auth_client.get("/rituals/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "8 rituals" in html
    assert "Eli Engineer" in html  # a known person by name
    assert "lukeheath" in html  # an unknown login as it is
    assert '<time datetime="2026-11-23">Mon Nov 23, 2026</time>' in html  # Oncall handoff
    assert "event-driven" in html
    assert 'aria-current="page">Rituals</a>' in html


def test_page_lists_the_problems_in_a_card(auth_client, fetched):
    html = auth_client.get("/rituals/").content.decode()
    assert 'id="ritual-problems"' in html
    assert "entry 8 (“Quarterly grand review”): startedOn is missing" in html
    assert "entry 10 (“Rotate the signing keys”)" in html


def test_page_filters_by_dri_and_file_and_keeps_them_in_the_form(auth_client, fetched):
    html = auth_client.get("/rituals/", {"dri": "lukeheath"}).content.decode()
    assert "3 rituals" in html
    assert '<option value="lukeheath" selected>' in html
    html = auth_client.get(
        "/rituals/", {"dri": "LUKEHEATH", "file": "handbook/engineering/engineering.rituals.yml"}
    ).content.decode()
    assert "3 rituals" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"dri": "nobody"}, "No ritual has the DRI “nobody”"),
        ({"file": "../../etc/passwd"}, "No rituals file is “../../etc/passwd”"),
        ({"dri": "x" * 5000}, "No ritual has the DRI"),
        ({"dri": "é\u200b"}, "No ritual has the DRI"),
    ],
)
def test_page_bad_filter_is_ignored_with_a_message(auth_client, fetched, params, message):
    response = auth_client.get("/rituals/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "8 rituals" in html


def test_page_empty_state_says_what_to_do(auth_client, github):
    html = auth_client.get("/rituals/").content.decode()
    assert "No rituals file has been read from GitHub yet" in html
    assert "manage.py rituals" in html
    assert "FLEETOPS_RITUALS_FILES" in html


def test_page_shows_a_fetch_error_and_the_previous_copy(auth_client, fetched):
    fetched.fail_next(1, status=502)
    ritual_files_fetch()
    html = auth_client.get("/rituals/").content.decode()
    assert "The last read failed" in html
    assert "502" in html
    assert "showing the copy read before" in html
    assert "8 rituals" in html


def test_page_shows_the_issue_filed_and_whether_it_is_open(auth_client, fetched, settings, today):
    settings.FLEETOPS_GITHUB_WRITE = True
    [filed] = ritual_issues_file(day=D)
    html = auth_client.get("/rituals/", {"dri": "lukeheath"}).content.decode()
    assert f"fleetdm/fleet#{filed.number}</a>" in html
    assert '<span class="tag tag-warn">open</span>' in html
    assert "overdue" not in html.split('id="rituals-table"')[1]
    # Still open past the next due date (Dec 9): overdue.
    today(dt.date(2026, 12, 10))
    html = auth_client.get("/rituals/", {"dri": "lukeheath"}).content.decode()
    assert '<span class="tag tag-bad">overdue</span>' in html
    assert "Still open past its next due date: <a href" in html
    # Closed on GitHub (the mirror says so): no longer overdue.
    Issue.objects.filter(number=filed.number).update(state=Issue.State.CLOSED)
    html = auth_client.get("/rituals/", {"dri": "lukeheath"}).content.decode()
    assert "tag-bad" not in html


def test_page_closed_issue_of_the_last_due_date(auth_client, fetched, settings):
    settings.FLEETOPS_GITHUB_WRITE = True
    [filed] = ritual_issues_file(day=D)
    Issue.objects.filter(number=filed.number).update(state=Issue.State.CLOSED)
    html = auth_client.get("/rituals/").content.decode()
    assert '<span class="tag tag-ok">closed</span>' in html


def test_rituals_json_is_the_command_shape(auth_client, fetched):
    data = auth_client.get("/rituals/rituals.json").json()
    assert len(data) == 8
    release = next(e for e in data if e["task"] == "Release ritual")
    assert release["due_on"] is True
    assert release["next_due"] == "2026-11-18"


def test_overview_shows_my_rituals_due_in_the_next_14_days(auth_client, fetched, person, today):
    person.github_login = "mdm-maria"
    person.save()
    today(dt.date(2026, 11, 20))
    html = auth_client.get("/").content.decode()
    card = html.split('id="my-rituals"')[1].split("</section>")[0]
    assert "Monthly dependency review" in card
    assert '<time datetime="2026-11-30">' in card
    assert "Renew MDM certificate" not in card  # Feb 28: not in the next 14 days


def test_overview_without_rituals_due_says_so(auth_client, fetched):
    html = auth_client.get("/").content.decode()
    assert "None of your rituals is due in the next 14 days." in html


# -- the calendar feed -------------------------------------------------------------------------


def _events(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def test_feed_mine_has_a_year_of_all_day_due_dates_with_stable_uids(client, fetched, person):
    person.github_login = "lukeheath"
    person.save()
    token = oncall_profile_for(person=person).feed_token
    response = client.get(f"/rituals/feeds/{token}/mine.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = _events(response.content)
    release = [e for e in events if e["SUMMARY"] == "Ritual: Release ritual"]
    assert len(release) == 18  # every 21 days for a year
    assert release[0]["DTSTART"].dt == D
    assert release[0]["DTEND"].dt == D + dt.timedelta(days=1)
    assert release[1]["DTSTART"].dt == dt.date(2026, 12, 9)
    assert all(not isinstance(e["DTSTART"].dt, dt.datetime) for e in events)
    weekly = [e for e in events if "leadership" in str(e["SUMMARY"])]
    assert len(weekly) == 52  # Tuesdays from Nov 24, 2026 to Nov 16, 2027
    again = _events(client.get(f"/rituals/feeds/{token}/mine.ics").content)
    assert [str(e["UID"]) for e in again] == [str(e["UID"]) for e in events]
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_feed_all_has_every_dated_ritual(client, fetched, person):
    token = oncall_profile_for(person=person).feed_token
    events = _events(client.get(f"/rituals/feeds/{token}/all.ics").content)
    summaries = {str(e["SUMMARY"]) for e in events}
    assert "Ritual: Pull request review" in summaries
    assert "Ritual: Create patch release branch" not in summaries  # event-driven: no date


@pytest.mark.parametrize(
    "token",
    ["nope", "1.wrong", "999.x", "%C3%A9.%C3%A9", "1.%E2%80%9Csecret%E2%80%9D", "%C2%B2.x", "1."],
)
def test_feed_bad_token_is_a_404(client, fetched, person, token):
    oncall_profile_for(person=person)
    assert client.get(f"/rituals/feeds/{token}/mine.ics").status_code == 404
    assert client.get(f"/rituals/feeds/{token}/all.ics").status_code == 404


def test_feed_link_on_the_page(auth_client, fetched, person):
    token = oncall_profile_for(person=person).feed_token
    html = auth_client.get("/rituals/").content.decode()
    assert f"/rituals/feeds/{token}/mine.ics" in html


def test_feed_with_no_file_fetched_is_an_empty_calendar(client, github, person):
    token = oncall_profile_for(person=person).feed_token
    response = client.get(f"/rituals/feeds/{token}/all.ics")
    assert response.status_code == 200
    assert _events(response.content) == []
    assert not RitualFile.objects.exists()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(dri=st.text(max_size=80), file=st.text(max_size=80))
def test_page_any_filter_values_answer_200(auth_client, fetched, dri, file):
    response = auth_client.get("/rituals/", {"dri": dri, "file": file})
    # a NUL is refused for every page before the view (RejectNulMiddleware): a clear 400
    assert response.status_code == (400 if "\x00" in dri + file else 200)


def test_patch_release_page_lists_the_rituals_of_every_patch_release(auth_client, fetched):
    from tests.releases.factories import ReleaseFactory

    patch = ReleaseFactory(version="4.75.1", kind="patch")
    minor = ReleaseFactory(version="4.76.0", kind="minor")
    html = auth_client.get(f"/releases/{patch.version}/").content.decode()
    assert "Rituals of every patch release" in html
    assert "Create patch release branch" in html
    assert "Bug review" not in html  # a dated ritual is not event-driven
    minor_html = auth_client.get(f"/releases/{minor.version}/").content.decode()
    assert "Rituals of every patch release" not in minor_html


def test_for_patch_releases_matches_event_driven_patch_rituals_only():
    import datetime as dt

    from rituals.rules import Ritual, for_patch_releases

    def ritual(frequency: str) -> Ritual:
        return Ritual(
            file="f.yml", index=1, task="t", started_on=dt.date(2024, 1, 1), frequency=frequency
        )

    assert for_patch_releases(ritual("Every patch release"))
    assert for_patch_releases(ritual("  every  PATCH release "))
    assert not for_patch_releases(ritual("Every minor release"))
    assert not for_patch_releases(ritual("Weekly"))
