"""Tickets and their history: visibility, messages, attachments and the timeline's events.

Models hold data, constraints and QuerySet methods only. Every write goes through tickets.services
(timeline rows through tickets.events); every visibility decision through TicketQuerySet.visible_to
and the selectors built on it.
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.choices import LANGUAGE_CHOICES
from supportdesk.kit.crypto import EncryptedTextField, normalise_address
from supportdesk.kit.encrypted_storage import encrypted_storage
from tickets.choices import (
    OPEN_STATUSES,
    STATUS_TRANSITIONS,
    AuthorKind,
    Channel,
    ClockState,
    EventKind,
    Priority,
    SLAClock,
    Status,
    Tier,
)
from tickets.models.base import TimeStampedModel, ticket_reference
from tickets.models.customers import Customer
from tickets.models.organisation import AgentProfile, Category, Tag, Team


def team_ids_of(user) -> models.QuerySet:
    """Subquery of the user's team ids (a subquery, not a join: no duplicate rows, no DISTINCT)."""
    return AgentProfile.teams.through.objects.filter(agentprofile__user=user).values("team_id")


class TicketQuerySet(models.QuerySet):
    def visible_to(self, user) -> TicketQuerySet:
        """The only way a view gets tickets.

        Customer: their own. Agent: tickets of their teams plus those assigned
        to them or that they recorded themselves. Supervisor, manager, administrator (tickets.view_all_tickets): all.
        Staff in no role (without tickets.view_ticket) see none, in the API as in the admin.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.is_staff:
            return self.filter(customer__user=user)
        if not user.has_perm("tickets.view_ticket"):
            return self.none()
        if user.has_perm("tickets.view_all_tickets"):
            return self
        return self.filter(Q(team_id__in=team_ids_of(user)) | Q(assignee=user) | Q(created_by=user))

    def open(self) -> TicketQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def assigned_to(self, user) -> TicketQuerySet:
        return self.filter(assignee=user)

    def unassigned_in_teams_of(self, user) -> TicketQuerySet:
        return self.filter(assignee__isnull=True, team_id__in=team_ids_of(user))

    def pending_customer(self) -> TicketQuerySet:
        return self.filter(status=Status.PENDING_CUSTOMER)

    def for_list(self) -> TicketQuerySet:
        return self.select_related("customer", "category", "team", "assignee")


class Ticket(TimeStampedModel):
    subject = models.CharField(_("subject"), max_length=200)
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="tickets")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.PORTAL)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES, default="en")
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
    )
    tier = models.CharField(_("tier"), max_length=2, choices=Tier.choices, default=Tier.L1)
    # The staff member who recorded the ticket (phone note, agent-created): it stays in their lists.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="created_tickets",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="tickets")
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )

    # Environment the customer reported from
    app_version = models.CharField(_("app version"), max_length=50, blank=True)
    device = models.CharField(_("device"), max_length=100, blank=True)
    os = models.CharField(_("operating system"), max_length=100, blank=True)
    browser = models.CharField(_("browser"), max_length=100, blank=True)

    # Transaction cases (validated per chain by the wallet-safety work)
    chain = models.CharField(_("chain"), max_length=32, blank=True)
    asset = models.CharField(_("asset"), max_length=32, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=38, decimal_places=18, null=True, blank=True)
    tx_hash = models.CharField(_("transaction hash"), max_length=128, blank=True)
    # The addresses tie a person to on-chain funds: encrypted at rest, exact lookups by blind index.
    from_address = EncryptedTextField(
        _("from address"), max_length=128, blank=True, searchable=True, normalise=normalise_address
    )
    to_address = EncryptedTextField(
        _("to address"), max_length=128, blank=True, searchable=True, normalise=normalise_address
    )
    tx_time = models.DateTimeField(_("transaction time"), null=True, blank=True)
    # The account a security case is about; it may differ from the address the customer writes from.
    account_email = models.EmailField(_("account email"), max_length=254, blank=True)

    secret_exposed = models.BooleanField(
        _("secret exposed"),
        default=False,
        help_text=_("The customer sent a recovery phrase or private key; it was removed before storage."),
    )

    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    # SLA clocks (tickets.sla.services.clocks keeps them; the sweep compares them with the time).
    # Per clock: due (shifted by paused business time), when the warning starts,
    # the state, and the business seconds it took once fulfilled.
    sla_policy = models.ForeignKey(
        "tickets.SLAPolicy",
        verbose_name=_("SLA policy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    first_response_warn_at = models.DateTimeField(_("first response at risk from"), null=True, blank=True)
    first_response_state = models.CharField(
        _("first response SLA"), max_length=10, choices=ClockState.choices, blank=True
    )
    first_response_seconds = models.PositiveIntegerField(_("first response time (business s)"), null=True, blank=True)
    next_response_due = models.DateTimeField(_("next response due"), null=True, blank=True)
    next_response_warn_at = models.DateTimeField(_("next response at risk from"), null=True, blank=True)
    next_response_state = models.CharField(
        _("next response SLA"), max_length=10, choices=ClockState.choices, blank=True
    )
    next_response_seconds = models.PositiveIntegerField(_("next response time (business s)"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    resolution_warn_at = models.DateTimeField(_("resolution at risk from"), null=True, blank=True)
    resolution_state = models.CharField(_("resolution SLA"), max_length=10, choices=ClockState.choices, blank=True)
    resolution_seconds = models.PositiveIntegerField(_("resolution time (business s)"), null=True, blank=True)
    sla_paused_at = models.DateTimeField(_("SLA paused since"), null=True, blank=True)
    sla_paused_seconds = models.PositiveIntegerField(_("SLA paused (business s)"), default=0)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        permissions = [
            ("view_all_tickets", _("Can see every ticket, whatever the team")),
            ("assign_any_ticket", _("Can assign any ticket to any agent of its team")),
            ("receive_security_alerts", _("Is emailed at once when a customer exposes a secret")),
            ("deescalate_ticket", _("Can send an escalated ticket back to a lower tier")),
        ]
        indexes = [
            # changelist default ordering and the "newest tickets" dashboard panel
            models.Index(fields=["-created_at", "-id"], name="ticket_created_desc"),
            # queue filters: status / priority / channel / language, newest first
            models.Index(fields=["status", "-created_at"], name="ticket_status_created"),
            models.Index(fields=["priority", "-created_at"], name="ticket_priority_created"),
            models.Index(fields=["channel", "-created_at"], name="ticket_channel_created"),
            models.Index(fields=["language", "-created_at"], name="ticket_language_created"),
            # the hot-topics trend filtered by team (feedback.trends): a team's tickets opened in a period
            models.Index(fields=["team", "created_at"], name="ticket_team_created"),
            # "my open tickets" and "unassigned in my teams"
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status"),
            models.Index(fields=["team", "status"], name="ticket_team_status"),
            models.Index(fields=["updated_at"], name="ticket_updated"),
            # search by transaction hash
            models.Index(fields=["tx_hash"], name="ticket_tx_hash", condition=~Q(tx_hash="")),
            # escalation filter (L2/L3), newest first
            models.Index(fields=["tier", "-created_at"], name="ticket_tier_created"),
            # the open queue only (a few % of all tickets): dashboard counts and "unassigned in my teams",
            # answered from the index alone on PostgreSQL (INCLUDE is ignored elsewhere)
            models.Index(
                fields=["team", "assignee", "created_at"],
                include=["id", "status", "priority"],
                condition=Q(status__in=OPEN_STATUSES),
                name="ticket_open_queue",
            ),
            # the SLA sweep (state IN running AND due/warn_at <= now), the SLA list filter and sorting by due
            *(
                models.Index(fields=[f"{clock}_state", f"{clock}_{moment}"], name=f"ticket_{clock[:4]}_{moment}")
                for clock in SLAClock.values
                for moment in ("due", "warn_at")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def reference(self) -> str:
        return ticket_reference(self.pk) if self.pk else ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def allowed_next_statuses(self) -> frozenset[str]:
        return STATUS_TRANSITIONS[self.status]


class TicketMessageQuerySet(models.QuerySet):
    def public(self) -> TicketMessageQuerySet:
        return self.filter(is_internal=False)

    def for_timeline(self) -> TicketMessageQuerySet:
        return self.select_related("author").prefetch_related("attachments").order_by("created_at", "id")


class TicketMessage(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(_("author kind"), max_length=10, choices=AuthorKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ticket_messages",
        help_text=_("Empty for customers who wrote without a portal account (e.g. email)."),
    )
    is_internal = models.BooleanField(_("internal note"), default=False)
    body = models.TextField(_("body"))
    body_html = models.TextField(_("sanitised HTML body"), blank=True)
    via = models.CharField(_("via"), max_length=16, choices=Channel.choices)
    handle_seconds = models.PositiveIntegerField(
        _("handle time (seconds)"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("From opening the reply box to sending; empty when not measured (API, email, system)."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = TicketMessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            # the ticket timeline, oldest first
            models.Index(fields=["ticket", "created_at", "id"], name="message_ticket_created"),
            # staffing: customer messages and measured agent replies over the history window
            models.Index(
                fields=["created_at"], condition=Q(author_kind=AuthorKind.CUSTOMER), name="message_customer_created"
            ),
            models.Index(
                fields=["created_at"], condition=Q(handle_seconds__isnull=False), name="message_handled_created"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_author_kind_display()} @ {self.created_at:%Y-%m-%d %H:%M}"


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    # The stored name is random: customers' file names never reach the file system.
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class PreviewState(models.TextChoices):
    """Where an attachment's thumbnail stands (tickets.services.previews makes it in a job)."""

    NONE = "none", _("no preview")
    PENDING = "pending", _("preview pending")
    READY = "ready", _("preview ready")
    FAILED = "failed", _("preview failed")


