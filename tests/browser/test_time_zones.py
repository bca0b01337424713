"""Viewers in Berlin and Kolkata see every moment of /, /oncall/ and a release board in
their own zone: each `<time>` carries their offset and shows the same local clock time,
and the page states the zone once (issue 13: "09:00" and "04:00" for one override)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from fleetops.org.models import process_today
from releases.board.models import Activity, ReleaseCandidate
from releases.board.services import release_signoffs_ensure
from tests.factories import PASSWORD, PersonFactory, ProductGroupFactory, SprintFactory
from tests.moments import moment_problems
from tests.oncall.factories import OverrideFactory, rotation_with
from tests.releases.factories import ReleaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ZONES = ["America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata", "America/Sao_Paulo", "UTC"]


@pytest.fixture
def world(db):
    """A rotation (handoffs 9:00 Los Angeles), an override tomorrow 08:00-11:00 UTC, a
    sprint, and a release with a cut candidate and some activity."""
    alice = PersonFactory(name="Alice Adams", github_login="alice", user__username="alice")
    bob = PersonFactory(name="Bob Brown", github_login="bob", user__username="bob")
    today = process_today()
    monday = today - dt.timedelta(days=today.weekday())
    rotation = rotation_with(alice, bob, name="Developer on-call", starts_on=monday)
    tomorrow = timezone.now().astimezone(dt.UTC).date() + dt.timedelta(days=1)
    override_start = dt.datetime.combine(tomorrow, dt.time(8, 0), tzinfo=dt.UTC)
    OverrideFactory(
        rotation=rotation,
        person=bob,
        starts_at=override_start,
        ends_at=override_start + dt.timedelta(hours=3),
    )
    SprintFactory(number=70, starts_on=monday, ends_on=monday + dt.timedelta(days=20))
    release = ReleaseFactory(version="4.80.0", dri=alice)
    ProductGroupFactory(name="MDM", slug="mdm", github_label="#g-mdm")
    release_signoffs_ensure(release=release)
    cut = dt.datetime(2026, 11, 20, 16, 0, tzinfo=dt.UTC)  # a Friday, 8:00 AM PST
    ReleaseCandidate.objects.create(release=release, branch="rc-minor-fleet-v4.80.0", cut_at=cut)
    Activity.objects.create(release=release, kind="rc", message="RC cut", at=cut)
    Activity.objects.create(
        release=release,
        kind="note",
        message="Summer note",
        at=dt.datetime(2026, 7, 3, 23, 45, tzinfo=dt.UTC),
    )
    return override_start


def _sign_in(browser: Browser, live_server, zone: str, width: int = 1280) -> Page:
    person = PersonFactory(name="Vera Viewer", github_login="vera", user__username="vera")
    assert person.time_zone == "America/Los_Angeles"
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/me/")
    page.fill("#id_login", "vera")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # She chooses her zone on "Your settings".
    expect(page.get_by_role("heading", name="Your settings")).to_be_visible()
    page.get_by_label("Time zone").select_option(zone)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved: every page now shows times")).to_be_visible()
    expect(page.locator("footer")).to_contain_text(f"times in {zone}")
    return page


def _check_page(page: Page, zone: str) -> list[tuple[str, str]]:
    moments = page.eval_on_selector_all(
        "time", "els => els.map(e => [e.getAttribute('datetime') || '', e.textContent])"
    )
    assert moments, page.url
    problems = [p for attribute, text in moments for p in moment_problems(attribute, text, zone)]
    assert problems == [], page.url
    body = page.inner_text("body")
    assert body.count(zone) == 1, page.url  # stated once, in the footer
    assert [z for z in ZONES if z != zone and z in body] == [], page.url
    return moments


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Asia/Kolkata"])
def test_every_moment_is_in_the_viewer_zone(live_server, browser: Browser, world, zone):
    page = _sign_in(browser, live_server, zone)
    local = world.astimezone(zoneinfo.ZoneInfo(zone))

    page.goto(f"{live_server.url}/")
    _check_page(page, zone)
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(zone)).date().isoformat()
    assert page.locator(".page-head time").get_attribute("datetime") == today
    expect(page.get_by_text("8:00 AM Pacific")).to_be_visible()

    page.goto(f"{live_server.url}/oncall/")
    _check_page(page, zone)
    # The override reads the same in the calendar and in the list: the viewer's clock.
    day = page.locator(".oncall-day", has=page.locator(f'time[datetime="{local.date()}"]'))
    expect(day.locator(".oncall-kind-override")).to_contain_text(f"from {local:%H:%M}")
    expect(page.locator(".oncall-overrides")).to_contain_text(f"{local:%H:%M}")

    page.goto(f"{live_server.url}/releases/4.80.0/")
    moments = _check_page(page, zone)
    assert any(a.startswith("2026-07-0") for a, _ in moments)  # summer time: its own offset


def test_oncall_phone_width_in_kolkata(live_server, browser: Browser, world):
    page = _sign_in(browser, live_server, "Asia/Kolkata", width=390)
    page.goto(f"{live_server.url}/oncall/")
    _check_page(page, "Asia/Kolkata")
    # Handoffs at 9:00 in Los Angeles are 22:30 (or 21:30 in summer) in Kolkata.
    expect(page.get_by_text("a new shift starts every week at the handoff")).to_contain_text(":30")
