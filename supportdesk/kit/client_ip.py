"""Which address a request comes from, decided in one place for every rate limit.

`TRUSTED_PROXIES` (settings, a list of IP addresses or CIDR networks) names the
load balancers and reverse proxies in front of the site. X-Forwarded-For is
believed only as far as those proxies wrote it: walking it from the right, the
first address that is not a trusted proxy is the client. When the peer itself
is not a trusted proxy, the header is ignored (anyone can send it) and the
peer's address is the client. With the default (no proxies) that is always
REMOTE_ADDR.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(settings.TRUSTED_PROXIES))


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _is_trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address as text; "unknown" only when even the peer address is unusable."""
    peer = _parse(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return UNKNOWN
    networks = trusted_networks()
    if not _is_trusted(peer, networks):
        return str(peer)
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # A malformed entry was not written by our proxies: stop believing the header here.
            break
        if not _is_trusted(address, networks):
            return str(address)
        peer = address
    return str(peer)
