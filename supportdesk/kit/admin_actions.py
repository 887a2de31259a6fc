"""Building blocks of admin bulk actions: run a service for each selected row, and the page that asks
for the action's input (assignee, status, stage, …). Used by every admin of the tickets app and by knowledge."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse


def error_text(error: Exception) -> str:
    """What a refused service call tells the user (a ValidationError's messages, or the exception's text)."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def run_for_each(
    model_admin, request, objects: Iterable, operation: Callable, done_message: str | Callable[[int], str], **params
) -> None:
    """Call `operation` (a service) per row; one success message with the count, one error per refused row.

    `done_message` is a %-format with `count` (and `params`), or a function of the count for plural-aware text."""
    done, failures = 0, []
    for obj in objects:
        try:
            operation(obj)
            done += 1
        except (ValidationError, PermissionDenied) as error:
            # Tickets and complaints are named by their reference; other records by themselves.
            failures.append(f"{getattr(obj, 'reference', obj)}: {error_text(error)}")
    if done:
        text = done_message(done) if callable(done_message) else done_message % {"count": done, **params}
        model_admin.message_user(request, text, messages.SUCCESS)
    for failure in failures:
        model_admin.message_user(request, failure, messages.ERROR)


def action_page(model_admin, request, objects, form, action: str, title: str, *, template: str) -> TemplateResponse:
    """The intermediate page of an action that needs input; posting it back re-runs the action with `apply`."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "form": form,
        "action": action,
        "objects": objects,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, template, context)


class ReadOnlyAdminMixin:
    """Records written only by services (logs, transcripts): visible to those allowed, never added or edited here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class HistoryAdminMixin(ReadOnlyAdminMixin):
    """An audit trail: not even deleted by hand."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
