"""Wallet-safety data: block explorer links, official contacts, identity verifications.

Registered with the `tickets` app (imported at the end of tickets.models).
Writes go through tickets.safety.services.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.crypto import EncryptedTextField
from tickets.chains import CHAIN_CHOICES


def validate_url_template(value: str, placeholder: str) -> None:
    if not value.startswith("https://"):
        raise ValidationError(_("Explorer links must start with https://."))
    if placeholder not in value:
        raise ValidationError(_("The template must contain %(placeholder)s."), params={"placeholder": placeholder})


def validate_address_template(value: str) -> None:
    validate_url_template(value, "{address}")


def validate_tx_template(value: str) -> None:
    validate_url_template(value, "{tx}")


class ExplorerLink(models.Model):
    """Where agents look a chain's addresses and transactions up (one row per chain)."""

    chain = models.CharField(_("chain"), max_length=32, unique=True, choices=CHAIN_CHOICES)
    name = models.CharField(_("explorer name"), max_length=100)
    address_url = models.CharField(
        _("address URL template"),
        max_length=255,
        validators=[validate_address_template],
        help_text=_("e.g. https://etherscan.io/address/{address}"),
    )
    tx_url = models.CharField(
        _("transaction URL template"),
        max_length=255,
        validators=[validate_tx_template],
        help_text=_("e.g. https://etherscan.io/tx/{tx}"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["chain"]
        verbose_name = _("explorer link")
        verbose_name_plural = _("explorer links")

    def __str__(self) -> str:
        return f"{self.get_chain_display()}: {self.name}"

    def link_for_address(self, address: str) -> str:
        return self.address_url.replace("{address}", quote(address.strip(), safe=""))

    def link_for_tx(self, tx_hash: str) -> str:
        return self.tx_url.replace("{tx}", quote(tx_hash.strip(), safe=""))


class ContactKind(models.TextChoices):
    EMAIL = "email", _("Email address")
    PHONE = "phone", _("Phone number")
    WEBSITE = "website", _("Website / domain")
    SOCIAL = "social", _("Social media account or group link")


class OfficialContact(models.Model):
    """A channel that really is ours; /portal/verify/ checks pasted contacts against this list."""

    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices)
    value = models.CharField(
        _("value"),
        max_length=255,
        help_text=_("support@example.com, +86 400 000 0000, example.com, https://t.me/example, @example"),
    )
    label = models.CharField(_("label"), max_length=100, help_text=_("Shown to the public, e.g. 'Official Telegram'."))
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("internal notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["kind", "label"]
        verbose_name = _("official contact")
        verbose_name_plural = _("official contacts")
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="unique_official_contact")]

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the code")
    VERIFIED = "verified", _("Verified")
    LOCKED = "locked", _("Locked (too many wrong codes)")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Replaced by a newer code")


class IdentityVerificationQuerySet(models.QuerySet):
    def pending(self) -> IdentityVerificationQuerySet:
        return self.filter(status=VerificationStatus.PENDING, expires_at__gt=timezone.now())

    def latest_for(self, ticket) -> IdentityVerification | None:
        return self.filter(ticket=ticket).order_by("-created_at", "-id").first()


class IdentityVerification(models.Model):
    """One code sent to a customer; only its keyed hash is stored."""

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="verifications"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    channels = models.CharField(_("sent by"), max_length=20, help_text=_("email, sms or email+sms"))
    code_hash = models.CharField(_("code hash"), max_length=64, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=VerificationStatus.choices, default=VerificationStatus.PENDING
    )
    failed_attempts = models.PositiveSmallIntegerField(_("wrong codes"), default=0)
    created_at = models.DateTimeField(_("requested"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_through = models.CharField(_("code entered via"), max_length=16, blank=True)

    objects = IdentityVerificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("identity verification")
        verbose_name_plural = _("identity verifications")
        indexes = [models.Index(fields=["ticket", "-created_at"], name="verification_ticket_created")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.channels})"

    @property
    def is_expired(self) -> bool:
        return self.status == VerificationStatus.PENDING and self.expires_at <= timezone.now()


class WhereSeen(models.TextChoices):
    TELEGRAM = "telegram", _("Telegram")
    WHATSAPP = "whatsapp", _("WhatsApp")
    WECHAT = "wechat", _("WeChat")
    X = "x", _("X / Twitter")
    FACEBOOK = "facebook", _("Facebook")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone call or SMS")
    WEBSITE = "website", _("Website or app")
    OTHER = "other", _("Somewhere else")


class ImpersonatorReportStatus(models.TextChoices):
    NEW = "new", _("New")
    REVIEWING = "reviewing", _("Being reviewed")
    CONFIRMED = "confirmed", _("Impersonator confirmed (takedown requested)")
    DISMISSED = "dismissed", _("Dismissed")


class ImpersonatorReport(models.Model):
    """A report from the public "verify an official contact" page, in the security queue.

    Anyone can send one, so it opens no ticket and sends no mail: a ticket would be in the name of
    whatever address was typed and mail its text from our address. Security officers review it here.
    """

    contact = models.CharField(_("reported contact"), max_length=255)
    check_result = models.CharField(_("check result"), max_length=255, blank=True)
    where_seen = models.CharField(_("where it was seen"), max_length=20, choices=WhereSeen.choices)
    # The security queue's notes are encrypted at rest (README "Privacy").
    description = EncryptedTextField(_("what happened"), blank=True, help_text=_("Secrets are redacted on intake."))
    reporter_email = models.EmailField(_("reporter's address (unconfirmed)"), max_length=254)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed-in reporter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ImpersonatorReportStatus.choices, default=ImpersonatorReportStatus.NEW
    )
    review_note = EncryptedTextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("impersonator report")
        verbose_name_plural = _("impersonator reports")
        indexes = [models.Index(fields=["status", "-created_at"], name="impersonator_status_created")]

    def __str__(self) -> str:
        return f"{self.contact} ({self.get_status_display()})"
