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


class DeferEncryptedInListMixin:
    """`list_deferred_fields`: encrypted columns the changelist does not show, left unread there, so a page of
    rows costs no decryption (the change page still reads them)."""

    list_deferred_fields: tuple[str, ...] = ()

    def get_changelist(self, request, **kwargs):
        base, deferred = super().get_changelist(request, **kwargs), self.list_deferred_fields

        class DeferringChangeList(base):
            def get_queryset(self, request, exclude_parameters=None):
                return super().get_queryset(request, exclude_parameters).defer(*deferred)

        return DeferringChangeList
