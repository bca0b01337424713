"""The overview's release sections: the current release (the one in QA first), a QA lead's
group card state and blockers, what remains for the DRI."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from fleetops.core.mywork import LATER, NOW, PINNED, SOON
from releases.board.mywork import release_sections, release_work
from releases.dependencies import selectors as dependency_selectors
from releases.dependencies.selectors import DependencyGate
from releases.models import Release, Signoff
from tests.factories import PersonFactory
from tests.releases.factories import ReleaseFactory, mirror_issue

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 1)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _block(group, note="Enrollment fails on macOS 26"):
    Signoff.objects.filter(group=group).update(state=Signoff.State.BLOCKED, note=note)


def test_in_flight_releases_put_the_one_in_qa_first():
    planned = ReleaseFactory(version="4.80.0", state="planned", target_date=dt.date(2026, 12, 2))
    rc = ReleaseFactory(version="4.79.1", state="release_candidate", target_date=None)
    qa = ReleaseFactory(version="4.79.0", state="qa", target_date=dt.date(2026, 12, 20))
    ready = ReleaseFactory(version="4.78.2", state="ready", target_date=dt.date(2026, 12, 3))
    ReleaseFactory(version="4.78.0", state="published", target_date=dt.date(2026, 12, 1))
    ordered = list(Release.objects.in_flight().most_urgent_first())
    assert ordered == [qa, rc, ready, planned]


def test_in_flight_releases_of_one_state_soonest_target_first_none_last():
    late = ReleaseFactory(version="4.81.0", state="planned", target_date=dt.date(2027, 1, 6))
    none = ReleaseFactory(version="4.82.0", state="planned", target_date=None)
    soon = ReleaseFactory(version="4.80.0", state="planned", target_date=dt.date(2026, 12, 16))
    assert list(Release.objects.in_flight().most_urgent_first()) == [soon, late, none]


def test_releases_page_shows_the_release_in_qa_first(org):
    ReleaseFactory(version="4.77.0", state="planned", target_date=dt.date(2027, 1, 6))
    ReleaseFactory(version="4.76.0", state="planned", target_date=dt.date(2026, 12, 30))
    html = _client(org["outsider"]).get("/releases/").content.decode()
    positions = [html.index(f"Fleet v{v}") for v in ("4.75.0", "4.76.0", "4.77.0")]
    assert positions == sorted(positions)


def test_current_release_is_the_one_in_qa_with_its_go_no_go(org):
    ReleaseFactory(version="4.76.0", state="planned", target_date=dt.date(2026, 12, 2))
    work = release_work(person=None, today=TODAY)
    assert work.release == org["release"]
    assert not work.board.go
    assert "Dependency checks not run (DRI: Dana Ri)" in work.board.remaining
    assert [r.version for r in work.others] == ["4.76.0"]
    sections = release_sections(work)
    assert [(s.key, s.urgency) for s in sections] == [("release", PINNED)]


def test_qa_lead_of_a_blocked_group_gets_it_urgent_with_its_blockers(org):
    _block(org["mdm"])
    mirror_issue(21035, "#g-mdm", "~release blocker")
    mirror_issue(21036, "#g-software", "~release blocker")  # not theirs
    qa = org["mdm"].qa_lead
    work = release_work(person=qa, today=TODAY)
    [mine] = work.qa_groups
    assert mine.group == org["mdm"]
    assert mine.state == "blocked"
    assert [n for n, _ in mine.card.release_blockers] == [21035]
    assert mine.urgency == NOW
    keys = [s.key for s in release_sections(work)]
    assert keys == ["release", "qa-mdm"]


def test_qa_lead_urgency_follows_the_card_state(org):
    qa = org["software"].qa_lead
    assert release_work(person=qa, today=TODAY).qa_groups[0].urgency == SOON  # not started
    Signoff.objects.filter(group=org["software"]).update(state="ready")
    assert release_work(person=qa, today=TODAY).qa_groups[0].urgency == LATER
    mirror_issue(7, "#g-software", "~release blocker")
    # Ready while a blocker appeared since: stale, the QA lead re-confirms today.
    [group] = release_work(person=qa, today=TODAY).qa_groups
    assert group.card.stale
    assert group.urgency == NOW


def test_qa_lead_of_two_groups_gets_a_section_for_each(org):
    qa = org["mdm"].qa_lead
    org["software"].qa_lead = qa
    org["software"].save()
    keys = [s.key for s in release_sections(release_work(person=qa, today=TODAY))]
    assert keys == ["release", "qa-mdm", "qa-software"]


def test_dri_gets_what_remains(org):
    dri = org["release"].dri
    work = release_work(person=dri, today=TODAY)
    assert work.is_dri
    dri_section = next(s for s in release_sections(work) if s.key == "dri")
    assert dri_section.urgency == SOON  # target Dec 16, two weeks away
    assert any("MDM is not started" in item for item in work.board.remaining)


def test_dri_of_a_release_due_tomorrow_acts_today(org):
    work = release_work(person=org["release"].dri, today=dt.date(2026, 12, 15))
    assert work.dri_urgency == NOW
    assert work.dri_acts_today


def test_dri_of_other_releases_in_flight_sees_them(org):
    person = PersonFactory(user__username="other-dri")
    ReleaseFactory(version="4.76.0", state="planned", dri=person)
    work = release_work(person=person, today=TODAY)
    assert not work.is_dri
    assert [r.version for r in work.also_driving] == ["4.76.0"]
    assert ("dri", LATER) in [(s.key, s.urgency) for s in release_sections(work)]


def test_nobody_in_a_role_gets_only_the_current_release(org):
    person = PersonFactory(user__username="someone")
    assert [s.key for s in release_sections(release_work(person=person, today=TODAY))] == [
        "release"
    ]


def test_no_release_in_flight(db):
    work = release_work(person=None, today=TODAY)
    assert work.release is None
    assert work.board is None
    assert [s.key for s in release_sections(work)] == ["release"]


def test_overview_shows_qa_lead_their_blocked_group_with_a_link_to_its_card(org):
    _block(org["mdm"])
    mirror_issue(21035, "#g-mdm", "~release blocker")
    html = _client(org["mdm"].qa_lead.user).get("/").content.decode()
    assert "your group: Blocked" in html
    assert "Enrollment fails on macOS 26" in html
    assert "/issues/21035" in html
    assert 'href="/releases/4.75.0/#card-mdm"' in html
    assert html.index('id="mywork-release"') < html.index('id="mywork-qa-mdm"')


def test_overview_shows_the_dri_what_remains(org):
    html = _client(org["release"].dri.user).get("/").content.decode()
    assert 'id="mywork-dri"' in html
    assert "You drive Fleet v4.75.0: what remains" in html
    assert "Dependency checks not run (DRI: Dana Ri)" in html


def test_overview_release_for_someone_without_a_role(org):
    html = _client(org["outsider"]).get("/").content.decode()
    assert "Current release" in html
    assert "Fleet v4.75.0" in html
    assert "No-go" in html
    assert 'id="mywork-dri"' not in html
    assert "your group:" not in html


def test_overview_with_go_tells_the_dri_to_start_the_release(org, monkeypatch):
    Signoff.objects.update(state="ready")
    monkeypatch.setattr(
        dependency_selectors,
        "dependency_gate",
        lambda *, release: DependencyGate(status="ok", remaining=[]),
    )
    work = release_work(person=org["release"].dri, today=TODAY)
    assert work.board.go
    assert work.dri_urgency == NOW
    html = _client(org["release"].dri.user).get("/").content.decode()
    assert "You drive Fleet v4.75.0: ready to release" in html
    assert "You can start the release" in html


def test_the_overviews_verdict_is_the_boards(org):
    """The overview reads the board without its histories and lists: the same verdict."""
    from releases.board.selectors import release_board

    _block(org["mdm"])
    mirror_issue(21035, "#g-mdm", "~release blocker")
    Signoff.objects.filter(group=org["software"]).update(state="ready")
    mirror_issue(7, "#g-software", "~release blocker")  # ready, then a blocker: stale
    full = release_board(release=org["release"])
    work = release_work(person=None, today=TODAY)
    assert (work.board.go, work.board.remaining) == (full.go, full.remaining)
    assert work.board.remaining
    assert [
        (c.group.pk, c.signoff.state, c.release_blockers, c.stale, c.unreleased_bugs)
        for c in work.board.cards
    ] == [
        (c.group.pk, c.signoff.state, c.release_blockers, c.stale, c.unreleased_bugs)
        for c in full.cards
    ]
