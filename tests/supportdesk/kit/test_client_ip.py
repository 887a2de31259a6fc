"""The client address every rate limit uses: X-Forwarded-For only as far as TRUSTED_PROXIES wrote it."""

import pytest
from django.test import RequestFactory

from supportdesk.kit.client_ip import client_ip

PROXY = "10.0.0.5"


def request(peer: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []

    assert client_ip(request("203.0.113.7", "1.2.3.4")) == "203.0.113.7"


def test_a_spoofed_header_from_an_untrusted_peer_changes_nothing(settings):
    settings.TRUSTED_PROXIES = [PROXY]

    assert client_ip(request("203.0.113.7", "198.51.100.1, 10.0.0.5")) == "203.0.113.7"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("198.51.100.1", "198.51.100.1"),
        # The client may prepend anything; the proxy appends the address it saw.
        ("6.6.6.6, 198.51.100.1", "198.51.100.1"),
        # Two proxy hops inside the trusted network.
        ("6.6.6.6, 198.51.100.1, 10.0.0.9", "198.51.100.1"),
        ("2001:db8::1", "2001:db8::1"),
    ],
)
def test_behind_a_trusted_proxy_the_last_untrusted_hop_is_the_client(settings, forwarded, expected):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]

    assert client_ip(request(PROXY, forwarded)) == expected


def test_a_trusted_proxy_without_a_header_or_with_garbage_is_its_own_client(settings):
    settings.TRUSTED_PROXIES = [PROXY]

    assert client_ip(request(PROXY)) == PROXY
    assert client_ip(request(PROXY, "not-an-ip")) == PROXY
    assert client_ip(request("", "1.2.3.4")) == "unknown"
