"""Status notices in the back office: incidents and planned maintenance shown on the portal's support hours page."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from knowledge.models import StatusNotice


class NoticeTranslationsField(forms.JSONField):
    """Empty is {} (the column is not nullable); the model's clean() checks the shape."""

    def to_python(self, value):
        parsed = super().to_python(value)
        return {} if parsed is None else parsed


@admin.register(StatusNotice)
class StatusNoticeAdmin(admin.ModelAdmin):
    formfield_overrides = {models.JSONField: {"form_class": NoticeTranslationsField}}
    list_display = ["title", "severity", "starts_at", "ends_at", "is_published", "shown_now"]
    list_filter = ["is_published", "severity"]
    list_editable = ["is_published"]
    search_fields = ["title", "body"]
    date_hierarchy = "starts_at"
    fieldsets = [
        (None, {"fields": ["title", "body", "severity", "is_published"]}),
        (_("When"), {"fields": ["starts_at", "ends_at"]}),
        (_("Other languages"), {"fields": ["translations"], "classes": ["collapse"]}),
    ]

    @admin.display(description=_("on the portal now"), boolean=True)
    def shown_now(self, obj: StatusNotice) -> bool:
        return obj.is_published and (obj.ends_at is None or obj.ends_at > timezone.now())