class Attachment(models.Model):
    message = models.ForeignKey(TicketMessage, on_delete=models.CASCADE, related_name="attachments")
    # Contents encrypted at rest (supportdesk.kit.encrypted_storage), over the configured backend.
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=255, storage=encrypted_storage)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    # The thumbnail lives in the attachment file's own storage, under this name (empty until made).
    preview_state = models.CharField(
        _("preview"), max_length=10, choices=PreviewState.choices, default=PreviewState.NONE, editable=False
    )
    thumbnail_name = models.CharField(_("thumbnail"), max_length=255, blank=True, editable=False)
    preview_error = models.CharField(_("preview error"), max_length=255, blank=True, editable=False)
    preview_attempts = models.PositiveSmallIntegerField(_("preview attempts"), default=0, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename

    def stored_names(self) -> list[str]:
        """The names this attachment holds in its storage (the file, its thumbnail): erasure deletes them all."""
        return [name for name in (self.file.name, self.thumbnail_name) if name]

    @staticmethod
    def digest(chunks) -> str:
        hasher = hashlib.sha256()
        for chunk in chunks:
            hasher.update(chunk)
        return hasher.hexdigest()


class TicketEventQuerySet(models.QuerySet):
    def for_timeline(self) -> TicketEventQuerySet:
        return self.select_related("actor").order_by("created_at", "id")


class TicketEvent(models.Model):
    """Append-only history: who changed what on a ticket, before → after."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ticket_events",
    )
    before = models.CharField(_("before"), max_length=255, blank=True)
    after = models.CharField(_("after"), max_length=255, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False)

    objects = TicketEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [
            # the ticket timeline, oldest first
            models.Index(fields=["ticket", "created_at", "id"], name="event_ticket_created"),
            # audit log changelist, newest first
            models.Index(fields=["-created_at"], name="event_created_desc"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.before} → {self.after}"
