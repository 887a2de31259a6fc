"""Back office of the social and phone channels: webhook deliveries (quarantine included), texts sent
through providers, channel identities, phone calls (agents log outbound calls here), and the ticket
page's channel panel (calls, texts sent, the handle the customer wrote from)."""

from __future__ import annotations

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

from supportdesk.kit.admin_actions import HistoryAdminMixin, ReadOnlyAdminMixin
from supportdesk.kit.admin_forms import SafeAutocompleteMixin
from supportdesk.kit.admin_privacy import BlindSearchMixin, masked_column
from tickets.admin.links import ticket_admin_link
from tickets.admin.panels import SIDE, TicketPanel, register_ticket_panel
from tickets.choices import Channel
from tickets.connectors.models import (
    ChannelIdentity,
    InboundChannelMessage,
    InboundStatus,
    OutboundChannelMessage,
    PhoneCall,
)
from tickets.connectors.services import channel_identity_link, outbound, phone_call_log
from tickets.models import Ticket
from tickets.services import customer_find_by_email


def _visible_ticket_ids(request: HttpRequest):
    return Ticket.objects.visible_to(request.user).values("id")


@admin.register(InboundChannelMessage)
class InboundChannelMessageAdmin(BlindSearchMixin, HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["received_at", "connector", "kind", "status", "identity", "ticket_link", "error_excerpt"]
    blind_search_fields = ("identity__handle",)
    list_select_related = ["identity"]
    list_filter = ["status", "connector", "kind"]
    search_fields = ["dedup_key", "identity__username"]
    date_hierarchy = "received_at"
    show_full_result_count = False
    list_per_page = 50
    fields = [
        ("connector", "kind", "status"),
        ("dedup_key", "size", "attempts"),
        ("identity", "ticket_link", "ticket_message"),
        ("received_at", "processed_at"),
        "error",
        "notes",
        "payload",
    ]
    readonly_fields = [name for row in fields for name in (row if isinstance(row, tuple) else (row,))]

    def get_queryset(self, request: HttpRequest):
        queryset = super().get_queryset(request)
        if request.user.has_perm("tickets.view_all_tickets"):
            return queryset
        # Quarantined deliveries belong to no ticket yet: those with access to the quarantine read them.
        return queryset.filter(
            Q(ticket__isnull=True, status=InboundStatus.QUARANTINED) | Q(ticket_id__in=_visible_ticket_ids(request))
        )

    @admin.display(description=_("ticket"), ordering="ticket_id")
    def ticket_link(self, obj: InboundChannelMessage) -> str:
        return ticket_admin_link(obj.ticket_id)

    @admin.display(description=_("error"))
    def error_excerpt(self, obj: InboundChannelMessage) -> str:
        return Truncator(obj.error).chars(60)


@admin.register(OutboundChannelMessage)
class OutboundChannelMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "connector",
        "kind",
        "recipient_masked",
        "status",
        "attempts",
        "ticket_link",
        "error_excerpt",
    ]
    list_filter = ["status", "connector", "kind"]
    # The recipient is encrypted at rest (README "Privacy"): not searchable, masked in the list.
    search_fields = ["provider_message_id", "idempotency_key"]
    recipient_masked = masked_column("recipient", _("to"))
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_per_page = 50
    actions = ["retry_now"]
    fields = [
        ("connector", "kind", "status"),
        ("recipient", "ticket_link", "ticket_message"),
        ("attempts", "next_attempt_at", "sent_at"),
        ("idempotency_key", "provider_message_id"),
        "last_error",
        "body",
    ]
    readonly_fields = [name for row in fields for name in (row if isinstance(row, tuple) else (row,))]

    def get_queryset(self, request: HttpRequest):
        queryset = super().get_queryset(request)
        if request.user.has_perm("tickets.view_all_tickets"):
            return queryset
        return queryset.filter(ticket_id__in=_visible_ticket_ids(request))

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("tickets.change_outboundchannelmessage")

    @admin.display(description=_("ticket"), ordering="ticket_id")
    def ticket_link(self, obj: OutboundChannelMessage) -> str:
        return ticket_admin_link(obj.ticket_id)

    @admin.display(description=_("last error"))
    def error_excerpt(self, obj: OutboundChannelMessage) -> str:
        return Truncator(obj.last_error).chars(60)

    @admin.action(description=_("Retry sending now"), permissions=["retry"])
    def retry_now(self, request, queryset) -> None:
        count = outbound.channel_message_retry_now(outbound_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d message will be sent again.", "%(count)d messages will be sent again.", count)
            % {"count": count},
            messages.SUCCESS,
        )


class LinkIdentityForm(forms.Form):
    customer_email = forms.EmailField(
        label=_("Customer's email address"),
        help_text=_(
            "The customer record this person proved to be: first send a verification code from one of that "
            "customer's tickets and have the person enter it."
        ),
    )


