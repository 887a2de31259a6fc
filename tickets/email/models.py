"""Email channel records: every inbound mail with its raw source, every outbound mail with its delivery state.

Imported at the end of tickets.models, so these are models of the `tickets` app.
Rows are written by the tickets.email.services package only.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InboundSource(models.TextChoices):
    FILE = "file", _("File import")
    STDIN = "stdin", _("Standard input")
    IMAP = "imap", _("IMAP mailbox")


class InboundStatus(models.TextChoices):
    RECEIVED = "received", _("Received, not processed yet")
    PROCESSED = "processed", _("Processed")
    IGNORED = "ignored", _("Ignored")
    QUARANTINED = "quarantined", _("Quarantined")


class InboundKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    AUTO_REPLY = "auto_reply", _("Automatic reply")
    BOUNCE = "bounce", _("Bounce")


class BounceType(models.TextChoices):
    HARD = "hard", _("Permanent failure")
    SOFT = "soft", _("Temporary failure (delayed)")
    NOTICE = "notice", _("Delivery notice (not a failure)")


class QuarantineReason(models.TextChoices):
    NO_SENDER = "no_sender", _("No usable sender address")
    TOO_COMPLEX = "too_complex", _("Dangerous structure (too many parts or levels)")
    SPOOFED = "spoofed", _("Sender failed authentication (DMARC)")
    FAILED = "failed", _("Processing failed")


class InboundResult(models.TextChoices):
    NONE = "", _("Nothing")
    NEW_TICKET = "new_ticket", _("New ticket")
    REPLY = "reply", _("Reply on a ticket")
    NOTE = "note", _("Internal note on a ticket")


class InboundEmailQuerySet(models.QuerySet):
    def without_raw(self) -> InboundEmailQuerySet:
        """Lists never need the (possibly megabytes large) source."""
        return self.defer("raw")

    def quarantined(self) -> InboundEmailQuerySet:
        return self.filter(status=InboundStatus.QUARANTINED)


class InboundEmail(models.Model):
    """One received mail, kept with its raw bytes whatever became of it."""

    dedup_key = models.CharField(
        _("deduplication key"),
        max_length=64,
        unique=True,
        editable=False,
        help_text=_("SHA-256 of the Message-ID, or of the raw bytes when the mail has none."),
    )
    message_id = models.CharField(_("Message-ID"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=InboundSource.choices)
    status = models.CharField(_("status"), max_length=12, choices=InboundStatus.choices, default=InboundStatus.RECEIVED)
    kind = models.CharField(_("kind"), max_length=12, choices=InboundKind.choices, default=InboundKind.MESSAGE)
    result = models.CharField(_("result"), max_length=12, choices=InboundResult.choices, blank=True)
    from_address = models.CharField(_("from"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    raw = models.BinaryField(_("raw source"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    quarantine_reason = models.CharField(
        _("quarantine reason"), max_length=12, choices=QuarantineReason.choices, blank=True
    )
    error = models.TextField(_("error"), blank=True, help_text=_("Why the mail is in quarantine."))
    bounce_type = models.CharField(_("bounce type"), max_length=8, choices=BounceType.choices, blank=True)
    answers = models.ForeignKey(
        "tickets.OutboundEmail",
        verbose_name=_("answers our mail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="automatic_answers",
        help_text=_("The notification this bounce or automatic reply is about."),
    )
    notes = models.TextField(_("notes"), blank=True, help_text=_("What was left out (e.g. refused attachments)."))
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_emails",
    )
    ticket_message = models.ForeignKey(
        "tickets.TicketMessage",
        verbose_name=_("message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_emails",
    )
    attempts = models.PositiveSmallIntegerField(_("processing attempts"), default=0)
    received_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    objects = InboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound emails")
        permissions = [
            ("download_raw_email", _("Can download the raw source of inbound mail")),
            ("make_ticket_from_inbound_email", _("Can see held inbound mail and make a ticket of it")),
        ]
        indexes = [
            # admin changelist, newest first, and its status filter (the quarantine view)
            models.Index(fields=["-received_at", "-id"], name="inbound_received_desc"),
            models.Index(fields=["status", "-received_at"], name="inbound_status_received"),
            # threading: a later mail's References pointing at an earlier inbound mail
            models.Index(fields=["message_id"], name="inbound_message_id", condition=~Q(message_id="")),
            # the In-Reply-To of the next outbound mail: the ticket's latest inbound message
            models.Index(fields=["ticket", "received_at"], name="inbound_ticket_received"),
        ]

    def __str__(self) -> str:
        return f"{self.from_address or '?'}: {self.subject or self.message_id or self.pk}"


class OutboundKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    REPLY = "reply", _("Agent reply")
    PENDING_CUSTOMER = "pending_customer", _("Waiting for the customer")
    SOLVED = "solved", _("Solved")
    SECURITY_WARNING = "security_warning", _("Security warning")
    SURVEY = "survey", _("Satisfaction survey")
    COMPLAINT = "complaint", _("Complaint confirmation")
    FOLLOW_UP = "follow_up", _("Progress update or reminder")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    RETRYING = "retrying", _("Failed, will retry")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, gave up")
    SUPPRESSED = "suppressed", _("Not sent (suppressed)")
    BOUNCED = "bounced", _("Bounced")


# Statuses the retry sweep picks up once next_attempt_at has passed. A row left in
# SENDING by a worker that died is retried when its lease (next_attempt_at) expires.
DUE_STATUSES = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING, DeliveryStatus.RETRYING)


class OutboundEmailQuerySet(models.QuerySet):
    def due(self, now=None) -> OutboundEmailQuerySet:
        return self.filter(status__in=DUE_STATUSES, next_attempt_at__lte=now or timezone.now())


class OutboundEmail(models.Model):
    """One notification to a customer, with its threading headers and delivery state."""

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="outbound_emails"
    )
    ticket_message = models.ForeignKey(
        "tickets.TicketMessage",
        verbose_name=_("message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbound_emails",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OutboundKind.choices)
    to_address = models.EmailField(_("to"), max_length=254)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=500, blank=True)
    references = models.TextField(_("References"), blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body_text = models.TextField(_("plain-text body"), blank=True)
    body_html = models.TextField(_("HTML body"), blank=True)
    # A survey or confirmation link acts as the customer: the bodies hold "[customer link]" and this
    # field the link, put in only when the message is sent and erased once it is (never in the admin).
    customer_link = models.TextField(_("customer link"), blank=True, editable=False)
    status = models.CharField(
        _("delivery status"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        indexes = [
            # admin changelist, newest first
            models.Index(fields=["-created_at", "-id"], name="outbound_created_desc"),
            # the retry sweep: OutboundEmail.objects.due()
            models.Index(fields=["status", "next_attempt_at"], name="outbound_status_next"),
            # the acknowledgement rate limit per recipient
            models.Index(fields=["to_address", "kind", "created_at"], name="outbound_to_kind_created"),
            # References of the next mail on a ticket
            models.Index(fields=["ticket", "created_at"], name="outbound_ticket_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to_address}"


class EmailAddressStatusQuerySet(models.QuerySet):
    def bouncing(self) -> EmailAddressStatusQuerySet:
        return self.filter(bouncing_since__isnull=False)


class EmailAddressStatus(models.Model):
    """Delivery health of one recipient address: its bounces, and whether we stopped mailing it."""

    address = models.EmailField(_("address"), max_length=254, unique=True)
    hard_bounces = models.PositiveIntegerField(
        _("permanent failures"), default=0, help_text=_("Since the address last worked.")
    )
    soft_bounces = models.PositiveIntegerField(_("temporary failures"), default=0)
    last_bounce_at = models.DateTimeField(_("last bounce"), null=True, blank=True)
    last_diagnostic = models.CharField(_("last diagnostic"), max_length=500, blank=True)
    bouncing_since = models.DateTimeField(
        _("bouncing since"),
        null=True,
        blank=True,
        help_text=_("Set after SUPPORT_EMAIL_HARD_BOUNCE_LIMIT permanent failures: no more mail is sent."),
    )

    objects = EmailAddressStatusQuerySet.as_manager()

    class Meta:
        ordering = ["-last_bounce_at", "-id"]
        verbose_name = _("email address status")
        verbose_name_plural = _("email address statuses")
        indexes = [models.Index(fields=["-last_bounce_at", "-id"], name="address_status_bounce_desc")]

    def __str__(self) -> str:
        return self.address
