"""Bulk actions of the ticket changelist. Each runs a service per selected ticket (supportdesk.kit.admin_actions)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.admin_actions import action_page, run_for_each
from tickets import services
from tickets.admin import forms
from tickets.services import escalation

ACTION_TEMPLATE = "admin/sd_action_form.html"


def form_action(model_admin, request, queryset, form_class, action: str, title: str, apply, **form_kwargs):
    """Ask for the action's input on an intermediate page; once it is valid, `apply` the cleaned data."""
    form = form_class(request.POST if "apply" in request.POST else None, **form_kwargs)
    if form.is_valid():
        apply(form.cleaned_data)
        return None
    return action_page(model_admin, request, queryset, form, action, title, template=ACTION_TEMPLATE)


@admin.action(description=_("Assign to me"), permissions=["change"])
def assign_to_me(model_admin, request, queryset) -> None:
    run_for_each(
        model_admin,
        request,
        queryset,
        lambda ticket: services.ticket_assign(ticket=ticket, assignee=request.user, actor=request.user),
        _("%(count)d tickets assigned to you."),
    )


@admin.action(description=_("Assign to…"), permissions=["change"])
def assign_to(model_admin, request, queryset) -> HttpResponse | None:
    def apply(data):
        run_for_each(
            model_admin,
            request,
            queryset,
            lambda ticket: services.ticket_assign(ticket=ticket, assignee=data["assignee"], actor=request.user),
            _("%(count)d tickets assigned."),
        )

    return form_action(model_admin, request, queryset, forms.AssignActionForm, "assign_to", _("Assign tickets"), apply)


@admin.action(description=_("Change status…"), permissions=["change"])
def change_status(model_admin, request, queryset) -> HttpResponse | None:
    def apply(data):
        run_for_each(
            model_admin,
            request,
            queryset,
            lambda ticket: services.ticket_change_status(ticket=ticket, status=data["status"], actor=request.user),
            _("%(count)d tickets changed status."),
        )

    return form_action(
        model_admin, request, queryset, forms.StatusActionForm, "change_status", _("Change status"), apply
    )


@admin.action(description=_("Change priority…"), permissions=["change"])
def change_priority(model_admin, request, queryset) -> HttpResponse | None:
    def apply(data):
        run_for_each(
            model_admin,
            request,
            queryset,
            lambda ticket: services.ticket_change_priority(
                ticket=ticket, priority=data["priority"], actor=request.user
            ),
            _("%(count)d tickets changed priority."),
        )

    return form_action(
        model_admin, request, queryset, forms.PriorityActionForm, "change_priority", _("Change priority"), apply
    )


@admin.action(description=_("Correct the language…"), permissions=["change"])
def change_language(model_admin, request, queryset) -> HttpResponse | None:
    def apply(data):
        run_for_each(
            model_admin,
            request,
            queryset,
            lambda ticket: services.ticket_change_language(
                ticket=ticket, language=data["language"], actor=request.user
            ),
            _("%(count)d tickets changed language."),
        )

    return form_action(
        model_admin, request, queryset, forms.LanguageActionForm, "change_language", _("Correct the language"), apply
    )


@admin.action(description=_("Escalate / change tier…"), permissions=["change"])
def change_tier(model_admin, request, queryset) -> HttpResponse | None:
    def apply(data):
        run_for_each(
            model_admin,
            request,
            queryset,
            lambda ticket: escalation.ticket_escalate(
                ticket=ticket, to_tier=data["tier"], actor=request.user, reason=data["reason"]
            ),
            _("%(count)d tickets changed tier."),
        )

    return form_action(model_admin, request, queryset, forms.TierActionForm, "change_tier", _("Change tier"), apply)


@admin.action(description=_("Merge selected tickets…"), permissions=["change"])
def merge_tickets(model_admin, request, queryset) -> HttpResponse | None:
    if queryset.count() < 2:
        model_admin.message_user(request, _("Select at least two tickets to merge."), messages.WARNING)
        return None

    def apply(data):
        target = data["target"]
        run_for_each(
            model_admin,
            request,
            queryset.exclude(pk=target.pk),
            lambda ticket: services.ticket_merge(source=ticket, target=target, actor=request.user),
            _("%(count)d tickets merged into %(target)s."),
            target=target.reference,
        )

    return form_action(
        model_admin, request, queryset, forms.MergeActionForm, "merge_tickets", _("Merge tickets"), apply,
        tickets=queryset,
    )  # fmt: skip
