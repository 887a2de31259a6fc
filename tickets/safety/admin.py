"""Admin for wallet safety: explorer links, official contacts, identity verifications, and the
ticket page additions (explorer links next to hashes and addresses, identity status, the
"Request identity verification" action, the exposure checklist panel). Imported by tickets.admin."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from supportdesk.kit.admin_actions import ReadOnlyAdminMixin, error_text
from tickets.admin.links import ticket_admin_link
from tickets.admin.panels import TicketPanel, register_ticket_panel
from tickets.chains import CHAIN_LABELS, is_valid_address, is_valid_tx_hash
from tickets.models import Ticket
from tickets.safety import selectors
from tickets.safety.models import (
    ExplorerLink,
    IdentityVerification,
    ImpersonatorReport,
    ImpersonatorReportStatus,
    OfficialContact,
)
from tickets.safety.services import exposure_step_done, impersonator_report_review, sensitive, verification_request
from tickets.safety.services.impersonators import REVIEW_PERMISSION


def _explorer(ticket: Ticket) -> ExplorerLink | None:
    """The chain's explorer, looked up once per ticket page."""
    if not hasattr(ticket, "_explorer_link"):
        ticket._explorer_link = ExplorerLink.objects.filter(chain=ticket.chain.lower(), is_active=True).first()
    return ticket._explorer_link


def _chain_value(ticket: Ticket, value: str, *, is_tx: bool) -> str:
    if not value:
        return "-"
    chain = ticket.chain.lower()
    parts = [format_html("<code>{}</code>", value)]
    valid = chain not in CHAIN_LABELS or (is_valid_tx_hash(chain, value) if is_tx else is_valid_address(chain, value))
    if not valid:
        parts.append(
            format_html(
                ' <strong class="sd-invalid">⚠ {}</strong>',
                _("not a valid %(chain)s %(what)s")
                % {"chain": CHAIN_LABELS[chain], "what": _("transaction hash") if is_tx else _("address")},
            )
        )
    explorer = _explorer(ticket) if valid else None
    if explorer is not None:
        url = explorer.link_for_tx(value) if is_tx else explorer.link_for_address(value)
        parts.append(
            format_html(
                ' <a href="{}" target="_blank" rel="noopener noreferrer">{} ↗</a>',
                url,
                _("View on %(explorer)s") % {"explorer": explorer.name},
            )
        )
    return format_html("{}" * len(parts), *parts)


def exposure_panel_context(request: HttpRequest, ticket: Ticket) -> dict | None:
    """The playbook's checklist, on tickets whose customer exposed a secret."""
    if not ticket.secret_exposed:
        return None
    return {
        "steps": selectors.exposure_checklist(ticket),
        "customer": ticket.customer,
        "can_tick": request.user.has_perm("tickets.change_ticket"),
        "tick_url": reverse("admin:tickets_ticket_exposure_step", args=[ticket.pk]),
    }


register_ticket_panel(
    TicketPanel(
        key="tickets.safety",
        template="admin/tickets/safety/_exposure_panel.html",
        order=150,
        context=exposure_panel_context,
    )
)


def identity_panel_context(request: HttpRequest, ticket: Ticket) -> dict:
    """Whether the requester may get account-sensitive help now, with one-click code and action buttons."""
    return {
        "state": (
            sensitive.verification_state_at(ticket.customer_verified_at)
            if hasattr(ticket, "customer_verified_at")
            else sensitive.verification_state(customer=ticket.customer)
        ),
        "window": settings.SAFETY_SENSITIVE_ACTION_WINDOW_MINUTES,
        "can_act": request.user.has_perm("tickets.change_ticket"),
        "send_url": reverse("admin:tickets_ticket_send_verification", args=[ticket.pk]),
        "action_url": reverse("admin:tickets_ticket_sensitive_action", args=[ticket.pk]),
        "actions": [
            (action, sensitive.SensitiveAction(action).label)
            for action in (sensitive.SensitiveAction.ACCOUNT_RECOVERY, sensitive.SensitiveAction.ACCOUNT_DISCLOSURE)
        ],
    }


register_ticket_panel(
    TicketPanel(
        key="tickets.identity",
        template="admin/tickets/safety/_identity_panel.html",
        order=160,
        context=identity_panel_context,
    )
)


