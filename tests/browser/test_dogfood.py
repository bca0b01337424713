"""The DRI deploys a published release to dogfood during sales hours: asked why, then recorded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from releases.board.models import Release
from tests.factories import PersonFactory
from tests.releases.factories import ReleaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path("/tmp/fleetops-hygiene-screens")
TUESDAY_10AM_PACIFIC = dt.datetime(2026, 12, 8, 18, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(("width", "name"), [(1360, "desktop"), (390, "mobile")])
def test_browser_dogfood_deploy_in_sales_hours_needs_a_reason(
    live_server, page: Page, password, monkeypatch, width, name
):
    monkeypatch.setattr(timezone, "now", lambda: TUESDAY_10AM_PACIFIC)
    dri = PersonFactory(user__username="dri", name="Dana Ri")
    ReleaseFactory(version="4.75.0", dri=dri, state=Release.State.PUBLISHED)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/?next=/releases/4.75.0/dogfood/")
    page.get_by_label("Username").fill("dri")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_text("sales-demo hours")).to_be_visible()
    page.get_by_role("button", name="Deploy fleetdm/fleet:v4.75.0").click()
    expect(page.get_by_role("alert")).to_contain_text("coordinated with #g-sales")
    expect(page.get_by_role("row")).to_have_count(2)  # the header and "Not deployed yet"

    page.get_by_label("Reason").fill("coordinated with #g-sales")
    page.get_by_role("button", name="Deploy fleetdm/fleet:v4.75.0").click()
    row = page.get_by_role("row").filter(has_text="fleetdm/fleet:v4.75.0")
    expect(row).to_contain_text("coordinated with #g-sales")
    expect(row).to_contain_text("dry run")
    expect(row).to_contain_text("dri")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"dogfood-{name}.png"), full_page=True)
