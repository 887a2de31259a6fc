"""No 500 on bad input anywhere in the admin.

For every registered ModelAdmin, a superuser posts an empty form and a garbage form (over-long
strings, stray placeholders, words where numbers belong, impossible dates and times, unknown
choices and language codes, foreign keys to rows that do not exist, broken JSON) to its add and
change pages, an unknown action to its changelist, and the same to every custom page its
get_urls() adds (with the id of a real row and of a missing one). Every answer must be a page
with errors, a redirect, or a refusal: 200, 302, 400, 403 or 404.

The garbage is built from the form each page renders (its fields, widgets and inline formsets),
so a new admin or field is covered without touching this test.
"""

from __future__ import annotations

import pytest
from django import forms
from django.contrib import admin
from django.urls import URLPattern, reverse

from tests.supportdesk.test_admin_site import NO_ADD, OBJECT_BUILDERS

pytestmark = pytest.mark.django_db

ACCEPTED = {200, 302, 400, 403, 404}
# A custom page refuses the method it does not serve (a download a POST, an action a GET) as HTTP says.
ACCEPTED_ON_CUSTOM_PAGES = {*ACCEPTED, 405}
MISSING_ID = 987654
LONG_TEXT = "{{ customer.name " + "x" * 5000
STANDARD_VIEWS = {"changelist", "add", "history", "delete", "change"}


def garbage_for(field: forms.Field, position: int) -> str | list[str]:
    """A value of the wrong kind (or out of range) for `field`, the `position`-th of its form."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        return [str(MISSING_ID), "not-an-id"]
    if isinstance(field, forms.ModelChoiceField):
        # Alternately a row that does not exist and an id of the wrong type.
        return "not-an-id" if position % 2 else str(MISSING_ID)
    if isinstance(field, forms.MultipleChoiceField):
        return ["no-such-choice", "xx-klingon"]
    if isinstance(field, forms.ChoiceField):
        return "xx-klingon"
    if isinstance(field, forms.IntegerField | forms.FloatField | forms.DecimalField):
        return "9" * 30
    if isinstance(field, forms.DateTimeField | forms.DateField):
        return "2026-02-30"
    if isinstance(field, forms.TimeField):
        return "25:61"
    if isinstance(field, forms.DurationField):
        return "forever"
    if isinstance(field, forms.JSONField):
        return '{"unclosed": '
    if isinstance(field, forms.EmailField):
        return "not an address@"
    if isinstance(field, forms.URLField):
        return "javascript:alert(1)"
    if isinstance(field, forms.UUIDField):
        return "not-a-uuid"
    if isinstance(field, forms.BooleanField):
        return "maybe"
    return LONG_TEXT


def field_data(fields: dict[str, forms.Field], prefix: str | None, *, garbage: bool) -> dict[str, str | list[str]]:
    data: dict[str, str | list[str]] = {}
    for position, (name, field) in enumerate(fields.items()):
        key = f"{prefix}-{name}" if prefix else name
        value = garbage_for(field, position) if garbage else ""
        if isinstance(field.widget, forms.MultiWidget):
            # Split widgets (date and time) post one value per part.
            for suffix in field.widget.widgets_names:
                data[f"{key}{suffix}"] = "25:61" if garbage and suffix == "_1" else value
        elif isinstance(field, forms.FileField):
            continue
        else:
            data[key] = value
    return data


def payloads(page) -> dict[str, dict]:
    """The "empty" and "garbage" posts for the form of an add or change page (main form plus inlines)."""
    context = page.context
    built = {}
    for name, garbage in (("empty", False), ("garbage", True)):
        form = context["adminform"].form
        data = field_data(form.fields, form.prefix, garbage=garbage)
        for inline in context.get("inline_admin_formsets") or []:
            formset = inline.formset
            data |= {
                f"{formset.prefix}-TOTAL_FORMS": str(formset.initial_form_count() + 1),
                f"{formset.prefix}-INITIAL_FORMS": str(formset.initial_form_count()),
                f"{formset.prefix}-MIN_NUM_FORMS": "0",
                f"{formset.prefix}-MAX_NUM_FORMS": "1000",
            }
            for row in formset.forms[: formset.initial_form_count()]:
                # Existing rows are posted back as they are; the garbage goes into the extra row.
                data |= {
                    row.add_prefix(key): value for key, value in row.initial.items() if isinstance(value, str | int)
                }
                data[row.add_prefix("id")] = str(row.instance.pk)
            # One extra row, named like the row after the existing ones.
            extra = formset.add_prefix(formset.initial_form_count())
            data |= field_data(formset.empty_form.fields, extra, garbage=garbage)
        built[name] = data
    return built


def custom_urls(model_admin, obj) -> list[str]:
    """The pages a ModelAdmin adds with get_urls(), with a real and a missing id for each argument."""
    urls = []
    info = f"{model_admin.model._meta.app_label}_{model_admin.model._meta.model_name}"
    for pattern in model_admin.get_urls():
        if not isinstance(pattern, URLPattern) or not pattern.name:
            continue
        if pattern.name.removeprefix(f"{info}_") in STANDARD_VIEWS:
            continue
        arguments = list(pattern.pattern.converters)
        ids = [obj.pk, MISSING_ID] if arguments else [None]
        for pk in ids:
            kwargs = dict.fromkeys(arguments, pk) if pk is not None else {}
            urls.append(reverse(f"admin:{pattern.name}", kwargs=kwargs))
    return urls


def check(client, failures: list, method: str, url: str, data: dict, label: str, accepted=ACCEPTED) -> None:
    response = getattr(client, method)(url, data)
    if response.status_code not in accepted:
        failures.append(f"{method.upper()} {url} [{label}] → {response.status_code}")


@pytest.fixture
def superuser_client(client, administrator):
    client.force_login(administrator)
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("label", sorted(OBJECT_BUILDERS))
def test_bad_input_never_makes_an_admin_page_fail(superuser_client, customer, agent, ticket, label):
    model = next(model for model in admin.site._registry if model._meta.label == label)
    model_admin = admin.site._registry[model]
    obj = OBJECT_BUILDERS[label]({"customer": customer, "agent": agent, "ticket": ticket})
    info = f"{model._meta.app_label}_{model._meta.model_name}"
    failures: list[str] = []

    pages = [reverse(f"admin:{info}_change", args=[obj.pk])]
    if label not in NO_ADD:
        pages.append(reverse(f"admin:{info}_add"))
    for url in pages:
        page = superuser_client.get(url)
        if page.status_code != 200 or "adminform" not in page.context:
            continue  # read-only: nothing to post
        for name, data in payloads(page).items():
            check(superuser_client, failures, "post", url, data, name)
    changelist = reverse(f"admin:{info}_changelist")
    check(superuser_client, failures, "post", changelist, {"action": "no_such_action", "index": "0",
          "_selected_action": [str(MISSING_ID), "abc"]}, "unknown action")  # fmt: skip
    for url in custom_urls(model_admin, obj):
        for name, data in (("empty", {}), ("garbage", {"q": LONG_TEXT, "page": "-1", "date": "2026-02-30",
                           "team": "abc", "week": "x", "month": "13", "macro": "abc", "body": LONG_TEXT})):  # fmt: skip
            check(superuser_client, failures, "get", url, data, name, ACCEPTED_ON_CUSTOM_PAGES)
            check(superuser_client, failures, "post", url, data, name, ACCEPTED_ON_CUSTOM_PAGES)

    assert failures == []