class TicketSafetyAdminMixin:
    """Mixed into TicketAdmin."""

    def get_urls(self):
        tick = self.admin_site.admin_view(self.exposure_step_view)
        send = self.admin_site.admin_view(self.send_verification_view)
        act = self.admin_site.admin_view(self.sensitive_action_view)
        return [
            path("<id:pk>/exposure-step/", tick, name="tickets_ticket_exposure_step"),
            path("<id:pk>/send-verification/", send, name="tickets_ticket_send_verification"),
            path("<id:pk>/sensitive-action/", act, name="tickets_ticket_sensitive_action"),
            *super().get_urls(),
        ]

    def send_verification_view(self, request: HttpRequest, pk: int) -> HttpResponseRedirect:
        """The identity panel's one-click "send a code" (a button inside the ticket form, hence its own URL)."""
        ticket = get_object_or_404(Ticket.objects.visible_to(request.user), pk=pk)
        return _post_and_return(
            request, ticket, self, lambda: verification_request(ticket=ticket, actor=request.user), _("Code sent.")
        )

    def sensitive_action_view(self, request: HttpRequest, pk: int) -> HttpResponseRedirect:
        ticket = get_object_or_404(Ticket.objects.visible_to(request.user), pk=pk)
        return _post_and_return(
            request,
            ticket,
            self,
            lambda: sensitive.sensitive_action_record(
                ticket=ticket, action=request.POST.get("sensitive_action", ""), actor=request.user
            ),
            _("Recorded on the ticket."),
        )

    def exposure_step_view(self, request: HttpRequest, pk: int) -> HttpResponseRedirect:
        """The checklist's buttons post here (they sit inside the ticket form, hence their own URL)."""
        return _exposure_step(request, get_object_or_404(Ticket.objects.visible_to(request.user), pk=pk), self)

    @admin.display(description=_("transaction hash"))
    def tx_hash_link(self, obj: Ticket) -> str:
        return _chain_value(obj, obj.tx_hash, is_tx=True)

    @admin.display(description=_("from address"))
    def from_address_link(self, obj: Ticket) -> str:
        return _chain_value(obj, obj.from_address, is_tx=False)

    @admin.display(description=_("to address"))
    def to_address_link(self, obj: Ticket) -> str:
        return _chain_value(obj, obj.to_address, is_tx=False)

    @admin.display(description=_("identity"))
    def identity_status(self, obj: Ticket) -> str:
        label = selectors.verification_label(selectors.latest_verification(obj))
        if obj.category is not None and obj.category.requires_verification:
            return format_html("{} <em>({})</em>", label, _("this category requires verification"))
        return label

    @admin.action(description=_("Request identity verification"), permissions=["change"])
    def request_identity_verification(self, request, queryset) -> None:
        sent = 0
        for ticket in queryset:
            try:
                verification_request(ticket=ticket, actor=request.user)
                sent += 1
            except (ValidationError, PermissionDenied) as error:
                text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"{ticket.reference}: {text}", messages.ERROR)
        if sent:
            self.message_user(
                request, _("Verification codes sent for %(count)d tickets.") % {"count": sent}, messages.SUCCESS
            )


@require_POST
def _post_and_return(request: HttpRequest, ticket: Ticket, model_admin, perform, done: str) -> HttpResponseRedirect:
    try:
        perform()
    except (ValidationError, PermissionDenied) as error:
        model_admin.message_user(request, error_text(error), messages.ERROR)
    else:
        model_admin.message_user(request, done, messages.SUCCESS)
    return HttpResponseRedirect(reverse("admin:tickets_ticket_change", args=[ticket.pk]))


@require_POST
def _exposure_step(request: HttpRequest, ticket: Ticket, model_admin) -> HttpResponseRedirect:
    try:
        exposure_step_done(ticket=ticket, step=request.POST.get("exposure_step", ""), actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        model_admin.message_user(request, error_text(error), messages.ERROR)
    else:
        model_admin.message_user(request, _("Checklist updated."), messages.SUCCESS)
    return HttpResponseRedirect(reverse("admin:tickets_ticket_change", args=[ticket.pk]))


@admin.register(ExplorerLink)
class ExplorerLinkAdmin(admin.ModelAdmin):
    list_display = ["chain", "name", "address_url", "tx_url", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["chain", "name"]


@admin.register(OfficialContact)
class OfficialContactAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "value", "is_active", "created_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["label", "value"]


@admin.register(IdentityVerification)
class IdentityVerificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only history of verification codes (only their hashes are stored)."""

    list_display = ["created_at", "ticket_link", "channels", "status", "failed_attempts", "verified_at", "requested_by"]
    list_select_related = ["requested_by"]
    list_filter = ["status", "channels"]
    search_fields = ["=ticket__id"]
    show_full_result_count = False
    list_display_links = None
    exclude = ["code_hash"]

    def get_queryset(self, request):
        visible = Ticket.objects.visible_to(request.user).values("id")
        return super().get_queryset(request).filter(ticket_id__in=visible)

    @admin.display(description=_("ticket"), ordering="ticket_id")
    def ticket_link(self, obj: IdentityVerification) -> str:
        return ticket_admin_link(obj.ticket_id)


@admin.register(ImpersonatorReport)
class ImpersonatorReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The security queue of impersonator reports: written by the public form, moved on by actions."""

    list_display = ["created_at", "contact", "where_seen", "check_result", "reporter_email", "status", "reviewed_by"]
    list_select_related = ["reviewed_by"]
    list_filter = ["status", "where_seen", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["contact", "reporter_email"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["mark_reviewing", "mark_confirmed", "mark_dismissed"]
    fields = [
        ("contact", "where_seen"), "check_result", "description", ("reporter_email", "reporter", "language"),
        ("status", "reviewed_by", "reviewed_at"), "review_note", "created_at",
    ]  # fmt: skip

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm(REVIEW_PERMISSION)

    def _review(self, request, queryset, status: str) -> None:
        count = impersonator_report_review(reports=queryset, status=status, actor=request.user)
        label = ImpersonatorReportStatus(status).label
        self.message_user(request, _("%(count)d reports: %(status)s.") % {"count": count, "status": label})

    @admin.action(description=_("Start reviewing"), permissions=["review"])
    def mark_reviewing(self, request, queryset) -> None:
        self._review(request, queryset, ImpersonatorReportStatus.REVIEWING)

    @admin.action(description=_("Confirm: it is an impersonator"), permissions=["review"])
    def mark_confirmed(self, request, queryset) -> None:
        self._review(request, queryset, ImpersonatorReportStatus.CONFIRMED)

    @admin.action(description=_("Dismiss"), permissions=["review"])
    def mark_dismissed(self, request, queryset) -> None:
        self._review(request, queryset, ImpersonatorReportStatus.DISMISSED)
