"""A page that does not exist, or an action refused, is answered inside the frame: the nav
stays, the reason is said, and the way back is offered."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, live_server, password: str, next_path: str) -> None:
    PersonFactory(user__username="engineer", name="Eng Ineer")
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill("engineer")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_browser_404_is_inside_the_frame(live_server, page: Page, password):
    _sign_in(page, live_server, password, "/github/")
    expect(page.get_by_role("heading", name="GitHub mirror")).to_be_visible()
    response = page.goto(f"{live_server.url}/releases/9.99.9/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("/releases/9.99.9/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Releases")).to_be_visible()
    page.get_by_role("link", name="Back to the overview").click()
    expect(page).to_have_url(f"{live_server.url}/")


def test_browser_a_refused_action_says_why_inside_the_frame(live_server, page: Page, password):
    _sign_in(page, live_server, password, "/github/")
    expect(page.get_by_role("heading", name="GitHub mirror")).to_be_visible()
    expect(page.get_by_role("button", name="Sync now")).to_have_count(0)  # staff only
    # A hand-made form (as a forged request would be): the server refuses it and says why.
    with page.expect_navigation():
        page.evaluate(
            """() => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = "/github/sync/";
                // The page's own token (the sign-out form carries one).
                const token = document.querySelector("input[name=csrfmiddlewaretoken]");
                form.append(token.cloneNode());
                document.body.append(form);
                form.submit();
            }"""
        )
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Only staff can start a sync.")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="KPIs")).to_be_visible()
