"""An agent's training page in the admin: history, certifications, open assignments, CSAT, awards.

Who may open whose page is decided in one place, training.selectors.training_agents_visible_to
(a coach any staff member's, everyone else their own; anything else is a 404). Only the agent
themself starts or finishes their training here, through training.services.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.reports import DIMENSION_LABELS
from supportdesk.kit.admin_links import app_list_link
from training import services
from training.models import COACH_PERMISSION, OPEN_STATUSES, TrainingAssignment
from training.selectors import agent_training_page, training_agents_visible_to


class OwnTrainingForm(forms.Form):
    """A button on the page: start an open assignment, or mark an open self-study done."""

    ACTIONS = {"start": services.training_start, "complete": services.training_complete_self_study}

    action = forms.ChoiceField(choices=[("start", _("Start")), ("complete", _("Mark done"))])
    assignment = forms.ModelChoiceField(queryset=TrainingAssignment.objects.none())

    def __init__(self, *args, agent, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = TrainingAssignment.objects.filter(agent=agent, status__in=OPEN_STATUSES)

    def save(self, *, actor) -> TrainingAssignment:
        service = self.ACTIONS[self.cleaned_data["action"]]
        return service(assignment=self.cleaned_data["assignment"], actor=actor)


class AgentTrainingPageMixin:
    """Adds agent/<id>/ to the training assignment admin, and its links to the app list (see SupportDeskAdminSite)."""

    def get_urls(self):
        return [
            path(
                "agent/<id:agent_id>/",
                self.admin_site.admin_view(self.agent_training_view),
                name="training_trainingassignment_agent",
            ),
            *super().get_urls(),
        ]

    def app_list_links(self, request: HttpRequest) -> list[dict]:
        if not self.has_view_permission(request):
            return []
        own_page = reverse("admin:training_trainingassignment_agent", args=[request.user.pk])
        links = [app_list_link(key="mytraining", name=_("My training"), url=own_page, model=self.model)]
        if request.user.has_perm(COACH_PERMISSION):
            matrix = reverse("admin:training_trainingassignment_matrix")
            name = _("Team training matrix")
            links.append(app_list_link(key="trainingmatrix", name=name, url=matrix, model=self.model))
        return links

    def agent_training_view(self, request: HttpRequest, agent_id: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        agent = get_object_or_404(training_agents_visible_to(request.user), pk=agent_id)
        if request.method == "POST":
            return self._own_training_action(request, agent)
        page = agent_training_page(agent=agent, today=timezone.localdate())
        is_own = agent.pk == request.user.pk
        name = agent.get_full_name() or agent.get_username()
        context = {
            **self.admin_site.each_context(request),
            "title": _("My training") if is_own else _("Training of %(name)s") % {"name": name},
            "opts": self.model._meta,
            "page": page,
            "is_own": is_own,
            "is_coach": request.user.has_perm(COACH_PERMISSION),
            "dimensions": [
                {
                    "label": label,
                    "agent": page.scorecard.averages.get(dimension) if page.scorecard else None,
                    "team": page.scorecard.team_averages.get(dimension) if page.scorecard else None,
                    "below": bool(page.scorecard) and dimension in page.scorecard.training_dimensions,
                }
                for dimension, label in DIMENSION_LABELS.items()
            ],
            "threshold": settings.FEEDBACK_TRAINING_THRESHOLD,
            "min_responses": settings.FEEDBACK_SCORECARD_MIN_RESPONSES,
        }
        return TemplateResponse(request, "admin/training/agent_training.html", context)

    def _own_training_action(self, request: HttpRequest, agent) -> HttpResponse:
        if agent.pk != request.user.pk:
            raise PermissionDenied
        form = OwnTrainingForm(request.POST, agent=agent)
        if not form.is_valid():
            errors = " ".join(error for field_errors in form.errors.values() for error in field_errors)
            self.message_user(request, errors, messages.ERROR)
        else:
            try:
                assignment = form.save(actor=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(course)s: %(status)s.")
                    % {"course": assignment.course, "status": assignment.get_status_display()},
                )
        return redirect("admin:training_trainingassignment_agent", agent_id=agent.pk)
