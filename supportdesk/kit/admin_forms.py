"""Admin form pieces that keep bad input a form error, never a server error.

- `SafeAutocompleteMixin` (for ModelAdmins and inlines with `autocomplete_fields`): Django's
  autocomplete widgets look the posted ids up as they are when a page is shown again with its
  errors, so a posted "abc" for an integer key ends in a server error. These widgets leave out
  the ids that are not even of the key's type (the field itself reports them as invalid).
- `TranslationsField`: a {language code: text} JSON field; empty means {} (the column is not
  nullable), anything else must be such a mapping with known language codes.
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.choices import LANGUAGE_CHOICES


class _WellTypedIdsOnly:
    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        opts = remote.model._meta
        target = opts.get_field(remote.field_name) if getattr(remote, "field_name", None) else opts.pk
        return super().optgroups(name, [pk for pk in value if _converts(target, pk)], attr)


def _converts(target, pk) -> bool:
    try:
        target.to_python(pk)
    except ValidationError:
        return False
    return True


class SafeAutocompleteSelect(_WellTypedIdsOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_WellTypedIdsOnly, AutocompleteSelectMultiple):
    pass


class SafeAutocompleteMixin:
    """Autocomplete widgets that survive posted ids of the wrong type (mix in before the ModelAdmin class)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class TranslationsField(forms.JSONField):
    """{language code: text}; use with `formfield_overrides` or as a form field."""

    def to_python(self, value):
        parsed = super().to_python(value)
        return {} if parsed is None else parsed

    def validate(self, value) -> None:
        super().validate(value)
        if not isinstance(value, dict) or not all(isinstance(text, str) for text in value.values()):
            raise ValidationError(
                _('Enter language codes with their text, e.g. {"zh-hans": "…"}.'), code="invalid_translations"
            )
        unknown = sorted(set(value) - {code for code, _name in LANGUAGE_CHOICES})
        if unknown:
            raise ValidationError(
                _("Unknown language code(s): %(codes)s."), params={"codes": ", ".join(unknown)}, code="unknown_language"
            )
