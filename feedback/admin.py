"""Back office for surveys, low-rating follow-ups and suggestions.

Survey invitations and responses are read-only records (answers never change
after submission). Follow-ups and suggestions change only through
feedback.services. The report pages hang off the responses admin (get_urls)
and live in feedback.admin_reports.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.http import HttpRequest
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from feedback import admin_reports, admin_trends, selectors, services
from feedback.models import (
    Suggestion,
    SuggestionStatus,
    SurveyFollowUp,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)
from supportdesk.kit.admin_actions import HistoryAdminMixin
from supportdesk.kit.admin_forms import SafeAutocompleteMixin, TranslationsField
from tickets.admin.links import ticket_admin_link
from tickets.customer360 import register_timeline_source
from tickets.models import Channel


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0
    fields = ["position", "dimension", "kind", "text", "translations", "required"]
    formfield_overrides = {models.JSONField: {"form_class": TranslationsField}}


register_timeline_source("feedback.ratings", selectors.customer_rating_entries)


@admin.register(SurveyTemplate)
class SurveyTemplateAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name", "is_default", "channel", "category", "is_active", "question_count"]
    list_select_related = ["category"]
    list_filter = ["is_active", "is_default", "channel"]
    search_fields = ["name"]
    autocomplete_fields = ["category"]
    inlines = [SurveyQuestionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_total=Count("questions"))

    @admin.display(description=_("questions"), ordering="question_total")
    def question_count(self, obj: SurveyTemplate) -> int:
        return obj.question_total


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["ticket_link", "customer", "agent", "team", "reason", "created_at", "emailed_at", "answered_at"]
    list_display_links = None
    list_select_related = ["customer", "agent", "team"]
    list_filter = [
        "reason", "channel", "language", "team", ("answered_at", admin.EmptyFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
    ]  # fmt: skip
    search_fields = ["=ticket__id", "customer__email", "agent__username"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    @admin.display(description=_("ticket"), ordering="ticket_id")
    def ticket_link(self, obj: SurveyInvitation) -> str:
        return ticket_admin_link(obj.ticket_id)


@admin.register(SurveyResponse)
class SurveyResponseAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = [
        "submitted_at", "ticket_link", "agent", "team", "overall", "attitude", "speed", "professionalism",
        "problem_solved", "comment_excerpt",
    ]  # fmt: skip
    list_select_related = ["invitation__agent", "invitation__team"]
    list_filter = [
        "overall", "problem_solved", "invitation__team", "invitation__channel", "invitation__language",
        ("submitted_at", admin.DateFieldListFilter),
    ]  # fmt: skip
    search_fields = ["=invitation__ticket__id", "comment", "invitation__agent__username"]
    date_hierarchy = "submitted_at"
    show_full_result_count = False
    change_list_template = "admin/feedback/surveyresponse/change_list.html"
    fields = [
        "invitation", "overall", "attitude", "speed", "professionalism", "problem_solved", "comment",
        "other_answers", "answered_via", "submitted_at",
    ]  # fmt: skip

    def get_queryset(self, request: HttpRequest):
        return SurveyResponse.objects.visible_to(request.user)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("reports/satisfaction/", view(self.satisfaction_report_view), name="feedback_satisfaction_report"),
            path("reports/scorecard/", view(self.scorecard_view), name="feedback_agent_scorecard"),
            path("reports/export/<str:kind>.<str:fmt>", view(self.export_view), name="feedback_report_export"),
            path("reports/hot-topics/", view(self.hot_topics_view), name="feedback_hot_topics"),
            *super().get_urls(),
        ]  # fmt: skip

    def satisfaction_report_view(self, request: HttpRequest):
        return admin_reports.satisfaction_report_page(self, request)

    def scorecard_view(self, request: HttpRequest):
        return admin_reports.scorecard_page(self, request)

    def export_view(self, request: HttpRequest, kind: str, fmt: str):
        return admin_reports.export(request, kind=kind, fmt=fmt)

    def hot_topics_view(self, request: HttpRequest):
        return admin_trends.hot_topics_page(self, request)

    def changelist_view(self, request, extra_context=None):
        user = request.user
        extra_context = {
            **(extra_context or {}),
            "can_view_reports": user.has_perm("feedback.view_reports"),
            "can_view_scorecard": user.has_perm("feedback.view_reports") or user.has_perm("feedback.view_scorecard"),
            "can_export": user.has_perm("feedback.export_reports"),
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("ticket"), ordering="invitation__ticket_id")
    def ticket_link(self, obj: SurveyResponse) -> str:
        return ticket_admin_link(obj.invitation.ticket_id)

    @admin.display(description=_("agent"), ordering="invitation__agent__username")
    def agent(self, obj: SurveyResponse):
        return obj.invitation.agent

    @admin.display(description=_("team"), ordering="invitation__team__name")
    def team(self, obj: SurveyResponse):
        return obj.invitation.team

    @admin.display(description=_("comment"))
    def comment_excerpt(self, obj: SurveyResponse) -> str:
        return obj.comment if len(obj.comment) <= 80 else obj.comment[:79] + "…"


@admin.register(SurveyFollowUp)
class SurveyFollowUpAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["ticket_link", "overall", "team", "supervisor", "status", "created_at", "closed_at"]
    list_display_links = ["overall"]
    list_select_related = ["response__invitation__agent", "team", "supervisor"]
    list_filter = ["status", "team", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["=ticket__id", "notes", "supervisor__username"]
    autocomplete_fields = ["supervisor"]
    show_full_result_count = False
    fields = ["ticket_link", "response_summary", "team", "supervisor", "status", "notes", "created_at", "closed_at"]
    readonly_fields = ["ticket_link", "response_summary", "team", "created_at", "closed_at"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("ticket"), ordering="ticket_id")
    def ticket_link(self, obj: SurveyFollowUp) -> str:
        return ticket_admin_link(obj.ticket_id)

    @admin.display(description=_("overall rating"), ordering="response__overall")
    def overall(self, obj: SurveyFollowUp):
        return obj.response.overall

    @admin.display(description=_("answers"))
    def response_summary(self, obj: SurveyFollowUp) -> str:
        response = obj.response
        return format_html(
            "{}: {} · {}: {} · {}: {} · {}: {} · {}: {}<br>{}",
            _("overall"), response.overall or "—", _("attitude"), response.attitude or "—", _("speed"),
            response.speed or "—", _("professionalism"), response.professionalism or "—", _("agent"),
            response.invitation.agent or "—", response.comment or "",
        )  # fmt: skip

    def save_form(self, request, form, change):
        return form.instance

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        services.follow_up_update(
            follow_up=obj, status=data["status"], notes=data["notes"], supervisor=data["supervisor"], actor=request.user
        )

    def save_related(self, request, form, formsets, change):
        """Everything is written by the service in save_model."""


class VoteCountFilter(admin.SimpleListFilter):
    title = _("duplicates")
    parameter_name = "duplicates"

    def lookups(self, request, model_admin):
        return [("originals", _("Originals only")), ("merged", _("Merged duplicates"))]

    def queryset(self, request, queryset):
        if self.value() == "originals":
            return queryset.filter(duplicate_of__isnull=True)
        if self.value() == "merged":
            return queryset.filter(duplicate_of__isnull=False)
        return queryset


@admin.register(Suggestion)
class SuggestionAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["title", "category", "status", "votes", "channel", "customer", "duplicate_of", "created_at"]
    list_select_related = ["customer", "duplicate_of"]
    list_filter = ["status", "category", "channel", VoteCountFilter, ("created_at", admin.DateFieldListFilter)]
    search_fields = ["title", "body", "customer__email"]
    autocomplete_fields = ["customer"]
    show_full_result_count = False
    date_hierarchy = "created_at"
    actions = ["mark_under_review", "mark_planned", "mark_declined", "mark_done", "merge_duplicates", "add_vote"]
    change_list_template = "admin/feedback/suggestion/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("groups/", view(self.groups_view), name="feedback_suggestion_groups"),
            *super().get_urls(),
        ]

    def groups_view(self, request: HttpRequest):
        return admin_trends.suggestion_groups_page(self, request)

    def changelist_view(self, request, extra_context=None):
        user = request.user
        extra_context = {
            **(extra_context or {}),
            "can_view_summaries": user.has_perm("feedback.view_suggestionmonthlysummary"),
        }
        return super().changelist_view(request, extra_context)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["title", "body", "category", "channel", "language", "customer"]
        return ["title", "body", "category", "status", "triage_note", "votes", "duplicate_of", "channel", "language",
                "customer", "submitted_by", "created_at", "updated_at"]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["votes", "duplicate_of", "channel", "language", "customer", "submitted_by", "created_at", "updated_at"]

    def get_changeform_initial_data(self, request):
        return {"channel": Channel.PHONE, "language": request.LANGUAGE_CODE}

    def save_form(self, request, form, change):
        if change:
            return form.instance
        data = form.cleaned_data
        return services.suggestion_submit(
            title=data["title"],
            body=data["body"],
            category=data["category"],
            channel=data["channel"],
            language=data["language"],
            customer=data["customer"],
            submitted_by=request.user,
        )

    def save_model(self, request, obj, form, change):
        if change:
            data = form.cleaned_data
            services.suggestion_update(
                suggestion=obj,
                title=data["title"],
                body=data["body"],
                category=data["category"],
                status=data["status"],
                triage_note=data["triage_note"],
                actor=request.user,
            )

    def save_related(self, request, form, formsets, change):
        """Everything is written by the services in save_form / save_model."""

    def _set_status(self, request, queryset, status: str) -> None:
        changed = services.suggestion_set_status(suggestions=queryset, status=status, actor=request.user)
        label = SuggestionStatus(status).label
        self.message_user(
            request,
            ngettext("%(count)d suggestion set to %(status)s.", "%(count)d suggestions set to %(status)s.", changed)
            % {"count": changed, "status": label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark as under review"), permissions=["change"])
    def mark_under_review(self, request, queryset) -> None:
        self._set_status(request, queryset, SuggestionStatus.UNDER_REVIEW)

    @admin.action(description=_("Mark as planned"), permissions=["change"])
    def mark_planned(self, request, queryset) -> None:
        self._set_status(request, queryset, SuggestionStatus.PLANNED)

    @admin.action(description=_("Mark as declined"), permissions=["change"])
    def mark_declined(self, request, queryset) -> None:
        self._set_status(request, queryset, SuggestionStatus.DECLINED)

    @admin.action(description=_("Mark as done"), permissions=["change"])
    def mark_done(self, request, queryset) -> None:
        self._set_status(request, queryset, SuggestionStatus.DONE)

    @admin.action(description=_("Merge duplicates into the oldest selected"), permissions=["change"])
    def merge_duplicates(self, request, queryset) -> None:
        selected = list(queryset.order_by("created_at", "id"))
        try:
            primary = services.suggestion_merge(primary=selected[0], duplicates=selected[1:], actor=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.WARNING)
            return
        self.message_user(
            request,
            _("%(count)d suggestions merged into “%(title)s” (now %(votes)d votes).")
            % {"count": len(selected) - 1, "title": primary.title, "votes": primary.votes},
            messages.SUCCESS,
        )

    @admin.action(description=_("Add a vote (asked again)"), permissions=["change"])
    def add_vote(self, request, queryset) -> None:
        for suggestion in queryset:
            services.suggestion_add_vote(suggestion=suggestion, actor=request.user)
        self.message_user(request, _("Votes added."), messages.SUCCESS)
