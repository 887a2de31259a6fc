"""Back office of agent training: courses, assignments (agents see only theirs), the team training matrix.

Writes go through training.services. Agents hold only view permissions here:
they start and finish their own self-study with the list actions or on their training page
(training.admin.agent_page); coaches (training.coach_agents) assign courses and record
quiz/workshop scores on the change form.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from supportdesk.kit.admin_actions import ReadOnlyAdminMixin
from supportdesk.kit.admin_forms import SafeAutocompleteMixin
from tickets.models import Team
from training import services
from training.admin.agent_page import AgentTrainingPageMixin
from training.models import (
    COACH_PERMISSION,
    OPEN_STATUSES,
    AssignmentReason,
    AssignmentStatus,
    TrainingAssignment,
    TrainingCourse,
    TrainingEvent,
)
from training.selectors import training_matrix


@admin.register(TrainingCourse)
class TrainingCourseAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "topic",
        "format",
        "is_mandatory",
        "mandatory_tier",
        "validity_months",
        "coaches_dimension",
        "is_active",
    ]
    list_filter = ["topic", "format", "is_mandatory", "mandatory_roles", "coaches_dimension", "is_active"]
    search_fields = ["title"]
    autocomplete_fields = ["articles", "mandatory_teams"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "mandatory_roles":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        services.training_course_save(course=obj)


class ExpiringSoonFilter(admin.SimpleListFilter):
    title = _("certification")
    parameter_name = "certification"

    def lookups(self, request, model_admin):
        return [("expiring", _("expiring within the refresher window")), ("expired", _("expired"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "expiring":
            return queryset.expiring_within(today, settings.TRAINING_REFRESHER_DAYS)
        if self.value() == "expired":
            return queryset.filter(status=AssignmentStatus.COMPLETED, expires_on__lt=today)
        return queryset


class TeamFilter(admin.SimpleListFilter):
    title = _("team")
    parameter_name = "team"

    def lookups(self, request, model_admin):
        return list(Team.objects.order_by("name").values_list("pk", "name"))

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(agent__agent_profile__teams=int(self.value())).distinct()
        return queryset


class TrainingEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TrainingEvent
    fields = ["created_at", "status", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class ResultForm(forms.ModelForm):
    """A coach records a quiz or workshop score; passing is decided by the course's pass score."""

    score = forms.IntegerField(label=_("score"), min_value=0, max_value=100)

    class Meta:
        model = TrainingAssignment
        fields = ["score", "notes"]


class AssignForm(forms.ModelForm):
    due_date = forms.DateField(
        label=_("due date"),
        required=False,
        widget=admin.widgets.AdminDateWidget,
        help_text=_("Empty: the course's days to complete from today."),
    )

    class Meta:
        model = TrainingAssignment
        fields = ["agent", "course", "notes"]

    def clean(self):
        data = super().clean()
        agent, course = data.get("agent"), data.get("course")
        if agent and course and TrainingAssignment.objects.open().filter(agent=agent, course=course).exists():
            raise ValidationError(_("This agent already has this course open."), code="already_open")
        return data


@admin.register(TrainingAssignment)
class TrainingAssignmentAdmin(SafeAutocompleteMixin, AgentTrainingPageMixin, admin.ModelAdmin):
    list_display = [
        "course",
        "agent",
        "reason",
        "dimension",
        "status",
        "due_date",
        "score",
        "completed_at",
        "expires_on",
    ]
    list_select_related = ["course", "agent"]
    list_filter = ["status", ExpiringSoonFilter, TeamFilter, "reason", "course"]
    search_fields = ["course__title", "agent__username", "agent__first_name", "agent__last_name"]
    autocomplete_fields = ["agent", "course"]
    date_hierarchy = "due_date"
    show_full_result_count = False
    inlines = [TrainingEventInline]
    actions = ["start", "complete_self_study"]
    change_list_template = "admin/training/trainingassignment/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).visible_to(request.user)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["agent", "course", "due_date", "notes"]
        return [
            "agent",
            "course",
            "reason",
            "dimension",
            "assigned_by",
            "status",
            "due_date",
            "completed_at",
            "expires_on",
            "score",
            "notes",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        editable = (
            {"score", "notes"}
            if obj.status in (AssignmentStatus.ASSIGNED, AssignmentStatus.IN_PROGRESS, AssignmentStatus.OVERDUE)
            else set()
        )
        return [name for name in self.get_fields(request, obj) if name not in editable]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AssignForm
        elif obj.status in OPEN_STATUSES:
            kwargs["form"] = ResultForm
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        if change:
            saved = services.training_record_result(
                assignment=obj, actor=request.user, score=form.cleaned_data["score"], notes=obj.notes
            )
        else:
            saved = services.training_assign(
                agent=obj.agent,
                course=obj.course,
                reason=AssignmentReason.MANUAL,
                assigned_by=request.user,
                due_date=form.cleaned_data["due_date"],
                note=obj.notes,
            )
        obj.pk = saved.pk

    # Agents act on their own assignments ------------------------------------------------

    def has_own_training_permission(self, request: HttpRequest) -> bool:
        return request.user.is_staff

    def _each_own(self, request, queryset, service, done: str) -> None:
        count = 0
        for assignment in queryset.filter(agent=request.user):
            try:
                service(assignment=assignment, actor=request.user)
                count += 1
            except ValidationError as error:
                self.message_user(request, f"{assignment}: {' '.join(error.messages)}", messages.ERROR)
        self.message_user(request, ngettext(done, done, count) % {"count": count})

    @admin.action(description=_("Start my training"), permissions=["own_training"])
    def start(self, request, queryset) -> None:
        self._each_own(request, queryset, services.training_start, "%(count)d assignment started.")

    @admin.action(description=_("Mark my self-study done"), permissions=["own_training"])
    def complete_self_study(self, request, queryset) -> None:
        self._each_own(request, queryset, services.training_complete_self_study, "%(count)d assignment completed.")

    # Team training matrix ----------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "matrix/",
                self.admin_site.admin_view(self.matrix_view),
                name="training_trainingassignment_matrix",
            ),
            *super().get_urls(),
        ]

    def matrix_view(self, request: HttpRequest) -> TemplateResponse:
        if not request.user.has_perm(COACH_PERMISSION):
            raise PermissionDenied
        team_id = request.GET.get("team", "")
        today = timezone.localdate()
        courses, rows = training_matrix(today=today, team_id=int(team_id) if team_id.isdigit() else None)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Team training matrix"),
            "opts": self.model._meta,
            "courses": courses,
            "rows": rows,
            "teams": Team.objects.order_by("name"),
            "team_id": team_id,
            "today": today,
        }
        return TemplateResponse(request, "admin/training/training_matrix.html", context)
