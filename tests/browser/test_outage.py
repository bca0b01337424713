"""An outage during a live page shows one banner, which goes away by itself on recovery."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Route, expect

from releases.board.services import release_signoffs_ensure
from tests.factories import PASSWORD, PersonFactory, ProductGroupFactory
from tests.releases.factories import ReleaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_board_poll_during_an_outage_shows_one_banner_that_clears(live_server, browser: Browser):
    PersonFactory(user__username="viewer", name="Vera Viewer")
    ProductGroupFactory(name="MDM", slug="mdm", github_label="#g-mdm")
    release = ReleaseFactory(version="4.75.0")
    release_signoffs_ensure(release=release)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("viewer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/releases/4.75.0/")

    def outage(route: Route) -> None:  # what the outage middleware answers htmx
        route.fulfill(
            status=503,
            headers={"Retry-After": "30", "Content-Type": "text/plain; charset=utf-8"},
            body="The database is not answering; nothing was changed. This clears by itself.",
        )

    page.route("**/board/**", outage)
    banner = page.locator("#outage-banner")
    expect(banner).to_have_text(
        "The database is not answering; nothing was changed. This clears by itself.",
        timeout=12_000,
    )
    page.wait_for_timeout(6_000)  # another failed poll: still one banner, not a pile
    expect(page.locator("#outage-banner")).to_have_count(1)
    expect(page.locator(".htmx-error")).to_have_count(0)
    page.screenshot(path="/tmp/outage-banner.png")

    page.unroute("**/board/**")  # the database is back: the next poll succeeds
    expect(banner).to_have_count(0, timeout=12_000)
    context.close()
