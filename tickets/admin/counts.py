"""Per-row counts for changelist columns (tickets of a customer, agents and open tickets of a team)."""

from __future__ import annotations

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce


def count_subquery(queryset: QuerySet, field: str) -> Coalesce:
    """COUNT of related rows as a per-row subquery: only evaluated for the rows on the page."""
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)
