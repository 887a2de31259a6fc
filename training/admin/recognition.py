"""Back office of recognition: confirmed agent awards (agents see only theirs) and the monthly "top agents" page.

Awards are written only by training.services.award_confirm from the top agents page
(coaches, training.coach_agents); the changelist is a read-only record.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.admin_actions import HistoryAdminMixin, action_page, run_for_each
from supportdesk.kit.admin_links import app_list_link
from training.models import COACH_PERMISSION, AgentAward
from training.selectors import first_of_month, top_agents
from training.services import award_confirm, award_revoke


class MonthField(forms.DateField):
    """A calendar month as YYYY-MM (the browser's month picker), cleaned to its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]

    def to_python(self, value) -> date | None:
        day = super().to_python(value)
        return first_of_month(day) if day else None


class MonthForm(forms.Form):
    month = MonthField(label=_("Month"))

    def clean_month(self) -> date:
        month = self.cleaned_data["month"]
        if month > first_of_month(timezone.localdate()):
            raise ValidationError(_("Choose this month or an earlier one."), code="future_month")
        return month


class RevokeAwardForm(forms.Form):
    reason = forms.CharField(label=_("reason for revoking"), max_length=255)


class ConfirmAwardForm(MonthForm):
    agent = forms.ModelChoiceField(queryset=get_user_model().objects.filter(is_staff=True, is_active=True))
    citation = forms.CharField(label=_("Citation"), required=False, max_length=1000, widget=forms.Textarea)


def _last_month() -> date:
    return first_of_month(timezone.localdate()) - relativedelta(months=1)


@admin.register(AgentAward)
class AgentAwardAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = [
        "agent", "month", "rank", "csat", "responses", "tickets", "confirmed_by", "confirmed_at", "revoked_at",
    ]  # fmt: skip
    list_select_related = ["agent", "confirmed_by"]
    list_filter = ["rank", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["agent__username", "agent__first_name", "agent__last_name", "citation"]
    date_hierarchy = "month"
    fields = [
        "agent", "month", "rank", "csat", "responses", "tickets", "citation", "confirmed_by", "confirmed_at",
        "revoked_at", "revoked_by", "revoke_reason",
    ]  # fmt: skip
    readonly_fields = fields
    actions = ["revoke"]

    def has_coach_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(COACH_PERMISSION)

    @admin.action(description=_("Revoke the selected awards…"), permissions=["coach"])
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        form = RevokeAwardForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return action_page(
                self, request, queryset, form, "revoke", _("Revoke awards"), template="admin/sd_action_form.html"
            )
        reason = form.cleaned_data["reason"]
        run_for_each(
            self,
            request,
            queryset.select_related("agent"),
            lambda award: award_revoke(award=award, actor=request.user, reason=reason),
            _("%(count)d awards revoked."),
        )
        return None

    change_list_template = "admin/training/agentaward/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).visible_to(request.user)

    def get_urls(self):
        return [
            path("top/", self.admin_site.admin_view(self.top_agents_view), name="training_agentaward_top"),
            *super().get_urls(),
        ]

    def app_list_links(self, request: HttpRequest) -> list[dict]:
        if not request.user.has_perm(COACH_PERMISSION):
            return []
        url = reverse("admin:training_agentaward_top")
        return [app_list_link(key="topagents", name=_("Top agents of the month"), url=url, model=self.model)]

    def top_agents_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(COACH_PERMISSION):
            raise PermissionDenied
        if request.method == "POST":
            return self._confirm(request)
        form = MonthForm(request.GET if "month" in request.GET else {"month": f"{_last_month():%Y-%m}"})
        month = form.cleaned_data["month"] if form.is_valid() else _last_month()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Top agents of the month"),
            "opts": self.model._meta,
            "form": form,
            "top": top_agents(month=month),
            "month_over": month < first_of_month(timezone.localdate()),
        }
        return TemplateResponse(request, "admin/training/top_agents.html", context)

    def _confirm(self, request: HttpRequest) -> HttpResponse:
        form = ConfirmAwardForm(request.POST)
        if not form.is_valid():
            errors = " ".join(error for field_errors in form.errors.values() for error in field_errors)
            self.message_user(request, errors, messages.ERROR)
            return redirect("admin:training_agentaward_top")
        data = form.cleaned_data
        try:
            award, created = award_confirm(
                agent=data["agent"], month=data["month"], actor=request.user, citation=data["citation"]
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            if created:
                self.message_user(request, _("Award confirmed: %(award)s.") % {"award": award}, messages.SUCCESS)
            else:
                self.message_user(request, _("This award was already confirmed."), messages.WARNING)
        return redirect(f"{reverse('admin:training_agentaward_top')}?month={data['month']:%Y-%m}")
