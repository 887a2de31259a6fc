"""Permissions in one query: the same answers as Django's ModelBackend."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission

from supportdesk.kit.auth_backends import OneQueryModelBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    user = get_user_model().objects.create_user(username="member", password="x")
    user.user_permissions.add(Permission.objects.get(codename="view_ticket"))
    group = Group.objects.create(name="Readers")
    group.permissions.add(Permission.objects.get(codename="view_customer"))
    user.groups.add(group)
    return get_user_model().objects.get(pk=user.pk)


def test_own_and_group_permissions_come_from_one_query(member, django_assert_num_queries):
    backend = OneQueryModelBackend()

    with django_assert_num_queries(1):
        found = backend.get_all_permissions(member)
        assert backend.has_perm(member, "tickets.view_ticket")
        assert not backend.has_perm(member, "tickets.change_ticket")

    fresh = get_user_model().objects.get(pk=member.pk)
    assert found == ModelBackend().get_all_permissions(fresh) == {"tickets.view_ticket", "tickets.view_customer"}
    assert backend.get_user_permissions(member) == {"tickets.view_ticket"}
    assert backend.get_group_permissions(member) == {"tickets.view_customer"}


def test_inactive_users_have_no_permissions(member):
    member.is_active = False

    assert OneQueryModelBackend().get_all_permissions(member) == set()
