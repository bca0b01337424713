"""The KPI page in Chromium: the charts are drawn, and choosing a group redraws them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PersonFactory, ProductGroupFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the charts draw: each chart's canvas and its datasets' labels and last values.
CHARTS_JS = """() => Object.values(Chart.instances).map((chart) => ({
  canvas: chart.canvas.dataset.chart,
  drawn: chart.canvas.width > 0 && chart.canvas.height > 0,
  series: chart.data.datasets.map((d) => [d.label, d.data[d.data.length - 1]]),
}))"""


def _sign_in(page: Page, live_server, password: str, path: str = "/kpis/") -> None:
    page.goto(f"{live_server.url}{path}")
    page.get_by_label("Username").fill("cto")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}{path}")


def test_browser_kpi_charts_are_drawn_and_the_group_selector_redraws_them(
    live_server, page: Page, password, weeks
):
    PersonFactory(user__username="cto", name="Luke Heath", github_login="lukeheath")
    ProductGroupFactory(name="Software", github_label="#g-software")
    weeks(30)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    _sign_in(page, live_server, password)

    expect(page.get_by_role("heading", name="Engineering KPIs")).to_be_visible()
    expect(page.locator("#bug-goal")).to_contain_text("Over goal")
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length === 9")
    charts = {chart["canvas"]: chart for chart in page.evaluate(CHARTS_JS)}
    assert all(chart["drawn"] for chart in charts.values())
    assert charts["open-bugs"]["series"][0] == ["Open bugs", 70]
    assert charts["bug-flow"]["series"] == [["Bugs opened", 2], ["Bugs closed", 2]]
    # The copy button is there once scripts run.
    expect(page.get_by_role("button", name="Copy as spreadsheet row")).to_be_visible()

    page.get_by_label("Product group").select_option("#g-software")

    expect(page).to_have_url(f"{live_server.url}/kpis/?group=%23g-software&weeks=26")
    expect(page.locator(".kpi-scope")).to_contain_text("Software · #g-software")
    page.wait_for_function("() => Object.keys(Chart.instances).length === 3")
    charts = {chart["canvas"]: chart for chart in page.evaluate(CHARTS_JS)}
    assert set(charts) == {"group-bugs-opened", "group-customer-bugs", "buildup"}
    assert charts["group-bugs-opened"]["series"][0] == ["Bugs opened", 130]
    assert charts["buildup"]["series"] == [
        ["Open :incoming", 0],
        ["Open :reproduce", 7],
        ["Open :product", 0],
        ["Open :release", 9],
    ]
    assert all(chart["drawn"] for chart in charts.values())

    page.get_by_text("13", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/kpis/?group=%23g-software&weeks=13")
    page.wait_for_function(
        "() => Object.values(Chart.instances).every((c) => c.data.labels.length === 13)"
    )

    page.go_back()
    page.go_back()  # back to all groups: htmx restores the page, the charts are drawn again
    expect(page).to_have_url(f"{live_server.url}/kpis/")
    expect(page.get_by_label("Product group")).to_have_value("")
    page.wait_for_function("() => Object.keys(Chart.instances).length === 9")
    assert not errors, errors  # no CSP violation, no missing asset, no script error


def test_browser_kpi_copy_row_puts_the_sheet_row_on_the_clipboard(
    live_server, browser, password, weeks
):
    PersonFactory(user__username="cto")
    weeks(26)
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()

    _sign_in(page, live_server, password)
    page.get_by_role("button", name="Copy as spreadsheet row").click()

    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == "5.1\t36.5\t26\t5\t6\t0"
    context.close()