@admin.register(ChannelIdentity)
class ChannelIdentityAdmin(BlindSearchMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "handle_masked", "connector", "username", "display_name", "customer", "verified_at", "last_seen_at",
        "link_button",
    ]  # fmt: skip
    list_select_related = ["customer"]
    list_filter = ["connector", ("verified_at", admin.EmptyFieldListFilter)]
    # The handle is encrypted at rest: masked in the list, found by its exact value (blind index).
    search_fields = ["username", "display_name", "customer__email"]
    blind_search_fields = ("handle",)
    handle_masked = masked_column("handle", _("handle"))
    show_full_result_count = False
    fields = [
        ("connector", "handle"),
        ("username", "display_name", "language"),
        "customer",
        ("verified_at", "verified_by"),
        ("created_at", "last_seen_at"),
        "link_button",
    ]
    readonly_fields = [name for row in fields for name in (row if isinstance(row, tuple) else (row,))]

    def get_urls(self):
        link = self.admin_site.admin_view(self.link_view)
        return [path("<id:pk>/link/", link, name="tickets_channelidentity_link"), *super().get_urls()]

    @admin.display(description=_("link"))
    def link_button(self, obj: ChannelIdentity) -> str:
        url = reverse("admin:tickets_channelidentity_link", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Link to a customer"))

    def link_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Link a handle to the customer the person proved to be (tickets.connectors.services.identities)."""
        if not request.user.has_perm("tickets.merge_customers"):
            raise PermissionDenied
        identity = get_object_or_404(self.get_queryset(request), pk=pk)
        form = LinkIdentityForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            customer = customer_find_by_email(form.cleaned_data["customer_email"])
            if customer is None:
                form.add_error("customer_email", _("No customer has this address."))
            else:
                try:
                    channel_identity_link(identity=identity, customer=customer, actor=request.user)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self.message_user(
                        request,
                        _("%(handle)s now writes as %(customer)s.") % {"handle": identity, "customer": customer},
                    )
                    return HttpResponseRedirect(reverse("admin:tickets_channelidentity_change", args=[identity.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Link %(handle)s to a customer") % {"handle": identity},
            "opts": self.model._meta,
            "record": identity,
            "form": form,
        }
        return TemplateResponse(request, "admin/tickets/connectors/link_identity.html", context)


class PhoneCallForm(forms.ModelForm):
    recording_url = forms.URLField(label=_("Recording URL"), max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = PhoneCall
        # recording_url is the declared field above (https by default).
        fields = ["ticket", "customer_number", "started_at", "duration_seconds", "summary"]


@admin.register(PhoneCall)
class PhoneCallAdmin(BlindSearchMixin, SafeAutocompleteMixin, admin.ModelAdmin):
    """Inbound calls come from the provider; agents add the outbound calls they make (Log a call)."""

    form = PhoneCallForm
    list_display = [
        "started_at", "direction", "customer_number_masked", "duration_seconds", "agent", "ticket_link", "status",
    ]  # fmt: skip
    list_select_related = ["agent"]
    list_filter = ["direction", "status"]
    # The number is encrypted at rest: masked in the list, found by its exact value (blind index).
    search_fields = ["provider_call_id"]
    blind_search_fields = ("customer_number",)
    customer_number_masked = masked_column("customer_number", _("customer's number"))
    date_hierarchy = "started_at"
    autocomplete_fields = ["ticket"]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).filter(ticket_id__in=_visible_ticket_ids(request))

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        initial = super().get_changeform_initial_data(request)
        ticket = (
            Ticket.objects.visible_to(request.user).select_related("customer").filter(pk=initial.get("ticket")).first()
        )
        if ticket is not None and ticket.customer.phone:
            initial.setdefault("customer_number", ticket.customer.phone)
        return initial

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in PhoneCall._meta.fields] + ["ticket_link"] if obj else []

    @admin.display(description=_("ticket"), ordering="ticket_id")
    def ticket_link(self, obj: PhoneCall) -> str:
        return ticket_admin_link(obj.ticket_id)

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        call = phone_call_log(
            ticket=data["ticket"],
            actor=request.user,
            customer_number=data["customer_number"],
            started_at=data["started_at"],
            duration_seconds=data["duration_seconds"],
            summary=data["summary"],
            recording_url=data["recording_url"],
        )
        obj.pk = call.pk

    def save_related(self, request, form, formsets, change) -> None:
        """The service wrote everything."""


# Tickets that came in through a connector; on any other ticket a logged call is an internal note in the
# conversation, so the panel only offers the "log a call" link and spends none of the page's query budget.
_CONNECTOR_CHANNELS = {Channel.PHONE, Channel.SMS, Channel.SOCIAL}


def channel_panel_context(request: HttpRequest, ticket: Ticket) -> dict | None:
    can_log = request.user.has_perm("tickets.add_phonecall")
    log_call_url = f"{reverse('admin:tickets_phonecall_add')}?ticket={ticket.pk}" if can_log else ""
    if ticket.channel not in _CONNECTOR_CHANNELS:
        return {"calls": [], "sent": [], "identity": None, "log_call_url": log_call_url} if can_log else None
    calls = list(PhoneCall.objects.filter(ticket=ticket).select_related("agent")[:20])
    sent = list(OutboundChannelMessage.objects.filter(ticket=ticket)[:20])
    thread = outbound.ticket_thread(ticket)
    if not (calls or sent or thread or can_log):
        return None
    return {
        "calls": calls,
        "sent": sent,
        "identity": thread.identity if thread else None,
        "log_call_url": log_call_url,
    }


register_ticket_panel(
    TicketPanel(
        key="tickets.connectors",
        template="admin/tickets/connectors/_panel.html",
        order=550,
        column=SIDE,
        context=channel_panel_context,
    )
)
