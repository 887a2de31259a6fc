"""API authentication and throttling: forged X-Forwarded-For buys no fresh bucket; customer JWTs are bounded."""

import time

import jwt
import pytest

from supportdesk.api_auth import ClientRateThrottle
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight_throttle(monkeypatch):
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "2/min"})


def test_spoofed_forwarded_for_does_not_reset_the_anonymous_throttle(api, tight_throttle, settings):
    settings.TRUSTED_PROXIES = []
    codes = [
        api.get("/api/v1/articles/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}", REMOTE_ADDR="203.0.113.7").status_code
        for n in range(3)
    ]

    assert codes == [200, 200, 429]


def test_behind_a_trusted_proxy_each_client_has_its_own_bucket(api, tight_throttle, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    first = [api.get("/api/v1/articles/", HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy) for _ in range(3)]
    other = api.get("/api/v1/articles/", HTTP_X_FORWARDED_FOR="198.51.100.2", REMOTE_ADDR="10.0.0.5")

    assert [response.status_code for response in first] == [200, 200, 429]
    assert other.status_code == 200


def post_feedback(api, plain: str, token: str):
    return api.post(
        "/api/v1/app/feedback/",
        {"subject": "Swap failed", "body": "It failed.", "app_version": "2.1"},
        format="json",
        HTTP_X_APP_KEY=plain,
        HTTP_X_CUSTOMER_TOKEN=token,
    )


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "another-service"},
        {"aud": None},
        {"iss": "someone-else"},
        {"iss": None},
        {"iat": None},
        # Valid for a day: longer than APP_TOKEN_MAX_LIFETIME_SECONDS (15 minutes).
        {"expires_in": 24 * 60 * 60},
    ],
    ids=["wrong-audience", "no-audience", "wrong-issuer", "no-issuer", "no-issued-at", "too-long-lived"],
)
def test_customer_tokens_need_audience_issuer_and_a_short_life(api, app_credentials, claims):
    _key, plain, secret = app_credentials
    now = int(time.time())
    payload = {"sub": "a@example.com", "iat": now, "exp": now + claims.pop("expires_in", 300)}
    payload |= {"aud": "supportdesk", "iss": "wallet-backend", **claims}
    token = jwt.encode({name: value for name, value in payload.items() if value is not None}, secret, "HS256")

    response = post_feedback(api, plain, token)

    assert response.status_code == 401


def test_a_well_formed_customer_token_is_accepted(api, app_credentials):
    _key, plain, secret = app_credentials

    response = post_feedback(api, plain, factories.customer_token(secret, "a@example.com"))

    assert response.status_code == 201
