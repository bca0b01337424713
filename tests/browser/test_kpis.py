"""The KPI page in Chromium: the exports follow the selector, the URL says what is shown,
and Back restores the selector with the charts (from htmx's history, and from another page)."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from fleetops.org.models import Person
from kpis.weeks import IsoWeek
from tests.factories import PersonFactory, ProductGroupFactory
from tests.kpis.conftest import record_snapshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WEEKS_JS = "() => Object.values(Chart.instances).map((c) => c.data.labels.length)"
ONE_LINE_JS = """(el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  return new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size;
}"""


@pytest.fixture
def recorded(settings):
    """30 recorded weeks ending 2026-W46, with two groups; the CTO signs in."""
    settings.FLEETOPS_TIME_ZONE = "America/Los_Angeles"
    PersonFactory(user__username="cto", name="Luke Heath", github_login="lukeheath")
    ProductGroupFactory(name="Orchestration", github_label="#g-orchestration")
    last = IsoWeek(2026, 46)
    for back in reversed(range(30)):
        index = 30 - back
        record_snapshot(
            last.previous(back).name,
            open_bugs=40 + index,
            open_bugs_avg_days=30.0,
            groups={
                "#g-orchestration": {"bugs_opened": index},
                "#g-security-compliance": {"bugs_opened": 2 * index},
            },
        )


def _sign_in(page: Page, url: str, password: str) -> None:
    page.goto(f"{url}/kpis/")
    page.get_by_label("Username").fill("cto")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{url}/kpis/")


def _expect_selector(page: Page, group: str, weeks: str) -> None:
    expect(page.get_by_label("Product group")).to_have_value(group)
    expect(page.locator(f'input[name="weeks"][value="{weeks}"]')).to_be_checked()
    count = 30 if weeks == "all" else int(weeks)
    page.wait_for_function(
        f"() => {{ const n = ({WEEKS_JS})(); "
        f"return n.length > 0 && n.every((w) => w === {count}); }}"
    )


def _expect_exports(page: Page, query: str) -> None:
    exports = page.get_by_role("navigation", name="Exports")
    expect(exports.get_by_role("link", name="Download CSV")).to_have_attribute(
        "href", f"/kpis/weekly.csv?{query}"
    )
    expect(exports.get_by_role("link", name="JSON")).to_have_attribute(
        "href", f"/kpis/weekly.json?{query}"
    )


def test_browser_kpi_exports_follow_the_selector_and_back_restores_it(
    live_server, page: Page, password, recorded
):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    base = live_server.url
    _sign_in(page, base, password)
    _expect_selector(page, "", "26")
    _expect_exports(page, "weeks=26")

    page.get_by_label("Product group").select_option("#g-orchestration")
    expect(page).to_have_url(f"{base}/kpis/?group=%23g-orchestration&weeks=26")
    _expect_exports(page, "group=%23g-orchestration&weeks=26")
    page.locator('label[for="kpi-weeks-13"]').click()
    expect(page).to_have_url(f"{base}/kpis/?group=%23g-orchestration&weeks=13")
    _expect_selector(page, "#g-orchestration", "13")
    _expect_exports(page, "group=%23g-orchestration&weeks=13")
    page.locator('label[for="kpi-weeks-all"]').click()
    expect(page).to_have_url(f"{base}/kpis/?group=%23g-orchestration&weeks=all")
    _expect_exports(page, "group=%23g-orchestration&weeks=all")

    # The export the link names is what the page shows: 30 weeks of that group.
    href = page.get_by_role("link", name="Download CSV").get_attribute("href")
    client = Client()
    client.force_login(Person.objects.get(github_login="lukeheath").user)
    lines = client.get(href).content.decode().strip().splitlines()
    assert len(lines) == 31
    assert lines[0].startswith("week,starts_at,ends_at,#g-orchestration bugs_opened")

    # Back, through htmx's history: the selector, the charts and the links come back together.
    page.go_back()
    expect(page).to_have_url(f"{base}/kpis/?group=%23g-orchestration&weeks=13")
    _expect_selector(page, "#g-orchestration", "13")
    _expect_exports(page, "group=%23g-orchestration&weeks=13")
    page.go_back()
    expect(page).to_have_url(f"{base}/kpis/?group=%23g-orchestration&weeks=26")
    _expect_selector(page, "#g-orchestration", "26")
    page.go_back()
    expect(page).to_have_url(f"{base}/kpis/")
    _expect_selector(page, "", "26")
    _expect_exports(page, "weeks=26")
    page.go_forward()
    expect(page).to_have_url(f"{base}/kpis/?group=%23g-orchestration&weeks=26")
    _expect_selector(page, "#g-orchestration", "26")

    # Away to another page and Back: the whole page again, never the cached partial.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Releases").click()
    expect(page).to_have_url(f"{base}/releases/")
    page.go_back()
    expect(page).to_have_url(f"{base}/kpis/?group=%23g-orchestration&weeks=26")
    expect(page.get_by_role("heading", name="Engineering KPIs")).to_be_visible()
    _expect_selector(page, "#g-orchestration", "26")
    _expect_exports(page, "group=%23g-orchestration&weeks=26")
    assert not errors, errors


def test_browser_kpi_long_group_label_stays_whole_on_a_phone(
    live_server, browser, password, recorded
):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    _sign_in(page, live_server.url, password)

    page.get_by_label("Product group").select_option("#g-security-compliance")

    labels = page.locator(".kpi-view .as-written")
    expect(labels.first).to_have_text("#g-security-compliance")
    for index in range(labels.count()):
        # One line box each: the label was not broken at its hyphens or inside a word.
        rects = labels.nth(index).evaluate(ONE_LINE_JS)
        assert rects == 1
        box = labels.nth(index).bounding_box()
        assert box is not None
        assert box["height"] < 40
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
