"""Customers in the back office: their other addresses and wallets, ticket counts, and merging duplicates."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from supportdesk.audit.recording import ReadAuditAdminMixin
from supportdesk.kit.admin_actions import HistoryAdminMixin, action_page, run_for_each
from supportdesk.kit.admin_forms import SafeAutocompleteMixin
from supportdesk.kit.admin_privacy import DeferEncryptedInListMixin
from supportdesk.kit.paginator import EstimatedCountPaginator
from tickets import customer360, services
from tickets.admin import forms
from tickets.admin.counts import count_subquery
from tickets.admin.panels import SIDE, TicketPanel, register_ticket_panel
from tickets.models import Customer, CustomerEmail, CustomerMerge, Ticket, WalletAddress
from tickets.safety.services import sensitive


class CustomerEmailInline(admin.TabularInline):
    model = CustomerEmail
    extra = 0


class WalletAddressInline(admin.TabularInline):
    model = WalletAddress
    extra = 0


@admin.register(Customer)
class CustomerAdmin(DeferEncryptedInListMixin, SafeAutocompleteMixin, ReadAuditAdminMixin, admin.ModelAdmin):
    form = forms.CustomerAdminForm
    list_display = ["__str__", "language", "country", "is_vip", "portal_account", "ticket_count", "created_at"]
    # Encrypted and not in the list: a page of customers decrypts nothing (README "Privacy").
    list_deferred_fields = ("phone", "notes")
    list_select_related = ["user"]
    list_filter = [
        "is_vip",
        "language",
        "country",
        ("user", admin.EmptyFieldListFilter),
        ("secret_exposed_at", admin.EmptyFieldListFilter),
    ]
    # The phone and wallet addresses are encrypted at rest: found by their exact value (blind index), see
    # get_search_results.
    search_fields = ["name", "email", "other_emails__email"]
    inlines = [CustomerEmailInline, WalletAddressInline]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    actions = ["merge_customers"]
    # The exposure fields are set by the wallet-safety playbook when the customer sends a secret; never by hand.
    readonly_fields = [
        "overview_link", "user", "created_at", "updated_at", "secret_exposed_at", "secret_exposed_channel",
    ]  # fmt: skip

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if any(character.isdigit() for character in search_term):
            found |= queryset.filter(phone__blind=search_term)
            wallets = WalletAddress.objects.filter(address__blind=search_term).values("customer_id")
            found |= queryset.filter(pk__in=wallets)
        return found, may_have_duplicates

    def get_readonly_fields(self, request, obj=None):
        """The portal login is linked only by the customer's own code (portal "link"), never here; the
        addresses that code and allauth's verified sign-in link by change only with tickets.merge_customers."""
        fields = super().get_readonly_fields(request, obj)
        if request.user.has_perm("tickets.merge_customers"):
            return fields
        return [*fields, "email", "phone"]

    def save_model(self, request, obj: Customer, form, change: bool) -> None:
        if change and form.contact_changed():
            sensitive.customer_change_contact(
                customer=obj,
                actor=request.user,
                email=form.cleaned_data.get("email"),
                phone=form.cleaned_data.get("phone"),
            )
        super().save_model(request, obj, form, change)

    def has_merge_permission(self, request) -> bool:
        return request.user.has_perm("tickets.merge_customers")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(ticket_total=count_subquery(Ticket.objects.all(), "customer"))

    @admin.display(description=_("tickets"), ordering="ticket_total")
    def ticket_count(self, obj: Customer) -> int:
        return obj.ticket_total

    @admin.display(description=_("overview"))
    def overview_link(self, obj: Customer) -> str:
        if obj.pk is None:
            return "-"
        url = reverse("admin:tickets_customer_360", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Customer 360"))

    def get_urls(self):
        overview = path(
            "<int:object_id>/360/", self.admin_site.admin_view(self.customer360_view), name="tickets_customer_360"
        )
        return [overview, *super().get_urls()]

    def customer360_view(self, request: HttpRequest, object_id: int) -> TemplateResponse:
        """Profile, channels, wallets, open SLA clocks and a paginated timeline: a fixed number of queries."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        customer = get_object_or_404(Customer.objects.select_related("user"), pk=object_id)
        try:
            page = int(request.GET.get("page", 1))
        except ValueError as error:
            raise Http404 from error
        context = {
            **self.admin_site.each_context(request),
            "title": _("Customer 360: %(customer)s") % {"customer": customer},
            "opts": self.model._meta,
            "overview": customer360.customer_overview(user=request.user, customer=customer),
            "timeline": customer360.customer_timeline(user=request.user, customer=customer, page=page),
        }
        return TemplateResponse(request, "admin/tickets/customer/customer360.html", context)

    @admin.display(description=_("portal account"), boolean=True)
    def portal_account(self, obj: Customer) -> bool:
        return obj.user_id is not None

    @admin.action(description=_("Merge selected customers…"), permissions=["merge"])
    def merge_customers(self, request, queryset) -> HttpResponse | None:
        if queryset.count() < 2:
            self.message_user(request, _("Select at least two customers to merge."), messages.WARNING)
            return None
        form = forms.CustomerMergeForm(request.POST if "apply" in request.POST else None, customers=queryset)
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


@admin.register(CustomerMerge)
class CustomerMergeAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """The audit trail of customer merges; a supervisor (tickets.merge_customers) can undo one."""

    list_display = ["duplicate_email", "primary", "merged_by", "merged_at", "undone_by", "undone_at"]
    list_select_related = ["primary", "merged_by", "undone_by"]
    list_filter = [("undone_at", admin.EmptyFieldListFilter)]
    search_fields = ["duplicate_email", "primary__email"]
    date_hierarchy = "merged_at"
    actions = ["undo_merges"]
    readonly_fields = [
        "primary", "duplicate_email", "duplicate", "primary_before", "moved_ticket_ids", "added_emails",
        "added_wallets", "merged_by", "merged_at", "undone_by", "undone_at",
    ]  # fmt: skip

    def has_undo_permission(self, request) -> bool:
        return request.user.has_perm("tickets.merge_customers")

    @admin.action(description=_("Undo selected merges"), permissions=["undo"])
    def undo_merges(self, request, queryset) -> None:
        run_for_each(
            self,
            request,
            queryset.filter(undone_at__isnull=True),
            lambda merge: services.customer_merge_undo(merge=merge, actor=request.user),
            lambda undone: ngettext("%(count)d merge undone.", "%(count)d merges undone.", undone) % {"count": undone},
        )


def customer_panel_context(request: HttpRequest, ticket: Ticket) -> dict:
    """Who asks, with a link to their 360 page; the customer comes with the ticket (no query)."""
    return {"customer": ticket.customer}


register_ticket_panel(
    TicketPanel(
        key="tickets.customer",
        template="admin/tickets/customer/_ticket_panel.html",
        order=400,
        context=customer_panel_context,
        column=SIDE,
    )
)
