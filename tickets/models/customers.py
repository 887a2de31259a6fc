"""The wallet's users as the desk knows them: customers, their addresses and wallets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.choices import LANGUAGE_CHOICES
from supportdesk.kit.crypto import (
    EncryptedJSONField,
    EncryptedTextField,
    blind_prefix,
    normalise_address,
    normalise_phone,
)
from tickets.models.base import TimeStampedModel


class Customer(TimeStampedModel):
    """A wallet user. May exist without a portal login (first contact by email)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer",
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("primary email"), max_length=254, unique=True)
    # Encrypted at rest with a blind index for exact lookups (`phone__blind=`); README "Privacy".
    phone = EncryptedTextField(_("phone"), max_length=32, blank=True, searchable=True, normalise=normalise_phone)
    language = models.CharField(_("preferred language"), max_length=10, choices=LANGUAGE_CHOICES, default="en")
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 code, e.g. CN."))
    notes = EncryptedTextField(_("notes"), blank=True, help_text=_("Internal; encrypted at rest."))
    is_vip = models.BooleanField(_("VIP"), default=False)
    notify_on_reply = models.BooleanField(_("email me when support replies"), default=True)
    notify_on_status = models.BooleanField(_("email me when a request is solved or closed"), default=True)
    # The wallet-safety playbook: when and where the customer last sent us a recovery phrase or private key.
    secret_exposed_at = models.DateTimeField(_("secret exposed at"), null=True, blank=True)
    secret_exposed_channel = models.CharField(_("secret exposed through"), max_length=50, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [("merge_customers", _("Can merge duplicate customers and undo a merge"))]
        indexes = [
            # admin search and customer_get_or_create by name
            models.Index(Lower("name"), name="customer_name_lower"),
            # the changelist's default ordering, and the distinct values its country filter lists
            models.Index(fields=["-created_at"], name="customer_created_desc"),
            models.Index(fields=["country"], name="customer_country"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


class CustomerEmail(models.Model):
    """Additional addresses of a customer (kept when two customers are merged)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="other_emails")
    email = models.EmailField(_("email"), max_length=254, unique=True)

    class Meta:
        verbose_name = _("other email")
        verbose_name_plural = _("other emails")

    def __str__(self) -> str:
        return self.email


class WalletAddress(models.Model):
    """An address the customer declared as theirs."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="wallet_addresses")
    chain = models.CharField(_("chain"), max_length=32)
    # Encrypted at rest, found by exact address through its blind index (README "Privacy").
    address = EncryptedTextField(_("address"), max_length=128, searchable=True, normalise=normalise_address)
    label = models.CharField(_("label"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("wallet address")
        verbose_name_plural = _("wallet addresses")
        constraints = [
            models.UniqueConstraint("customer", "chain", blind_prefix("address"), name="unique_customer_wallet")
        ]

    def __str__(self) -> str:
        return f"{self.chain}: {self.address}"


class CustomerMerge(models.Model):
    """One merge of a duplicate customer into a kept one: what moved, so a supervisor can undo it.

    The duplicate row is deleted by the merge; its fields, addresses and wallets are kept here as
    they were, with what the merge changed on the kept customer. Written only by the merge services.
    """

    primary = models.ForeignKey(
        Customer,
        verbose_name=_("kept customer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="merges_in",
    )
    duplicate_email = models.EmailField(_("merged customer"), max_length=254)
    # The snapshots hold the phone, notes and wallet addresses: encrypted at rest like the customer's own columns.
    duplicate = EncryptedJSONField(_("merged customer as it was"), default=dict)
    primary_before = EncryptedJSONField(_("kept customer's fields before"), default=dict)
    moved_ticket_ids = models.JSONField(_("moved tickets"), default=list)
    added_emails = models.JSONField(_("addresses added to the kept customer"), default=list)
    added_wallets = EncryptedJSONField(_("wallets added to the kept customer"), default=list)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("merged by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(_("merged"), auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        verbose_name = _("customer merge")
        verbose_name_plural = _("customer merges")

    def __str__(self) -> str:
        return f"{self.duplicate_email} → {self.primary or '?'}"
