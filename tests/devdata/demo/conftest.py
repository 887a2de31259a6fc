"""The demo data `make run` loads, once per test."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command


@pytest.fixture
def users():
    call_command("seed_demo", stdout=io.StringIO())
    return {user.username: user for user in get_user_model().objects.filter(is_staff=True)}
