"""Privacy records: legal holds, erasure requests with their step log, subject access exports,
retention policies with their runs, and consent per channel.

The privacy app sits above tickets, feedback and knowledge (see .importlinter): erasure, export and
retention touch the data of every app, so they are orchestrated here and no app imports another.
Writes go through privacy.services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.choices import LANGUAGE_CHOICES
from supportdesk.kit.encrypted_storage import encrypted_storage
from tickets.models import Customer, IdentityVerification, Ticket


class LegalHoldQuerySet(models.QuerySet):
    def active(self) -> LegalHoldQuerySet:
        return self.filter(released_at__isnull=True)


class LegalHold(models.Model):
    """Keeps a customer's or a ticket's data from retention and erasure until released."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), help_text=_("e.g. court order, regulator inquiry, fraud investigation."))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(_("set"), default=timezone.now, editable=False)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-set_at", "-id"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False, ticket__isnull=True)
                | Q(customer__isnull=True, ticket__isnull=False),
                name="legal_hold_on_customer_or_ticket",
            )
        ]
        indexes = [
            models.Index(fields=["customer"], condition=Q(released_at__isnull=True), name="hold_active_customer"),
            models.Index(fields=["ticket"], condition=Q(released_at__isnull=True), name="hold_active_ticket"),
        ]

    def __str__(self) -> str:
        target = f"#{self.customer_id}" if self.customer_id else f"SD-{self.ticket_id:06d}"
        return f"{target}: {self.reason[:60]}"


class ErasureStatus(models.TextChoices):
    AWAITING_CONFIRMATION = "awaiting", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed, queued")
    RUNNING = "running", _("Running")
    FAILED = "failed", _("Interrupted (will resume)")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ErasureRequest(models.Model):
    """A right-to-be-forgotten request: started by a supervisor after identity verification,
    confirmed in a second step, then carried out step by step by a job that can resume."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The customer's id, kept after the row is anonymised: the certificate names the record, not the person.
    customer_ref = models.PositiveBigIntegerField(_("customer id"))
    verification = models.ForeignKey(
        IdentityVerification,
        verbose_name=_("identity verification"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("request details"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ErasureStatus.choices, default=ErasureStatus.AWAITING_CONFIRMATION
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    certificate = models.JSONField(_("certificate"), default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        permissions = [("confirm_erasure", _("Can confirm and run an erasure request"))]
        constraints = [
            models.UniqueConstraint(
                fields=["customer_ref"],
                condition=~Q(status__in=["done", "cancelled"]),
                name="one_open_erasure_per_customer",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} customer #{self.customer_ref} ({self.get_status_display()})"


class ErasureStep(models.Model):
    """One finished step of an erasure: written in the step's own transaction, so a resumed job skips it."""

    request = models.ForeignKey(ErasureRequest, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField(_("step"), max_length=40)
    count = models.PositiveIntegerField(_("records"), default=0)
    done_at = models.DateTimeField(_("done"), default=timezone.now)

    class Meta:
        ordering = ["done_at", "id"]
        verbose_name = _("erasure step")
        verbose_name_plural = _("erasure steps")
        constraints = [models.UniqueConstraint(fields=["request", "name"], name="unique_erasure_step")]

    def __str__(self) -> str:
        return f"{self.name}: {self.count}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


def export_upload_to(instance: AccessRequest, filename: str) -> str:
    return f"privacy-exports/{timezone.now():%Y/%m}/{instance.token}.zip"


class AccessRequest(models.Model):
    """A subject access request: the job builds one ZIP of everything the desk holds on the customer."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32, unique=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    by_staff = models.BooleanField(_("produced by staff"), default=False)
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES, default="en")
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    # Encrypted at rest like attachments (supportdesk.kit.encrypted_storage).
    file = models.FileField(
        _("file"), upload_to=export_upload_to, max_length=255, blank=True, storage=encrypted_storage
    )
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now, editable=False)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        indexes = [models.Index(fields=["customer", "-requested_at"], name="access_customer_requested")]

    def __str__(self) -> str:
        return f"#{self.pk} customer #{self.customer_id} ({self.get_status_display()})"


class DataKind(models.TextChoices):
    CLOSED_TICKETS = "closed_tickets", _("Closed tickets (anonymised, counts kept)")
    CHAT_TRANSCRIPTS = "chat_transcripts", _("Chat and bot transcripts")
    ATTACHMENTS = "attachments", _("Attachment files")
    AUDIT_ROWS = "audit_rows", _("Read audit rows")
    RAW_EMAIL = "raw_email", _("Raw sources of inbound mail")
    QUARANTINED_MAIL = "quarantined_mail", _("Quarantined mail")
    SURVEY_COMMENTS = "survey_comments", _("Survey comments (ratings kept)")


class RetentionPolicy(models.Model):
    kind = models.CharField(_("data kind"), max_length=20, choices=DataKind.choices, unique=True)
    keep_days = models.PositiveIntegerField(_("keep for (days)"))
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.keep_days}"


class RetentionRun(models.Model):
    """One pass of the retention job: a dry run reports what would go, a real run does it in batches."""

    dry_run = models.BooleanField(_("dry run"), default=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    report = models.JSONField(_("report"), default=dict, blank=True, help_text=_("Records per data kind."))

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"{'dry run' if self.dry_run else 'run'} {self.started_at:%Y-%m-%d %H:%M}"


class ConsentPurpose(models.TextChoices):
    ANNOUNCEMENTS = "announcements", _("Product announcements and security alerts")
    SURVEYS = "surveys", _("Satisfaction surveys")


class ConsentChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class ConsentRecord(models.Model):
    """One answer of a customer about optional processing; the latest per purpose and channel counts."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=ConsentChannel.choices)
    granted = models.BooleanField(_("granted"))
    notice_version = models.CharField(_("privacy notice version"), max_length=20)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        indexes = [models.Index(fields=["customer", "purpose", "channel", "-recorded_at"], name="consent_latest")]

    def __str__(self) -> str:
        return f"{self.purpose}/{self.channel}: {'yes' if self.granted else 'no'}"
