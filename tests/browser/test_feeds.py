"""Calendar feeds in Chromium: Copy puts the secret address on the clipboard and says so;
the subscribe link is webcal://; on a 390 px phone every section of the nav is in view."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from fleetops.org.models import process_today
from oncall.models import OncallProfile
from tests.factories import PersonFactory, ProductGroupFactory, SprintFactory
from tests.oncall.factories import OncallProfileFactory, rotation_with
from tests.releases.factories import ReleaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLIPBOARD = ["clipboard-read", "clipboard-write"]


@pytest.fixture
def world():
    """Alice (on call) and Bob in a rotation, a sprint of today and a release in it."""
    alice = PersonFactory(name="Alice Adams", github_login="alice", user__username="alice")
    bob = PersonFactory(name="Bob Brown", github_login="bob", user__username="bob")
    group = ProductGroupFactory(
        name="Orchestration", github_label="#g-orchestration", engineering_manager=alice
    )
    group.members.add(alice, bob)
    today = process_today()
    monday = today - dt.timedelta(days=today.weekday())
    rotation_with(alice, bob, name="Developer on-call", starts_on=monday)
    sprint = SprintFactory(number=70, starts_on=monday, ends_on=monday + dt.timedelta(days=20))
    ReleaseFactory(version="4.80.0", sprint=sprint, dri=alice)
    return alice


def _sign_in(page: Page, url: str, username: str, password: str, path: str) -> None:
    page.goto(f"{url}/accounts/login/?next={path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{url}{path}")


def _errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_browser_release_feed_copy_puts_the_address_on_the_clipboard(
    live_server, browser: Browser, password, world
):
    context = browser.new_context(permissions=CLIPBOARD)
    page = context.new_page()
    errors = _errors(page)
    _sign_in(page, live_server.url, "alice", password, "/releases/")
    feed = page.locator("#release-feed")

    # No token yet: one click makes the person's feed addresses, back on this page.
    feed.get_by_role("button", name="Make my feed addresses").click()
    expect(page.get_by_text("Your calendar feed addresses are ready.")).to_be_visible()
    token = OncallProfile.objects.get(person=world).feed_token
    url = f"{live_server.url}/releases/feeds/{token}/calendar.ics"
    expect(feed.get_by_label("Release calendar")).to_have_value(url)
    expect(feed.get_by_role("link", name="Subscribe in your calendar app")).to_have_attribute(
        "href", url.replace("http://", "webcal://")
    )

    feed.get_by_role("button", name="Copy").click()

    expect(feed.get_by_role("button", name="Copied")).to_be_visible()
    expect(feed.get_by_role("status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == url
    # The copied address works without a session, as a calendar app fetches it.
    response = Client().get(url.removeprefix(live_server.url))
    assert response.status_code == 200
    assert b"BEGIN:VCALENDAR" in response.content
    assert not errors, errors  # no CSP violation, no script error
    context.close()


def test_browser_oncall_feed_copy_and_rotate(live_server, browser: Browser, password, world):
    old = OncallProfileFactory(person=world).feed_token
    context = browser.new_context(permissions=CLIPBOARD)
    page = context.new_page()
    errors = _errors(page)
    _sign_in(page, live_server.url, "alice", password, "/oncall/")
    card = page.locator("#feed-card")
    expect(card.get_by_label("My shifts")).to_have_value(
        f"{live_server.url}/oncall/feeds/{old}/me.ics"
    )

    card.get_by_role("button", name="Rotate my feed token").click()  # htmx swaps the card

    expect(card).to_contain_text("New feed addresses: the old ones no longer work.")
    new = OncallProfile.objects.get(person=world).feed_token
    mine = f"{live_server.url}/oncall/feeds/{new}/me.ics"
    expect(card.get_by_label("My shifts")).to_have_value(mine)
    expect(card.get_by_label("The whole rotation: Developer on-call")).to_be_visible()
    my_copy = card.locator('[data-copy-from="feed-me"]')
    my_copy.click()  # the swapped-in buttons work too
    expect(my_copy).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == mine
    assert Client().get(f"/oncall/feeds/{old}/me.ics").status_code == 404
    assert not errors, errors
    context.close()


def test_browser_copy_falls_back_to_selecting_the_address(
    live_server, browser: Browser, password, world
):
    """Without the Clipboard API (a page served over plain http), Copy selects the address
    and copies it the old way."""
    token = OncallProfileFactory(person=world).feed_token
    context = browser.new_context(permissions=CLIPBOARD)
    page = context.new_page()
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    _sign_in(page, live_server.url, "alice", password, "/rituals/")
    card = page.locator("#ritual-feed")

    card.locator('[data-copy-from="ritual-feed-all"]').click()

    url = f"{live_server.url}/rituals/feeds/{token}/all.ics"
    expect(card.locator('[data-copy-from="ritual-feed-all"]')).to_have_text("Copied")
    assert page.evaluate("document.activeElement.id") == "ritual-feed-all"
    assert page.evaluate("window.getSelection().toString() || document.activeElement.value") == url
    reader = context.new_page()
    reader.goto(f"{live_server.url}/accounts/login/")
    assert reader.evaluate("navigator.clipboard.readText()") == url
    context.close()


PHONE_PAGES = ["/", "/releases/", "/oncall/", "/kpis/", "/rituals/", "/oncall/capacity/"]


def test_browser_phone_nav_shows_every_section_without_sideways_scroll(
    live_server, browser: Browser, password, world
):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    _sign_in(page, live_server.url, "alice", password, "/")
    for path in PHONE_PAGES:
        page.goto(f"{live_server.url}{path}")
        nav = page.get_by_role("navigation", name="Main")
        for name in ("Overview", "Releases", "Dependencies", "On-call", "KPIs", "Rituals"):
            link = nav.get_by_role("link", name=name, exact=True)
            expect(link).to_be_visible()
            expect(link).to_be_in_viewport()
            box = link.bounding_box()
            assert box is not None
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= 390, (path, name, box)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways: {width}px wide"
    page.get_by_role("navigation", name="Main").get_by_role("link", name="KPIs").click()
    expect(page).to_have_url(f"{live_server.url}/kpis/")
    context.close()
