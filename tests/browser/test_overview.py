"""The overview as each person's "my work": a QA lead, an EM, an engineer and the DRI each
see their part, the release in QA first, with a link to where the work is done."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from fleetops.org.models import process_today
from releases.board.services import release_signoffs_ensure
from releases.models import Signoff
from tests.factories import PersonFactory, ProductGroupFactory, SprintFactory
from tests.oncall.factories import rotation_with
from tests.releases.factories import ReleaseFactory, mirror_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture
def world():
    people = {
        key: PersonFactory(name=name, github_login=key, user__username=key)
        for key, name in [
            ("pieter", "Pieter de Wit"),
            ("marta", "Marta Okafor"),
            ("ravi", "Ravi Subramanian"),
            ("dana", "Dana Ri"),
            ("alice", "Alice Adams"),
            ("bob", "Bob Brown"),
        ]
    }
    mdm = ProductGroupFactory(
        name="MDM",
        slug="mdm",
        github_label="#g-mdm",
        qa_lead=people["pieter"],
        engineering_manager=people["marta"],
    )
    mdm.members.add(people["alice"], people["bob"], people["pieter"], people["marta"])
    ProductGroupFactory(
        name="Software", slug="software", github_label="#g-software", qa_lead=people["ravi"]
    )
    today = process_today()
    monday = today - dt.timedelta(days=today.weekday())
    SprintFactory(number=80, starts_on=monday, ends_on=monday + dt.timedelta(days=20))
    # Alice is on call this week, Bob the next.
    rotation_with(people["alice"], people["bob"], name="Developer on-call", starts_on=monday)
    # A planned release due sooner than the one in QA: the one in QA still comes first.
    ReleaseFactory(version="4.76.0", state="planned", target_date=today, dri=people["dana"])
    release = ReleaseFactory(
        version="4.75.0", state="qa", target_date=today + dt.timedelta(days=7), dri=people["dana"]
    )
    release_signoffs_ensure(release=release)
    Signoff.objects.filter(group=mdm).update(state="blocked", note="Enrollment fails on macOS 26")
    mirror_issue(21035, "#g-mdm", "~release blocker")
    return people


def _sign_in(page: Page, url: str, username: str, password: str, width: int = 1280) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()


def _shots(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"overview-{name}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / f"overview-{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_browser_qa_lead_sees_their_blocked_group_and_goes_to_its_card(
    live_server, page: Page, password, world
):
    errors = _errors(page)
    _sign_in(page, live_server.url, "pieter", password)
    current = page.get_by_role("region", name="Current release")
    expect(current).to_contain_text("Fleet v4.75.0")
    expect(current).to_contain_text("No-go")
    expect(current).to_contain_text("Also in flight: v4.76.0")
    mine = page.locator("#mywork-qa-mdm")
    expect(mine).to_contain_text("your group: Blocked")
    expect(mine).to_contain_text("Enrollment fails on macOS 26")
    expect(mine.get_by_role("link", name="#21035")).to_be_visible()
    _shots(page, "qa-lead")
    mine.get_by_role("link", name="Open MDM's card").click()
    expect(page).to_have_url(f"{live_server.url}/releases/4.75.0/#card-mdm")
    expect(page.locator("#card-mdm")).to_contain_text("Blocked: Enrollment fails on macOS 26")
    assert not errors, errors


def test_browser_em_sees_capacity_this_sprint_and_who_is_on_call(
    live_server, page: Page, password, world
):
    errors = _errors(page)
    _sign_in(page, live_server.url, "marta", password)
    capacity = page.locator("#mywork-capacity")
    expect(capacity).to_contain_text("Your group this sprint: capacity and on-call")
    expect(capacity).to_contain_text("MDM")
    expect(capacity).to_contain_text("of 102 points")
    expect(capacity).to_contain_text("Alice Adams on call")
    expect(capacity.locator(".mywork-oncall-now")).to_contain_text("On call now: Alice Adams")
    expect(capacity.locator(".mywork-oncall-now")).to_contain_text("next: Bob Brown")
    _shots(page, "em")
    capacity.get_by_role("link", name="Sprint 80 capacity").click()
    expect(page.get_by_role("heading", name="Sprint 80: who is on call and away")).to_be_visible()
    assert not errors, errors


def test_browser_engineer_sees_their_next_shift(live_server, page: Page, password, world):
    _sign_in(page, live_server.url, "bob", password)
    shift = page.locator("#mywork-shift")
    # Bob's week starts next Monday (tomorrow on a Sunday).
    expect(shift).to_contain_text(re.compile("You are on call (next week|tomorrow)"))
    expect(shift).to_contain_text("Developer on-call")
    expect(shift.locator("time").first).to_have_attribute(
        "datetime", re.compile(r"^\d{4}-\d\d-\d\dT")
    )
    _shots(page, "engineer")
    page.context.clear_cookies()  # sign out
    _sign_in(page, live_server.url, "alice", password)
    expect(page.locator("#mywork-shift")).to_contain_text("You are on call now")
    # Alice's "on call now" comes right after the current release: it is today's work.
    sections = page.locator(".mywork > section")
    expect(sections.nth(1)).to_have_id("mywork-shift")


def test_browser_dri_sees_what_remains(live_server, page: Page, password, world):
    _sign_in(page, live_server.url, "dana", password)
    dri = page.locator("#mywork-dri")
    expect(dri).to_contain_text("You drive Fleet v4.75.0: what remains")
    expect(dri).to_contain_text("MDM is Blocked: Enrollment fails on macOS 26")
    expect(dri).to_contain_text("Dependency checks not run")
    expect(dri).to_contain_text("You also drive Fleet v4.76.0")
    _shots(page, "dri")
    dri.get_by_role("link", name="Release board").click()
    expect(page).to_have_url(f"{live_server.url}/releases/4.75.0/")


def test_browser_releases_in_flight_put_the_one_in_qa_first(
    live_server, page: Page, password, world
):
    _sign_in(page, live_server.url, "ravi", password)
    page.goto(f"{live_server.url}/releases/")
    cards = page.locator("a.card-link")
    expect(cards.first).to_contain_text("Fleet v4.75.0")
    expect(cards.nth(1)).to_contain_text("Fleet v4.76.0")
