"""Admin form pieces that turn bad input into form errors (admin-wide: tests/supportdesk/test_admin_bad_input.py)."""

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory

from supportdesk.kit.admin_forms import SafeAutocompleteSelectMultiple, TranslationsField
from training.models import TrainingCourse


class NamesForm(forms.Form):
    translations = TranslationsField(required=False)


@pytest.mark.parametrize(("posted", "expected"), [("", {}), ('{"zh-hans": "交易"}', {"zh-hans": "交易"}), ("{}", {})])
def test_translations_are_a_mapping_of_known_languages_and_empty_is_an_empty_mapping(posted, expected):
    form = NamesForm({"translations": posted})

    assert form.is_valid()
    assert form.cleaned_data["translations"] == expected


@pytest.mark.parametrize(
    ("posted", "error"),
    [
        ('["zh-hans"]', "Enter language codes with their text"),
        ('{"zh-hans": 3}', "Enter language codes with their text"),
        ('{"xx-klingon": "Qapla"}', "Unknown language code(s): xx-klingon."),
        ('{"unclosed": ', "Enter a valid JSON."),
    ],
)
def test_other_json_is_a_field_error(posted, error):
    form = NamesForm({"translations": posted})

    assert not form.is_valid()
    assert error in form.errors["translations"][0]


@pytest.mark.django_db
def test_an_autocomplete_shown_again_with_an_id_of_the_wrong_type_leaves_it_out(administrator):
    request = RequestFactory().get("/")
    request.user = administrator
    model_admin = admin.site._registry[TrainingCourse]
    form = model_admin.get_form(request)({"articles": ["not-an-id"]})

    assert isinstance(form.fields["articles"].widget.widget, SafeAutocompleteSelectMultiple)
    assert not form.is_valid()
    assert "“not-an-id” is not a valid value." in str(form.errors["articles"])
    assert 'name="articles"' in str(form["articles"])  # rendering did not look "not-an-id" up
