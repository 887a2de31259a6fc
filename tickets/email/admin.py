"""Back office for the email channel: the inbound log with its quarantine, outbound delivery status, and
the delivery health of recipient addresses.

All are records of what happened, so they are read-only; the only ways to act
are the actions (process again, make a ticket, retry now, mark deliverable),
which call the channel's services. Agents holding
tickets.make_ticket_from_inbound_email see the quarantine and the mail of tickets
they may see, and make tickets of held mail with one click (the action) or from
the mail's page (where a mail without sender asks for the customer's address).
The raw source of an inbound mail is downloaded through a permission-checked
view (tickets.download_raw_email), never shown inline.
"""

from __future__ import annotations

import logging

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from supportdesk.audit.models import AuditAction
from supportdesk.audit.recording import audit_read
from supportdesk.kit.admin_actions import run_for_each
from tickets.admin.links import ticket_admin_link
from tickets.email.models import EmailAddressStatus, InboundEmail, InboundStatus, OutboundEmail
from tickets.email.services import deliverability, inbound, outbound
from tickets.models import Ticket

logger = logging.getLogger(__name__)


class ReadOnlyRecordAdmin(admin.ModelAdmin):
    """No add, no delete, no edits: the change page is a detail view with actions."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return [name for fieldset in self.get_fieldsets(request, obj) for name in _flatten(fieldset[1]["fields"])]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        hidden = {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **hidden})


def _flatten(fields) -> list[str]:
    flat = []
    for item in fields:
        flat.extend(item if isinstance(item, (list, tuple)) else [item])
    return flat


MAKE_TICKET_PERMISSION = "tickets.make_ticket_from_inbound_email"
_CONVERTIBLE = (InboundStatus.QUARANTINED, InboundStatus.IGNORED)


class MakeTicketForm(forms.Form):
    customer_email = forms.EmailField(
        label=_("Customer's email address"),
        required=False,
        max_length=254,
        help_text=_("Required when the mail has no usable sender; otherwise the sender is the customer."),
    )


@admin.register(InboundEmail)
class InboundEmailAdmin(ReadOnlyRecordAdmin):
    list_display = [
        "received_at", "status", "kind", "from_address", "subject_excerpt", "ticket_link", "quarantine_reason",
        "error_excerpt",
    ]  # fmt: skip
    list_filter = [
        "status", "quarantine_reason", "kind", "result", "bounce_type", "source",
        ("received_at", admin.DateFieldListFilter),
    ]  # fmt: skip
    search_fields = ["from_address", "subject", "=message_id", "=ticket__id"]
    search_help_text = _("Sender, subject, exact Message-ID or ticket number.")
    date_hierarchy = "received_at"
    show_full_result_count = False
    list_per_page = 50
    actions = ["process_again", "make_tickets"]
    fieldsets = [
        (
            None,
            {"fields": [("status", "kind", "result"), ("quarantine_reason", "make_ticket_button"), "error", "notes"]},
        ),
        (_("Outcome"), {"fields": [("ticket_link", "ticket_message"), ("answers", "bounce_type")]}),
        (_("Mail"), {"fields": ["from_address", "subject", "message_id", ("source", "size"), "raw_source"]}),
        (_("Processing"), {"fields": [("received_at", "processed_at", "attempts")]}),
    ]

    def get_queryset(self, request: HttpRequest):
        queryset = super().get_queryset(request).without_raw()
        if request.user.has_perm("tickets.view_all_tickets"):
            return queryset
        visible = Ticket.objects.visible_to(request.user).values("id")
        return queryset.filter(Q(status__in=_CONVERTIBLE, ticket__isnull=True) | Q(ticket_id__in=visible))

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) or request.user.has_perm(MAKE_TICKET_PERMISSION)

    def has_make_ticket_permission(self, request) -> bool:
        return request.user.has_perm(MAKE_TICKET_PERMISSION)

    def get_urls(self):
        raw_view = self.admin_site.admin_view(require_GET(self.raw_source_view))
        make_ticket = self.admin_site.admin_view(self.make_ticket_view)
        return [
            path("<id:pk>/raw/", raw_view, name="tickets_inboundemail_raw"),
            path("<id:pk>/make-ticket/", make_ticket, name="tickets_inboundemail_make_ticket"),
            *super().get_urls(),
        ]

    def make_ticket_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The button on a held mail's page: confirm (naming the customer if there is no sender), then make it."""
        if not self.has_make_ticket_permission(request):
            raise PermissionDenied
        record = get_object_or_404(self.get_queryset(request), pk=pk)
        form = MakeTicketForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                made = inbound.inbound_email_make_ticket(
                    inbound=record, actor=request.user, customer_email=form.cleaned_data["customer_email"]
                )
            except ValidationError as error:
                form.add_error("customer_email" if error.code == inbound.ERROR_NEEDS_ADDRESS else None, error)
            else:
                self.message_user(request, _("Ticket %(ticket)s made.") % {"ticket": made.ticket}, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:tickets_ticket_change", args=[made.ticket_id]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Make a ticket of this mail"),
            "opts": self.model._meta,
            "record": record,
            "form": form,
        }
        return TemplateResponse(request, "admin/tickets/inboundemail/make_ticket.html", context)

    def raw_source_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The mail exactly as received, as a download (it may hold anything the sender put in it)."""
        if not request.user.has_perm("tickets.download_raw_email"):
            raise PermissionDenied
        record = get_object_or_404(InboundEmail, pk=pk)
        logger.info("Raw source of inbound email %s downloaded by %s", pk, request.user.get_username())
        audit_read(request, record, action=AuditAction.DOWNLOAD, label=f"inbound email {pk}")
        response = HttpResponse(bytes(record.raw), content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="inbound-{pk}.eml"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.display(description=_("subject"), ordering="subject")
    def subject_excerpt(self, obj: InboundEmail) -> str:
        return Truncator(obj.subject).chars(60)

    @admin.display(description=_("ticket"), ordering="ticket_id")
    def ticket_link(self, obj: InboundEmail) -> str:
        return ticket_admin_link(obj.ticket_id)

    @admin.display(description=_("error"))
    def error_excerpt(self, obj: InboundEmail) -> str:
        return Truncator(obj.error).chars(80)

    @admin.display(description=_("make a ticket"))
    def make_ticket_button(self, obj: InboundEmail) -> str:
        if obj.status not in _CONVERTIBLE:
            return "–"
        url = reverse("admin:tickets_inboundemail_make_ticket", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Make a ticket"))

    @admin.display(description=_("raw source"))
    def raw_source(self, obj: InboundEmail) -> str:
        url = reverse("admin:tickets_inboundemail_raw", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download .eml"))

    @admin.action(description=_("Process again (quarantined mail)"), permissions=["change"])
    def process_again(self, request, queryset) -> None:
        processed = still_quarantined = 0
        for record in queryset.filter(status__in=[InboundStatus.QUARANTINED, InboundStatus.RECEIVED]):
            try:
                result = inbound.inbound_email_reprocess(inbound=record)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                continue
            if result.status == InboundStatus.QUARANTINED:
                still_quarantined += 1
            else:
                processed += 1
        self.message_user(
            request,
            ngettext("%(count)d mail processed.", "%(count)d mails processed.", processed) % {"count": processed},
            messages.SUCCESS,
        )
        if still_quarantined:
            self.message_user(
                request,
                ngettext(
                    "%(count)d mail is still in quarantine: see its error.",
                    "%(count)d mails are still in quarantine: see their errors.",
                    still_quarantined,
                )
                % {"count": still_quarantined},
                messages.WARNING,
            )

    @admin.action(description=_("Make a ticket of each (quarantined or ignored mail)"), permissions=["make_ticket"])
    def make_tickets(self, request, queryset) -> None:
        run_for_each(
            self,
            request,
            queryset.filter(status__in=_CONVERTIBLE),
            lambda record: inbound.inbound_email_make_ticket(inbound=record, actor=request.user),
            lambda made: ngettext("%(count)d ticket made.", "%(count)d tickets made.", made) % {"count": made},
        )


@admin.register(EmailAddressStatus)
class EmailAddressStatusAdmin(ReadOnlyRecordAdmin):
    list_display = ["address", "hard_bounces", "soft_bounces", "last_bounce_at", "bouncing_since", "last_diagnostic"]
    list_filter = [("bouncing_since", admin.EmptyFieldListFilter), ("last_bounce_at", admin.DateFieldListFilter)]
    search_fields = ["address"]
    date_hierarchy = "last_bounce_at"
    show_full_result_count = False
    actions = ["mark_deliverable"]
    fieldsets = [
        (None, {"fields": ["address", ("hard_bounces", "soft_bounces"), ("last_bounce_at", "bouncing_since")]}),
        (_("Last failure"), {"fields": ["last_diagnostic"]}),
    ]

    @admin.action(description=_("Mark as deliverable again (send mail to it)"), permissions=["change"])
    def mark_deliverable(self, request, queryset) -> None:
        count = deliverability.email_address_clear_bouncing(addresses=list(queryset.values_list("address", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d address is mailed again.", "%(count)d addresses are mailed again.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyRecordAdmin):
    list_display = [
        "created_at", "ticket_link", "kind", "to_address", "status", "attempts", "next_attempt_at", "error_excerpt",
    ]  # fmt: skip
    list_filter = ["status", "kind", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["to_address", "subject", "=message_id", "=ticket__id"]
    search_help_text = _("Recipient, subject, exact Message-ID or ticket number.")
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_per_page = 50
    actions = ["retry_now"]
    fieldsets = [
        (None, {"fields": [("status", "attempts"), ("next_attempt_at", "sent_at"), "last_error"]}),
        (_("Mail"), {"fields": [("ticket_link", "kind"), "to_address", "subject", "body_text"]}),
        (_("Threading"), {"fields": ["message_id", "in_reply_to", "references", "created_at"]}),
        (_("HTML part"), {"fields": ["body_html"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest):
        visible = Ticket.objects.visible_to(request.user).values("id")
        return super().get_queryset(request).filter(ticket_id__in=visible)

    @admin.display(description=_("ticket"), ordering="ticket_id")
    def ticket_link(self, obj: OutboundEmail) -> str:
        return ticket_admin_link(obj.ticket_id)

    @admin.display(description=_("last error"))
    def error_excerpt(self, obj: OutboundEmail) -> str:
        return Truncator(obj.last_error).chars(60)

    @admin.action(description=_("Retry delivery now"), permissions=["change"])
    def retry_now(self, request, queryset) -> None:
        count = outbound.outbound_email_retry_now(outbound_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d mail will be sent again.", "%(count)d mails will be sent again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
