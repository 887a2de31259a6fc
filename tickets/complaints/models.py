"""Complaint workflow records, the remedy ledger and customer confirmation links.

Imported at the end of tickets.models, so these are models of the `tickets` app.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models.base import TimeStampedModel
from tickets.models.organisation import Team
from tickets.models.tickets import Attachment, Ticket, TicketMessage


class ComplaintSubject(models.TextChoices):
    AGENT_BEHAVIOUR = "agent_behaviour", _("Agent behaviour")
    SLOW_RESPONSE = "slow_response", _("Slow response")
    LOST_FUNDS = "lost_funds", _("Lost funds / transaction")
    FEES = "fees", _("Fees")
    PRODUCT_DEFECT = "product_defect", _("Product defect")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Stage(models.TextChoices):
    INTAKE = "intake", _("Intake")
    INVESTIGATION = "investigation", _("Investigation")
    RESOLUTION_PROPOSED = "resolution_proposed", _("Resolution proposed")
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting customer confirmation")
    CLOSED_CONFIRMED = "closed_confirmed", _("Closed – confirmed")
    CLOSED_UNCONFIRMED = "closed_unconfirmed", _("Closed – unconfirmed")
    REOPENED = "reopened", _("Reopened")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The only moves a complaint may make. Closed and withdrawn are final; a customer
# who rejects the resolution reopens it, and a reopened complaint goes back to investigation.
STAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.INTAKE: frozenset({Stage.INVESTIGATION, Stage.WITHDRAWN}),
    Stage.INVESTIGATION: frozenset({Stage.RESOLUTION_PROPOSED, Stage.WITHDRAWN}),
    Stage.RESOLUTION_PROPOSED: frozenset({Stage.AWAITING_CONFIRMATION, Stage.INVESTIGATION, Stage.WITHDRAWN}),
    Stage.AWAITING_CONFIRMATION: frozenset(
        {Stage.CLOSED_CONFIRMED, Stage.CLOSED_UNCONFIRMED, Stage.REOPENED, Stage.WITHDRAWN}
    ),
    Stage.REOPENED: frozenset({Stage.INVESTIGATION, Stage.WITHDRAWN}),
    Stage.CLOSED_CONFIRMED: frozenset(),
    Stage.CLOSED_UNCONFIRMED: frozenset(),
    Stage.WITHDRAWN: frozenset(),
}
FINAL_STAGES = (Stage.CLOSED_CONFIRMED, Stage.CLOSED_UNCONFIRMED, Stage.WITHDRAWN)

# What the customer reads in the portal: plain language, no internal vocabulary.
CUSTOMER_STAGE_TEXT = {
    Stage.INTAKE: _("We have received your complaint and will start looking into it shortly."),
    Stage.INVESTIGATION: _("We are investigating what happened."),
    Stage.RESOLUTION_PROPOSED: _("We are preparing a solution for you."),
    Stage.AWAITING_CONFIRMATION: _("We have proposed a solution. Please tell us whether it solved your problem."),
    Stage.CLOSED_CONFIRMED: _("Closed: you confirmed that the problem is solved. Thank you."),
    Stage.CLOSED_UNCONFIRMED: _("Closed: we did not hear back from you. Reply on the request if you still need help."),
    Stage.REOPENED: _("You told us the problem is not solved, so we are looking into it again."),
    Stage.WITHDRAWN: _("This complaint was withdrawn."),
}


class RootCause(models.TextChoices):
    AGENT_ERROR = "agent_error", _("Agent error")
    PROCESS_GAP = "process_gap", _("Process gap")
    SOFTWARE_BUG = "software_bug", _("Software bug")
    NETWORK_CONGESTION = "network_congestion", _("Blockchain network congestion")
    THIRD_PARTY = "third_party", _("Third party (exchange, DApp, node)")
    CUSTOMER_ERROR = "customer_error", _("Customer error")
    FRAUD = "fraud", _("Fraud / scam")
    OTHER = "other", _("Other")


class ComplaintQuerySet(models.QuerySet):
    def visible_to(self, user) -> ComplaintQuerySet:
        """Complaints on tickets the user may see (the ticket rule is the only visibility rule)."""
        return self.filter(ticket__in=Ticket.objects.visible_to(user))

    def open(self) -> ComplaintQuerySet:
        return self.exclude(stage__in=FINAL_STAGES)

    def for_list(self) -> ComplaintQuerySet:
        return self.select_related("ticket", "ticket__customer", "owner")


class Complaint(TimeStampedModel):
    ticket = models.OneToOneField(Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="complaint")
    subject = models.CharField(_("complaint about"), max_length=20, choices=ComplaintSubject.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    desired_outcome = models.TextField(_("outcome the customer wants"), blank=True)
    stage = models.CharField(_("stage"), max_length=24, choices=Stage.choices, default=Stage.INTAKE)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_complaints",
    )
    stage_entered_at = models.DateTimeField(_("stage entered"), default=timezone.now)
    stage_due_at = models.DateTimeField(_("stage due"), null=True, blank=True)

    # Investigation: internal, never shown to the customer.
    findings = models.TextField(_("findings"), blank=True)
    root_cause = models.CharField(_("root cause"), max_length=20, choices=RootCause.choices, blank=True)
    responsible_team = models.ForeignKey(
        Team,
        verbose_name=_("responsible team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_responsible_for",
    )
    company_at_fault = models.BooleanField(_("company at fault"), null=True, blank=True)
    evidence_messages = models.ManyToManyField(
        TicketMessage, verbose_name=_("evidence: messages"), blank=True, related_name="+"
    )
    evidence_attachments = models.ManyToManyField(
        Attachment, verbose_name=_("evidence: attachments"), blank=True, related_name="+"
    )
    evidence_tx_hash = models.CharField(_("evidence: transaction hash"), max_length=128, blank=True)

    # Resolution as told to the customer.
    resolution_summary = models.TextField(
        _("resolution (shown to the customer)"),
        blank=True,
        help_text=_("What we found and what we do about it, in words the customer understands."),
    )
    resolution_communicated_at = models.DateTimeField(_("resolution communicated"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    customer_resolved = models.BooleanField(_("customer says resolved"), null=True, blank=True)
    customer_comment = models.TextField(_("customer's comment"), blank=True)
    customer_answered_at = models.DateTimeField(_("customer answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            # changelist default ordering and the monthly summary (opened in a month)
            models.Index(fields=["-created_at", "-id"], name="complaint_created_desc"),
            # changelist stage filter and the open queue
            models.Index(fields=["stage", "stage_due_at"], name="complaint_stage_due"),
            # the daily follow-up sweep: awaiting confirmation, communicated before a cut-off
            models.Index(
                fields=["resolution_communicated_at"],
                name="complaint_awaiting_followup",
                condition=Q(stage="awaiting_confirmation"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.reference} {self.get_subject_display()}"

    @property
    def reference(self) -> str:
        return self.ticket.reference

    @property
    def is_final(self) -> bool:
        return self.stage in FINAL_STAGES

    @property
    def customer_stage_text(self) -> str:
        return CUSTOMER_STAGE_TEXT[self.stage]

    @property
    def is_overdue(self) -> bool:
        return self.stage_due_at is not None and self.stage_due_at < timezone.now()

    def allowed_next_stages(self) -> frozenset[str]:
        return STAGE_TRANSITIONS[self.stage]


class RemedyKind(models.TextChoices):
    REFUND = "refund", _("Refund")
    COMPENSATION = "compensation", _("Compensation")
    FEE_WAIVER = "fee_waiver", _("Fee waiver")
    EXPLANATION = "explanation", _("Explanation only")
    BUG_FIX = "bug_fix", _("Bug fix")


MONEY_REMEDIES = (RemedyKind.REFUND, RemedyKind.COMPENSATION, RemedyKind.FEE_WAIVER)


class RemedyStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")


class RemedyQuerySet(models.QuerySet):
    def visible_to(self, user) -> RemedyQuerySet:
        return self.filter(complaint__ticket__in=Ticket.objects.visible_to(user))

    def pending_approval(self) -> RemedyQuerySet:
        return self.filter(status=RemedyStatus.PENDING_APPROVAL)

    def granted(self) -> RemedyQuerySet:
        """Remedies the company stands behind: approved (to be paid) or paid."""
        return self.filter(status__in=(RemedyStatus.APPROVED, RemedyStatus.PAID))


class Remedy(models.Model):
    """One line of the remedy ledger. Never edited in place: decisions and payment are services."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="remedies"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RemedyKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=38, decimal_places=18, null=True, blank=True)
    asset = models.CharField(_("asset / currency"), max_length=16, blank=True, help_text=_("e.g. USDT, BTC, USD."))
    description = models.TextField(_("description (shown to the customer)"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=RemedyStatus.choices)
    needs_approval = models.BooleanField(_("needs four-eyes approval"), default=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.CharField(_("decision reason"), max_length=255, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paid by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    payment_reference = models.CharField(
        _("payment reference"), max_length=128, blank=True, help_text=_("Transaction hash or bank reference.")
    )

    objects = RemedyQuerySet.as_manager()

    class Meta:
        ordering = ["proposed_at", "id"]
        verbose_name = _("remedy")
        verbose_name_plural = _("remedies")
        permissions = [("approve_remedy", _("Can approve or reject remedies above the approval threshold"))]
        indexes = [
            # the approvals queue, oldest first
            models.Index(fields=["status", "proposed_at"], name="remedy_status_proposed"),
            # remedies paid per month and asset (monthly summary)
            models.Index(fields=["paid_at", "asset"], name="remedy_paid_asset", condition=Q(status="paid")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=Decimal(0)), name="remedy_amount_positive"
            ),
            models.CheckConstraint(condition=Q(amount__isnull=True) | ~Q(asset=""), name="remedy_amount_has_asset"),
        ]

    def __str__(self) -> str:
        if self.amount is not None:
            return f"{self.get_kind_display()} {self.amount.normalize():f} {self.asset}"
        return self.get_kind_display()

    @property
    def amount_display(self) -> str:
        return f"{self.amount.normalize():f} {self.asset}" if self.amount is not None else ""


class ConfirmationTokenQuerySet(models.QuerySet):
    def usable(self) -> ConfirmationTokenQuerySet:
        return self.filter(used_at__isnull=True, expires_at__gt=timezone.now())


class ConfirmationToken(models.Model):
    """A single-use link that lets the customer confirm or reject a resolution without signing in.

    Only the SHA-256 of the signed token is stored: a database leak yields no usable links.
    """

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="confirmation_tokens")
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    objects = ConfirmationTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("confirmation link")
        verbose_name_plural = _("confirmation links")

    def __str__(self) -> str:
        return f"{self.complaint_id} until {self.expires_at:%Y-%m-%d}"
