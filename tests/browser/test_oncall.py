"""An EM checks sprint capacity, then a manager's override changes who is on call now."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from fleetops.org.models import process_today
from oncall.models import Override, TimeOff
from oncall.schedule.overview import shift_choices
from oncall.schedule.selectors import oncall_person_now
from tests.factories import PersonFactory, ProductGroupFactory, SprintFactory
from tests.oncall.factories import rotation_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def team():
    people = {
        key: PersonFactory(name=name, github_login=key, user__username=key)
        for key, name in [
            ("alice", "Alice Adams"),
            ("bob", "Bob Brown"),
            ("carol", "Carol Chen"),
            ("erin", "Erin Manager"),
        ]
    }
    group = ProductGroupFactory(name="MDM", engineering_manager=people["erin"], sprint_capacity=102)
    group.members.add(people["alice"], people["bob"], people["carol"], people["erin"])
    today = process_today()
    monday = today - dt.timedelta(days=today.weekday())
    rotation_with(
        people["alice"],
        people["bob"],
        people["carol"],
        name="Developer on-call",
        starts_on=monday - dt.timedelta(weeks=3),  # Alice's week again
    )
    SprintFactory(number=80, starts_on=monday, ends_on=monday + dt.timedelta(days=20))
    return people


def _sign_in(page: Page, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/accounts/login/?next=/oncall/capacity/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_browser_em_reads_capacity_and_an_override_changes_on_call_now(
    live_server, page: Page, password, team
):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _sign_in(page, live_server.url, "erin", password)

    # Capacity: MDM's three engineers (Erin is its EM) each spend a week of the sprint on
    # call: 15 of 45 engineer-days, two thirds of 102 points left.
    expect(page.get_by_role("heading", name="Sprint capacity")).to_be_visible()
    row = page.get_by_role("row", name="MDM")
    expect(row.get_by_role("cell").nth(0)).to_have_text("3")
    expect(row).to_contain_text("30 / 45")
    expect(row).to_contain_text("68 / 102")
    expect(page.get_by_text("No KPIs recorded yet")).to_be_visible()
    row.get_by_role("link", name="15 d").click()
    expect(page.get_by_role("heading", name="Sprint 80: who is on call and away")).to_be_visible()
    stints = page.locator("article", has_text="MDM")
    for name in ("Alice Adams", "Bob Brown", "Carol Chen"):
        expect(stints).to_contain_text(name)

    # On-call: Alice now; Erin has Bob cover the next few hours.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="On-call").click()
    header = page.locator("#oncall-now")
    expect(header).to_contain_text("On call: Alice Adams until")
    form = page.locator("#override-form")
    form.get_by_label("Who covers").select_option(label="Bob Brown")
    now = timezone.localtime(timezone.now(), timezone.get_default_timezone())
    form.get_by_label("From").fill((now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label("Until").fill((now + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label("Note").fill("Alice at the dentist")
    form.get_by_role("button", name="Add override").click()

    expect(header).to_contain_text("On call: Bob Brown until")
    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text(
        "Bob Brown covers"
    )
    expect(page.get_by_text("Overrides ahead")).to_be_visible()
    assert oncall_person_now().name == "Bob Brown"
    assert not errors, errors


def test_browser_engineer_is_offered_only_their_own_shifts(live_server, page: Page, password, team):
    _sign_in(page, live_server.url, "carol", password)
    page.goto(f"{live_server.url}/oncall/")
    changes = page.locator("#schedule-changes")
    expect(changes.get_by_role("heading", name="Hand over your shift")).to_be_visible()
    expect(changes.get_by_role("heading", name="Add an override")).to_have_count(0)
    form = page.locator("#override-form")
    expect(form.get_by_label("Who covers").locator("option")).to_have_text(
        ["Alice Adams", "Bob Brown"]
    )
    trade = page.locator("#swap-form")
    carols = {value for value, label in shift_choices() if label.endswith("· Carol Chen")}
    mine = trade.get_by_label("Your shift").locator("option")
    expect(mine.first).to_be_attached()
    assert {o.get_attribute("value") for o in mine.all()} == carols
    theirs = trade.get_by_label("trades with").locator("option")
    expect(theirs.first).to_be_attached()
    assert not {o.get_attribute("value") for o in theirs.all()} & carols
    for label in theirs.all_text_contents():
        assert not label.endswith("Carol Chen"), label


def test_browser_an_invalid_hand_over_shows_the_error_next_to_the_field(
    live_server, page: Page, password, team
):
    _sign_in(page, live_server.url, "carol", password)
    page.goto(f"{live_server.url}/oncall/")
    form = page.locator("#override-form")
    start = form.get_by_label("From").input_value()
    form.get_by_label("Until").fill(start.split("T")[0] + "T00:00")  # before it starts
    form.get_by_label("Note").fill("school play")
    form.get_by_role("button", name="Hand over").click()

    until = page.locator("#override-form").get_by_label("Until")
    error = page.locator("#override_ends_at_error")
    expect(error).to_contain_text("The override ends before it starts")
    expect(error).to_be_in_viewport()
    expect(until).to_have_attribute("aria-invalid", "true")
    expect(until).to_be_focused()
    expect(page.locator("#override-form").get_by_label("Note")).to_have_value("school play")
    expect(page.locator("#override-form").get_by_label("From")).to_have_value(start)
    expect(page.locator(".messages")).to_have_count(0)
    assert not Override.objects.exists()


def test_browser_a_refused_hand_over_says_why_in_the_form(live_server, page: Page, password, team):
    """Carol tries to hand over the next hours, which are Alice's: the form says why."""
    _sign_in(page, live_server.url, "carol", password)
    page.goto(f"{live_server.url}/oncall/")
    form = page.locator("#override-form")
    now = timezone.localtime(timezone.now(), timezone.get_default_timezone())
    form.get_by_label("From").fill((now + dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label("Until").fill((now + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    form.get_by_role("button", name="Hand over").click()
    alert = page.locator("#override-form").get_by_role("alert")
    expect(alert).to_contain_text("You may hand over only your own shifts")
    expect(page.locator("#oncall-now")).to_contain_text("On call: Alice Adams")
    assert not Override.objects.exists()


def test_browser_a_forged_post_shows_the_reason_in_the_page(
    live_server, page: Page, password, team
):
    """Without htmx (a hand-made form): the whole page comes back, 403, the reason in it."""
    _sign_in(page, live_server.url, "carol", password)
    page.goto(f"{live_server.url}/oncall/capacity/")
    form = page.locator("#time-off-form")
    form.evaluate(
        """(form, id) => {
            form.removeAttribute("hx-post");
            const who = form.querySelector("select[name=person]");
            who.add(new Option("Bob", id, true, true));
            HTMLFormElement.prototype.submit.call(form);
        }""",
        team["bob"].pk,
    )
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Sprint capacity")).to_be_visible()
    error = page.locator("#time_off_person_error")
    expect(error).to_contain_text("You may enter only your own time off")
    expect(page.locator("#time_off_person")).to_be_focused()
    assert not TimeOff.objects.exists()


def test_browser_oncall_pages_fit_a_phone(live_server, browser, password, team):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    _sign_in(page, live_server.url, "erin", password)
    expect(page.get_by_role("heading", name="Sprint capacity")).to_be_visible()
    for path in ("/oncall/capacity/", "/oncall/"):
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways ({width}px)"
    expect(page.locator("#oncall-now")).to_be_visible()
    context.close()
