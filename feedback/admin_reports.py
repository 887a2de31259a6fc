"""The managers' report pages and downloads (admin custom pages, see SurveyResponseAdmin.get_urls).

Satisfaction report: feedback.view_reports. Scorecard: every agent with
feedback.view_reports, only one's own with feedback.view_scorecard. Downloads:
feedback.export_reports. Every page reads the same ReportFilterForm, and the
download links carry the page's query string, so a download has the page's numbers.
"""

from __future__ import annotations

import tempfile

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback import exports, reports
from feedback.charts import bar_chart
from feedback.forms import ReportFilterForm
from feedback.models import RATING_MAX
from supportdesk.audit.models import AuditAction
from supportdesk.audit.recording import audit_read

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_KINDS = ("responses", "report")
EXPORT_FORMATS = ("csv", "xlsx")


def _context(model_admin, request: HttpRequest, *, title: str, form: ReportFilterForm) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "form": form,
        "querystring": request.GET.urlencode(),
        "can_export": request.user.has_perm("feedback.export_reports"),
        "can_view_reports": request.user.has_perm("feedback.view_reports"),
        "dimension_labels": reports.DIMENSION_LABELS,
    }


def satisfaction_report_page(model_admin, request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("feedback.view_reports"):
        raise PermissionDenied
    form = ReportFilterForm(request.GET or None)
    report = reports.satisfaction_report(form.filters())
    charts = {
        "distribution": bar_chart(
            [(str(score), count) for score, count in report.distribution.items()],
            title=_("Answers per overall rating"),
        ),
        "dimensions": bar_chart(
            [(str(label), report.averages[dimension]) for dimension, label in reports.DIMENSION_LABELS.items()],
            title=_("Average per dimension (1–5)"),
            max_value=RATING_MAX,
        ),
        "trend": bar_chart(
            [(point.week.strftime("%m-%d"), point.csat) for point in report.trend],
            title=_("CSAT % by week"),
            max_value=100,
            unit="%",
        ),
    }
    context = {**_context(model_admin, request, title=_("Satisfaction report"), form=form),
               "report": report, "charts": charts}  # fmt: skip
    return TemplateResponse(request, "admin/feedback/satisfaction_report.html", context)


def scorecard_page(model_admin, request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.has_perm("feedback.view_reports"):
        agent_ids, title = None, _("Agent scorecard")
    elif user.has_perm("feedback.view_scorecard"):
        agent_ids, title = [user.pk], _("My scorecard")
    else:
        raise PermissionDenied
    form = ReportFilterForm(request.GET or None, with_agent=agent_ids is None)
    rows = reports.agent_scorecard(form.filters(), agent_ids=agent_ids)
    context = {
        **_context(model_admin, request, title=title, form=form),
        "rows": rows,
        "top_performers": [row for row in rows if row.top_performer],
        "training_candidates": [row for row in rows if row.training_dimensions],
    }
    return TemplateResponse(request, "admin/feedback/scorecard.html", context)


def export(request: HttpRequest, *, kind: str, fmt: str) -> HttpResponse:
    if not request.user.has_perm("feedback.export_reports"):
        raise PermissionDenied
    if kind not in EXPORT_KINDS or fmt not in EXPORT_FORMATS:
        raise Http404
    filters = ReportFilterForm(request.GET or None).filters()
    filename = f"satisfaction-{kind}-{timezone.localdate().isoformat()}.{fmt}"
    audit_read(request, action=AuditAction.EXPORT, object_type="feedback.export", object_id=kind, label=filename)
    if kind == "responses":
        queryset = filters.responses()
        if fmt == "csv":
            return _csv_response(exports.responses_csv_chunks(queryset), filename)
        tables = [exports.responses_table(queryset)]
    else:
        tables = exports.report_tables(reports.satisfaction_report(filters), reports.agent_scorecard(filters))
        if fmt == "csv":
            return _csv_response(exports.tables_csv_chunks(tables), filename)
    # An XLSX file is a zip archive that is only valid once finished, so it is built
    # row by row in an anonymous temporary file (flat memory) and then streamed.
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after sending
    exports.write_xlsx(tables, spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def _csv_response(chunks, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
