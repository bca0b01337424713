"""The CTO's KPI page, its htmx partial and the exports."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kpis.rules import METRIC_KEYS, SHEET_COLUMNS
from tests.factories import ProductGroupFactory


def _chart_data(html: str) -> dict:
    start = html.index('<script id="kpi-data" type="application/json">') + len(
        '<script id="kpi-data" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_kpi_page_without_weeks_says_how_to_record(auth_client):
    response = auth_client.get("/kpis/")

    assert response.status_code == 200
    assert "No weekly snapshots recorded yet" in response.text
    assert "record_kpis --backfill 26" in response.text


def test_kpi_page_shows_the_bug_goal_and_the_sheet_row(auth_client, weeks):
    weeks(26)  # latest: 2026-W46, average open bug 36.5 days (over the goal)

    response = auth_client.get("/kpis/")

    html = response.text
    assert "Bug goal · 2026-W46" in html
    assert "Over goal" in html
    assert "<strong>36.50 days</strong>" in html
    assert "half of every product group" in html
    # contributor PR age, open bug age, 32+ days, opened, closed, customer: in the sheet's order
    assert 'data-copy="5.1\t36.5\t26\t5\t6\t0"' in html


def test_kpi_page_table_works_without_javascript(auth_client, weeks):
    weeks(30)

    html = auth_client.get("/kpis/?weeks=13").text

    table = html[html.index('<table class="table kpi-table">') :]
    table = table[: table.index("</table>")]
    assert table.count('<th scope="row">') == 13
    assert table.index("2026-W46") < table.index("2026-W45")  # newest first
    assert "2026-W33" not in table  # 14 weeks back: outside the 13 shown
    assert '<td class="num">70</td>' in table  # open bugs in W46: 40 + 30
    assert '<td class="num">37.50</td>' in table  # average age in W46: 30 + 30 / 4


def test_kpi_page_charts_carry_the_previous_value_and_the_change(auth_client, weeks):
    weeks(26)

    html = auth_client.get("/kpis/").text

    card = html[html.index('id="card-open-bugs"') :]
    card = card[: card.index("</article>")]
    assert '<span class="kpi-value">66</span>' in card  # open bugs 40 + 26
    assert "prev. 65" in card
    assert 'class="kpi-delta kpi-delta-bad"' in card  # more open bugs is worse
    assert "+1" in card
    assert "36.50" in card
    assert "+0.25" in card
    assert "Bugs open at the end of each week" in card  # the one-sentence definition


@pytest.mark.parametrize(("period", "count"), [("13", 13), ("26", 26), ("52", 52), ("all", 60)])
def test_kpi_page_period_chooses_the_weeks(auth_client, weeks, period, count):
    weeks(60)

    data = _chart_data(auth_client.get(f"/kpis/?weeks={period}").text)

    assert len(data["weeks"]) == count
    assert data["weeks"][-1] == "2026-W46"
    assert all(len(s["data"]) == count for chart in data["charts"] for s in chart["series"])


def test_kpi_page_unknown_period_falls_back_to_26(auth_client, weeks):
    weeks(30)
    assert len(_chart_data(auth_client.get("/kpis/?weeks=7").text)["weeks"]) == 26


def test_kpi_page_group_partial_for_htmx_has_the_group_data(auth_client, weeks, hx):
    weeks(26)
    ProductGroupFactory(name="Software", github_label="#g-software")

    response = auth_client.get(
        "/kpis/?group=%23g-software", headers={**hx, "HX-Target": "kpi-view"}
    )

    html = response.text
    assert html.lstrip().startswith('<div id="kpi-view"')
    assert "<html" not in html
    assert 'Software · <span class="as-written">#g-software</span>' in html
    data = _chart_data(html)
    opened = data["charts"][0]["series"][0]
    assert opened["key"] == "bugs_opened"
    assert opened["data"][-1] == 126  # 100 + 26: the group's, not the company's
    buildup = next(c for c in data["charts"] if c["id"] == "buildup")
    assert [s["data"][-1] for s in buildup["series"]] == [0, 7, 0, 9]


def test_kpi_page_group_selector_lists_every_group_label(auth_client, weeks):
    weeks(3)
    ProductGroupFactory(name="MDM", github_label="#g-mdm")

    html = auth_client.get("/kpis/").text

    assert '<option value="#g-mdm">MDM · #g-mdm</option>' in html
    assert '<option value="#g-software">#g-software</option>' in html  # no group configured


def test_kpi_page_htmx_history_restore_gets_the_whole_page(auth_client, weeks, hx):
    weeks(3)
    headers = {**hx, "HX-Target": "kpi-view", "HX-History-Restore-Request": "true"}

    html = auth_client.get("/kpis/?group=%23g-mdm", headers=headers).text

    assert "<html" in html
    assert "Engineering KPIs" in html


def test_kpi_page_unknown_group_shows_all_groups(auth_client, weeks):
    weeks(3)

    html = auth_client.get("/kpis/?group=%23g-nope").text

    assert "All product groups" in html
    assert _chart_data(html)["charts"][0]["id"] == "bug-flow"


def test_kpi_page_help_says_why_numbers_differ_from_the_old_script(auth_client, weeks):
    weeks(1)

    html = auth_client.get("/kpis/").text

    for phrase in (
        "counted pull requests labelled <code>bug</code> as bugs",
        "300 most recently <em>created</em> closed bugs",
        "only among bugs still open",
        "rolling 7 days",
        "two hard-coded product groups",
        "Labels are those the mirror holds <em>now</em>",
    ):
        assert phrase in html


def test_kpi_page_uses_no_inline_script_or_style(auth_client, weeks):
    weeks(3)

    html = auth_client.get("/kpis/").text

    assert "<script>" not in html
    assert " style=" not in html
    assert " onclick=" not in html
    assert "/static/vendor/chartjs/chart.umd.min.js" in html
    assert "/static/js/kpis.js" in html


@pytest.mark.parametrize("count", [13, 52])
def test_kpi_page_query_count_is_constant(client, user, weeks, django_assert_num_queries, count):
    client.force_login(user)
    client.get("/kpis/?weeks=52")  # the header's on-call answer is computed once, then kept
    with CaptureQueriesContext(connection) as empty:  # the frame's queries, and ours
        client.get("/kpis/?weeks=52")
    ours = [q["sql"] for q in empty.captured_queries if "kpis_" in q["sql"]]
    assert len(ours) == 1  # the snapshots, once
    weeks(count)

    with django_assert_num_queries(len(empty.captured_queries)):
        assert client.get("/kpis/?weeks=52").status_code == 200


def test_kpi_weekly_json_export(auth_client, weeks):
    weeks(3)

    data = auth_client.get("/kpis/weekly.json").json()

    assert [entry["week"] for entry in data] == ["2026-W44", "2026-W45", "2026-W46"]
    assert set(METRIC_KEYS) <= set(data[-1]["metrics"])
    assert data[-1]["metrics"]["open_bugs"] == 43
    assert data[-1]["groups"]["#g-software"]["bugs_opened"] == 103
    assert data[-1]["buildup"]["all"][":reproduce"] == 3
    assert data[-1]["over_bug_goal"] is False  # 30.75 days


def test_kpi_weekly_csv_export(auth_client, weeks):
    weeks(2)

    response = auth_client.get("/kpis/weekly.csv")

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["week"] for row in rows] == ["2026-W45", "2026-W46"]
    assert rows[-1]["open_bugs"] == "42"
    assert rows[-1]["open_bugs_avg_days"] == "30.5"
    assert rows[-1]["open_released_bugs_avg_days"] == ""  # null
    assert rows[-1]["#g-mdm bugs_opened"] == "2"
    assert rows[-1]["#g-software open :release"] == "9"
    assert rows[-1]["over_bug_goal"] == "false"
    assert list(rows[0])[3 : 3 + len(METRIC_KEYS)] == list(METRIC_KEYS)


def test_kpi_exports_need_a_login(weeks):
    weeks(1)
    anonymous = Client()
    for url in ("/kpis/", "/kpis/weekly.csv", "/kpis/weekly.json"):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_kpi_sheet_columns_are_the_old_scripts_six():
    assert SHEET_COLUMNS == (
        "contributor_open_prs_avg_days",
        "open_bugs_avg_days",
        "open_bugs_32_days_or_older",
        "bugs_opened",
        "bugs_closed",
        "customer_bugs_opened",
    )
