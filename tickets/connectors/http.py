"""Calls to a provider's HTTP API with a timeout, every failure turned into a ProviderError.

Retryable: connection errors, timeouts, 429 and 5xx (the provider may accept it later). Anything
else (400 bad recipient, 401 wrong token, 403 blocked by the user) fails at once.
"""

from __future__ import annotations

import requests
from django.conf import settings

from tickets.connectors.base import ProviderError


def call(method: str, url: str, **kwargs) -> requests.Response:
    try:
        response = requests.request(method, url, timeout=settings.CONNECTOR_HTTP_TIMEOUT_SECONDS, **kwargs)
    except requests.Timeout as error:
        raise ProviderError(f"timeout: {type(error).__name__}", retryable=True) from error
    except requests.RequestException as error:
        raise ProviderError(f"connection failed: {type(error).__name__}", retryable=True) from error
    if response.status_code == 429 or response.status_code >= 500:
        raise ProviderError(
            f"HTTP {response.status_code}: {response.text[:300]}",
            retryable=True,
            retry_after=_retry_after(response),
        )
    if response.status_code >= 400:
        raise ProviderError(f"HTTP {response.status_code}: {response.text[:300]}", retryable=False)
    return response


def _retry_after(response: requests.Response) -> int | None:
    header = response.headers.get("Retry-After", "")
    if header.isdigit():
        return int(header)
    try:
        return int(response.json().get("parameters", {}).get("retry_after"))
    except (ValueError, TypeError, AttributeError):
        return None
