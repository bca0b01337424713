"""The on-call feed card: addresses to copy or subscribe to, and the token that signs every
feed of a person (on-call, rituals, release calendar), rotated from the card."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from oncall.models import OncallProfile
from tests.oncall.factories import OncallProfileFactory, rotation_with

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true", "HX-Target": "feed-card", "HX-Current-URL": "http://testserver/oncall/"}


def _client(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def test_feed_card_offers_copy_and_subscribe_for_each_feed(team):
    profile = OncallProfileFactory(person=team.alice)
    token = profile.feed_token

    html = _client(team.alice).get("/oncall/").content.decode()

    me = f"http://testserver/oncall/feeds/{token}/me.ics"
    rotation = f"http://testserver/oncall/feeds/{token}/rotation-{team.rotation.pk}.ics"
    for url in (me, rotation):
        assert f'value="{url}"' in html
        assert f'href="webcal://{url.removeprefix("http://")}"' in html
    assert 'data-copy-from="feed-me"' in html
    assert f'data-copy-from="feed-rotation-{team.rotation.pk}"' in html
    assert "The whole rotation: Developer on-call" in html
    assert html.count('aria-live="polite"') >= 2
    assert "/static/js/copy.js" in html


def test_feed_card_lists_a_feed_for_every_active_rotation(team):
    other = rotation_with(
        team.erin, team.quinn, name="Infrastructure on-call", starts_on=dt.date(2026, 1, 5)
    )
    profile = OncallProfileFactory(person=team.alice)

    html = _client(team.alice).get("/oncall/").content.decode()

    assert f"/oncall/feeds/{profile.feed_token}/rotation-{other.pk}.ics" in html
    assert "The whole rotation: Infrastructure on-call" in html


def test_rotating_by_htmx_swaps_the_card_with_every_new_address(team):
    old = OncallProfileFactory(person=team.alice).feed_token

    response = _client(team.alice).post("/oncall/feed-token/", headers=HX)

    new = OncallProfile.objects.get(person=team.alice).feed_token
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<article class="card oncall-feed-card" id="feed-card">')
    assert "New feed addresses: the old ones no longer work." in html
    assert f"/oncall/feeds/{new}/me.ics" in html
    assert f"/oncall/feeds/{new}/rotation-{team.rotation.pk}.ics" in html  # not lost on a swap
    assert old not in html


def test_first_token_says_the_addresses_are_ready(team):
    response = _client(team.alice).post("/oncall/feed-token/", headers=HX)

    assert "Your calendar feed addresses are ready." in response.content.decode()
    assert OncallProfile.objects.filter(person=team.alice).exists()


def test_rotating_without_htmx_goes_back_to_the_on_call_page(team):
    response = _client(team.alice).post("/oncall/feed-token/")

    assert response.status_code == 302
    assert response["Location"] == "/oncall/"


def test_oncall_feeds_answer_head(team):
    profile = OncallProfileFactory(person=team.alice)
    anonymous = Client()

    for url in (
        f"/oncall/feeds/{profile.feed_token}/me.ics",
        f"/oncall/feeds/{profile.feed_token}/rotation-{team.rotation.pk}.ics",
    ):
        response = anonymous.head(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert response.content == b""


@pytest.mark.parametrize("token", ["1.%C3%A9", "%C2%B9.abc", "%D9%A3.x", "%E2%80%8B", "x" * 300])
def test_oncall_rotation_feed_with_a_strange_token_is_404(team, token):
    OncallProfileFactory(person=team.alice)

    response = Client().get(f"/oncall/feeds/{token}/rotation-{team.rotation.pk}.ics")

    assert response.status_code == 404
