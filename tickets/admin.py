"""The agents' workspace in Django Admin.

Querysets come from the visibility selectors, list pages select exactly what
they show (constant query count), and every ticket change — form saves and
bulk actions alike — goes through tickets.services.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from supportdesk.kit.admin_actions import HistoryAdminMixin, action_page, error_text, run_for_each
from supportdesk.kit.paginator import EstimatedCountPaginator
from tickets import admin_forms, escalation, selectors, services
from tickets.admin_links import ticket_admin_link
from tickets.complaints.admin import turn_into_complaint
from tickets.complaints.selectors import complaint_panel
from tickets.models import (
    OPEN_STATUSES,
    AgentProfile,
    Category,
    Customer,
    CustomerEmail,
    Tag,
    Team,
    Ticket,
    TicketEvent,
    WalletAddress,
)
from tickets.safety.admin import TicketSafetyAdminMixin
from tickets.sla import selectors as sla_selectors
from tickets.sla.admin import SLAStateFilter, TicketSLAAdminMixin

# The change page shows the newest entries of a conversation; ?timeline=all shows every one.
TIMELINE_RECENT = 50
TIMELINE_VAR = "timeline"
ACTION_TEMPLATE = "admin/sd_action_form.html"


def _count_subquery(queryset: QuerySet, field: str) -> Coalesce:
    """COUNT of related rows as a per-row subquery: only evaluated for the rows on the page."""
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assignee")
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        agents = admin_forms.agent_users().only("id", "username", "first_name", "last_name")
        return [
            ("me", _("Me")),
            ("none", _("Unassigned")),
            *((str(user.pk), user.get_full_name() or user.get_username()) for user in agents),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(assignee=request.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assignee_id=int(value))
        return queryset


class OpenFilter(admin.SimpleListFilter):
    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("open", _("Open (not solved or closed)")), ("pending", _("Pending customer"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        if self.value() == "pending":
            return queryset.pending_customer()
        return queryset


@admin.register(Ticket)
class TicketAdmin(TicketSLAAdminMixin, TicketSafetyAdminMixin, admin.ModelAdmin):
    list_display = [
        "reference_link", "subject", "customer_name", "status", "sla_badges", "priority", "category", "team",
        "assignee", "age", "updated_at",
    ]  # fmt: skip
    list_display_links = None
    list_select_related = ["customer", "category", "team", "assignee"]
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
        "assign_to_me", "assign_to", "change_status", "change_priority", "change_tier", "merge_tickets",
        "request_identity_verification",
        turn_into_complaint,
    ]  # fmt: skip
    change_form_template = "admin/tickets/ticket/change_form.html"
    readonly_fields = [
        "reference", "customer_link", "subject", "channel", "language", "created_at", "updated_at",
        "first_response_at", "resolved_at", "closed_at", "merged_into",
        "app_version", "device", "os", "browser",
        "chain", "asset", "amount", "tx_hash_link", "from_address_link", "to_address_link", "tx_time", "account_email",
        "secret_exposed", "identity_status", "sla_clocks",
    ]  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # sla_policy: named on the ticket page's SLA panel
        tickets = Ticket.objects.visible_to(request.user).for_list().select_related("sla_policy")
        return sla_selectors.with_next_due(tickets)

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

    @admin.display(description=_("customer"))
    def customer_link(self, obj: Ticket) -> str:
        url = reverse("admin:tickets_customer_change", args=[obj.customer_id])
        return format_html('<a href="{}">{}</a>', url, obj.customer)

    # Forms -----------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = admin_forms.TicketAddForm
            return super().get_form(request, obj, change=change, **kwargs)
        kwargs["form"] = admin_forms.TicketWorkForm
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class BoundWorkForm(form_class):
            def __init__(self, *args, **inner_kwargs):
                super().__init__(*args, actor=request.user, **inner_kwargs)

        return BoundWorkForm

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (None, {"fields": ["customer", "subject", "body", "attachments", "channel", "category", "priority",
                                   "language"]}),
                (_("Environment"), {"fields": ["app_version", "device", "os", "browser"], "classes": ["collapse"]}),
                (_("Transaction"), {"fields": ["chain", "asset", "amount", "tx_hash", "from_address", "to_address"],
                                    "classes": ["collapse"]}),
            ]  # fmt: skip
        if not self.has_change_permission(request, obj):
            # View-only (managers): no reply box or form-only inputs, just the ticket as it stands.
            work = [(_("Ticket"), {"fields": [("status", "priority"), ("assignee", "team"), ("category", "tier"),
                                              "tag_names"]})]  # fmt: skip
        else:
            work = [
                (_("Reply"), {"fields": ["reply_body", "reply_internal", "reply_attachments", "reply_opened_at"]}),
                (_("Ticket"), {"fields": [("status", "priority"), ("assignee", "team"), ("category", "tier"),
                                          "escalation_reason", "ticket_tags"]}),
            ]  # fmt: skip
        return [
            *work,
            (_("SLA"), {"fields": ["sla_clocks"]}),
            (_("Request"), {"fields": ["reference", "customer_link", "subject", ("channel", "language"),
                                       ("created_at", "updated_at"), ("first_response_at", "resolved_at", "closed_at"),
                                       "merged_into", ("secret_exposed", "identity_status")]}),
            (_("Environment"), {"fields": [("app_version", "device"), ("os", "browser"), "account_email"]}),
            (_("Transaction"), {"fields": [("chain", "asset", "amount"), "tx_hash_link", "from_address_link",
                                           "to_address_link", "tx_time"]}),
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
        return self.readonly_fields if obj is not None else ["reference"]

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
        except (ValidationError, PermissionDenied) as error:
            # Lost a race with another agent since the form was validated, or the combination is not allowed.
            self.message_user(request, error_text(error), messages.ERROR)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            if request.GET.get(TIMELINE_VAR) == "all":
                context["timeline"] = selectors.ticket_timeline(ticket=obj, include_internal=True)
            else:
                recent = selectors.ticket_timeline_recent(ticket=obj, include_internal=True, limit=TIMELINE_RECENT)
                context["timeline"], context["timeline_has_older"] = recent.entries, recent.has_older
                context["timeline_all_var"] = TIMELINE_VAR
            context["complaint_panel"] = complaint_panel(ticket=obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    # Bulk actions ----------------------------------------------------------

    def _form_action(self, request, queryset, form_class, action: str, title: str, apply, **form_kwargs):
        form = form_class(request.POST if "apply" in request.POST else None, **form_kwargs)
        if form.is_valid():
            apply(form.cleaned_data)
            return None
        return action_page(self, request, queryset, form, action, title, template=ACTION_TEMPLATE)

    @admin.action(description=_("Assign to me"), permissions=["change"])
    def assign_to_me(self, request, queryset) -> None:
        run_for_each(
            self,
            request,
            queryset,
            lambda ticket: services.ticket_assign(ticket=ticket, assignee=request.user, actor=request.user),
            _("%(count)d tickets assigned to you."),
        )

    @admin.action(description=_("Assign to…"), permissions=["change"])
    def assign_to(self, request, queryset) -> HttpResponse | None:
        def apply(data):
            run_for_each(
                self,
                request,
                queryset,
                lambda ticket: services.ticket_assign(ticket=ticket, assignee=data["assignee"], actor=request.user),
                _("%(count)d tickets assigned."),
            )

        return self._form_action(
            request, queryset, admin_forms.AssignActionForm, "assign_to", _("Assign tickets"), apply
        )

    @admin.action(description=_("Change status…"), permissions=["change"])
    def change_status(self, request, queryset) -> HttpResponse | None:
        def apply(data):
            run_for_each(
                self,
                request,
                queryset,
                lambda ticket: services.ticket_change_status(ticket=ticket, status=data["status"], actor=request.user),
                _("%(count)d tickets changed status."),
            )

        return self._form_action(
            request, queryset, admin_forms.StatusActionForm, "change_status", _("Change status"), apply
        )

    @admin.action(description=_("Change priority…"), permissions=["change"])
    def change_priority(self, request, queryset) -> HttpResponse | None:
        def apply(data):
            run_for_each(
                self,
                request,
                queryset,
                lambda ticket: services.ticket_change_priority(
                    ticket=ticket, priority=data["priority"], actor=request.user
                ),
                _("%(count)d tickets changed priority."),
            )

        return self._form_action(
            request, queryset, admin_forms.PriorityActionForm, "change_priority", _("Change priority"), apply
        )

    @admin.action(description=_("Escalate / change tier…"), permissions=["change"])
    def change_tier(self, request, queryset) -> HttpResponse | None:
        def apply(data):
            run_for_each(
                self,
                request,
                queryset,
                lambda ticket: escalation.ticket_escalate(
                    ticket=ticket, to_tier=data["tier"], actor=request.user, reason=data["reason"]
                ),
                _("%(count)d tickets changed tier."),
            )

        return self._form_action(request, queryset, admin_forms.TierActionForm, "change_tier", _("Change tier"), apply)

    @admin.action(description=_("Merge selected tickets…"), permissions=["change"])
    def merge_tickets(self, request, queryset) -> HttpResponse | None:
        if queryset.count() < 2:
            self.message_user(request, _("Select at least two tickets to merge."), messages.WARNING)
            return None

        def apply(data):
            target = data["target"]
            run_for_each(
                self,
                request,
                queryset.exclude(pk=target.pk),
                lambda ticket: services.ticket_merge(source=ticket, target=target, actor=request.user),
                _("%(count)d tickets merged into %(target)s."),
                target=target.reference,
            )

        return self._form_action(
            request, queryset, admin_forms.MergeActionForm, "merge_tickets", _("Merge tickets"), apply, tickets=queryset
        )


class CustomerEmailInline(admin.TabularInline):
    model = CustomerEmail
    extra = 0


class WalletAddressInline(admin.TabularInline):
    model = WalletAddress
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    form = admin_forms.CustomerAdminForm
    list_display = ["__str__", "language", "country", "is_vip", "portal_account", "ticket_count", "created_at"]
    list_select_related = ["user"]
    list_filter = ["is_vip", "language", "country", ("user", admin.EmptyFieldListFilter)]
    search_fields = ["name", "email", "other_emails__email", "phone", "wallet_addresses__address"]
    autocomplete_fields = ["user"]
    inlines = [CustomerEmailInline, WalletAddressInline]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    actions = ["merge_customers"]
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(ticket_total=_count_subquery(Ticket.objects.all(), "customer"))

    @admin.display(description=_("tickets"), ordering="ticket_total")
    def ticket_count(self, obj: Customer) -> int:
        return obj.ticket_total

    @admin.display(description=_("portal account"), boolean=True)
    def portal_account(self, obj: Customer) -> bool:
        return obj.user_id is not None

    @admin.action(description=_("Merge selected customers…"), permissions=["change"])
    def merge_customers(self, request, queryset) -> HttpResponse | None:
        if queryset.count() < 2:
            self.message_user(request, _("Select at least two customers to merge."), messages.WARNING)
            return None
        form = admin_forms.CustomerMergeForm(request.POST if "apply" in request.POST else None, customers=queryset)
        if not form.is_valid():
            return action_page(
                self, request, queryset, form, "merge_customers", _("Merge customers"),
                template="admin/tickets/customer/merge_form.html",
            )  # fmt: skip
        primary = form.cleaned_data["primary"]
        merged = 0
        for duplicate in queryset.exclude(pk=primary.pk):
            primary = services.customer_merge(primary=primary, duplicate=duplicate, actor=request.user)
            merged += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d customer merged into %(primary)s.", "%(count)d customers merged into %(primary)s.", merged
            )
            % {"count": merged, "primary": primary},
            messages.SUCCESS,
        )
        return None


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = [
        "name", "languages", "time_zone", "auto_assign", "handles_security", "is_active", "agent_count", "open_tickets",
    ]  # fmt: skip
    list_filter = ["is_active", "auto_assign", "handles_security"]
    search_fields = ["name"]
    filter_horizontal = ["categories"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                agent_total=_count_subquery(AgentProfile.teams.through.objects.all(), "team"),
                open_total=_count_subquery(Ticket.objects.filter(status__in=OPEN_STATUSES), "team"),
            )
        )

    @admin.display(description=_("agents"), ordering="agent_total")
    def agent_count(self, obj: Team) -> int:
        return obj.agent_total

    @admin.display(description=_("open tickets"), ordering="open_total")
    def open_tickets(self, obj: Team) -> int:
        return obj.open_total


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "tier", "team_names", "languages", "max_open_tickets", "open_tickets", "is_available"]
    list_select_related = ["user"]
    list_filter = ["tier", "is_available", "teams"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["teams", "skills"]

    def get_queryset(self, request):
        open_assigned = Ticket.objects.filter(status__in=OPEN_STATUSES)
        return (
            super()
            .get_queryset(request)
            .prefetch_related("teams")
            .annotate(
                open_total=Coalesce(
                    Subquery(
                        open_assigned.filter(assignee=OuterRef("user"))
                        .order_by()
                        .values("assignee")
                        .annotate(n=Count("pk"))
                        .values("n")
                    ),
                    0,
                )
            )
        )

    @admin.display(description=_("teams"))
    def team_names(self, obj: AgentProfile) -> str:
        return ", ".join(team.name for team in obj.teams.all())

    @admin.display(description=_("open tickets"), ordering="open_total")
    def open_tickets(self, obj: AgentProfile) -> int:
        return obj.open_total


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "slug", "default_priority", "requires_verification", "is_active", "position"]
    list_select_related = ["parent"]
    list_filter = ["is_active", "default_priority", "requires_verification", "parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "ticket_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(ticket_total=Count("tickets"))

    @admin.display(description=_("tickets"), ordering="ticket_total")
    def ticket_count(self, obj: Tag) -> int:
        return obj.ticket_total


@admin.register(TicketEvent)
class TicketEventAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """The audit trail. Read-only for everyone: history is never edited in place."""

    list_display = ["created_at", "ticket_link", "kind", "actor", "before", "after", "note"]
    list_select_related = ["actor"]
    list_filter = ["kind", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["=ticket__id", "actor__username"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_display_links = None

    def get_queryset(self, request):
        visible = Ticket.objects.visible_to(request.user).values("id")
        return super().get_queryset(request).filter(Q(ticket_id__in=visible))

    @admin.display(description=_("ticket"), ordering="ticket_id")
    def ticket_link(self, obj: TicketEvent) -> str:
        return ticket_admin_link(obj.ticket_id)


# The email channel's admin (inbound log + quarantine, outbound delivery status) registers itself.
from tickets.email import admin as email_admin  # noqa: E402, F401
