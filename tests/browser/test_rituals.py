"""A DRI opens the rituals page: their ritual with its next due date, then filters to theirs."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from playwright.sync_api import Page, expect

from rituals import views
from rituals.services import ritual_files_fetch
from tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("FLEETOPS_SCREENSHOTS", "")  # a folder under /tmp, when wanted


def test_browser_rituals_page_shows_next_due_dates_and_filters(
    live_server, page: Page, password, fake_github, monkeypatch
):
    monkeypatch.setattr(views, "rituals_today", lambda: dt.date(2026, 11, 18))
    PersonFactory(name="Maria Lopez", github_login="mdm-maria", user__username="maria")
    ritual_files_fetch()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{live_server.url}/accounts/login/?next=/rituals/")
    page.get_by_label("Username").fill("maria")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Rituals", exact=True)).to_be_visible()
    row = page.get_by_role("row", name="Release ritual")
    expect(row).to_contain_text("Triweekly")
    next_due = row.locator("td[data-label='Next due'] time")
    expect(next_due).to_have_attribute("datetime", "2026-11-18")
    expect(row).to_contain_text("today")
    monthly = page.get_by_role("row", name="Monthly dependency review")
    expect(monthly).to_contain_text("Maria Lopez")
    expect(monthly.locator("td[data-label='Next due'] time")).to_have_text("Mon Nov 30, 2026")
    expect(page.locator("#ritual-problems")).to_contain_text("Quarterly grand review")
    if SCREENSHOTS:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=f"{SCREENSHOTS}/rituals-desktop.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=f"{SCREENSHOTS}/rituals-390.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("DRI").select_option(label="Maria Lopez (@mdm-maria)")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("heading", name="2 rituals")).to_be_visible()
    expect(page.get_by_label("DRI")).to_have_value("mdm-maria")
    expect(page.get_by_role("row", name="Release ritual")).to_have_count(0)
    assert not errors, errors
