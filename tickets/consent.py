"""Whether optional processing (satisfaction surveys, announcements by email or SMS) may reach a customer.

The customer's answers are recorded by the privacy app, which sits above every app that sends; it
registers its reader here when it starts (privacy.apps), so a sender in any app asks
`consent_allows(...)` without importing it. With no reader registered nothing optional is sent.
"""

from __future__ import annotations

from collections.abc import Callable

SURVEYS, ANNOUNCEMENTS = "surveys", "announcements"
EMAIL, SMS = "email", "sms"

_reader: Callable[..., bool] | None = None


def register_consent_reader(reader: Callable[..., bool]) -> None:
    global _reader  # one reader per process, set once at start-up
    _reader = reader


def consent_allows(*, customer, purpose: str, channel: str) -> bool:
    return _reader is not None and _reader(customer=customer, purpose=purpose, channel=channel)
