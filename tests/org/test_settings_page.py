"""Your settings: a person chooses the time zone every page shows times in."""

from __future__ import annotations

import re

import pytest

from fleetops.org.forms import time_zone_choices
from fleetops.org.models import Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_settings_page_shows_the_persons_zone_selected(auth_client, person):
    person.time_zone = "Europe/Berlin"
    person.save()
    html = auth_client.get("/me/").content.decode()
    assert '<option value="Europe/Berlin" selected>Berlin</option>' in html
    assert '<optgroup label="Asia">' in html
    assert 'href="/me/">Your settings</a>' in html  # the account menu links here


def test_settings_page_saves_a_new_zone_and_every_page_follows(auth_client, person):
    response = auth_client.post("/me/", {"time_zone": "Asia/Kolkata"}, follow=True)
    person.refresh_from_db()
    assert person.time_zone == "Asia/Kolkata"
    html = response.content.decode()
    assert "Saved: every page now shows times in your new zone." in html
    assert "times in Asia/Kolkata" in html
    assert "times in Asia/Kolkata" in auth_client.get("/").content.decode()


def test_settings_page_refuses_an_unknown_zone_next_to_the_field(auth_client, person):
    response = auth_client.post("/me/", {"time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(
        r'<select name="time_zone"[^>]*aria-invalid="true"[^>]*'
        r'aria-describedby="[^"]*id_time_zone_error',
        html,
    ), html
    assert re.search(r'<ul class="errorlist[^"]*" id="id_time_zone_error">', html)
    assert '<option value="Mars/Olympus" selected>' in html  # the input is kept
    assert "Mars/Olympus is not an IANA time zone name" in html
    # The error follows the field, before the next field's help.
    assert html.index("</select>") < html.index('id_time_zone_error">') < html.index("Save")
    person.refresh_from_db()
    assert person.time_zone == "America/Los_Angeles"
    assert "times in America/Los_Angeles" in html  # the page itself is unchanged


@pytest.mark.parametrize("value", ["", "x" * 65, "Europe/Berlin\x01", "../etc/passwd"])
def test_settings_page_bad_input_never_breaks(auth_client, person, value):
    response = auth_client.post("/me/", {"time_zone": value})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    person.refresh_from_db()
    assert person.time_zone == "America/Los_Angeles"


def test_settings_page_keeps_a_legacy_alias_selectable(auth_client, person):
    person.time_zone = "US/Pacific"  # valid IANA (a backward link), not offered in the list
    person.save()
    html = auth_client.get("/me/").content.decode()
    assert '<option value="US/Pacific" selected>US/Pacific</option>' in html
    assert auth_client.post("/me/", {"time_zone": "US/Pacific"}).status_code == 302


def test_settings_page_for_staff_without_a_person_explains_and_refuses(client, staff_user):
    client.force_login(staff_user)
    html = client.get("/me/").content.decode()
    assert "not a person of the organisation" in html
    assert "<select" not in html
    response = client.post("/me/", {"time_zone": "Europe/Berlin"})
    assert response.status_code == 403
    assert "not a person of the organisation" in response.content.decode()
    assert not Person.objects.exists()


def test_new_people_default_to_fleetops_time_zone(settings):
    settings.FLEETOPS_TIME_ZONE = "Europe/Berlin"
    assert Person.objects.create(name="New", github_login="new").time_zone == "Europe/Berlin"
    assert PersonFactory(time_zone="Asia/Kolkata").time_zone == "Asia/Kolkata"


def test_time_zone_choices_are_iana_names_grouped_by_region():
    names = [name for _, group in time_zone_choices() for name, _ in group]
    assert "America/Los_Angeles" in names
    assert "Asia/Kolkata" in names
    assert "UTC" in names
    assert "EST5EDT" not in names
    assert len(names) == len(set(names))
