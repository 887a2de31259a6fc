"""Per-account sign-in guard: guesses get slower, the owner is told, and never locked out."""

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from supportdesk import login_guard

pytestmark = pytest.mark.django_db

OWNER_IP = "203.0.113.10"
ATTACKER_IP = "198.51.100.66"


@pytest.fixture
def verified_customer(customer):
    EmailAddress.objects.create(user=customer.user, email=customer.email, verified=True, primary=True)
    return customer


def sign_in(ip: str, login: str, password: str, **headers) -> Client:
    client = Client(REMOTE_ADDR=ip, **headers)
    client.post(reverse("account_login"), {"login": login, "password": password})
    return client


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_delays_double_after_the_free_failures_up_to_the_maximum(settings):
    settings.LOGIN_GUARD_FREE_FAILURES = 5
    settings.LOGIN_GUARD_BASE_DELAY_SECONDS = 2
    settings.LOGIN_GUARD_MAX_DELAY_SECONDS = 60

    assert [login_guard.delay_for(failures) for failures in (4, 5, 6, 7, 10)] == [0, 2, 4, 8, 60]


def test_the_owner_still_signs_in_from_a_known_address_during_an_attack(verified_customer, clock, mailoutbox):
    email = verified_customer.email
    assert signed_in(sign_in(OWNER_IP, email, "pw"))
    for _attempt in range(8):
        sign_in(ATTACKER_IP, email, "guess")

    attacker = sign_in(ATTACKER_IP, email, "pw")
    owner = sign_in(OWNER_IP, email, "pw")

    assert not signed_in(attacker)
    assert signed_in(owner)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [email]
    assert "not locked" in mailoutbox[0].body


def test_after_the_delay_a_new_address_may_try_again(verified_customer, clock, settings):
    settings.LOGIN_GUARD_MAX_DELAY_SECONDS = 30
    for _attempt in range(6):
        sign_in(ATTACKER_IP, verified_customer.email, "guess")
    assert not signed_in(sign_in("192.0.2.1", verified_customer.email, "pw"))

    clock.advance(seconds=31)

    assert signed_in(sign_in("192.0.2.1", verified_customer.email, "pw"))


def test_a_forged_forwarded_for_does_not_make_an_attacker_look_like_the_owner(verified_customer, clock, settings):
    settings.TRUSTED_PROXIES = []
    sign_in(OWNER_IP, verified_customer.email, "pw")
    for _attempt in range(6):
        sign_in(ATTACKER_IP, verified_customer.email, "guess")

    forged = sign_in(ATTACKER_IP, verified_customer.email, "pw", HTTP_X_FORWARDED_FOR=OWNER_IP)

    assert not signed_in(forged)


def test_behind_a_trusted_proxy_the_owner_is_recognised_by_the_forwarded_address(verified_customer, clock, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    sign_in("10.0.0.2", verified_customer.email, "pw", HTTP_X_FORWARDED_FOR=OWNER_IP)
    for _attempt in range(6):
        sign_in("10.0.0.2", verified_customer.email, "guess", HTTP_X_FORWARDED_FOR=ATTACKER_IP)

    attacker = sign_in("10.0.0.2", verified_customer.email, "pw", HTTP_X_FORWARDED_FOR=ATTACKER_IP)
    owner = sign_in("10.0.0.2", verified_customer.email, "pw", HTTP_X_FORWARDED_FOR=OWNER_IP)

    assert not signed_in(attacker)
    assert signed_in(owner)
