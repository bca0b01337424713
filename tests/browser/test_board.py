"""A QA lead moves their group's card; another viewer's board follows without a reload."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from releases.board.services import release_signoffs_ensure
from tests.factories import PASSWORD, PersonFactory, ProductGroupFactory
from tests.releases.factories import ReleaseFactory, mirror_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


def _is_error(message) -> bool:
    """A console error, except htmx noting the poll it aborted for a card move (by design)."""
    return message.type == "error" and not message.text.startswith(
        ("htmx:sendAbort", "htmx:afterRequest")
    )


def _signed_in(browser: Browser, live_server, username: str):
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if _is_error(m) else None)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    return context, page, errors


def test_board_card_move_reaches_another_viewer(live_server, browser: Browser):
    qa = PersonFactory(user__username="qa-mdm", name="Pieter de Wit")
    mdm = ProductGroupFactory(name="MDM", slug="mdm", github_label="#g-mdm", qa_lead=qa)
    ProductGroupFactory(name="Software", slug="software", github_label="#g-software")
    PersonFactory(user__username="viewer", name="Vera Viewer")
    release = ReleaseFactory(version="4.75.0")
    release_signoffs_ensure(release=release)
    mirror_issue(7, "#g-mdm", "~unreleased bug")
    assert mdm.pk

    qa_context, qa_page, qa_errors = _signed_in(browser, live_server, "qa-mdm")
    viewer_context, viewer_page, viewer_errors = _signed_in(browser, live_server, "viewer")
    qa_page.goto(f"{live_server.url}/releases/4.75.0/")
    viewer_page.goto(f"{live_server.url}/releases/4.75.0/")
    ready_column = viewer_page.get_by_role("region", name="ready for release")
    expect(ready_column.locator("#card-mdm")).to_have_count(0)
    expect(viewer_page.locator("#card-mdm .signoff-form")).to_have_count(0)  # no buttons for her

    qa_page.locator("#card-mdm").get_by_role("button", name="Ready for release").click()
    expect(
        qa_page.get_by_role("region", name="ready for release").locator("#card-mdm")
    ).to_be_visible()
    # The viewer's page was not reloaded: the poll brings the move within 10 seconds.
    expect(ready_column.locator("#card-mdm")).to_be_visible(timeout=10_000)
    expect(viewer_page.locator("#card-mdm")).to_contain_text("Moved by Pieter de Wit")
    SCREENSHOTS.mkdir(exist_ok=True)
    viewer_page.screenshot(path=str(SCREENSHOTS / "release-board.png"), full_page=True)

    # Blocked needs a reason: the card says so and stays where it was.
    card = qa_page.locator("#card-mdm")
    card.get_by_role("button", name="Blocked").click()
    expect(qa_page.get_by_role("alert")).to_contain_text("Say why the group is blocked.")
    qa_page.locator("#note-mdm").fill("Enrollment fails on macOS 26")
    qa_page.locator("#card-mdm").get_by_role("button", name="Blocked").click()
    expect(qa_page.get_by_role("region", name="blocked").locator("#card-mdm")).to_contain_text(
        "Enrollment fails on macOS 26"
    )
    assert not qa_errors, qa_errors
    assert not viewer_errors, viewer_errors
    qa_context.close()
    viewer_context.close()
