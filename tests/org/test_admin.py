"""Staff edit the organisation in the admin: every list opens, searches and filters."""

from __future__ import annotations

import pytest
from django.contrib import admin

from fleetops.org.models import Organization
from tests.factories import HolidayFactory, PersonFactory, ProductGroupFactory, SprintFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_admin_changelist_opens_and_searches(admin_client, model):
    ProductGroupFactory(name="MDM")
    SprintFactory()
    HolidayFactory()
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "mdm"}).status_code == 200


def test_admin_product_group_search_finds_by_label(admin_client):
    ProductGroupFactory(name="MDM", github_label="#g-mdm")
    ProductGroupFactory(name="Software", github_label="#g-software")
    html = admin_client.get("/admin/org/productgroup/", {"q": "g-mdm"}).content.decode()
    assert "MDM" in html
    assert "Software" not in html


def test_admin_person_filters_by_group(admin_client):
    group = ProductGroupFactory(name="MDM")
    member = PersonFactory(name="Aiko Tanaka")
    PersonFactory(name="Not A Member")
    group.members.add(member)
    html = admin_client.get(
        "/admin/org/person/", {"product_groups__id__exact": group.pk}
    ).content.decode()
    assert "Aiko Tanaka" in html
    assert "Not A Member" not in html


def test_admin_person_add_validates_login_and_zone(admin_client):
    response = admin_client.post(
        "/admin/org/person/add/",
        {"name": "X", "github_login": "-bad-", "time_zone": "Mars/Olympus", "active": "on"},
    )
    html = response.content.decode()
    assert "is not a GitHub login" in html
    assert "is not an IANA time zone" in html


def test_admin_adds_the_one_organisation_record(admin_client):
    response = admin_client.post(
        "/admin/org/organization/add/", {"github_login": "fleetdm", "drafting_board": "67"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Organization.current().github_login == "fleetdm"
    assert admin_client.get("/admin/org/organization/add/").status_code == 403  # only one
