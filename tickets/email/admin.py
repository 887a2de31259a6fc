"""Back office for the email channel: the inbound log with its quarantine, and outbound delivery status.

Both are records of what happened, so they are read-only; the only ways to act
are the actions (process again, retry now), which call the channel's functions.
The raw source of an inbound mail is downloaded through a permission-checked
view (tickets.download_raw_email), never shown inline.
"""

from __future__ import annotations

import logging

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from supportdesk.audit.models import AuditAction
from supportdesk.audit.recording import audit_read
from tickets.admin.links import ticket_admin_link
from tickets.email.models import InboundEmail, InboundStatus, OutboundEmail
from tickets.email.services import inbound, outbound
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


@admin.register(InboundEmail)
class InboundEmailAdmin(ReadOnlyRecordAdmin):
    list_display = [
        "received_at", "status", "kind", "from_address", "subject_excerpt", "ticket_link", "error_excerpt",
    ]  # fmt: skip
    list_filter = ["status", "kind", "result", "source", ("received_at", admin.DateFieldListFilter)]
    search_fields = ["from_address", "subject", "=message_id", "=ticket__id"]
    search_help_text = _("Sender, subject, exact Message-ID or ticket number.")
    date_hierarchy = "received_at"
    show_full_result_count = False
    list_per_page = 50
    actions = ["process_again"]
    fieldsets = [
        (None, {"fields": [("status", "kind", "result"), "error", "notes", ("ticket_link", "ticket_message")]}),
        (_("Mail"), {"fields": ["from_address", "subject", "message_id", ("source", "size"), "raw_source"]}),
        (_("Processing"), {"fields": [("received_at", "processed_at", "attempts")]}),
    ]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).without_raw()

    def get_urls(self):
        raw_view = self.admin_site.admin_view(require_GET(self.raw_source_view))
        return [path("<id:pk>/raw/", raw_view, name="tickets_inboundemail_raw"), *super().get_urls()]

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
