"""The latest on-chain lookup of a ticket's transaction (one row per ticket, its primary key the ticket's).

Written by tickets.onchain.services only; the ticket page reads it in its one ticket query
(select_related("chain_lookup")), so showing it costs no query and no network call.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.crypto import EncryptedTextField
from tickets.models.tickets import Ticket
from tickets.onchain.providers.base import TxStatus


class ChainLookup(models.Model):
    ticket = models.OneToOneField(
        Ticket, verbose_name=_("ticket"), primary_key=True, on_delete=models.CASCADE, related_name="chain_lookup"
    )
    # What was looked up: the ticket's chain and hash at the time (a changed hash makes the row stale).
    chain = models.CharField(_("chain"), max_length=32)
    tx_hash = models.CharField(_("transaction hash"), max_length=128)
    status = models.CharField(_("on-chain status"), max_length=10, choices=TxStatus.choices, blank=True)
    confirmations = models.PositiveIntegerField(_("confirmations"), default=0)
    block_number = models.PositiveBigIntegerField(_("block"), null=True, blank=True)
    block_time = models.DateTimeField(_("block time"), null=True, blank=True)
    # The transaction's addresses are the customer's wallets as often as not: encrypted at rest like theirs.
    from_address = EncryptedTextField(_("from address"), max_length=128, blank=True)
    to_address = EncryptedTextField(_("to address"), max_length=128, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=38, decimal_places=18, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    fee = models.DecimalField(_("fee"), max_digits=38, decimal_places=18, null=True, blank=True)
    fee_unit = models.CharField(_("fee unit"), max_length=16, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    explorer_url = models.CharField(_("explorer link"), max_length=500, blank=True)
    # Final: failed, or confirmed deep enough (settings.ONCHAIN_FINAL_CONFIRMATIONS); not re-checked any more.
    is_final = models.BooleanField(_("final"), default=False)
    # The last attempt's failure ("timeout", "rate limited…"); empty after a successful lookup.
    error = models.CharField(_("lookup error"), max_length=255, blank=True)
    requested_at = models.DateTimeField(_("check requested"), null=True, blank=True)
    first_checked_at = models.DateTimeField(_("first checked"), null=True, blank=True)
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    answered_at = models.DateTimeField(_("last answer"), null=True, blank=True)

    class Meta:
        verbose_name = _("on-chain lookup")
        verbose_name_plural = _("on-chain lookups")
        indexes = [
            # the re-check job: unsettled lookups, least recently checked first
            models.Index(fields=["checked_at"], name="chainlookup_unsettled", condition=Q(is_final=False)),
        ]

    def __str__(self) -> str:
        return f"{self.chain} {self.tx_hash[:14]}… {self.status or self.error}"

    @property
    def amount_text(self) -> str:
        return plain_decimal(self.amount)

    @property
    def fee_text(self) -> str:
        return plain_decimal(self.fee)


def plain_decimal(value) -> str:
    """1.500000000000000000 → "1.5", exactly (Decimal.normalize rounds to the context's 28 digits)."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
