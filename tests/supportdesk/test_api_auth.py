"""API throttling and client identity: a forged X-Forwarded-For does not buy a fresh bucket."""

import pytest

from supportdesk.api_auth import ClientRateThrottle

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
