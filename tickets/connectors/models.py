"""Records of the social and phone channels (tickets.connectors): who writes from which handle, every
webhook delivery, every message sent through a provider, and phone calls.

Imported at the end of tickets.models, so these are models of the `tickets` app. Rows are written by
the tickets.connectors.services package only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.crypto import EncryptedTextField, blind_prefix, masked, normalise_phone
from tickets.models.customers import Customer
from tickets.models.tickets import Ticket, TicketMessage


class ChannelIdentity(models.Model):
    """A customer's handle on one connector (a Telegram user id, a phone number).

    A handle seen for the first time gets a customer of its own with a placeholder address
    (tickets.email.addresses.placeholder_email: never mailed). An agent links it to the real
    customer record once the person proved who they are (tickets.connectors.services.identities).
    """

    connector = models.CharField(_("connector"), max_length=32)
    # Encrypted at rest; the webhook finds it by exact value through its blind index (README "Privacy").
    handle = EncryptedTextField(
        _("handle"), max_length=128, searchable=True, help_text=_("Chat id or phone number in E.164.")
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="channel_identities"
    )
    display_name = models.CharField(_("display name"), max_length=200, blank=True)
    username = models.CharField(_("username"), max_length=100, blank=True)
    language = models.CharField(_("language reported by the channel"), max_length=16, blank=True)
    verified_at = models.DateTimeField(_("linked after verification"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("first seen"), default=timezone.now, editable=False)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)

    class Meta:
        ordering = ["-last_seen_at", "-id"]
        verbose_name = _("channel identity")
        verbose_name_plural = _("channel identities")
        constraints = [models.UniqueConstraint("connector", blind_prefix("handle"), name="unique_channel_handle")]

    def __str__(self) -> str:
        shown = f"@{self.username}" if self.username else self.display_name or self.handle
        return f"{self.connector}: {shown}" if shown != self.handle else f"{self.connector}: {masked(self.handle)}"


class InboundStatus(models.TextChoices):
    RECEIVED = "received", _("Received, not processed yet")
    PROCESSED = "processed", _("Processed")
    IGNORED = "ignored", _("Ignored")
    QUARANTINED = "quarantined", _("Quarantined")


class InboundKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    COMMAND = "command", _("Bot command")
    CALL = "call", _("Phone call")
    OTHER = "other", _("Other update")


class InboundChannelMessage(models.Model):
    """One authenticated webhook delivery, recorded before it is processed (the provider retries: one row per id).

    `payload` is the delivery as received after the wallet-safety gate (secrets removed), so a
    quarantined delivery can be read and processed again.
    """

    connector = models.CharField(_("connector"), max_length=32)
    dedup_key = models.CharField(
        _("provider message id"),
        max_length=128,
        help_text=_("The provider's id of the message, call or update; a SHA-256 of the body when it has none."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=InboundKind.choices, default=InboundKind.OTHER)
    status = models.CharField(_("status"), max_length=12, choices=InboundStatus.choices, default=InboundStatus.RECEIVED)
    identity = models.ForeignKey(
        ChannelIdentity, verbose_name=_("from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ticket_message = models.ForeignKey(
        TicketMessage, verbose_name=_("message"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payload = models.TextField(_("payload (secrets removed)"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    notes = models.TextField(_("notes"), blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    received_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("inbound channel message")
        verbose_name_plural = _("inbound channel messages")
        constraints = [models.UniqueConstraint(fields=["connector", "dedup_key"], name="unique_inbound_channel_id")]
        indexes = [
            models.Index(fields=["ticket", "-received_at"], name="inbound_channel_ticket"),
            models.Index(fields=["-received_at"], condition=Q(status="quarantined"), name="inbound_channel_quarantine"),
        ]

    def __str__(self) -> str:
        return f"{self.connector} {self.dedup_key}"


class OutboundKind(models.TextChoices):
    REPLY = "reply", _("Agent reply")
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    SAFETY = "safety", _("Safety notice")
    NOTIFICATION = "notification", _("Notification")
    ANNOUNCEMENT = "announcement", _("Announcement")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Waiting to retry")
    FAILED = "failed", _("Failed")


class OutboundChannelMessageQuerySet(models.QuerySet):
    def due(self, now=None) -> OutboundChannelMessageQuerySet:
        """Rows a sender may attempt now (a SENDING row whose lease ran out counts: its worker died)."""
        return self.filter(
            status__in=[DeliveryStatus.QUEUED, DeliveryStatus.RETRYING, DeliveryStatus.SENDING],
            next_attempt_at__lte=now or timezone.now(),
        )


class OutboundChannelMessage(models.Model):
    """One text sent (or to be sent) through a connector, with its delivery state.

    `idempotency_key` is fixed when the row is queued and sent with every attempt (providers that
    honour one, like Twilio's I-Twilio-Idempotency-Token, drop a repeat); a row that reached SENT
    is never attempted again.
    """

    connector = models.CharField(_("connector"), max_length=32)
    kind = models.CharField(_("kind"), max_length=16, choices=OutboundKind.choices)
    # A customer's number or chat id (or the official channel, for announcements): encrypted at rest.
    recipient = EncryptedTextField(_("to"), max_length=128)
    body = models.TextField(_("text"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True, editable=False)
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    ticket_message = models.ForeignKey(
        TicketMessage, verbose_name=_("message"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=128, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = OutboundChannelMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbound channel message")
        verbose_name_plural = _("outbound channel messages")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["queued", "retrying", "sending"]),
                name="outbound_channel_due",
            ),
            models.Index(fields=["ticket", "-created_at"], name="outbound_channel_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.connector} → {masked(self.recipient)} ({self.get_status_display()})"


class CallDirection(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


class PhoneCall(models.Model):
    """A call on the hotline (from the provider's voice webhook) or one an agent logged from the ticket."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="phone_calls")
    direction = models.CharField(_("direction"), max_length=8, choices=CallDirection.choices)
    provider_call_id = models.CharField(_("provider call id"), max_length=64, null=True, blank=True, unique=True)
    customer_number = EncryptedTextField(
        _("customer's number"), max_length=32, blank=True, searchable=True, normalise=normalise_phone
    )
    started_at = models.DateTimeField(_("call time"))
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    status = models.CharField(_("call status"), max_length=20, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recording_url = models.URLField(_("recording"), max_length=500, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("phone call")
        verbose_name_plural = _("phone calls")
        indexes = [models.Index(fields=["ticket", "-started_at"], name="phone_call_ticket")]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {masked(self.customer_number)} {self.started_at:%Y-%m-%d %H:%M}"
