from __future__ import annotations

import io
import itertools
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from fleetops.org.models import Holiday, Person, ProductGroup, Sprint, process_today
from worlds.demo.context import DEMO_PASSWORD


def _counts() -> dict[str, int]:
    return {
        "users": get_user_model().objects.count(),
        "people": Person.objects.count(),
        "groups": ProductGroup.objects.count(),
        "sprints": Sprint.objects.count(),
        "holidays": Holiday.objects.count(),
    }


@pytest.mark.django_db
def test_seed_demo_builds_the_organisation(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert f"Demo logins (password: {DEMO_PASSWORD})" in out
    groups = {
        g.github_label: g
        for g in ProductGroup.objects.select_related("engineering_manager", "qa_lead")
    }
    assert set(groups) >= {"#g-mdm", "#g-software", "#g-orchestration", "#g-security-compliance"}
    assert all(g.engineering_manager and g.qa_lead for g in groups.values())
    assert 25 <= Person.objects.count() <= 40
    assert Sprint.objects.containing(process_today()).exists()
    assert Sprint.objects.upcoming(process_today()).exists()
    assert "mokafor" in out
    assert "EM, MDM" in out


@pytest.mark.django_db
def test_seed_demo_sprints_are_three_weeks_and_contiguous():
    call_command("seed_demo", stdout=io.StringIO())
    sprints = list(Sprint.objects.order_by("starts_on"))
    for sprint, following in itertools.pairwise(sprints):
        assert (sprint.ends_on - sprint.starts_on).days == 20
        assert (following.starts_on - sprint.ends_on).days == 1
        assert following.number == sprint.number + 1


@pytest.mark.django_db
def test_seed_demo_twice_duplicates_nothing(capsys):
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert "already has an organisation" in capsys.readouterr().out
    call_command("seed_demo", "--force")
    assert _counts() == first


@pytest.mark.django_db
def test_seed_demo_demo_password_signs_in(client):
    call_command("seed_demo", stdout=io.StringIO())
    response = client.post("/accounts/login/", {"login": "pdewit", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_seed_demo_json_prints_only_json(capsys):
    call_command("seed_demo", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["seeded"] is True
    roles = {login["username"]: login["role"] for login in data["logins"]}
    assert roles["pdewit"] == "QA lead, MDM"
    assert roles["admin"].startswith("staff")
