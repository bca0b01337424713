"""Issue 13: each on-call form offers the signed-in person only what they may do, its
defaults are accepted as offered, a forged POST says why inside the page, errors sit next to
their fields, and no element id appears twice on a page."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from fleetops.org.models import process_time_zone, process_today
from oncall.models import OncallProfile, Override, Swap, TimeOff
from oncall.permissions import time_off_people, time_off_refusal
from oncall.schedule.overview import oncall_overview, shift_choices
from oncall.schedule.selectors import oncall_person_now
from tests.factories import PersonFactory, ProductGroupFactory, UserFactory
from tests.oncall.factories import OverrideFactory, TimeOffFactory, rotation_with

pytestmark = pytest.mark.django_db

ROLES = ("alice", "bob", "carol", "erin", "quinn", "dana", "staff")
ENGINEERS = ("alice", "bob", "carol")


@pytest.fixture
def crew(db):
    """Alice, Bob and Carol take weekly shifts (running since two weeks ago); Erin is the EM
    and Quinn the QA lead of their group; Gus is in another group (Fay its EM); Dana is in
    no group and no rotation; Ivan has left; root is staff without a person."""
    people = {
        key: PersonFactory(name=name, github_login=key, user__username=key)
        for key, name in [
            ("alice", "Alice Adams"),
            ("bob", "Bob Brown"),
            ("carol", "Carol Chen"),
            ("erin", "Erin Manager"),
            ("quinn", "Quinn Tester"),
            ("dana", "Dana Outsider"),
            ("fay", "Fay Other"),
            ("gus", "Gus Other"),
            ("ivan", "Ivan Gone"),
        ]
    }
    people["ivan"].active = False
    people["ivan"].save()
    mdm = ProductGroupFactory(
        name="MDM", slug="mdm", engineering_manager=people["erin"], qa_lead=people["quinn"]
    )
    mdm.members.add(*(people[k] for k in ("alice", "bob", "carol", "erin", "quinn", "ivan")))
    other = ProductGroupFactory(name="Other", slug="other", engineering_manager=people["fay"])
    other.members.add(people["fay"], people["gus"])
    today = process_today()
    monday = today - dt.timedelta(days=today.weekday())
    rotation = rotation_with(
        people["alice"],
        people["bob"],
        people["carol"],
        name="Developer on-call",
        starts_on=monday - dt.timedelta(weeks=2),
    )
    staff = UserFactory(username="root", is_staff=True)
    return SimpleNamespace(**people, mdm=mdm, rotation=rotation, staff=staff)


def user_of(crew, role: str):
    return crew.staff if role == "staff" else getattr(crew, role).user


def client_of(crew, role: str) -> Client:
    client = Client()
    client.force_login(user_of(crew, role))
    return client


# -- reading the rendered page ----------------------------------------------------------------


class _Page(HTMLParser):
    """Every element id, and each form's fields as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.forms: dict[str, dict[str, str]] = {}
        self.options: dict[str, dict[str, list[tuple[str, str]]]] = {}
        self._form: str | None = None
        self._select: str | None = None
        self._option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "form":
            self._form = a.get("id") or f"form-{len(self.forms)}"
            self.forms[self._form] = {}
            self.options[self._form] = {}
        elif self._form is None:
            return
        elif tag == "input" and a.get("name") and a.get("type") != "submit":
            self.forms[self._form][a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
            self.options[self._form][self._select] = []
        elif tag == "option" and self._select:
            self._option = a.get("value", "")
            if "selected" in a or self._select not in self.forms[self._form]:
                self.forms[self._form][self._select] = self._option
        elif tag == "textarea":
            self.forms[self._form][a["name"]] = ""

    def handle_data(self, data: str) -> None:
        if self._form and self._select and self._option is not None:
            self.options[self._form][self._select].append((self._option, data.strip()))
            self._option = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def labels(page: _Page, form: str, field: str) -> list[str]:
    return [label for _, label in page.options[form][field]]


# -- what each role is offered ---------------------------------------------------------------


def test_an_engineer_is_offered_their_own_shifts_and_their_colleagues(crew):
    page = parse(client_of(crew, "alice").get("/oncall/").content.decode())
    assert "override-form" in page.forms
    assert labels(page, "override-form", "person") == ["Bob Brown", "Carol Chen"]
    alices = {value for value, label in shift_choices() if label.endswith("· Alice Adams")}
    own = page.options["swap-form"]["first_shift"]
    others = page.options["swap-form"]["second_shift"]
    assert own
    assert {value for value, _ in own} == alices
    assert all("·" not in label for _, label in own)  # "Your shift": no need to say whose
    assert others
    assert not {value for value, _ in others} & alices
    assert not any(label.endswith("· Alice Adams") for _, label in others)


def test_an_engineer_gets_no_override_form_for_others(crew):
    html = client_of(crew, "alice").get("/oncall/").content.decode()
    assert "Hand over your shift" in html
    assert "Add an override" not in html
    assert "Your shifts ahead:" in html


def test_an_em_and_staff_may_change_any_shift(crew):
    for role in ("erin", "staff"):
        html = client_of(crew, role).get("/oncall/").content.decode()
        page = parse(html)
        assert "Add an override" in html
        assert labels(page, "override-form", "person") == [
            "Alice Adams",
            "Bob Brown",
            "Carol Chen",
        ]
        assert labels(page, "swap-form", "first_shift") == [label for _, label in shift_choices()]


@pytest.mark.parametrize("role", ["quinn", "dana"])
def test_someone_in_no_rotation_is_offered_no_schedule_change(crew, role):
    html = client_of(crew, role).get("/oncall/").content.decode()
    page = parse(html)
    assert "override-form" not in page.forms
    assert "swap-form" not in page.forms
    assert "You are in no on-call rotation" in html


def test_time_off_is_offered_for_the_people_one_may_manage(crew):
    def offered(role: str) -> list[str]:
        page = parse(client_of(crew, role).get("/oncall/capacity/").content.decode())
        return labels(page, "time-off-form", "person")

    assert offered("alice") == ["Alice Adams"]
    assert offered("quinn") == ["Quinn Tester"]
    assert offered("dana") == ["Dana Outsider"]
    # Erin: herself and MDM's engineers; not Quinn (its QA lead: not counted), not Ivan.
    assert offered("erin") == ["Alice Adams", "Bob Brown", "Carol Chen", "Erin Manager"]
    # Staff: everyone counted somewhere; not Dana (nowhere), Ivan (left), EMs or QA leads.
    assert offered("staff") == ["Alice Adams", "Bob Brown", "Carol Chen", "Gus Other"]


def test_time_off_rights_say_why_not(crew):
    assert time_off_refusal(crew.erin.user, crew.bob) == ""
    assert "not counted in the capacity of a group you manage" in time_off_refusal(
        crew.erin.user, crew.gus
    )
    assert "not counted" in time_off_refusal(crew.erin.user, crew.quinn)
    assert "no longer active" in time_off_refusal(crew.staff, crew.ivan)
    assert "would count nowhere" in time_off_refusal(crew.staff, crew.dana)
    assert "only your own time off" in time_off_refusal(crew.alice.user, crew.bob)
    assert time_off_people(None) == []


# -- the defaults, submitted as offered ------------------------------------------------------

SCHEDULE_FORMS = {"override-form": "/oncall/overrides/", "swap-form": "/oncall/swaps/"}
CAPACITY_FORMS = {
    "time-off-form": "/oncall/time-off/",
    "calendar-form": "/oncall/time-off/calendar/",
}


@pytest.mark.parametrize("role", ROLES)
def test_every_offered_schedule_form_is_accepted_with_its_defaults(crew, role):
    client = client_of(crew, role)
    page = parse(client.get("/oncall/").content.decode())
    offered = [form for form in SCHEDULE_FORMS if form in page.forms]
    if role in (*ENGINEERS, "erin", "staff"):
        assert offered == list(SCHEDULE_FORMS), role
    for form in offered:
        response = client.post(SCHEDULE_FORMS[form], page.forms[form])
        assert response.status_code == 302, (form, response.content.decode()[-3000:])
    assert Override.objects.filter(swap__isnull=True).count() == ("override-form" in offered)
    assert Swap.objects.count() == ("swap-form" in offered)


@pytest.mark.parametrize("role", ROLES)
def test_every_offered_capacity_form_is_accepted_with_its_defaults(crew, role, monkeypatch):
    monkeypatch.setattr("oncall.schedule.tasks.time_off_import_task.delay_on_commit", print)
    client = client_of(crew, role)
    page = parse(client.get("/oncall/capacity/").content.decode())
    assert set(CAPACITY_FORMS) <= set(page.forms), role
    for form, url in CAPACITY_FORMS.items():
        response = client.post(url, page.forms[form])
        assert response.status_code == 302, (form, response.content.decode()[-3000:])
    assert TimeOff.objects.count() == 1


# -- refused: the reason inside the page -----------------------------------------------------


def _someone_elses_next_hours(crew):
    """The next two hours, when someone other than Alice is on call, and a cover."""
    start = timezone.localtime().replace(second=0, microsecond=0) + dt.timedelta(hours=1)
    on_call = oncall_person_now(at=start)
    if on_call == crew.alice:  # Alice's week: take the week after instead
        start += dt.timedelta(weeks=1)
        on_call = oncall_person_now(at=start)
    cover = next(p for p in (crew.bob, crew.carol) if p != on_call)
    return start, cover


def test_a_forged_override_of_someone_elses_shift_shows_the_reason_in_the_page(crew):
    start, cover = _someone_elses_next_hours(crew)
    response = client_of(crew, "alice").post(
        "/oncall/overrides/",
        {
            "rotation": crew.rotation.pk,
            "person": cover.pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert '<main id="main"' in html  # the page layout, not a bare error
    form = html[html.index('id="override-form"') :]
    form = form[: form.index("</form>")]
    assert 'role="alert"' in form
    assert "You may hand over only your own shifts" in form
    assert not Override.objects.exists()


def test_a_forged_swap_of_two_other_peoples_shifts_is_refused_with_the_reason(crew):
    shifts = shift_choices()
    others = [value for value, label in shifts if not label.endswith("Alice Adams")]
    response = client_of(crew, "alice").post(
        "/oncall/swaps/",
        {"rotation": crew.rotation.pk, "first_shift": others[0], "second_shift": others[1]},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps the form back in, the reason at its top
    assert 'id="swap-form"' in html
    assert 'role="alert"' in html
    assert "You may trade only your own shifts" in html
    assert not Swap.objects.exists()


@pytest.mark.parametrize(
    ("role", "whom", "reason"),
    [
        ("alice", "bob", "You may enter only your own time off"),
        ("erin", "gus", "not counted in the capacity of a group you manage"),
        ("erin", "quinn", "not counted in the capacity of a group you manage"),
        ("staff", "ivan", "no longer active"),
        ("staff", "dana", "would count nowhere"),
    ],
)
def test_time_off_for_someone_one_may_not_manage_is_refused_next_to_who(crew, role, whom, reason):
    first = process_today() + dt.timedelta(days=20)
    response = client_of(crew, role).post(
        "/oncall/time-off/",
        {"person": getattr(crew, whom).pk, "starts_on": first, "ends_on": first},
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert '<main id="main"' in html
    error = html[html.index('id="time_off_person_error"') :]
    assert reason in error[: error.index("</ul>")]
    assert 'aria-describedby="time_off_person_error"' in html
    assert not TimeOff.objects.exists()


def test_a_forged_calendar_for_someone_else_is_refused_next_to_whose(crew):
    response = client_of(crew, "alice").post(
        "/oncall/time-off/calendar/",
        {"person": crew.bob.pk, "ics_url": "https://cal.example.com/bob.ics"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="calendar_person_error"' in html
    assert "You may enter only your own time off" in html
    assert not OncallProfile.objects.filter(person=crew.bob).exists()


# -- time off dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "field", "message"),
    [
        (dt.date(2019, 3, 4), dt.date(2019, 3, 8), "starts_on", "at most a year back"),
        (-400, -398, "starts_on", "at most a year back"),
        (400, 401, "starts_on", "at most a year ahead"),
        (10, 10 + 3653, "ends_on", "183 days at most"),
        (10, 10 + 183, "ends_on", "183 days at most"),
        (10, 9, "ends_on", "The last day is before the first day"),
    ],
)
def test_time_off_dates_are_refused_next_to_the_field_and_kept(crew, first, last, field, message):
    today = process_today()
    first = first if isinstance(first, dt.date) else today + dt.timedelta(days=first)
    last = last if isinstance(last, dt.date) else today + dt.timedelta(days=last)
    response = client_of(crew, "alice").post(
        "/oncall/time-off/",
        {"person": crew.alice.pk, "starts_on": first, "ends_on": last, "note": "Trip"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    error = html[html.index(f'id="time_off_{field}_error"') :]
    assert message in error[: error.index("</ul>")]
    assert re.search(f'aria-describedby="[^"]*time_off_{field}_error"', html)
    assert f'value="{first.isoformat()}"' in html  # the input is kept
    assert 'value="Trip"' in html
    assert 'class="messages"' not in html  # no flash for a form error
    assert not TimeOff.objects.exists()


def test_the_time_off_rule_is_in_the_form_help(crew):
    html = client_of(crew, "alice").get("/oncall/capacity/").content.decode()
    assert 'id="time_off_starts_on_helptext"' in html
    assert "within a year back and a year ahead; at most 183 days" in html


def test_time_off_of_a_longest_leave_is_accepted(crew):
    first = process_today() + dt.timedelta(days=10)
    response = client_of(crew, "erin").post(
        "/oncall/time-off/",
        {"person": crew.bob.pk, "starts_on": first, "ends_on": first + dt.timedelta(days=182)},
    )
    assert response.status_code == 302
    assert TimeOff.objects.get().days == 183


# -- errors next to their fields ------------------------------------------------------------


def test_an_override_error_sits_next_to_its_field_with_the_input_kept(crew):
    response = client_of(crew, "erin").post(
        "/oncall/overrides/",
        {
            "rotation": crew.rotation.pk,
            "person": crew.bob.pk,
            "starts_at": "2030-01-03T09:00",
            "ends_at": "2030-01-02T09:00",
            "note": "dentist",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'aria-invalid="true"' in html
    field = html[html.index('id="override_ends_at"') - 200 :]
    field = field[: field.index("</ul>")]
    assert 'aria-describedby="override_ends_at_error"' in field
    assert "The override ends before it starts" in field
    assert 'value="2030-01-03T09:00"' in html
    assert 'value="dentist"' in html
    assert 'class="messages"' not in html


def test_an_htmx_override_error_comes_back_in_the_form(crew):
    response = client_of(crew, "erin").post(
        "/oncall/overrides/",
        {"rotation": crew.rotation.pk, "person": crew.bob.pk, "starts_at": "", "ends_at": ""},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith("<form")
    assert 'id="override_starts_at_error"' in html
    assert 'aria-invalid="true"' in html


# -- unique element ids ---------------------------------------------------------------------


def _duplicates(html: str) -> list[str]:
    return sorted(i for i, n in Counter(parse(html).ids).items() if n > 1)


@pytest.mark.parametrize("role", ROLES)
def test_no_element_id_appears_twice_on_the_oncall_pages(crew, role):
    client = client_of(crew, role)
    for url in ("/oncall/", "/oncall/capacity/"):
        response = client.get(url)
        assert response.status_code == 200
        assert _duplicates(response.content.decode()) == [], (role, url)


def test_no_element_id_appears_twice_on_a_page_with_form_errors(crew):
    client = client_of(crew, "erin")
    bad = {"rotation": crew.rotation.pk, "person": "", "starts_at": "x", "ends_at": ""}
    assert _duplicates(client.post("/oncall/overrides/", bad).content.decode()) == []
    bad = {"rotation": crew.rotation.pk, "first_shift": "", "second_shift": ""}
    assert _duplicates(client.post("/oncall/swaps/", bad).content.decode()) == []
    bad = {"person": crew.bob.pk, "starts_on": "2019-01-01", "ends_on": ""}
    assert _duplicates(client.post("/oncall/time-off/", bad).content.decode()) == []
    bad = {"person": crew.bob.pk, "ics_url": "ftp://x"}
    assert _duplicates(client.post("/oncall/time-off/calendar/", bad).content.decode()) == []


def test_a_refused_cancel_says_why_by_the_overrides_not_in_a_flash(crew):
    """Bob is away on a day of his next shift that Carol covers: cancelling her cover
    would leave nobody on call, and the page says so above the overrides."""
    row = next(r for r in oncall_overview().shifts[1:] if r.owner == crew.bob)
    day = (row.starts_at + dt.timedelta(days=2)).astimezone(process_time_zone()).date()
    TimeOffFactory(person=crew.bob, starts_on=day, ends_on=day)
    override = OverrideFactory(
        rotation=crew.rotation,
        person=crew.carol,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        created_by=crew.erin.user,
    )
    response = client_of(crew, "erin").post(f"/oncall/overrides/{override.pk}/cancel/")
    html = response.content.decode()
    assert response.status_code == 400
    assert '<main id="main"' in html
    assert 'id="override-cancel-error"' in html
    assert "Not cancelled: Cancelling it would leave nobody on call" in html
    assert 'class="messages"' not in html
    override.refresh_from_db()
    assert override.cancelled_at is None
