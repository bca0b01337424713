"""On the release board, answers land where the person is looking: an error inside the card
that was moved, focus kept on the card after a move, notes and the blocked reason edited on
the card, and merge-exception buttons only for those who decide."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from releases.board.services import merge_exception_request, release_signoffs_ensure
from tests.factories import PASSWORD, PersonFactory, ProductGroupFactory, UserFactory
from tests.releases.factories import ReleaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture
def board_org():
    """MDM and Software with their QA leads and EMs; a release with a DRI and a pending
    merge exception for an MDM pull request."""
    mdm = ProductGroupFactory(
        name="MDM",
        slug="mdm",
        github_label="#g-mdm",
        qa_lead=PersonFactory(user__username="qa-mdm", name="Pieter de Wit"),
        engineering_manager=PersonFactory(user__username="em-mdm", name="Marta Okafor"),
    )
    software = ProductGroupFactory(
        name="Software",
        slug="software",
        github_label="#g-software",
        qa_lead=PersonFactory(user__username="qa-software", name="Ravi Subramanian"),
    )
    release = ReleaseFactory(version="4.75.0", dri=PersonFactory(user__username="dri"))
    release_signoffs_ensure(release=release)
    staff = UserFactory(username="boss", is_staff=True)
    exception = merge_exception_request(
        release=release, group=mdm, pr_number=4321, reason="Customer promise", actor=staff
    )
    return {"mdm": mdm, "software": software, "release": release, "exception": exception}


def _is_error(message) -> bool:
    return message.type == "error" and not message.text.startswith(
        ("htmx:sendAbort", "htmx:afterRequest", "Failed to load resource")
    )


def _board(browser: Browser, live_server, username: str, width: int = 1360):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if _is_error(m) else None)
    page.goto(f"{live_server.url}/accounts/login/?next=/releases/4.75.0/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Fleet v4.75.0")).to_be_visible()
    return context, page, errors


def _focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def test_blocked_without_a_reason_is_answered_inside_the_card(live_server, browser, board_org):
    context, page, errors = _board(browser, live_server, "qa-mdm", width=390)
    card = page.locator("#card-mdm")
    card.get_by_role("button", name="Blocked").click()

    alert = card.get_by_role("alert")
    expect(alert).to_contain_text("Say why the group is blocked.")
    expect(alert).to_be_in_viewport()
    expect(page.locator("#card-mdm #note-mdm")).to_be_focused()
    expect(page.locator("#note-mdm")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#note-mdm")).to_have_attribute("aria-describedby", "note-mdm_error")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "board-card-error-390.png"), caret="initial")

    # The reason typed, the same button: the card moves and keeps the keyboard's focus.
    page.locator("#note-mdm").fill("Enrollment fails on macOS 26")
    page.locator("#card-mdm").get_by_role("button", name="Blocked").click()
    blocked = page.get_by_role("region", name="blocked")
    expect(blocked.locator("#card-mdm")).to_contain_text("Enrollment fails on macOS 26")
    expect(page.locator("#card-mdm")).to_be_focused()
    expect(page.locator("#board-status")).to_have_text("MDM is now in blocked.")
    assert not errors, errors
    context.close()


def test_a_move_by_keyboard_keeps_focus_on_the_card(live_server, browser, board_org):
    context, page, errors = _board(browser, live_server, "qa-mdm")
    page.locator("#card-mdm").get_by_role("button", name="Testing").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("region", name="testing").locator("#card-mdm")).to_be_visible()
    expect(page.locator("#card-mdm")).to_be_focused()
    page.keyboard.press("Tab")  # on into the card, not from the top of the page
    assert page.evaluate("document.activeElement.closest('#card-mdm') !== null")
    assert not errors, errors
    context.close()


def test_drag_and_drop_moves_the_card_and_a_blocked_drop_asks_why(live_server, browser, board_org):
    context, page, errors = _board(browser, live_server, "qa-mdm")
    page.locator("#card-mdm").drag_to(page.get_by_role("region", name="ready for release"))
    ready = page.get_by_role("region", name="ready for release")
    expect(ready.locator("#card-mdm")).to_be_visible()
    expect(page.locator("#card-mdm")).to_be_focused()

    page.locator("#card-mdm").drag_to(page.get_by_role("region", name="blocked"))
    expect(page.locator("#card-mdm").get_by_role("alert")).to_contain_text(
        "Say why the group is blocked."
    )
    expect(ready.locator("#card-mdm")).to_be_visible()  # not moved
    expect(page.locator("#note-mdm")).to_be_focused()
    assert not errors, errors
    context.close()


def test_a_note_shows_in_the_card_history_and_the_activity(live_server, browser, board_org):
    context, page, errors = _board(browser, live_server, "qa-mdm")
    page.locator("#note-mdm").fill("Waiting for the fix in #123")
    page.locator("#card-mdm").get_by_role("button", name="Add note").click()

    history = page.locator("#history-mdm")
    expect(history).to_have_attribute("open", "")
    expect(history).to_contain_text("added a note")
    expect(history).to_contain_text("Waiting for the fix in #123")
    expect(history.locator("time")).to_have_count(1)
    expect(page.get_by_role("region", name="not started").locator("#card-mdm")).to_be_visible()
    expect(page.locator("#note-mdm")).to_have_value("")
    expect(page.locator("#activity-feed")).to_contain_text(
        "Pieter de Wit noted on MDM: Waiting for the fix in #123"
    )
    expect(page.locator("#card-mdm")).to_be_focused()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.locator("#card-mdm").screenshot(
        path=str(SCREENSHOTS / "board-card-history.png"), caret="initial"
    )
    assert not errors, errors
    context.close()


def test_the_blocked_reason_is_edited_in_place(live_server, browser, board_org):
    context, page, errors = _board(browser, live_server, "qa-mdm")
    page.locator("#note-mdm").fill("Enrollment fails")
    page.locator("#card-mdm").get_by_role("button", name="Blocked").click()
    card = page.get_by_role("region", name="blocked").locator("#card-mdm")
    expect(card).to_be_visible()

    card.get_by_text("Edit reason").click()
    reason = page.locator("#reason-note-mdm")
    expect(reason).to_have_value("Enrollment fails")
    reason.fill("")
    card.get_by_role("button", name="Save reason").click()
    expect(page.locator("#card-mdm").get_by_role("alert")).to_contain_text(
        "Say why the group is blocked."
    )
    expect(page.locator("#reason-note-mdm")).to_be_focused()

    page.locator("#reason-note-mdm").fill("Fix in review: #125")
    page.locator("#card-mdm").get_by_role("button", name="Save reason").click()
    card = page.get_by_role("region", name="blocked").locator("#card-mdm")
    expect(card.locator(".blocked-note")).to_have_text("Blocked: Fix in review: #125")
    expect(page.locator("#activity-feed")).to_contain_text(
        "changed why MDM is blocked: Fix in review: #125"
    )
    assert not errors, errors
    context.close()


def test_typed_notes_survive_a_live_update(live_server, browser, board_org):
    context, page, errors = _board(browser, live_server, "dri")
    page.locator("#note-software").fill("half-typed thought")
    page.locator("#note-software").focus()
    # Someone else's move changes the board; the next poll redraws it.
    other, other_page, _ = _board(browser, live_server, "qa-mdm")
    other_page.locator("#card-mdm").get_by_role("button", name="Testing").click()
    expect(page.get_by_role("region", name="testing").locator("#card-mdm")).to_be_visible(
        timeout=10_000
    )
    expect(page.locator("#note-software")).to_have_value("half-typed thought")
    expect(page.locator("#note-software")).to_be_focused()
    assert not errors, errors
    other.close()
    context.close()


def test_exception_buttons_only_for_deciders_and_a_forged_post_says_why(
    live_server, browser, board_org
):
    pk = board_org["exception"].pk
    context, page, errors = _board(browser, live_server, "qa-software")
    exception = page.locator(f"#exception-{pk}")
    expect(exception).to_contain_text("#4321")
    expect(exception.get_by_role("button", name="Approve")).to_have_count(0)
    expect(exception.get_by_role("button", name="Reject")).to_have_count(0)
    # A card the person may not move has no move controls either.
    expect(page.locator("#card-mdm").get_by_role("button")).to_have_count(0)

    # A forged card move through htmx: the server's reason shows inside that card.
    page.evaluate(
        "htmx.ajax('POST', '/releases/4.75.0/groups/mdm/signoff',"
        " {source: '#card-mdm', target: '#board-live', swap: 'outerHTML',"
        " values: {state: 'ready'}})"
    )
    expect(page.locator("#card-mdm").get_by_role("alert")).to_contain_text(
        "Only MDM's QA lead, the release DRI or staff can change its sign-off."
    )

    # A forged decision without JavaScript: the reason, inside the page layout.
    page.evaluate(
        """pk => {
          const form = document.createElement('form');
          form.method = 'post';
          form.action = `/releases/4.75.0/exceptions/${pk}/decide`;
          const token = document.querySelector('input[name=csrfmiddlewaretoken]').value;
          for (const [name, value] of [['csrfmiddlewaretoken', token], ['decision', 'approve']]) {
            const input = document.createElement('input');
            input.type = 'hidden'; input.name = name; input.value = value;
            form.append(input);
          }
          document.body.append(form);
          form.submit();
        }""",
        pk,
    )
    expect(page.get_by_role("alert")).to_contain_text(
        "Only MDM's EM, its QA lead or the release DRI decide this."
    )
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    context.close()

    # MDM's QA lead decides: the buttons are there, a rejection needs a reason, by its field.
    context, page, errors = _board(browser, live_server, "qa-mdm")
    exception = page.locator(f"#exception-{pk}")
    exception.get_by_role("button", name="Reject").click()
    expect(page.locator(f"#exception-{pk}").get_by_role("alert")).to_contain_text(
        "Say why the exception is rejected."
    )
    expect(page.locator(f"#reason-ex{pk}")).to_be_focused()
    page.locator(f"#exception-{pk}").get_by_role("button", name="Approve").click()
    expect(page.locator("#exceptions")).to_contain_text("You approved #4321.")
    expect(page.locator(f"#exception-{pk}")).to_contain_text("QA ✓ Pieter de Wit")
    expect(page.locator(f"#exception-{pk}").get_by_role("button", name="Approve")).to_have_count(0)
    assert not errors, errors
    context.close()


def test_the_exception_request_keeps_its_input_on_error(live_server, browser, board_org):
    context, page, errors = _board(browser, live_server, "qa-software")
    page.get_by_text("Request an exception").click()
    page.get_by_label("Product group").select_option("software")
    page.get_by_label("Pull request number").fill("4321")
    page.get_by_label("Why it must go into this release").fill("Install retries")
    page.get_by_role("button", name="Request", exact=True).click()
    expect(page.locator("#ex-pr_number_error")).to_have_text(
        "#4321 already has a merge exception request."
    )
    expect(page.get_by_label("Pull request number")).to_be_focused()
    expect(page.get_by_label("Why it must go into this release")).to_have_value("Install retries")
    expect(page.get_by_label("Product group")).to_have_value("software")
    page.get_by_label("Pull request number").fill("#4400")
    page.get_by_role("button", name="Request", exact=True).click()
    expect(page.locator("#exceptions")).to_contain_text("Merge exception requested for #4400")
    expect(page.locator("#activity-feed")).to_contain_text("Merge exception requested for #4400")
    assert not errors, errors
    context.close()
