"""Ticket tags in the back office, with how many tickets carry each."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from tickets.models import Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "ticket_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(ticket_total=Count("tickets"))

    @admin.display(description=_("tickets"), ordering="ticket_total")
    def ticket_count(self, obj: Tag) -> int:
        return obj.ticket_total
