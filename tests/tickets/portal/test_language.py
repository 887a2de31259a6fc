"""The portal's language: the account setting, else Accept-Language, else the site default; the switcher on every
page saves the account setting of a signed-in customer."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOME = "/portal/"


def page_language(response) -> str:
    return response.context["LANGUAGE_CODE"]


@pytest.fixture
def verified_customer(customer):
    EmailAddress.objects.create(user=customer.user, email=customer.email, verified=True, primary=True)
    customer.language = "fr"
    customer.save()
    return customer


@pytest.mark.parametrize(
    ("accept_language", "language"),
    [
        ("es-MX,es;q=0.9,en;q=0.5", "es"),
        ("vi-VN,vi;q=0.9", "vi"),
        ("id", "id"),
        ("zh-TW,zh;q=0.9", "zh-hant"),
        ("zh-HK", "zh-hant"),
        ("zh-CN,zh;q=0.9", "zh-hans"),
        ("de-DE,de;q=0.9", "en"),  # not a desk language: the site default
    ],
)
def test_visitors_get_the_language_of_their_browser(client, accept_language, language):
    response = client.get(HOME, headers={"accept-language": accept_language})

    assert page_language(response) == language
    assert f'<html lang="{language}"' in response.text


def test_a_signed_in_customer_gets_their_account_language_whatever_the_browser_says(client, verified_customer):
    client.post(reverse("account_login"), {"login": verified_customer.email, "password": "pw"})

    response = client.get(HOME, headers={"accept-language": "es"})

    assert page_language(response) == "fr"
    assert 'value="fr" lang="fr" selected' in response.text


def test_the_switcher_saves_the_account_language_of_a_signed_in_customer(client, verified_customer):
    client.post(reverse("account_login"), {"login": verified_customer.email, "password": "pw"})

    response = client.post(reverse("set_language"), {"language": "zh-hant", "next": HOME})

    verified_customer.refresh_from_db()
    assert response.status_code == 302
    assert verified_customer.language == "zh-hant"
    assert page_language(client.get(HOME, headers={"accept-language": "es"})) == "zh-hant"


def test_the_switcher_sets_only_the_cookie_for_visitors(client):
    client.post(reverse("set_language"), {"language": "vi", "next": HOME})

    assert page_language(client.get(HOME, headers={"accept-language": "es"})) == "vi"


def test_staff_switch_with_the_cookie_only(client, agent):
    client.force_login(agent)

    response = client.post(reverse("set_language"), {"language": "id", "next": HOME})

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "id"


def test_the_profile_language_applies_at_once(client, verified_customer):
    client.post(reverse("account_login"), {"login": verified_customer.email, "password": "pw"})

    client.post(reverse("portal:profile"), {"name": "Alice", "language": "id", "time_zone": ""})

    assert page_language(client.get(HOME, headers={"accept-language": "es"})) == "id"


def test_every_portal_page_offers_the_switcher_with_every_language(client):
    response = client.get(HOME)

    for code in ("en", "zh-hans", "zh-hant", "es", "fr", "id", "vi"):
        assert f'<option value="{code}" lang="{code}"' in response.text
