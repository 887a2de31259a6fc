"""Admin for wallet safety: explorer links, official contacts, identity verifications, and the
ticket page additions (explorer links next to hashes and addresses, identity status, the
"Request identity verification" action). Imported by tickets.admin."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.admin_actions import ReadOnlyAdminMixin
from tickets.admin.links import ticket_admin_link
from tickets.chains import CHAIN_LABELS, is_valid_address, is_valid_tx_hash
from tickets.models import Ticket
from tickets.safety import selectors
from tickets.safety.models import ExplorerLink, IdentityVerification, OfficialContact
from tickets.safety.services import verification_request


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


class TicketSafetyAdminMixin:
    """Mixed into TicketAdmin."""

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
        label = selectors.verification_label(IdentityVerification.objects.latest_for(obj))
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
