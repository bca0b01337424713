"""Gates: publishing needs go or the DRI's override; a concluded release changes no more;
the board's readiness per group comes from the boards."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from releases.board.models import MergeException, Release, ReleaseCandidate, Signoff
from releases.board.selectors import release_board
from releases.board.services import (
    merge_exception_request,
    release_set_state,
    signoff_set_state,
)

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_publishing_while_no_go_is_refused_without_the_dris_reason(org):
    release, dri = org["release"], org["release"].dri.user
    assert not release_board(release=release).go
    with pytest.raises(ValidationError, match="say why"):
        release_set_state(release=release, state="published", actor=dri)
    with pytest.raises(ValidationError, match="only the release ritual DRI"):
        release_set_state(
            release=release, state="published", actor=org["staff"], override_reason="ship it"
        )
    assert Release.objects.get(pk=release.pk).state != "published"


def test_the_dris_override_is_stored_and_shown(org):
    release, dri = org["release"], org["release"].dri.user
    response = _client(dri).post(
        "/releases/4.75.0/state",
        {"state": "published", "override_reason": "Security fix customers wait for"},
    )
    assert response.status_code == 302
    release = Release.objects.get(pk=release.pk)
    assert (release.state, release.publish_override_reason) == (
        "published",
        "Security fix customers wait for",
    )
    assert release.publish_override_by == dri
    data = _client(org["outsider"]).get("/releases/4.75.0.json").json()
    assert data["publish_override"]["reason"] == "Security fix customers wait for"
    assert data["publish_override"]["by"] == "dri"
    html = _client(org["outsider"]).get("/releases/4.75.0/").content.decode()
    assert "override: Security fix customers wait for" in html


def test_refused_publish_shows_the_reason_on_the_board(org):
    response = _client(org["release"].dri.user).post(
        "/releases/4.75.0/state", {"state": "published"}, follow=True
    )
    assert "say why you publish it anyway" in response.content.decode()
    assert Release.objects.get(pk=org["release"].pk).state != "published"


def test_concluding_by_hand_is_not_a_state(org):
    with pytest.raises(ValidationError, match="conclusion page"):
        release_set_state(release=org["release"], state="concluded", actor=org["staff"])


def test_a_concluded_release_takes_no_signoff_or_exception(org):
    Release.objects.filter(pk=org["release"].pk).update(state="concluded")
    release = Release.objects.get(pk=org["release"].pk)
    with pytest.raises(ValidationError, match="is concluded"):
        signoff_set_state(release=release, group=org["mdm"], actor=org["staff"], state="ready")
    with pytest.raises(ValidationError, match="is concluded"):
        merge_exception_request(
            release=release, group=org["mdm"], pr_number=12, reason="late", actor=org["staff"]
        )
    assert Signoff.objects.get(release=release, group=org["mdm"]).state == "not_started"
    assert not MergeException.objects.exists()
    response = _client(org["staff"]).post(
        "/releases/4.75.0/groups/mdm/signoff", {"state": "ready"}, follow=True
    )
    assert "is concluded" in response.content.decode()


@pytest.mark.parametrize("number", ["0", "-1", "2147483648", "99999999999999999999"])
def test_a_merge_exception_pr_number_must_fit(org, number):
    response = _client(org["outsider"]).post(
        "/releases/4.75.0/exceptions/",
        {"group": "mdm", "pr_number": number, "reason": "launch"},
        follow=True,
    )
    # Refused next to the field, with what was typed kept (the board again, 400).
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="ex-pr_number_error"' in html
    assert 'aria-invalid="true"' in html
    assert "launch</textarea>" in html
    assert not MergeException.objects.exists()


def test_board_cards_count_the_milestones_items_by_column(milestoned):
    board = release_board(release=milestoned.release)
    cards = {card.group.slug: card for card in board.cards}
    assert cards["mdm"].board_ready == 3  # the story, the bug and the PR
    assert [(c, [i.number for i in items]) for c, items in cards["mdm"].board_not_ready] == [
        ("In progress", [9004])
    ]
    assert (cards["software"].board_ready, cards["software"].board_not_ready_count) == (0, 1)
    data = Client()
    data.force_login(milestoned.release.dri.user)
    groups = {g["slug"]: g for g in data.get("/releases/4.75.0.json").json()["groups"]}
    assert groups["mdm"]["board"] == {"ready": 3, "not_ready": 1}
    assert groups["software"]["board"] == {"ready": 0, "not_ready": 1}


def test_a_group_marked_ready_with_items_elsewhere_is_no_go(milestoned, org):
    signoff_set_state(
        release=milestoned.release, group=org["mdm"], actor=org["staff"], state="ready"
    )
    remaining = release_board(release=milestoned.release).remaining
    assert (
        "MDM is marked ready, but 1 item of the milestone is not in Ready for release "
        "(In progress: 1) (QA lead: Pieter de Wit)"
    ) in remaining
    html = _client(org["outsider"]).get("/releases/4.75.0/").content.decode()
    assert "MDM is marked ready, but 1 item of the milestone" in html
    assert 'href="https://github.com/fleetdm/fleet/issues/9004"' in html


def test_the_cut_page_shows_the_plan_before_anything_is_cut(org, fake_github, main_branch):
    Release.objects.filter(pk=org["release"].pk).update(state="planned")
    dri = _client(org["release"].dri.user)
    html = dri.get("/releases/4.75.0/cut").content.decode()
    assert "Cut <code>rc-minor-fleet-v4.75.0</code>" in html
    assert "POST /repos/fleetdm/fleet/git/refs" in html
    assert "PATCH /repos/fleetdm/confidential/actions/variables/QAWOLF_DEPLOY_TAG" in html
    assert "Cut the release candidate (dry run)" in html
    assert not ReleaseCandidate.objects.exists()
    assert dri.post("/releases/4.75.0/cut").status_code == 302
    assert ReleaseCandidate.objects.get().dry_run
