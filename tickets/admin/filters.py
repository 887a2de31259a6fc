"""Filters of the ticket changelist: the queue (open / pending customer) and the assignee."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tickets.admin.forms import agent_users
from tickets.models import OPEN_STATUSES


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assignee")
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        agents = agent_users().only("id", "username", "first_name", "last_name")
        return [
            ("me", _("Me")),
            ("created", _("Created by me")),
            ("none", _("Unassigned")),
            *((str(user.pk), user.get_full_name() or user.get_username()) for user in agents),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(assignee=request.user)
        if value == "created":
            return queryset.filter(created_by=request.user)
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
