"""The demo has rituals, so the rituals page is not empty after seed_demo."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from rituals.models import RitualFile
from rituals.selectors import ritual_catalogue

pytestmark = pytest.mark.django_db


def test_demo_stores_a_rituals_file_once(client):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Rituals: 7 from handbook/engineering/engineering.rituals.yml" in out.getvalue()
    catalogue = ritual_catalogue()
    assert len(catalogue.rituals) == 7
    assert len(catalogue.problems) == 1
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert RitualFile.objects.count() == 1
    client.login(username="pdewit", password="fleetops-demo")
    html = client.get("/rituals/", {"dri": "pdewit"}).content.decode()
    assert "Pieter de Wit" in html
    assert "3 rituals" in html
