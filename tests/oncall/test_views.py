from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fleetops.github.models import GitHubWrite
from fleetops.org.models import process_today
from oncall.context_processors import oncall_now
from oncall.models import OncallHandoff, OncallProfile, Override, TimeOff
from oncall.schedule.selectors import oncall_person_now, oncall_shift_current
from tests.factories import PersonFactory, ProductGroupFactory, SprintFactory, UserFactory
from tests.oncall.factories import (
    OncallProfileFactory,
    OverrideFactory,
    TimeOffFactory,
    mirror_comment,
    mirror_issue,
    rotation_with,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(db):
    """A rotation running since two weeks ago: Alice, Bob, Carol; Erin is their EM."""
    people = {
        key: PersonFactory(name=name, github_login=key, user__username=key)
        for key, name in [
            ("alice", "Alice Adams"),
            ("bob", "Bob Brown"),
            ("carol", "Carol Chen"),
            ("erin", "Erin Manager"),
            ("dana", "Dana Outsider"),
        ]
    }
    group = ProductGroupFactory(name="MDM", slug="mdm", engineering_manager=people["erin"])
    group.members.add(people["alice"], people["bob"], people["carol"], people["erin"])
    today = process_today()
    monday = today - dt.timedelta(days=today.weekday())
    rotation = rotation_with(
        people["alice"],
        people["bob"],
        people["carol"],
        name="Developer on-call",
        starts_on=monday - dt.timedelta(weeks=2),
    )
    start = monday - dt.timedelta(weeks=1)
    for number in range(4):
        SprintFactory(
            number=60 + number,
            starts_on=start + dt.timedelta(weeks=3 * number),
            ends_on=start + dt.timedelta(weeks=3 * number, days=20),
        )
    return type("Live", (), {**people, "group": group, "rotation": rotation})


def client_for(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def _more_data(live, n: int) -> None:
    """n more of everything the pages read."""
    now = timezone.now()
    for i in range(n):
        OverrideFactory(
            rotation=live.rotation,
            person=live.bob,
            starts_at=now + dt.timedelta(days=20 + i, hours=1),
            ends_at=now + dt.timedelta(days=20 + i, hours=3),
            created_by=live.erin.user,
        )
        TimeOffFactory(
            person=PersonFactory(),
            starts_on=process_today() + dt.timedelta(days=i),
            ends_on=process_today() + dt.timedelta(days=i),
        )
        issue = mirror_issue(created_at=now - dt.timedelta(days=30 + i), is_pull_request=i % 2 == 1)
        mirror_comment(issue, at=now - dt.timedelta(days=10 + i), login="erin")
        mirror_issue(created_at=now - dt.timedelta(hours=i + 1))
        OncallHandoff.objects.create(
            rotation=live.rotation, handoff_at=now - dt.timedelta(days=i + 1), text="x"
        )
    group = ProductGroupFactory()
    group.members.add(*(PersonFactory() for _ in range(n)))


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(queries)


@pytest.mark.parametrize(
    "url", ["/oncall/", "/oncall/capacity/", "/oncall/capacity.json", "/oncall/now.json"]
)
def test_oncall_pages_take_the_same_queries_for_more_data(live, url, monkeypatch):
    monkeypatch.setattr("kpis.selectors.kpi_bug_goal_exceeded", lambda: True)
    client = client_for(live.erin)
    client.get(url)  # warm: the on-call profile is made on the first visit
    _more_data(live, 1)
    small = _queries(client, url)
    _more_data(live, 12)
    assert _queries(client, url) == small


def test_header_context_costs_one_query_and_only_when_shown(live):
    request = RequestFactory().get("/kpis/")
    request.user = live.erin.user
    with CaptureQueriesContext(connection) as queries:
        context = oncall_now(request)
    assert len(queries) == 0  # lazy: a partial that does not show the header costs nothing
    for expected in (3, 1):  # computed: the version and the schedule; then kept (ADR 0024)
        context = oncall_now(request)
        with CaptureQueriesContext(connection) as queries:
            name, until, label = (
                context["oncall_now"](),
                context["oncall_until"](),
                context["oncall_until_label"](),
            )
            context["oncall_rotation"]()
        assert len(queries) == expected
    shift = oncall_shift_current()
    assert (name, until) == (shift.person.name, shift.ends_at)
    assert label


def test_header_says_who_is_on_call_until_when_on_every_page(live):
    html = client_for(live.dana).get("/").content.decode()
    person = oncall_person_now()
    assert f'On call: <strong>{person.name}</strong> until <time datetime="' in html
    assert 'id="oncall-now" class="pill"' in html
    assert 'href="/oncall/"' in html


def test_header_is_muted_when_nobody_is_on_call(live):
    TimeOffFactory(
        person=oncall_person_now(),
        starts_on=process_today() - dt.timedelta(days=1),
        ends_on=process_today() + dt.timedelta(days=1),
    )
    html = client_for(live.dana).get("/").content.decode()
    assert 'id="oncall-now" class="pill pill-muted"' in html
    assert "On call: nobody" in html


def test_header_without_a_rotation(db, auth_client):
    html = auth_client.get("/").content.decode()
    assert "On call: no rotation yet" in html


def test_index_shows_now_next_calendar_and_queue(live):
    mirror_issue(
        title="Enrollment fails on Ubuntu", created_at=timezone.now() - dt.timedelta(days=3)
    )
    html = client_for(live.alice).get("/oncall/").content.decode()
    shift = oncall_shift_current()
    assert "On call now" in html
    assert shift.person.name in html
    assert shift.next_person.name in html
    assert "Coming weeks" in html
    assert "Enrollment fails on Ubuntu" in html
    assert "Make my feed addresses" in html
    assert "Hand over your shift" in html  # Alice is an engineer of the rotation
    assert "Add an override" not in html


def test_now_json(live):
    data = client_for(live.dana).get("/oncall/now.json").json()
    shift = oncall_shift_current()
    assert data == {
        "rotation": "Developer on-call",
        "on_call": {"name": shift.person.name, "github_login": shift.person.github_login},
        "until": shift.ends_at.isoformat(),
        "next": {"name": shift.next_person.name, "github_login": shift.next_person.github_login},
    }


def test_capacity_json_answers_per_group(live, monkeypatch):
    monkeypatch.setattr("kpis.selectors.kpi_bug_goal_exceeded", lambda: None)
    client = client_for(live.erin)
    rows = client.get("/oncall/capacity.json?sprint=61").json()
    assert [row["group"] for row in rows] == ["MDM"]
    assert set(rows[0]) == {
        "group",
        "engineers",
        "working_days",
        "oncall_days",
        "time_off_days",
        "available_days",
        "percent",
        "points",
        "bug_points",
    }
    assert rows[0]["engineers"] == 3
    assert rows[0]["bug_points"] is None
    assert client.get("/oncall/capacity.json?sprint=abc").status_code == 400
    assert client.get("/oncall/capacity.json?sprint=999").status_code == 404
    assert client.get("/oncall/capacity.json").json()[0]["group"] == "MDM"


@pytest.mark.parametrize("raw", ["\u00b9", "\u0663", "-1", "1.5", "9" * 30])
def test_capacity_json_refuses_what_is_not_a_sprint_number(live, raw):
    response = client_for(live.erin).get("/oncall/capacity.json", {"sprint": raw})
    assert response.status_code == 400
    assert response.json()["error"].startswith("sprint must be a sprint number")


def test_capacity_page_says_no_kpis_yet(live, monkeypatch):
    monkeypatch.setattr("kpis.selectors.kpi_bug_goal_exceeded", lambda: None)
    html = client_for(live.erin).get("/oncall/capacity/").content.decode()
    assert "No KPIs recorded yet" in html
    assert "Sprint 60" in html


def test_capacity_sprint_lists_who_is_on_call_when(live, monkeypatch):
    monkeypatch.setattr("kpis.selectors.kpi_bug_goal_exceeded", lambda: True)
    html = client_for(live.erin).get("/oncall/capacity/61/").content.decode()
    assert "Sprint 61: who is on call and away" in html
    assert 'id="group-mdm"' in html
    assert "working day" in html
    assert client_for(live.erin).get("/oncall/capacity/999/").status_code == 404


# -- changing the schedule --------------------------------------------------------------------


def _override_post(live, who):
    start = timezone.localtime() + dt.timedelta(hours=1)
    person = oncall_person_now()
    cover = live.bob if person != live.bob else live.carol
    return cover, client_for(who).post(
        "/oncall/overrides/",
        {
            "rotation": live.rotation.pk,
            "person": cover.pk,
            "starts_at": (start - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": start.strftime("%Y-%m-%dT%H:%M"),
        },
        headers={"HX-Request": "true"},
    )


def test_override_post_by_the_em_changes_on_call_now(live):
    cover, response = _override_post(live, live.erin)
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/oncall/"
    assert Override.objects.get().created_by == live.erin.user
    html = client_for(live.dana).get("/").content.decode()
    assert f"On call: <strong>{cover.name}</strong>" in html


def test_override_post_by_someone_else_is_refused_in_the_form_and_changes_nothing(live):
    _, response = _override_post(live, live.dana)  # htmx: the form comes back with the reason
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="override-form"' in html
    assert 'role="alert"' in html
    assert "You may hand over only your own shifts" in html
    assert not Override.objects.exists()


def test_override_post_refused_shows_why_in_the_form(live):
    response = client_for(live.erin).post(
        "/oncall/overrides/",
        {
            "rotation": live.rotation.pk,
            "person": live.dana.pk,
            "starts_at": "2030-01-02T09:00",
            "ends_at": "2030-01-03T09:00",
        },
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="override-form"' in html
    assert "Select a valid choice" in html  # Dana is not a member: not even offered
    response = client_for(live.erin).post(
        "/oncall/overrides/",
        {
            "rotation": live.rotation.pk,
            "person": live.bob.pk,
            "starts_at": "2030-01-03T09:00",
            "ends_at": "2030-01-02T09:00",
        },
    )
    assert response.status_code == 400
    assert "The override ends before it starts" in response.content.decode()
    assert not Override.objects.exists()


def test_swap_post_by_the_em(live):
    from oncall.schedule.overview import shift_choices

    choices = shift_choices()
    response = client_for(live.erin).post(
        "/oncall/swaps/",
        {"rotation": live.rotation.pk, "first_shift": choices[0][0], "second_shift": choices[1][0]},
    )
    assert response.status_code == 302
    assert Override.objects.filter(swap__isnull=False).count() == 2


def test_override_cancel_post(live):
    _override_post(live, live.erin)
    override = Override.objects.get()
    assert client_for(live.dana).post(f"/oncall/overrides/{override.pk}/cancel/").status_code == 403
    response = client_for(live.erin).post(f"/oncall/overrides/{override.pk}/cancel/")
    assert response.status_code == 302
    override.refresh_from_db()
    assert override.cancelled_by == live.erin.user


# -- feeds ------------------------------------------------------------------------------------


def test_feeds_open_without_a_session_by_their_token(live):
    profile = OncallProfileFactory(person=live.alice)
    anonymous = Client()
    response = anonymous.get(f"/oncall/feeds/{profile.feed_token}/rotation-{live.rotation.pk}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "Developer on-call"
    assert calendar.walk("VTIMEZONE")
    mine = anonymous.get(f"/oncall/feeds/{profile.feed_token}/me.ics")
    summaries = {
        str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(mine.content).walk("VEVENT")
    }
    assert summaries == {"On call: Alice Adams"}


def test_feeds_with_a_bad_token_are_not_found(live):
    profile = OncallProfileFactory(person=live.alice)
    anonymous = Client()
    assert anonymous.get(f"/oncall/feeds/{profile.pk}.wrong/me.ics").status_code == 404
    assert anonymous.get("/oncall/feeds/garbage/me.ics").status_code == 404
    assert anonymous.get(f"/oncall/feeds/{profile.feed_token}/rotation-999.ics").status_code == 404


def test_oncall_page_makes_no_profile_and_offers_a_feed_token(live):
    html = client_for(live.alice).get("/oncall/").content.decode()
    assert not OncallProfile.objects.filter(person=live.alice).exists()
    assert "You have no feed addresses yet" in html
    assert "/oncall/feeds/" not in html


def test_first_feed_token_post_makes_the_feed_addresses(live):
    client = client_for(live.alice)
    response = client.post("/oncall/feed-token/", headers={"HX-Request": "true"})
    profile = OncallProfile.objects.get(person=live.alice)
    assert profile.feed_token in response.content.decode()
    assert Client().get(f"/oncall/feeds/{profile.feed_token}/me.ics").status_code == 200


def test_feed_token_rotate_post_retires_the_old_url(live):
    client = client_for(live.alice)
    OncallProfileFactory(person=live.alice)  # made by an earlier rotation
    old = OncallProfile.objects.get(person=live.alice).feed_token
    response = client.post("/oncall/feed-token/", headers={"HX-Request": "true"})
    new = OncallProfile.objects.get(person=live.alice).feed_token
    assert new != old
    assert new in response.content.decode()
    assert Client().get(f"/oncall/feeds/{old}/me.ics").status_code == 404
    assert Client().get(f"/oncall/feeds/{new}/me.ics").status_code == 200


# -- community, time off ----------------------------------------------------------------------


def test_stale_close_post_shows_what_would_be_sent(live):
    issue = mirror_issue(
        number=777, author_login="jdoe", created_at=timezone.now() - dt.timedelta(days=20)
    )
    mirror_comment(issue, at=timezone.now() - dt.timedelta(days=8), login="erin")
    client = client_for(live.erin)
    assert "Close with comment" in client.get("/oncall/").content.decode()
    response = client.post("/oncall/stale/777/close/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "dry-run" in html
    assert "What would be sent" in html
    assert "welcome to re-open" in html
    assert GitHubWrite.objects.count() == 2
    assert client_for(live.dana).post("/oncall/stale/777/close/").status_code == 403


def test_time_off_post_by_the_em_for_an_engineer(live):
    first = process_today() + dt.timedelta(days=30)
    response = client_for(live.erin).post(
        "/oncall/time-off/",
        {
            "person": live.bob.pk,
            "starts_on": first.isoformat(),
            "ends_on": (first + dt.timedelta(days=2)).isoformat(),
            "note": "Vacation",
        },
    )
    assert response.status_code == 302
    entry = TimeOff.objects.get()
    assert (entry.person, entry.created_by, entry.days) == (live.bob, live.erin.user, 3)


def test_time_off_post_for_someone_else_changes_nothing(live):
    first = process_today() + dt.timedelta(days=30)
    response = client_for(live.alice).post(
        "/oncall/time-off/",
        {"person": live.bob.pk, "starts_on": first, "ends_on": first + dt.timedelta(days=2)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "You may enter only your own time off" in response.content.decode()
    assert not TimeOff.objects.exists()
    entry = TimeOffFactory(person=live.bob)
    assert client_for(live.alice).post(f"/oncall/time-off/{entry.pk}/delete/").status_code == 403
    assert TimeOff.objects.count() == 1


def test_calendar_post_saves_the_url_and_queues_an_import(
    live, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(
        "oncall.schedule.tasks.time_off_import_task.delay_on_commit", lambda pk: queued.append(pk)
    )
    response = client_for(live.alice).post(
        "/oncall/time-off/calendar/",
        {"person": live.alice.pk, "ics_url": "https://cal.example.com/a.ics"},
    )
    assert response.status_code == 302
    assert OncallProfile.objects.get(person=live.alice).ics_url == "https://cal.example.com/a.ics"
    assert queued == [live.alice.pk]


def test_non_person_user_sees_the_page_without_feeds(live):
    client = Client()
    client.force_login(UserFactory(username="robot"))
    html = client.get("/oncall/").content.decode()
    assert "this account has no person" in html
