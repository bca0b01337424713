from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from releases.models import Signoff, SignoffEvent
from tests.releases.factories import mirror_issue

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_board_page_shows_cards_and_go_no_go(org):
    html = _client(org["outsider"]).get("/releases/4.75.0/").content.decode()
    assert "Fleet v4.75.0" in html
    assert "MDM" in html
    assert "Not ready" in html
    assert "Dependency checks not run (DRI: Dana Ri)" in html
    assert 'class="signoff-form"' not in html  # an outsider gets no buttons


def test_unknown_release_is_404(org):
    assert _client(org["outsider"]).get("/releases/9.9.9/").status_code == 404


def test_signoff_post_by_qa_lead_moves_the_card(org, hx):
    client = _client(org["mdm"].qa_lead.user)
    response = client.post(
        "/releases/4.75.0/groups/mdm/signoff", {"state": "ready", "note": ""}, headers=hx
    )
    assert response.status_code == 200
    assert 'id="board-live"' in response.content.decode()
    assert Signoff.objects.get(group=org["mdm"]).state == "ready"


def test_signoff_post_by_someone_else_is_403_and_changes_nothing(org, hx):
    client = _client(org["software"].qa_lead.user)
    response = client.post("/releases/4.75.0/groups/mdm/signoff", {"state": "ready"}, headers=hx)
    assert response.status_code == 403
    assert "MDM's QA lead, the release DRI or staff" in response.content.decode()
    assert Signoff.objects.get(group=org["mdm"]).state == "not_started"
    assert not SignoffEvent.objects.exists()
    plain = client.post("/releases/4.75.0/groups/mdm/signoff", {"state": "ready"})
    assert plain.status_code == 403
    assert "Nothing was changed" in plain.content.decode()


def test_signoff_blocked_without_reason_shows_the_error(org, hx):
    client = _client(org["mdm"].qa_lead.user)
    response = client.post(
        "/releases/4.75.0/groups/mdm/signoff", {"state": "blocked", "note": ""}, headers=hx
    )
    assert response.status_code == 200
    assert "Say why the group is blocked." in response.content.decode()
    assert Signoff.objects.get(group=org["mdm"]).state == "not_started"


def test_signoff_bad_state_is_refused(org, hx):
    client = _client(org["staff"])
    response = client.post("/releases/4.75.0/groups/mdm/signoff", {"state": "shipped"}, headers=hx)
    assert "Select a valid choice" in response.content.decode()
    assert Signoff.objects.get(group=org["mdm"]).state == "not_started"


def test_board_poll_answers_204_when_nothing_changed(org, hx):
    client = _client(org["outsider"])
    html = client.get("/releases/4.75.0/board/", headers=hx).content.decode()
    etag = html.split('data-etag="')[1].split('"')[0]
    assert client.get(f"/releases/4.75.0/board/?etag={etag}", headers=hx).status_code == 204
    _client(org["staff"]).post("/releases/4.75.0/groups/mdm/signoff", {"state": "testing"})
    changed = client.get(f"/releases/4.75.0/board/?etag={etag}", headers=hx)
    assert changed.status_code == 200
    assert "Moved by" in changed.content.decode()


def test_release_json_shape(org):
    mirror_issue(1, "#g-mdm", "~release blocker")
    mirror_issue(2, "#g-mdm", "~unreleased bug")
    _client(org["staff"]).post("/releases/4.75.0/groups/software/signoff", {"state": "ready"})
    data = _client(org["outsider"]).get("/releases/4.75.0.json").json()
    assert set(data) == {
        "version",
        "state",
        "release_candidate",
        "go",
        "remaining",
        "groups",
        "publish_override",
    }
    assert data["publish_override"] is None
    assert data["version"] == "4.75.0"
    assert data["go"] is False
    assert data["release_candidate"] is None
    groups = {g["slug"]: g for g in data["groups"]}
    assert groups["mdm"] == {
        "slug": "mdm",
        "name": "MDM",
        "state": "not_started",
        "qa_lead": groups["mdm"]["qa_lead"],
        "signed_by": None,
        "signed_at": None,
        "stale": False,
        "release_blockers": 1,
        "unreleased_bugs": 1,
        "board": {"ready": 0, "not_ready": 0},
    }
    assert groups["software"]["state"] == "ready"
    assert groups["software"]["signed_by"] == "boss"


def test_releases_json_lists_releases(org):
    data = _client(org["outsider"]).get("/releases.json").json()
    assert data == [{"version": "4.75.0", "state": "qa", "target_date": "2026-12-16"}]


def test_board_queries_do_not_grow_with_data(org):
    client = _client(org["staff"])
    mirror_issue(999, "#g-mdm", "#g-software", "bug", "~release blocker", "~unreleased bug")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/releases/4.75.0/").status_code == 200
    for n in range(60):
        mirror_issue(
            1000 + n, "#g-mdm" if n % 2 else "#g-software", "~release blocker", "bug", "P1"
        )
    for n in range(6):
        client.post(
            "/releases/4.75.0/groups/mdm/signoff", {"state": "testing" if n % 2 else "ready"}
        )
    with CaptureQueriesContext(connection) as large:
        assert client.get("/releases/4.75.0/").status_code == 200
    assert len(large) == len(small), [q["sql"][:80] for q in large.captured_queries]


def test_calendar_ics_parses(org):
    import icalendar

    response = _client(org["outsider"]).get("/releases/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert any("release" in str(c.get("summary")).lower() for c in calendar.walk("VEVENT"))


@pytest.mark.django_db(transaction=True)
def test_concurrent_moves_both_land_in_order(org):
    """Two QA leads press at the same moment: both land, the history has both, nothing lost."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises every write anyway)")
    users = [org["mdm"].qa_lead.user, org["software"].qa_lead.user]
    groups = ["mdm", "software"]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def press(user, group) -> None:
        try:
            client = _client(user)
            barrier.wait()
            for state in ("testing", "ready"):
                assert (
                    client.post(
                        f"/releases/4.75.0/groups/{group}/signoff", {"state": state}
                    ).status_code
                    == 302
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=press, args=(u, g)) for u, g in zip(users, groups, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert set(Signoff.objects.values_list("state", flat=True)) == {"ready"}
    assert SignoffEvent.objects.count() == 4
    from releases.models import Release

    assert Release.objects.get(version="4.75.0").board_version >= 4
