"""The audit log viewer: newest first, filterable by who, object type, action and date; read-only for all."""

from __future__ import annotations

import ipaddress

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from supportdesk.audit.models import AuditEntry
from supportdesk.kit.admin_actions import HistoryAdminMixin
from supportdesk.kit.paginator import EstimatedCountPaginator


class StaffActorFilter(admin.SimpleListFilter):
    """Who: staff accounts only (customers reading their own records are rarely the question)."""

    title = _("who")
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        staff = get_user_model().objects.filter(is_staff=True).order_by("username").values_list("pk", "username")
        return [(str(pk), username) for pk, username in staff]

    def queryset(self, request, queryset):
        return queryset.filter(actor_id=self.value()) if self.value() else queryset


class ObjectTypeFilter(admin.SimpleListFilter):
    """The kinds of records the desk audits (a fixed list: no DISTINCT over a big table)."""

    title = _("object type")
    parameter_name = "object_type"
    TYPES = {
        "tickets.ticket": _("ticket"),
        "tickets.customer": _("customer"),
        "tickets.complaint": _("complaint"),
        "tickets.attachment": _("attachment"),
        "tickets.inboundemail": _("inbound email"),
        "feedback.export": _("survey export"),
        "tickets.complaintsummary": _("complaint summary export"),
    }

    def lookups(self, request, model_admin):
        return list(self.TYPES.items())

    def queryset(self, request, queryset):
        return queryset.filter(object_type=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """Append-only: no add, change or delete for anyone (superusers included)."""

    list_display = ["created_at", "actor", "action", "object_type", "object_link", "ip_address", "path"]
    list_select_related = ["actor"]
    list_filter = [StaffActorFilter, ObjectTypeFilter, "action", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["=object_id", "object_repr", "=actor__username"]
    search_help_text = _("Exact object id, object text, exact username or exact IP address.")
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    list_per_page = 100
    list_display_links = None

    def get_search_results(self, request, queryset, search_term):
        """An IP address is searched exactly, and only when the term is one (PostgreSQL's inet rejects text)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            address = str(ipaddress.ip_address(search_term.strip()))
        except ValueError:
            return results, may_have_duplicates
        return results | queryset.filter(ip_address=address), may_have_duplicates

    @admin.display(description=_("object"), ordering="object_id")
    def object_link(self, obj: AuditEntry) -> str:
        app_label, _dot, model = obj.object_type.partition(".")
        text = obj.object_repr or obj.object_id
        try:
            url = reverse(f"admin:{app_label}_{model}_change", args=[obj.object_id])
        except NoReverseMatch:
            return text
        return format_html('<a href="{}">{}</a>', url, text)
