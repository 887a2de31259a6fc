"""Ticket categories in the back office (a tree: a category may have a parent)."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from supportdesk.kit.admin_forms import SafeAutocompleteMixin, TranslationsField
from tickets.models import Category


@admin.register(Category)
class CategoryAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name", "parent", "slug", "default_priority", "requires_verification", "is_active", "position"]
    list_select_related = ["parent"]
    list_filter = ["is_active", "default_priority", "requires_verification", "parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    formfield_overrides = {models.JSONField: {"form_class": TranslationsField}}
