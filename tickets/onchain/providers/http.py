"""One provider call: a strict timeout, a capped answer, no redirects, and every failure a LookupFailed.

A 429 records a backoff for the endpoint in the cache (its Retry-After, capped; 60 s without one):
until it passes, lookups against that endpoint fail at once without a request, so a rate-limited
provider is not hammered by the re-check job or by agents pressing "check now".
"""

from __future__ import annotations

import json
import time
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from django.conf import settings
from django.core.cache import cache

from tickets.onchain.providers.base import LookupFailed

DEFAULT_RETRY_AFTER_SECONDS = 60
USER_AGENT = "SupportDesk-onchain-lookup/1"


def backoff_key(endpoint_key: str) -> str:
    return f"onchain:backoff:{endpoint_key}"


def backoff_remaining(endpoint_key: str) -> int:
    until = cache.get(backoff_key(endpoint_key))
    return max(0, int(until - time.time()) + 1) if until else 0


def request(
    method: str, url: str, *, endpoint_key: str, json_body: Any = None, headers: dict | None = None
) -> tuple[int, bytes]:
    """(status, body) of a 2xx or 404 answer; anything else raises LookupFailed. The URL is never in the reason:
    node URLs carry API keys."""
    if remaining := backoff_remaining(endpoint_key):
        raise LookupFailed(f"rate limited by the provider, retry after {remaining} s", retry_after=remaining)
    timeout = settings.ONCHAIN_HTTP_TIMEOUT_SECONDS
    try:
        response = requests.request(
            method,
            url,
            json=json_body,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})},
            timeout=(timeout, timeout),
            allow_redirects=False,
            stream=True,
        )
    except requests.Timeout as error:
        raise LookupFailed("timeout: the provider did not answer in time") from error
    except requests.RequestException as error:
        raise LookupFailed(f"connection failed ({type(error).__name__})") from error
    with response:
        if response.status_code == 429:
            wait = _retry_after(response.headers.get("Retry-After", ""))
            cache.set(backoff_key(endpoint_key), time.time() + wait, timeout=wait + 1)
            raise LookupFailed(f"rate limited by the provider, retry after {wait} s", retry_after=wait)
        if response.status_code != 404 and not 200 <= response.status_code < 300:
            raise LookupFailed(f"provider error: HTTP {response.status_code}")
        return response.status_code, _read_capped(response, started=time.monotonic(), timeout=timeout)


def _read_capped(response: requests.Response, *, started: float, timeout: float) -> bytes:
    """The body, refused beyond the size cap, and beyond the timeout overall (a trickling answer)."""
    limit = settings.ONCHAIN_MAX_RESPONSE_BYTES
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise LookupFailed("answer too large")
    body = bytearray()
    try:
        for chunk in response.iter_content(chunk_size=16 * 1024):
            body += chunk
            if len(body) > limit:
                raise LookupFailed("answer too large")
            if time.monotonic() - started > timeout:
                raise LookupFailed("timeout: the provider did not answer in time")
    except requests.RequestException as error:
        raise LookupFailed("timeout: the provider did not answer in time") from error
    return bytes(body)


def _retry_after(header: str) -> int:
    header = header.strip()
    seconds = DEFAULT_RETRY_AFTER_SECONDS
    if header.isdigit():
        seconds = int(header)
    elif header:
        try:
            seconds = int(parsedate_to_datetime(header).timestamp() - time.time())
        except (TypeError, ValueError):
            seconds = DEFAULT_RETRY_AFTER_SECONDS
    return min(max(seconds, 1), settings.ONCHAIN_MAX_RETRY_AFTER_SECONDS)


def parse_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise LookupFailed("malformed answer: not JSON") from error


def json_call(method: str, url: str, *, endpoint_key: str, json_body: Any = None, headers: dict | None = None):
    """(status, parsed JSON) of one call; a 404 gives (404, None)."""
    status, body = request(method, url, endpoint_key=endpoint_key, json_body=json_body, headers=headers)
    return status, (parse_json(body) if status != 404 else None)
