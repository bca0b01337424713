"""The KPI exports follow the page: the chosen group and weeks travel in their links, and the
endpoints honour them; a bad group or weeks is a 400 that says which and why."""

from __future__ import annotations

import csv
import html as htmllib
import io
import re

import pytest

from kpis.rules import GROUP_KEYS, METRIC_KEYS, WORKFLOW_LABELS


def _rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _export_links(html: str) -> dict[str, str]:
    nav = html[html.index('id="kpi-exports"') :]
    nav = nav[: nav.index("</nav>")]
    links = re.findall(r'href="([^"]+)"[^>]*>([^<]+)</a>', nav)
    return {text: htmllib.unescape(href) for href, text in links}


def test_export_links_carry_the_default_weeks(auth_client, weeks):
    weeks(30)

    links = _export_links(auth_client.get("/kpis/").text)

    assert links == {
        "Download CSV": "/kpis/weekly.csv?weeks=26",
        "JSON": "/kpis/weekly.json?weeks=26",
    }


def test_export_links_carry_the_chosen_group_and_weeks(auth_client, weeks):
    weeks(30)

    links = _export_links(auth_client.get("/kpis/?group=%23g-mdm&weeks=13").text)

    assert links["Download CSV"] == "/kpis/weekly.csv?group=%23g-mdm&weeks=13"
    assert links["JSON"] == "/kpis/weekly.json?group=%23g-mdm&weeks=13"


def test_export_links_follow_what_the_page_shows_not_what_was_asked(auth_client, weeks):
    weeks(30)

    links = _export_links(auth_client.get("/kpis/?group=%23g-nope&weeks=7").text)

    assert links["Download CSV"] == "/kpis/weekly.csv?weeks=26"  # all groups, 26 weeks shown


def test_htmx_partial_swaps_the_export_links_out_of_band(auth_client, weeks, hx):
    weeks(30)

    response = auth_client.get(
        "/kpis/?group=%23g-software&weeks=52", headers={**hx, "HX-Target": "kpi-view"}
    )

    html = response.text
    assert html.lstrip().startswith('<div id="kpi-view"')
    assert 'id="kpi-exports" aria-label="Exports" hx-swap-oob="true"' in html
    assert _export_links(html)["JSON"] == "/kpis/weekly.json?group=%23g-software&weeks=52"
    assert "HX-Request" in response["Vary"]  # Back never shows a cached partial as the page


def test_full_page_has_the_export_links_once_and_not_out_of_band(auth_client, weeks):
    weeks(3)

    html = auth_client.get("/kpis/?weeks=13").text

    assert html.count('id="kpi-exports"') == 1
    assert "hx-swap-oob" not in html


@pytest.mark.parametrize(("query", "count"), [("weeks=13", 13), ("weeks=all", 30), ("", 30)])
def test_csv_export_honours_the_weeks(auth_client, weeks, query, count):
    weeks(30)

    rows = _rows(auth_client.get(f"/kpis/weekly.csv?{query}"))

    assert len(rows) == count
    assert rows[-1]["week"] == "2026-W46"  # the newest, oldest first


def test_csv_export_takes_any_number_of_weeks(auth_client, weeks):
    weeks(10)

    assert [r["week"] for r in _rows(auth_client.get("/kpis/weekly.csv?weeks=2"))] == [
        "2026-W45",
        "2026-W46",
    ]
    assert len(_rows(auth_client.get("/kpis/weekly.csv?weeks=2147483647"))) == 10


def test_csv_export_of_a_group_has_only_that_groups_columns(auth_client, weeks):
    weeks(20)

    response = auth_client.get("/kpis/weekly.csv?group=%23g-software&weeks=13")

    assert response.status_code == 200
    assert 'filename="fleetops-kpis-weekly-g-software-13w.csv"' in response["Content-Disposition"]
    rows = _rows(response)
    assert len(rows) == 13
    assert list(rows[0]) == [
        "week",
        "starts_at",
        "ends_at",
        *(f"#g-software {key}" for key in GROUP_KEYS),
        *(f"#g-software open {label}" for label in WORKFLOW_LABELS),
        "computed_at",
        "sync_run",
    ]
    assert rows[-1]["#g-software bugs_opened"] == "120"  # 100 + 20
    assert rows[-1]["#g-software open :release"] == "9"
    assert not any(key in rows[0] for key in METRIC_KEYS)
    assert not any(column.startswith("#g-mdm") for column in rows[0])


def test_json_export_of_a_group_and_weeks(auth_client, weeks):
    weeks(20)

    data = auth_client.get("/kpis/weekly.json?group=%23g-mdm&weeks=3").json()

    assert [entry["week"] for entry in data] == ["2026-W44", "2026-W45", "2026-W46"]
    assert {entry["group"] for entry in data} == {"#g-mdm"}
    assert data[-1]["metrics"]["bugs_opened"] == 20 % 5
    assert data[-1]["buildup"] == {":incoming": 1, ":reproduce": 2, ":product": 0, ":release": 3}
    assert "open_bugs" not in data[-1]["metrics"]


def test_json_export_without_a_query_is_unchanged(auth_client, weeks):
    weeks(3)

    data = auth_client.get("/kpis/weekly.json").json()

    assert [entry["week"] for entry in data] == ["2026-W44", "2026-W45", "2026-W46"]
    assert data[-1]["metrics"]["open_bugs"] == 43
    assert "group" not in data[-1]


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("weeks=0", "weeks: Weeks must be “all” or a whole number of weeks"),
        ("weeks=-3", "not “-3”"),
        ("weeks=abc", "not “abc”"),
        ("weeks=%D9%A3", "weeks: Weeks must be"),  # an Arabic-Indic three
        ("weeks=1.5", "not “1.5”"),
        ("weeks=99999999999999999999", "weeks: Weeks must be"),
        ("weeks=" + "9" * 30, "at most 20 characters"),
        ("group=%23g-nope", "No recorded week has the group label “#g-nope”"),
        ("group=%23g-mdm&weeks=abc", "weeks:"),
        ("group=" + "x" * 101, "at most 100 characters"),
        ("group=%23g-%0Amdm", "no control characters"),
    ],
)
def test_exports_refuse_a_bad_query_with_a_clear_400(auth_client, weeks, query, says):
    weeks(3)

    csv_response = auth_client.get(f"/kpis/weekly.csv?{query}")
    json_response = auth_client.get(f"/kpis/weekly.json?{query}")

    assert csv_response.status_code == 400
    assert csv_response["Content-Type"] == "text/plain; charset=utf-8"
    assert says in csv_response.content.decode()
    assert json_response.status_code == 400
    assert says in json_response.json()["error"]


def test_export_of_a_group_missing_from_the_chosen_weeks_is_a_400(auth_client, weeks):
    from kpis.models import KpiSnapshot

    weeks(20)
    oldest = KpiSnapshot.objects.order_by("starts_at").first()
    oldest.groups = {**oldest.groups, "#g-old": {"bugs_opened": 1}}
    oldest.save()

    assert auth_client.get("/kpis/weekly.csv?group=%23g-old").status_code == 200
    response = auth_client.get("/kpis/weekly.json?group=%23g-old&weeks=13")
    assert response.status_code == 400
    assert (
        "None of the last 13 recorded weeks has the group label “#g-old”"
        in (response.json()["error"])
    )


def test_exports_answer_head(auth_client, weeks):
    weeks(3)

    for url in ("/kpis/weekly.csv?weeks=13", "/kpis/weekly.json?group=%23g-mdm"):
        response = auth_client.head(url)
        assert response.status_code == 200, url
        assert response.content == b""
