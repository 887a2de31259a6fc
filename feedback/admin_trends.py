"""Trend pages of the back office (issue 24 item 9).

Hot topics (tickets per category and per tag, week by week): feedback.view_reports, like the other
report pages (supervisors and managers), hung off the responses admin. Grouped suggestions: whoever may
see suggestions (feedback.view_suggestion), hung off the suggestions admin. The monthly summaries are a
read-only admin of their own (feedback.view_suggestionmonthlysummary: supervisors and managers), with
a CSV download (feedback.export_reports).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from feedback import exports, trends
from feedback.charts import line_chart, swatch
from feedback.forms import SuggestionGroupFilterForm, TrendFilterForm
from feedback.models import SuggestionCategory, SuggestionMonthlySummary
from supportdesk.audit.models import AuditAction
from supportdesk.audit.recording import audit_read

# Lines drawn per chart; the table under it lists every topic.
CHART_SERIES = 8
GROUP_MEMBERS_SHOWN = 5


def _page_context(model_admin, request: HttpRequest, *, title: str, form) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "form": form,
        "querystring": request.GET.urlencode(),
    }


def _chart(trend: trends.TopicTrend, *, title: str) -> dict:
    labels = [week.strftime("%m-%d") for week in trend.weeks]
    drawn = trend.series[:CHART_SERIES]
    return {
        "svg": line_chart(labels, [(item.label, item.counts) for item in drawn], title=title) if drawn else "",
        "rows": [
            {"series": item, "swatch": swatch(index) if index < CHART_SERIES else ""}
            for index, item in enumerate(trend.series)
        ],
        "weeks": trend.weeks,
    }


def hot_topics_page(model_admin, request: HttpRequest) -> HttpResponse:
    """Two queries for the figures (one per chart), whatever the number of tickets."""
    if not request.user.has_perm("feedback.view_reports"):
        raise PermissionDenied
    form = TrendFilterForm(request.GET or None)
    filters = form.filters()
    categories = trends.category_trend(filters)
    context = {
        **_page_context(model_admin, request, title=_("Hot topics by week"), form=form),
        "filters": filters,
        "first_week": categories.weeks[0],
        "last_week": categories.weeks[-1] + timedelta(days=6),
        "charts": [
            {"heading": _("Tickets per category"), **_chart(categories, title=_("Tickets per category per week"))},
            {"heading": _("Tickets per tag"), **_chart(trends.tag_trend(filters), title=_("Tickets per tag per week"))},
        ],
    }
    return TemplateResponse(request, "admin/feedback/hot_topics.html", context)


def suggestion_groups_page(model_admin, request: HttpRequest) -> HttpResponse:
    """One query: the period's suggestions (capped), grouped in Python."""
    if not request.user.has_perm("feedback.view_suggestion"):
        raise PermissionDenied
    form = SuggestionGroupFilterForm(request.GET or None)
    chosen = form.cleaned()
    grouping = trends.group_suggestions(
        start=timezone.now() - timedelta(days=chosen["days"]), category=chosen["category"], language=chosen["language"]
    )
    labels = dict(SuggestionCategory.choices)
    context = {
        **_page_context(model_admin, request, title=_("Suggestions grouped by similarity"), form=form),
        "grouping": grouping,
        "days": chosen["days"],
        "groups": [
            {
                "group": group,
                "category_label": labels.get(group.representative["category"], ""),
                "shown": group.members[:GROUP_MEMBERS_SHOWN],
                "more": max(group.count - GROUP_MEMBERS_SHOWN, 0),
            }
            for group in grouping.groups
        ],
    }
    return TemplateResponse(request, "admin/feedback/suggestion_groups.html", context)


def summary_csv_header() -> list[str]:
    return [_("Rank"), _("Similar suggestions"), _("Votes"), _("Category"), _("Title"), _("Text"), _("First seen"),
            _("Last seen"), _("Suggestion ids")]  # fmt: skip


def summary_csv_tables(summary: SuggestionMonthlySummary) -> list[exports.Table]:
    labels = dict(SuggestionCategory.choices)
    groups = [
        [
            rank, group["count"], group["votes"], str(labels.get(group["category"], group["category"])),
            group["title"], group["body"], group["first_seen"][:10], group["last_seen"][:10],
            " ".join(str(pk) for pk in group["suggestion_ids"]),
        ]
        for rank, group in enumerate(summary.groups, start=1)
    ]  # fmt: skip
    return [
        (
            _("Suggestion groups of %(month)s") % {"month": summary.month.strftime("%Y-%m")},
            summary_csv_header(),
            groups,
        ),
        (
            _("By category"),
            [_("Category"), _("Suggestions")],
            [[str(label), summary.by_category.get(value, 0)] for value, label in labels.items()],
        ),
    ]


@admin.register(SuggestionMonthlySummary)
class SuggestionMonthlySummaryAdmin(admin.ModelAdmin):
    """Read-only: the monthly job writes the rows; the change page is the summary itself."""

    list_display = ["month_label", "total", "votes", "group_total", "built_at", "emailed_at"]
    date_hierarchy = "month"
    search_fields = ["month"]
    list_filter = [("emailed_at", admin.EmptyFieldListFilter)]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=gettext_lazy("month"), ordering="month")
    def month_label(self, obj: SuggestionMonthlySummary) -> str:
        url = reverse("admin:feedback_suggestionmonthlysummary_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.month.strftime("%Y-%m"))

    @admin.display(description=gettext_lazy("groups"))
    def group_total(self, obj: SuggestionMonthlySummary) -> int:
        return obj.group_count

    def get_list_display_links(self, request, list_display):
        return None

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/export.csv", view(self.export_view), name="feedback_suggestionmonthlysummary_export"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        summary = get_object_or_404(SuggestionMonthlySummary, pk=object_id)
        labels = dict(SuggestionCategory.choices)
        context = {
            **self.admin_site.each_context(request),
            "title": str(summary),
            "opts": self.model._meta,
            "summary": summary,
            "by_category": [(label, summary.by_category.get(value, 0)) for value, label in labels.items()],
            "groups": [{**group, "category_label": labels.get(group["category"], "")} for group in summary.groups],
            "can_export": request.user.has_perm("feedback.export_reports"),
        }
        return TemplateResponse(request, "admin/feedback/suggestion_monthly_summary.html", context)

    def export_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """A streamed CSV (UTF-8 with BOM, formula cells escaped) of the groups and the counts per category."""
        if not request.user.has_perm("feedback.export_reports"):
            raise PermissionDenied
        summary = get_object_or_404(SuggestionMonthlySummary, pk=pk)
        filename = f"suggestions-{summary.month.strftime('%Y-%m')}.csv"
        audit_read(
            request, action=AuditAction.EXPORT, object_type="feedback.suggestionmonthlysummary", object_id=pk,
            label=filename,
        )  # fmt: skip
        response = StreamingHttpResponse(
            exports.tables_csv_chunks(summary_csv_tables(summary)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
