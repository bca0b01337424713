"""The release DRI previews the milestone conclusion, applies it in dry run, then for real."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from releases.board.models import Release
from releases.board.services import release_signoffs_ensure
from tests.browser.test_board import _signed_in
from tests.factories import PersonFactory, ProductGroupFactory
from tests.releases.boards import CONFIDENTIAL, build_milestone_boards
from tests.releases.factories import ReleaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def milestone_on_boards(fake_github):
    qa = PersonFactory(user__username="qa-mdm", name="Pieter de Wit")
    mdm = ProductGroupFactory(name="MDM", slug="mdm", github_label="#g-mdm", qa_lead=qa)
    software = ProductGroupFactory(name="Software", slug="software", github_label="#g-software")
    dri = PersonFactory(user__username="dri", name="Dana Ri", github_login="dana")
    release = ReleaseFactory(version="4.75.0", dri=dri)
    release_signoffs_ensure(release=release)
    return build_milestone_boards(
        fake_github, {"release": release, "mdm": mdm, "software": software}
    )


def test_dri_previews_and_applies_the_conclusion(
    live_server, browser: Browser, milestone_on_boards, settings
):
    m = milestone_on_boards
    settings.FLEETOPS_GITHUB_WRITE = False
    context, page, errors = _signed_in(browser, live_server, "dri")
    page.goto(f"{live_server.url}/releases/4.75.0/")
    card = page.locator("#card-mdm")
    expect(card).to_contain_text("3 of 4 items of the milestone in Ready for release")
    expect(card.get_by_role("link", name="#9004")).to_be_visible()
    page.screenshot(path="/tmp/relflow-board.png", full_page=True)
    page.get_by_role("link", name="Conclude milestone…").click()

    plan = page.locator("#conclusion-plan")
    expect(plan).to_contain_text("Plan (7 GitHub changes)")
    expect(plan).to_contain_text("story #9001: add :product, remove :release")
    expect(plan).to_contain_text("move #9002 to Closed on MDM sprint")
    expect(plan).to_contain_text("set QAWOLF_DEPLOY_TAG of fleetdm/confidential to main")
    left_open = page.locator("#left-open")
    expect(left_open).to_contain_text("fleetdm/fleet#9004")
    expect(left_open).to_contain_text("In progress")
    expect(left_open).to_contain_text("Awaiting QA")
    page.screenshot(path="/tmp/relflow-conclude-plan.png", full_page=True)

    page.get_by_role("button", name="Apply 7 changes (dry run)").click()
    expect(page.get_by_role("status").first).to_contain_text("Dry run: 7 change(s) recorded")
    assert m.fake.writes == []
    assert Release.objects.get(version="4.75.0").state == "published"

    settings.FLEETOPS_GITHUB_WRITE = True
    page.reload()
    page.get_by_role("button", name="Apply 7 changes").click()
    expect(page.get_by_text("Milestone concluded: 7 GitHub change(s) made.")).to_be_visible()
    expect(page.locator("#conclusion-plan")).to_contain_text("Concluded: what was written")
    expect(page.get_by_role("button", name="Apply")).to_have_count(0)  # no second Apply
    assert len(m.fake.writes) == 7
    assert m.fake.repo(CONFIDENTIAL).variables == {"QAWOLF_DEPLOY_TAG": "main"}
    assert Release.objects.get(version="4.75.0").state == "concluded"
    page.screenshot(path="/tmp/relflow-conclude-done.png", full_page=True)

    phone = browser.new_context(viewport={"width": 390, "height": 844})
    phone_page = phone.new_page()
    for cookie in context.cookies():
        phone.add_cookies([cookie])
    phone_page.goto(f"{live_server.url}/releases/4.75.0/")
    phone_page.screenshot(path="/tmp/relflow-board-390.png", full_page=True)
    phone_page.goto(f"{live_server.url}/releases/4.75.0/conclude/")
    expect(phone_page.locator("#conclusion-plan")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone: {width}px"
    phone_page.screenshot(path="/tmp/relflow-conclude-390.png", full_page=True)
    assert not errors, errors
    phone.close()
    context.close()
