"""Customer accounts through django-allauth: email sign-up, verification, linking, staff kept out."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from supportdesk.account_adapter import PortalAccountAdapter
from tests import factories
from tickets import services
from tickets.models import Channel, Customer

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-wallet-pass-42"


def _sign_up(client, email):
    return client.post(reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD})


def _confirmation_path(mail) -> str:
    return re.search(r"http://testserver(/accounts/confirm-email/[^/\s]+/)", mail.body).group(1)


def test_sign_up_needs_a_verified_email_and_then_shows_earlier_email_tickets(client, mailoutbox):
    emailed = services.customer_get_or_create(email="grace@example.com", name="Grace")[0]
    earlier = services.ticket_create(customer=emailed, subject="Sent by email", body="Hi", channel=Channel.EMAIL)

    response = _sign_up(client, "Grace@Example.com")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = get_user_model().objects.get(email__iexact="grace@example.com")
    assert not user.is_staff
    assert not hasattr(user, "customer")
    assert client.get(reverse("portal:request_list")).status_code == 302

    client.post(_confirmation_path(mailoutbox[-1]))
    client.post(reverse("account_login"), {"login": "grace@example.com", "password": PASSWORD})

    emailed.refresh_from_db()
    assert emailed.user == user
    assert earlier.reference in client.get(reverse("portal:request_list")).content.decode()


def test_a_new_address_gets_a_new_customer_on_verification(client, mailoutbox):
    _sign_up(client, "heidi@example.com")

    client.post(_confirmation_path(mailoutbox[-1]))

    customer = Customer.objects.get(email="heidi@example.com")
    assert customer.user.email == "heidi@example.com"


def test_an_unverified_user_cannot_sign_in(client, mailoutbox):
    _sign_up(client, "ivan@example.com")
    client.logout()

    response = client.post(reverse("account_login"), {"login": "ivan@example.com", "password": PASSWORD})

    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("portal:request_list")).status_code == 302


def test_signing_in_links_a_verified_user_who_has_no_customer_yet(client):
    user = factories.UserFactory(username="judy", email="judy@example.com")
    EmailAddress.objects.create(user=user, email="judy@example.com", verified=True, primary=True)

    client.post(reverse("account_login"), {"login": "judy@example.com", "password": "pw"})

    assert Customer.objects.get(email="judy@example.com").user == user


def test_staff_sign_in_here_and_land_on_my_work_without_becoming_customers(client, agent):
    response = client.post(reverse("account_login"), {"login": "agent", "password": "pw"})

    assert response["Location"] == reverse("admin:tickets_savedview_my_work")
    assert client.get(response["Location"]).status_code == 200
    assert client.session["_auth_user_id"] == str(agent.pk)
    assert not Customer.objects.filter(user=agent).exists()


def test_staff_who_do_not_work_tickets_land_on_the_dashboard(client, manager):
    response = client.post(reverse("account_login"), {"login": "manager", "password": "pw"})

    assert response["Location"] == reverse("admin:index")


def test_repeated_failed_logins_slow_the_guesser_without_locking_the_owner_out(client, customer):
    EmailAddress.objects.create(user=customer.user, email=customer.email, verified=True, primary=True)
    for _attempt in range(6):
        client.post(reverse("account_login"), {"login": customer.email, "password": "wrong"})

    response = client.post(reverse("account_login"), {"login": customer.email, "password": "pw"})

    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_allauth_pages_use_the_portal_layout(client):
    for name in ("account_login", "account_signup", "account_reset_password"):
        page = client.get(reverse(name)).content.decode()

        assert '<meta charset="utf-8">' in page
        assert "portal/portal.css" in page
        assert "We will never ask for your password, private key or recovery phrase." in page


def test_the_two_factor_pages_use_the_portal_layout(client, customer):
    client.force_login(customer.user)

    page = client.get(reverse("mfa_index")).content.decode()

    assert "portal/portal.css" in page
    assert reverse("mfa_activate_totp") in page


def test_pages_render_in_simplified_chinese(client):
    client.cookies["django_language"] = "zh-hans"

    login = client.get(reverse("account_login")).content.decode()
    signup = client.post(reverse("account_signup"), {"email": ""}).content.decode()

    assert '<html lang="zh-hans"' in login
    assert "登录" in login
    assert "该字段是必填项。" in signup


def test_the_language_switcher_offers_every_portal_language(client):
    page = client.get(reverse("portal:home")).content.decode()

    for code in ("en", "zh-hans", "es", "fr", "id", "vi"):
        assert f'<option value="{code}"' in page
    assert "简体中文" in page


def test_allauth_rate_limits_see_the_client_address_that_trusted_proxies_decide(rf, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    adapter = PortalAccountAdapter()

    spoofed = rf.get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    proxied = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.1")

    assert adapter.get_client_ip(spoofed) == "203.0.113.7"
    assert adapter.get_client_ip(proxied) == "198.51.100.1"
