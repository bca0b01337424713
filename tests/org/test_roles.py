"""Who is who (fleetops/org/roles.py): the roles the organisation's data gives a user."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from fleetops.org import roles
from tests.factories import PersonFactory, ProductGroupFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_roles_of_a_group_and_a_release():
    group = ProductGroupFactory()
    em, qa = group.engineering_manager.user, group.qa_lead.user
    release = SimpleNamespace(dri_id=group.qa_lead.pk)
    assert roles.is_engineering_manager(em, group)
    assert not roles.is_engineering_manager(qa, group)
    assert roles.is_qa_lead(qa, group)
    assert not roles.is_qa_lead(em, group)
    assert roles.is_dri(qa, release)
    assert not roles.is_dri(em, release)
    assert roles.group_roles(qa, group, release) == ["qa", "dri"]
    assert roles.group_roles(em, group) == ["em"]


def test_em_or_lead_of_any_group():
    group = ProductGroupFactory()
    engineer = PersonFactory().user
    assert roles.is_engineering_manager(group.engineering_manager.user)
    assert roles.is_group_lead(group.qa_lead.user)
    assert not roles.is_group_lead(engineer)
    assert not roles.is_engineering_manager(engineer)


@pytest.mark.parametrize("user", [None, AnonymousUser()])
def test_nobody_signed_in_holds_no_role(user):
    group = ProductGroupFactory()
    assert roles.person_of(user) is None
    assert not roles.is_staff(user)
    assert not roles.is_dri(user, SimpleNamespace(dri_id=None))
    assert not roles.is_qa_lead(user, group)
    assert not roles.is_group_lead(user)
    assert roles.group_roles(user, group) == []


def test_a_user_without_a_person_is_only_what_the_user_row_says():
    admin = UserFactory(is_staff=True)
    assert roles.person_of(admin) is None
    assert roles.is_staff(admin)
    assert not roles.is_engineering_manager(admin)
