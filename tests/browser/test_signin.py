"""Sign in through the browser and see the dashboard's navigation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PersonFactory, ProductGroupFactory, SprintFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_browser_sign_in_shows_navigation(live_server, page: Page, password):
    person = PersonFactory(user__username="qa-lead", name="Pieter de Wit", github_login="pdewit")
    ProductGroupFactory(name="MDM", github_label="#g-mdm", qa_lead=person)
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )

    page.goto(f"{live_server.url}/releases/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/releases/")
    page.get_by_label("Username").fill("qa-lead")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_server.url}/releases/")
    nav = page.get_by_role("navigation", name="Main")
    for label in ("Releases", "Dependencies", "On-call", "KPIs"):
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    expect(nav.get_by_role("link", name="Releases")).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name="Overview").click()
    expect(page.get_by_role("row", name="MDM")).to_contain_text("Pieter de Wit")
    assert not errors, errors  # no CSP violation, no missing asset


def test_browser_wrong_password_says_so(live_server, page: Page):
    PersonFactory(user__username="qa-lead")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("qa-lead")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not correct")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")


def test_browser_phone_width_keeps_navigation_reachable(live_server, browser, password):
    PersonFactory(user__username="em")
    SprintFactory()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("em")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 390, f"the page scrolls sideways ({page_width}px)"
    page.get_by_role("navigation", name="Main").get_by_role("link", name="KPIs").click()
    expect(page.get_by_role("heading", name="Engineering KPIs")).to_be_visible()
    context.close()
