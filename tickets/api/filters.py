"""Query-string filters of the ticket list: strict ids and ISO 8601 date-times, each backed by an index."""

from __future__ import annotations

from datetime import UTC

import django_filters
from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.choices import LANGUAGE_CHOICES
from tickets.models import Channel, Priority, Status, Ticket

MAX_ID = 999_999_999_999_999_999


class BoundedIntegerField(forms.IntegerField):
    """An id: a whole number the database integer can hold (a bigger one would be a 500, not a 400)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(min_value=0, max_value=MAX_ID, **kwargs)


class IntegerFilter(django_filters.NumberFilter):
    """NumberFilter accepts decimals ("0.5"); ids are whole numbers."""

    field_class = BoundedIntegerField


class StrictDateTimeField(forms.DateTimeField):
    """Only full ISO 8601 date-times (what the schema promises), not Django's many input formats."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        message = _("Enter an ISO 8601 date-time, e.g. 2026-01-31T09:00:00Z.")
        try:
            parsed = parse_datetime(str(value))
        except ValueError as error:
            raise forms.ValidationError(message, code="invalid") from error
        if parsed is None:
            raise forms.ValidationError(message, code="invalid")
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        try:
            # In UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 (and parse_datetime) allow.
            return parsed.astimezone(UTC)
        except (OverflowError, ValueError) as error:
            raise forms.ValidationError(message, code="invalid") from error


class DateTimeFilter(django_filters.Filter):
    field_class = StrictDateTimeField


class TicketFilter(django_filters.FilterSet):
    """Every filter here is backed by an index on tickets_ticket (see Ticket.Meta.indexes)."""

    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    priority = django_filters.ChoiceFilter(choices=Priority.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    language = django_filters.ChoiceFilter(choices=LANGUAGE_CHOICES)
    category = django_filters.CharFilter(field_name="category__slug")
    team = IntegerFilter(field_name="team_id")
    assignee = IntegerFilter(field_name="assignee_id")
    unassigned = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_unassigned", label=_("Only (un)assigned tickets")
    )
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte", label=_("ISO 8601 date-time"))
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt", label=_("ISO 8601 date-time"))
    q = django_filters.CharFilter(method="search", label=_("Reference (SD-000123) or words of the subject"))

    class Meta:
        model = Ticket
        fields = []

    def filter_unassigned(self, queryset, name, value):
        return queryset.filter(assignee__isnull=value == "true")

    def search(self, queryset, name, value):
        reference = value.strip().upper().removeprefix("SD-")
        if reference.isdigit() and len(reference) <= len(str(MAX_ID)) - 1:
            return queryset.filter(pk=int(reference))
        return queryset.filter(subject__icontains=value.strip())
