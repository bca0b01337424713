"""No page repeats an element id, whoever looks at it (labels, aria-describedby and focus
all point at ids: a repeated one sends a screen reader or a click to the wrong field)."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.endpoints import endpoints
from worlds.scale.seed import scale_seed


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids[value] += 1


def repeated_ids(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    return sorted(name for name, n in parser.ids.items() if n > 1)


def test_repeated_ids_are_found():
    assert repeated_ids('<p id="a"></p><input id="a"><b id="b">') == ["a"]
    assert repeated_ids('<p id="a"></p><input id="b">') == []


@pytest.mark.django_db
def test_no_page_repeats_an_element_id_for_staff_or_for_people():
    scale_seed(issues=150, seed=3)
    users = get_user_model().objects.filter(is_active=True)
    viewers = [users.filter(is_staff=True).first(), *users.filter(is_staff=False)[:3]]
    found = {}
    for user in viewers:
        client = Client()
        client.force_login(user)
        for endpoint in endpoints():
            headers = {"HX-Request": "true"} if endpoint.htmx else {}
            response = client.get(endpoint.url, headers=headers)
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            if repeated := repeated_ids(response.content.decode()):
                found[(user.get_username(), endpoint.name)] = repeated
    assert not found, found
