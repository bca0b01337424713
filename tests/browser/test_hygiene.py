"""A hygiene finding on the release board: a bug-fix PR that would close its bug on merge."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from releases.board.services import release_signoffs_ensure
from tests.factories import PersonFactory, ProductGroupFactory
from tests.releases.factories import ReleaseFactory, mirror_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path("/tmp/fleetops-hygiene-screens")


def _sign_in(page: Page, live_server, username: str, password: str, next_url: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize(("width", "name"), [(1360, "desktop"), (390, "mobile")])
def test_browser_board_shows_a_closing_keyword_finding(
    live_server, page: Page, password, width, name
):
    ProductGroupFactory(name="MDM", slug="mdm", github_label="#g-mdm")
    release = ReleaseFactory(version="4.75.0")
    release_signoffs_ensure(release=release)
    PersonFactory(user__username="viewer", name="Vera Viewer")
    mirror_issue(123, "bug")
    pr = mirror_issue(456, pull=True)
    pr.title, pr.body, pr.author_login = "Fix enrollment crash", "Fixes #123\n\nTested.", "dev-ann"
    pr.save()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": width, "height": 900})

    _sign_in(page, live_server, "viewer", password, "/releases/4.75.0/")
    hygiene = page.locator("#hygiene")
    expect(hygiene.get_by_role("heading", name="Release hygiene")).to_be_visible()
    finding = hygiene.get_by_role("listitem").filter(has_text="#456")
    expect(finding).to_contain_text("closing-keyword")
    expect(finding).to_contain_text("#123")
    expect(finding).to_contain_text("@dev-ann")
    SCREENSHOTS.mkdir(exist_ok=True)
    hygiene.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"board-hygiene-{name}.png"), full_page=True)

    hygiene.get_by_role("link", name="All findings, with the handbook's rules").click()
    expect(page.get_by_role("heading", name="Release hygiene")).to_be_visible()
    expect(page.locator("article.finding")).to_contain_text("do not use any automated words")
    page.screenshot(path=str(SCREENSHOTS / f"hygiene-page-{name}.png"), full_page=True)
    assert not errors, errors
