"""Admin pieces for encrypted columns: masked list cells and exact search through the blind index."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q

from supportdesk.kit.crypto import masked


def masked_column(field_name: str, description):
    """A list_display cell showing only the last characters of an encrypted identifier."""

    @admin.display(description=description)
    def cell(self, obj) -> str:
        return masked(getattr(obj, field_name))

    cell.__name__ = f"{field_name}_masked"
    return cell


class BlindSearchMixin:
    """`blind_search_fields`: encrypted searchable columns (or lookups through relations ending in one)
    that the admin search matches exactly, by their keyed hash, beside the ordinary `search_fields`."""

    blind_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term and self.blind_search_fields:
            exact = Q()
            for field in self.blind_search_fields:
                exact |= Q(**{field: term})
            found |= queryset.filter(exact)
            may_have_duplicates = may_have_duplicates or any("__" in field for field in self.blind_search_fields)
        return found, may_have_duplicates
