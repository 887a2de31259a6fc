"""The provider interface and its normalised answer.

A provider answers `lookup(tx_hash, hint)` for one chain with a TxResult, or raises LookupFailed with a
reason an agent can read ("timeout", "rate limited, retry after 30 s", "malformed answer"). Amounts and
fees are Decimals in the chain's coin (wei → ETH, sun → TRX, satoshi → BTC), converted exactly from the
integers the chain reports, never through a float.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class TxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed")
    FAILED = "failed", _("Failed")
    NOT_FOUND = "not_found", _("Not found")


class LookupFailed(Exception):
    """The provider could not answer; `reason` is shown to the agent, `retry_after` (seconds) when it said so."""

    def __init__(self, reason: str, *, retry_after: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


@dataclass(frozen=True)
class TxResult:
    status: str
    confirmations: int = 0
    block_number: int | None = None
    block_time: datetime | None = None
    from_address: str = ""
    to_address: str = ""
    amount: Decimal | None = None
    fee: Decimal | None = None
    unit: str = ""
    # Something the agent should know that the fields do not say (a token transfer, more outputs).
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_cache(self) -> dict:
        data = asdict(self)
        data["block_time"] = self.block_time.isoformat() if self.block_time else None
        data["amount"] = str(self.amount) if self.amount is not None else None
        data["fee"] = str(self.fee) if self.fee is not None else None
        return data

    @classmethod
    def from_cache(cls, data: dict) -> TxResult:
        return cls(
            **{
                **data,
                "block_time": datetime.fromisoformat(data["block_time"]) if data["block_time"] else None,
                "amount": Decimal(data["amount"]) if data["amount"] is not None else None,
                "fee": Decimal(data["fee"]) if data["fee"] is not None else None,
            }
        )


class Provider:
    """One chain's source of truth. Subclasses set `chain` at construction and implement `lookup`."""

    def __init__(self, *, chain: str, url: str, **options) -> None:
        self.chain = chain
        self.url = url.rstrip("/")
        self.options = options

    @property
    def cache_key(self) -> str:
        """Names the backoff of this endpoint (one 429 pauses every lookup against it)."""
        return f"{self.chain}:{self.url}"

    def lookup(self, tx_hash: str, *, to_hint: str = "") -> TxResult:
        raise NotImplementedError


def from_base_units(value: int, decimals: int) -> Decimal:
    """An integer count of the smallest unit as a Decimal of the coin, exactly (no context rounding)."""
    if value == 0:
        return Decimal(0)
    text, exponent = str(abs(value)), -decimals
    while exponent < 0 and text.endswith("0"):
        text, exponent = text[:-1], exponent + 1
    return Decimal((1 if value < 0 else 0, tuple(int(digit) for digit in text), exponent))


def hex_int(value: Any, what: str) -> int:
    """A JSON-RPC quantity ("0x1b4") as an int; anything else is a malformed answer."""
    if not isinstance(value, str) or not value.startswith("0x"):
        raise LookupFailed(f"malformed answer: {what} is not a hex quantity")
    try:
        return int(value, 16)
    except ValueError as error:
        raise LookupFailed(f"malformed answer: {what} is not a hex quantity") from error


def plain_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LookupFailed(f"malformed answer: {what} is not an integer")
    return value


def timestamp(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)
