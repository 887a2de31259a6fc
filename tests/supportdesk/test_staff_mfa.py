"""Staff two-factor authentication through allauth.mfa: asked at sign-in, required by role."""

import base64
import hashlib
import hmac
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.exceptions import ValidationError
from django.urls import reverse

from supportdesk.services import api_token_create
from supportdesk.staff_mfa import mfa_missing, mfa_required
from tests import factories

pytestmark = pytest.mark.django_db

REQUIRED_ROLES = ["Supervisor", "Administrator", "Security officer"]


@pytest.fixture
def mfa_roles(settings):
    settings.STAFF_MFA_REQUIRED_ROLES = REQUIRED_ROLES
    settings.STAFF_MFA_REQUIRED_FOR_SUPERUSERS = True


def totp_code(secret: str, at: float | None = None) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits), computed here rather than by allauth."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def test_a_staff_user_with_totp_is_asked_for_the_code_before_reaching_the_admin(client, agent):
    secret = with_totp(agent)

    password_step = client.post(reverse("account_login"), {"login": "agent", "password": "pw", "next": "/admin/"})
    assert password_step["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000" if totp_code(secret) != "000000" else "111111"})
    assert "_auth_user_id" not in client.session
    assert wrong.status_code == 200

    done = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert done["Location"] == "/admin/"
    assert client.session["_auth_user_id"] == str(agent.pk)
    assert client.get("/admin/").status_code == 200


def test_roles_that_require_mfa_are_sent_to_set_it_up_before_the_admin(client, supervisor, mfa_roles):
    signed_in = client.post(reverse("account_login"), {"login": "supervisor", "password": "pw"})
    assert signed_in["Location"] == reverse("admin:tickets_savedview_my_work")

    response = client.get(signed_in["Location"])
    api = client.get(reverse("api:tickets"))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "mfa_required"
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.post(reverse("admin:logout")).status_code == 200
    assert "_auth_user_id" not in client.session


def test_setting_up_totp_through_allauth_opens_the_admin(client, supervisor, mfa_roles):
    client.post(reverse("account_login"), {"login": "supervisor", "password": "pw"})
    # allauth asks for the password again before any change to the account's authenticators.
    client.post(reverse("account_reauthenticate"), {"password": "pw"})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]

    activated = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=supervisor, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("admin:index")).status_code == 200


def test_agents_may_work_without_mfa_and_the_required_roles_come_from_the_setting(agent, supervisor, mfa_roles):
    superuser = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    customer = factories.UserFactory(username="carol@example.com")

    assert not mfa_required(agent)
    assert mfa_required(supervisor)
    assert mfa_required(superuser)
    assert not mfa_required(customer)
    with_totp(supervisor)
    assert not mfa_missing(supervisor)


def test_recovery_codes_alone_do_not_count_as_a_second_factor(supervisor, mfa_roles):
    Authenticator.objects.create(
        user=supervisor, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00" * 20, "used_mask": 0}
    )

    assert mfa_missing(supervisor)


def test_no_api_token_is_issued_to_a_user_who_must_but_did_not_set_up_mfa(supervisor, agent, mfa_roles):
    with pytest.raises(ValidationError) as error:
        api_token_create(user=supervisor, name="CI")
    with_totp(supervisor)

    token, _plain = api_token_create(user=supervisor, name="CI")
    agent_token, _plain = api_token_create(user=agent, name="Agent script")

    assert error.value.code == "mfa_required"
    assert token.user == supervisor
    assert agent_token.user == agent


def test_the_token_form_in_the_admin_refuses_a_user_without_required_mfa(client, administrator, supervisor, mfa_roles):
    with_totp(administrator)
    client.force_login(administrator)

    response = client.post(
        reverse("admin:supportdesk_apitoken_add"), {"name": "CI", "user": supervisor.pk, "scope": "read"}
    )

    assert response.status_code == 200
    assert "two-factor" in response.content.decode()
    assert not supervisor.api_tokens.exists()
