"""The ticket admin: the agents' queue (changelist) and the ticket page (change view).

Querysets come from the visibility selectors, list pages select exactly what they show
(constant query count), and every ticket change (form saves and bulk actions alike) goes
through tickets.services. The ticket page is still the admin's change form (its look, permissions, history and
saving), laid out in two columns (tickets.admin.panels): the conversation, the reply
box and the panels registered through the hook on the left; the ticket's controls, SLA
clocks, customer summary and record on the right. It pays only for what it shows: the
record is rendered from the loaded ticket (tickets.admin.record), the controls' options
come from one query and render without a template per option (tickets.admin.forms).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from supportdesk.audit.recording import ReadAuditAdminMixin
from supportdesk.kit.admin_actions import error_text
from supportdesk.kit.admin_forms import SafeAutocompleteMixin
from supportdesk.kit.admin_lists import QuickActionCheckboxMixin
from supportdesk.kit.admin_privacy import DeferEncryptedInListMixin
from supportdesk.kit.paginator import EstimatedCountPaginator
from tickets import selectors, services
from tickets.admin import actions, forms
from tickets.admin.filters import AssigneeFilter, OpenFilter
from tickets.admin.panels import (
    FORM_CONTROLS_ORDER,
    FORM_PROPERTIES_ORDER,
    FORM_RECORD_ORDER,
    SIDE,
    PageSection,
    ticket_page_sections,
)
from tickets.admin.record import ticket_record_html
from tickets.complaints.admin import turn_into_complaint
from tickets.models import Ticket
from tickets.onchain.admin import TicketOnchainAdminMixin
from tickets.safety import selectors as safety_selectors
from tickets.safety.admin import TicketSafetyAdminMixin
from tickets.services import escalation
from tickets.sla import selectors as sla_selectors
from tickets.sla.admin import SLAStateFilter, TicketSLAAdminMixin

ADD_FIELDSETS = [
    (None, {"fields": ["customer", "subject", "body", "attachments", "channel", "category", "priority", "language"]}),
    (_("Environment"), {"fields": ["app_version", "device", "os", "browser"], "classes": ["collapse"]}),
    (_("Transaction"), {"fields": ["chain", "asset", "amount", "tx_hash", "from_address", "to_address"],
                        "classes": ["collapse"]}),
]  # fmt: skip


@admin.register(Ticket)
class TicketAdmin(
    DeferEncryptedInListMixin,
    QuickActionCheckboxMixin,
    SafeAutocompleteMixin,
    ReadAuditAdminMixin,
    TicketSLAAdminMixin,
    TicketSafetyAdminMixin,
    TicketOnchainAdminMixin,
    admin.ModelAdmin,
):
    list_display = [
        "reference_link", "subject", "customer_name", "status", "sla_badges", "priority", "category", "team",
        "assignee", "age", "updated_at",
    ]  # fmt: skip
    list_display_links = None
    list_select_related = ["customer", "category", "team", "assignee"]
    # Encrypted and not in the list: a page of tickets decrypts nothing (README "Privacy").
    list_deferred_fields = ("from_address", "to_address", "customer__phone", "customer__notes")
    list_filter = [
        OpenFilter, SLAStateFilter, "status", "priority", "category", "team", AssigneeFilter, "channel", "language",
        "tier", "secret_exposed", ("created_at", admin.DateFieldListFilter),
    ]  # fmt: skip
    search_fields = ["subject", "customer__email", "customer__name", "=tx_hash"]
    search_help_text = _("Reference (SD-000123), subject, customer name or email, or a transaction hash.")
    show_full_result_count = False
    # Facet counts would run one COUNT per filter option over the whole table.
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    list_per_page = 50
    ordering = ["-created_at", "-id"]
    # Only columns an index can order: sorting a million rows by subject or customer takes seconds.
    sortable_by = ["reference_link", "age", "updated_at"]
    autocomplete_fields = ["customer"]
    actions = [
        actions.assign_to_me, actions.assign_to, actions.change_status, actions.change_priority, actions.change_tier,
        actions.change_language, actions.merge_tickets, "request_identity_verification", turn_into_complaint,
    ]  # fmt: skip
    change_form_template = "admin/tickets/ticket/change_form.html"

    def audit_label(self, obj: Ticket) -> str:
        return obj.reference

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # sla_policy: named on the ticket page's SLA panel
        tickets = Ticket.objects.visible_to(request.user).for_list().select_related("sla_policy")
        return sla_selectors.with_next_due(tickets)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Ticket | None:
        """The ticket page's ticket, with what its panels show in the same query (complaint, latest verification,
        on-chain lookup)."""
        queryset = self.get_queryset(request).select_related(
            "complaint__owner", "complaint__responsible_team", "chain_lookup"
        )
        try:
            return safety_selectors.with_latest_verification(queryset).get(pk=object_id)
        except (Ticket.DoesNotExist, ValidationError, ValueError):
            return None

    def get_search_results(self, request, queryset, search_term):
        return selectors.search_tickets(queryset, term=search_term), False

    # Columns ---------------------------------------------------------------

    @admin.display(description=_("reference"), ordering="id")
    def reference_link(self, obj: Ticket) -> str:
        return format_html('<a href="{}">{}</a>', reverse("admin:tickets_ticket_change", args=[obj.pk]), obj.reference)

    @admin.display(description=_("age"), ordering="created_at")
    def age(self, obj: Ticket) -> str:
        return timesince(obj.created_at, timezone.now(), depth=1)

    @admin.display(description=_("customer"), ordering="customer__name")
    def customer_name(self, obj: Ticket) -> str:
        return obj.customer.name or obj.customer.email

    @admin.display(description=_("tags"))
    def tag_names(self, obj: Ticket) -> str:
        return ", ".join(tag.name for tag in obj.tags.all())

    # Forms -----------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = forms.TicketAddForm
            return super().get_form(request, obj, change=change, **kwargs)
        kwargs["form"] = forms.TicketWorkForm
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class BoundWorkForm(form_class):
            def __init__(self, *args, **inner_kwargs):
                super().__init__(*args, actor=request.user, **inner_kwargs)

        return BoundWorkForm

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return ADD_FIELDSETS
        # The ticket's record (read-only) is not part of the form: tickets.admin.record renders it.
        return self.control_fieldsets(request, obj)

    def control_fieldsets(self, request: HttpRequest, obj: Ticket) -> list:
        """The agent's controls: the reply box and the ticket's status, people and classification."""
        if not self.has_change_permission(request, obj):
            # View-only (managers): no reply box or form-only inputs, just the ticket as it stands.
            return [(_("Ticket"), {"fields": [("status", "priority"), ("assignee", "team"), ("category", "tier"),
                                              "tag_names"]})]  # fmt: skip
        return [
            (_("Reply"), {"fields": ["reply_body", "reply_internal", "reply_attachments", "reply_opened_at"]}),
            (_("Ticket"), {"fields": [("status", "priority"), ("assignee", "team"), ("category", "tier"),
                                      "escalation_reason", "ticket_tags"]}),
        ]  # fmt: skip

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        # Teams and categories are configured on their own pages, not from inside a ticket.
        if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper) and db_field.name != "customer":
            field.widget.can_add_related = field.widget.can_change_related = False
            field.widget.can_delete_related = field.widget.can_view_related = False
        return field

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save_and_add_another": False}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is not None else ["reference"]

    def save_form(self, request, form, change):
        if change:
            return form.instance
        data = form.cleaned_data
        return services.ticket_create(
            customer=data["customer"],
            subject=data["subject"],
            body=data["body"],
            channel=data["channel"],
            actor=request.user,
            category=data["category"],
            priority=data["priority"],
            language=data["language"],
            attachments=data["attachments"],
            **{field: data[field] or "" for field in ("app_version", "device", "os", "browser", "chain", "asset",
                                                       "tx_hash", "from_address", "to_address")},
            amount=data["amount"],
        )  # fmt: skip

    def save_model(self, request, obj, form, change):
        if change:
            self._apply_work_form(request, obj, form)

    def save_related(self, request, form, formsets, change):
        """Tags and messages are written by the services in save_model; nothing else to save."""

    def _apply_work_form(self, request: HttpRequest, ticket: Ticket, form) -> None:
        data, changed, actor = form.cleaned_data, set(form.changed_data), request.user
        try:
            # All or nothing: one refused step (e.g. the actor no longer sees the ticket) undoes the others.
            # The reply comes first and the team move late, so an agent can answer and then hand over.
            with transaction.atomic():
                ticket = services.ticket_require_version(ticket=ticket, expected_version=data.get("ticket_version"))
                new_status = data["status"] if "status" in changed else None
                if (data.get("reply_body") or "").strip():
                    services.ticket_reply(
                        ticket=ticket,
                        body=data["reply_body"],
                        actor=actor,
                        internal=data["reply_internal"],
                        attachments=data["reply_attachments"],
                        new_status=new_status,
                        opened_at=data.get("reply_opened_at"),
                    )
                elif new_status:
                    services.ticket_change_status(ticket=ticket, status=new_status, actor=actor)
                if "category" in changed:
                    ticket = services.ticket_change_category(ticket=ticket, category=data["category"], actor=actor)
                if "priority" in changed:
                    ticket = services.ticket_change_priority(ticket=ticket, priority=data["priority"], actor=actor)
                if "tier" in changed and "team" in changed:
                    # The agent picked the team by hand: change the tier only.
                    ticket = services.ticket_change_tier(
                        ticket=ticket, tier=data["tier"], actor=actor, reason=data["escalation_reason"]
                    )
                elif "tier" in changed:
                    ticket = escalation.ticket_escalate(
                        ticket=ticket, to_tier=data["tier"], actor=actor, reason=data["escalation_reason"]
                    )
                if "ticket_tags" in changed:
                    ticket = services.ticket_set_tags(ticket=ticket, tags=data["ticket_tags"], actor=actor)
                if "team" in changed:
                    ticket = services.ticket_change_team(ticket=ticket, team=data["team"], actor=actor)
                if "assignee" in changed:
                    services.ticket_assign(ticket=ticket, assignee=data["assignee"], actor=actor)
        except services.StaleTicketError:
            # A colleague saved between this form's validation and the locked version check: nothing was saved;
            # response_change shows the page again instead of redirecting, the reply kept and the changes listed.
            request.ticket_save_conflict = True
        except (ValidationError, PermissionDenied) as error:
            # The combination is not allowed (e.g. the actor no longer sees the ticket).
            self.message_user(request, error_text(error), messages.ERROR)

    def log_change(self, request, obj, message):
        if not getattr(request, "ticket_save_conflict", False):
            super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if getattr(request, "ticket_save_conflict", False):
            # The same POST validated again against the fresh ticket: the form's own version check now fails, so
            # the page comes back with the typed reply (and every other field) and what changed since it was loaded.
            request.ticket_save_conflict = False
            return self.changeform_view(request, str(obj.pk))
        return super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            fieldsets = list(enumerate(context["adminform"]))
            # With a reply box, its fieldset goes left and the ticket's controls right; view-only: all right.
            replies = 1 if len(fieldsets) > 1 else 0
            form_sections = [
                PageSection(order=FORM_CONTROLS_ORDER, fieldsets=fieldsets[:replies]),
                PageSection(order=FORM_PROPERTIES_ORDER, fieldsets=fieldsets[replies:], column=SIDE),
                PageSection(order=FORM_RECORD_ORDER, html=ticket_record_html(request, obj, self), column=SIDE),
            ]
            context["ticket_page"] = ticket_page_sections(request, obj, form_sections=form_sections)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
