"""The board's actions answer where the person is looking: errors in the card or next to the
field, input kept; a card's history and notes; exceptions offered only to their deciders."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from releases.board.services import (
    merge_exception_decide,
    merge_exception_request,
    signoff_note_add,
    signoff_set_state,
)
from releases.models import Activity, MergeException, Signoff, SignoffEvent

pytestmark = pytest.mark.django_db
BOARD = "/releases/4.75.0/"
MDM = "/releases/4.75.0/groups/mdm"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _card(html: str, slug: str) -> str:
    """The markup of one card (from its <article> to the next card's or the column's end)."""
    start = html.index(f'id="card-{slug}"')
    end = html.find("</article>", start)
    return html[start:end]


def test_blocked_without_reason_is_answered_inside_the_card_htmx(org, hx):
    response = _client(org["mdm"].qa_lead.user).post(
        f"{MDM}/signoff", {"state": "blocked", "note": ""}, headers=hx
    )
    assert response.status_code == 200
    html = response.content.decode()
    card = _card(html, "mdm")
    assert 'role="alert"' in card
    assert "Say why the group is blocked." in card
    textarea = re.search(r"<textarea[^>]*>", card).group(0)
    assert 'id="note-mdm"' in textarea
    assert 'aria-invalid="true"' in textarea
    assert 'aria-describedby="note-mdm_error"' in textarea
    assert 'id="note-mdm_error"' in card
    # Nowhere else on the board.
    assert html.count("Say why the group is blocked.") == 1
    assert Signoff.objects.get(group=org["mdm"]).state == "not_started"


def test_blocked_without_reason_without_javascript_renders_the_card_with_the_error(org):
    response = _client(org["mdm"].qa_lead.user).post(
        f"{MDM}/signoff", {"state": "blocked", "note": "   "}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>" in html
    assert "Fleet v4.75.0" in html
    assert "Say why the group is blocked." in _card(html, "mdm")
    assert 'class="messages"' not in html


def test_a_refused_move_keeps_the_note_typed(org, hx):
    response = _client(org["staff"]).post(
        f"{MDM}/signoff", {"state": "shipped", "note": "half an hour of typing"}, headers=hx
    )
    card = _card(response.content.decode(), "mdm")
    assert "Select a valid choice" in card
    assert "half an hour of typing</textarea>" in card


def test_each_card_has_its_own_field_ids(org):
    html = _client(org["staff"]).get(BOARD).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    assert 'id="note-mdm"' in html
    assert 'id="note-software"' in html


def test_a_move_is_in_the_card_history_and_the_activity_feed(org, hx):
    client = _client(org["mdm"].qa_lead.user)
    response = client.post(
        f"{MDM}/signoff", {"state": "blocked", "note": "Enrollment fails"}, headers=hx
    )
    html = response.content.decode()
    card = _card(html, "mdm")
    assert "moved it from not started to <strong>blocked</strong>" in " ".join(card.split())
    assert "Enrollment fails" in card
    assert "<time datetime=" in card
    # The activity feed comes along out of band.
    assert 'id="activity-feed" hx-swap-oob="true"' in html
    assert "Pieter de Wit moved MDM to blocked: Enrollment fails" in html
    assert Activity.objects.filter(kind="signoff").count() == 1


def test_a_note_does_not_move_the_card(org, hx):
    signoff_set_state(release=org["release"], group=org["mdm"], actor=org["staff"], state="testing")
    response = _client(org["mdm"].qa_lead.user).post(
        f"{MDM}/notes", {"note": "Waiting for the fix in #123"}, headers=hx
    )
    assert response.status_code == 200
    signoff = Signoff.objects.get(group=org["mdm"])
    assert signoff.state == "testing"
    event = SignoffEvent.objects.get(kind="note")
    assert (event.from_state, event.to_state, event.note) == (
        "testing",
        "testing",
        "Waiting for the fix in #123",
    )
    html = response.content.decode()
    card = _card(html, "mdm")
    assert '<details class="card-history" id="history-mdm" open>' in card
    assert "added a note" in card
    assert "Waiting for the fix in #123" in card
    assert "Pieter de Wit noted on MDM: Waiting for the fix in #123" in html  # activity


def test_an_empty_note_is_refused_next_to_the_field(org, hx):
    response = _client(org["mdm"].qa_lead.user).post(f"{MDM}/notes", {"note": " "}, headers=hx)
    card = _card(response.content.decode(), "mdm")
    assert "Write the note first." in card
    assert 'aria-invalid="true"' in card
    assert not SignoffEvent.objects.exists()


def test_the_groups_em_may_add_notes_but_not_move(org, hx):
    em = org["mdm"].engineering_manager.user
    client = _client(em)
    html = client.get(BOARD).content.decode()
    card = _card(html, "mdm")
    assert "Add note" in card
    assert 'name="state"' not in card  # no move buttons
    assert 'draggable="true"' not in card
    assert client.post(f"{MDM}/notes", {"note": "Fix merged"}, headers=hx).status_code == 200
    refused = client.post(f"{MDM}/signoff", {"state": "ready"}, headers=hx)
    assert refused.status_code == 403
    assert Signoff.objects.get(group=org["mdm"]).state == "not_started"


def test_an_outsider_cannot_add_notes(org, hx):
    client = _client(org["outsider"])
    assert "Add note" not in _card(client.get(BOARD).content.decode(), "mdm")
    refused = client.post(f"{MDM}/notes", {"note": "hi"}, headers=hx)
    assert refused.status_code == 403
    assert "MDM's QA lead or EM, the release DRI or staff" in refused.content.decode()
    page = client.post(f"{MDM}/notes", {"note": "hi"})
    assert page.status_code == 403
    assert "Nothing was changed" in page.content.decode()
    assert "</main>" in page.content.decode()  # inside the page layout
    assert not SignoffEvent.objects.exists()


def test_the_blocked_reason_is_edited_in_place(org, hx):
    signoff_set_state(
        release=org["release"], group=org["mdm"], actor=org["staff"], state="blocked", note="A"
    )
    client = _client(org["mdm"].qa_lead.user)
    html = client.get(BOARD).content.decode()
    assert 'id="reason-note-mdm"' in _card(html, "mdm")
    response = client.post(f"{MDM}/reason", {"note": "B: the fix is in review"}, headers=hx)
    assert response.status_code == 200
    signoff = Signoff.objects.get(group=org["mdm"])
    assert (signoff.state, signoff.note) == ("blocked", "B: the fix is in review")
    assert SignoffEvent.objects.filter(kind="reason").count() == 1
    card = _card(response.content.decode(), "mdm")
    assert "Blocked:</strong> B: the fix is in review" in card
    assert "changed the blocked reason" in card
    assert "changed why MDM is blocked: B: the fix is in review" in response.content.decode()


def test_the_blocked_reason_cannot_be_emptied(org, hx):
    signoff_set_state(
        release=org["release"], group=org["mdm"], actor=org["staff"], state="blocked", note="A"
    )
    response = _client(org["mdm"].qa_lead.user).post(f"{MDM}/reason", {"note": ""}, headers=hx)
    card = _card(response.content.decode(), "mdm")
    assert 'id="reason-edit-mdm" open' in card
    assert 'id="reason-note-mdm_error"' in card
    assert Signoff.objects.get(group=org["mdm"]).note == "A"


def test_the_reason_of_a_card_that_is_not_blocked_is_refused_on_the_card(org, hx):
    response = _client(org["mdm"].qa_lead.user).post(f"{MDM}/reason", {"note": "x"}, headers=hx)
    card = _card(response.content.decode(), "mdm")
    assert "not blocked: there is no reason to edit" in card
    assert 'role="alert"' in card


def test_the_reason_is_edited_only_by_who_may_move_the_card(org, hx):
    signoff_set_state(
        release=org["release"], group=org["mdm"], actor=org["staff"], state="blocked", note="A"
    )
    em = _client(org["mdm"].engineering_manager.user)
    assert "Edit reason" not in _card(em.get(BOARD).content.decode(), "mdm")
    assert em.post(f"{MDM}/reason", {"note": "B"}, headers=hx).status_code == 403
    assert Signoff.objects.get(group=org["mdm"]).note == "A"


def test_the_card_history_is_bounded_and_newest_first(org):
    for n in range(25):
        signoff_note_add(
            release=org["release"], group=org["mdm"], actor=org["staff"], note=f"note {n}"
        )
    card = _card(_client(org["outsider"]).get(BOARD).content.decode(), "mdm")
    assert card.count('<li class="event-note">') == 20
    assert "The latest 20 of 25." in card
    assert card.index("note 24") < card.index("note 23")
    assert "note 4<" not in card


@pytest.mark.parametrize(("mdm", "software"), [(0, 0), (20, 20), (21, 20), (45, 3), (3, 45)])
def test_each_card_shows_its_newest_twenty_whatever_the_release_holds(org, mdm, software):
    """Up to 20 events per card the board reads them in one plain query; a busier release
    (more than 20 per card on average) is read by a window per card: the same answer."""
    from releases.board.selectors import release_board

    for group, count in (("mdm", mdm), ("software", software)):
        for n in range(count):
            signoff_note_add(
                release=org["release"], group=org[group], actor=org["staff"], note=f"{group} {n}"
            )
    with CaptureQueriesContext(connection) as queries:
        cards = {c.group.slug: c for c in release_board(release=org["release"]).cards}
    events = [q for q in queries.captured_queries if "releases_signoffevent" in q["sql"]]
    assert len(events) == (1 if mdm + software <= 40 else 2)
    for group, count in (("mdm", mdm), ("software", software)):
        card = cards[group]
        assert card.history_total == count
        assert [e.note for e in card.history] == [
            f"{group} {n}" for n in range(count - 1, max(count - 21, -1), -1)
        ]


# Feature-merge exceptions: the form offers what the server accepts.


def _exception(org, group="mdm", pr=77):
    return merge_exception_request(
        release=org["release"], group=org[group], pr_number=pr, reason="late", actor=org["staff"]
    )


def _exception_block(html: str, pk: int) -> str:
    start = html.index(f'id="exception-{pk}"')
    end = html.find('class="exception"', start + 1)
    return html[start : end if end != -1 else None]


@pytest.mark.parametrize(
    ("who", "offered"),
    [
        ("mdm-qa", True),
        ("mdm-em", True),
        ("dri", True),
        ("software-qa", False),
        ("software-em", False),
        ("staff", False),  # staff hold no vote (the handbook's three decide)
        ("outsider", False),
    ],
)
def test_approve_and_reject_are_offered_only_to_the_deciders(org, who, offered):
    exception = _exception(org)
    users = {
        "mdm-qa": org["mdm"].qa_lead.user,
        "mdm-em": org["mdm"].engineering_manager.user,
        "dri": org["release"].dri.user,
        "software-qa": org["software"].qa_lead.user,
        "software-em": org["software"].engineering_manager.user,
        "staff": org["staff"],
        "outsider": org["outsider"],
    }
    client = _client(users[who])
    block = _exception_block(client.get(BOARD).content.decode(), exception.pk)
    assert ('value="approve"' in block) is offered
    assert ('value="reject"' in block) is offered
    answer = client.post(
        f"{BOARD}exceptions/{exception.pk}/decide", {"decision": "approve", "reason": ""}
    )
    assert (answer.status_code != 403) is offered


def test_a_forged_decision_shows_the_reason_in_the_page(org, hx):
    exception = _exception(org)
    client = _client(org["software"].qa_lead.user)
    page = client.post(f"{BOARD}exceptions/{exception.pk}/decide", {"decision": "approve"})
    assert page.status_code == 403
    html = unescape(page.content.decode())
    assert "Only MDM's EM, its QA lead or the release DRI decide this." in html
    assert "</main>" in html  # inside the page layout
    partial = client.post(
        f"{BOARD}exceptions/{exception.pk}/decide", {"decision": "approve"}, headers=hx
    )
    assert partial.status_code == 403
    assert partial["Content-Type"].startswith("text/plain")
    assert MergeException.objects.get().qa_approved_by is None


def test_approving_twice_is_refused_and_no_longer_offered(org, hx):
    exception = _exception(org)
    qa = org["mdm"].qa_lead
    merge_exception_decide(exception=exception, actor=qa.user, approve=True)
    client = _client(qa.user)
    block = _exception_block(client.get(BOARD).content.decode(), exception.pk)
    assert 'value="approve"' not in block
    assert 'value="reject"' in block
    assert "you approved already" in block
    again = client.post(
        f"{BOARD}exceptions/{exception.pk}/decide", {"decision": "approve"}, headers=hx
    )
    assert "You already approved #77." in _exception_block(again.content.decode(), exception.pk)


def test_a_rejection_without_a_reason_is_refused_next_to_the_field(org, hx):
    exception = _exception(org)
    response = _client(org["release"].dri.user).post(
        f"{BOARD}exceptions/{exception.pk}/decide", {"decision": "reject"}, headers=hx
    )
    assert response.status_code == 200
    block = _exception_block(response.content.decode(), exception.pk)
    assert f'id="reason-ex{exception.pk}_error"' in block
    assert "Say why the exception is rejected." in block
    assert MergeException.objects.get().state == "pending"


def test_the_exception_request_keeps_what_was_typed_on_error(org, hx):
    _exception(org, pr=77)
    client = _client(org["outsider"])
    data = {"group": "software", "pr_number": "#77", "reason": "Customer promise"}
    response = client.post(f"{BOARD}exceptions/", data, headers=hx)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<article class="card" id="exceptions">')
    assert '<details class="request-exception" id="request-exception" open>' in html
    assert "#77 already has a merge exception request." in html
    assert 'id="ex-pr_number_error"' in html
    assert 'value="#77"' in html
    assert "Customer promise</textarea>" in html
    assert '<option value="software" selected>' in html
    assert 'class="messages"' not in html
    plain = client.post(f"{BOARD}exceptions/", {**data, "reason": ""})
    assert plain.status_code == 400
    assert 'id="ex-reason_error"' in plain.content.decode()
    assert MergeException.objects.count() == 1


def test_an_exception_request_accepts_a_pasted_pr_address(org, hx):
    response = _client(org["outsider"]).post(
        f"{BOARD}exceptions/",
        {
            "group": "mdm",
            "pr_number": "https://github.com/fleetdm/fleet/pull/4321/files",
            "reason": "Customer promise",
        },
        headers=hx,
    )
    assert "Merge exception requested for #4321" in response.content.decode()
    assert 'id="activity-feed" hx-swap-oob="true"' in response.content.decode()
    assert MergeException.objects.get().pr_number == 4321


def test_an_unknown_group_is_refused_next_to_the_field(org, hx):
    response = _client(org["outsider"]).post(
        f"{BOARD}exceptions/", {"group": "nope", "pr_number": "5", "reason": "x"}, headers=hx
    )
    assert 'id="ex-group_error"' in response.content.decode()
    assert not MergeException.objects.exists()


def test_publishing_on_no_go_without_a_reason_is_refused_next_to_the_field(org):
    response = _client(org["release"].dri.user).post(
        "/releases/4.75.0/state", {"state": "published", "override_reason": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_override_reason_error"' in html
    assert "say why you publish it anyway" in html
    field = re.search(r'<input[^>]*name="override_reason"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    assert '<option value="published" selected>' in html  # the choice is kept


def test_publishing_on_no_go_by_staff_is_refused_at_the_top_of_the_form(org):
    response = _client(org["staff"]).post(
        "/releases/4.75.0/state", {"state": "published", "override_reason": "because"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "only the release ritual DRI may publish it anyway" in html
    assert 'value="because"' in html


def test_a_concluded_release_offers_no_controls_and_says_why_on_the_card(org, hx):
    exception = _exception(org)
    org["release"].__class__.objects.filter(pk=org["release"].pk).update(state="concluded")
    client = _client(org["release"].dri.user)
    html = client.get(BOARD).content.decode()
    assert 'class="signoff-form"' not in html
    assert 'draggable="true"' not in html
    assert 'value="approve"' not in _exception_block(html, exception.pk)
    assert "Request an exception" not in html
    forged = client.post(f"{MDM}/signoff", {"state": "ready"}, headers=hx)
    card = _card(forged.content.decode(), "mdm")
    assert "is concluded" in card
    assert 'role="alert"' in card
