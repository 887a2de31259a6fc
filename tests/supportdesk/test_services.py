"""Staff API tokens: they expire by default and a revoked one stops working at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from supportdesk.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


def test_a_token_without_a_date_expires_after_the_default_lifetime(agent, settings):
    settings.STAFF_API_TOKEN_DAYS = 30
    before = timezone.now()

    token, _plain = api_token_create(user=agent, name="Script")

    assert before + timedelta(days=30) <= token.expires_at <= timezone.now() + timedelta(days=30)


def test_a_chosen_date_wins_and_zero_days_means_no_default(agent, settings):
    chosen = timezone.now() + timedelta(days=3)
    settings.STAFF_API_TOKEN_DAYS = 0

    dated, _plain = api_token_create(user=agent, name="Dated", expires_at=chosen)
    open_ended, _plain = api_token_create(user=agent, name="Open")

    assert dated.expires_at == chosen
    assert open_ended.expires_at is None


def test_an_expired_or_revoked_token_is_refused(api, agent, clock):
    expiring, expiring_plain = api_token_create(user=agent, name="Expiring")
    revoked, revoked_plain = api_token_create(user=agent, name="Revoked")
    api_token_revoke(token=revoked)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {expiring_plain}")
    assert api.get("/api/v1/tickets/").status_code == 200

    clock.set(expiring.expires_at + timedelta(seconds=1))
    expired = api.get("/api/v1/tickets/")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {revoked_plain}")

    assert expired.status_code == 401
    assert api.get("/api/v1/tickets/").status_code == 401
