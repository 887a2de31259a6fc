"""Complaints in the back office: the changelist, the complaint page, the remedy ledger,
the supervisors' approvals queue and the monthly summary with CSV export, plus the complaint
panel of the ticket page (tickets.admin.panels) and the ticket changelist's "Turn into complaint".

Imported by tickets.admin. Every change calls tickets.complaints.services; list pages run a
fixed number of queries.
"""

from __future__ import annotations

import csv
from datetime import date

from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from supportdesk.audit.models import AuditAction
from supportdesk.audit.recording import ReadAuditAdminMixin, audit_read
from supportdesk.kit.admin_actions import HistoryAdminMixin, ReadOnlyAdminMixin, action_page, error_text, run_for_each
from supportdesk.kit.admin_forms import SafeAutocompleteMixin
from supportdesk.kit.spreadsheets import EchoBuffer, escape_cell
from tickets.admin.links import ticket_admin_link
from tickets.admin.panels import TicketPanel, register_ticket_panel
from tickets.complaints import admin_forms, selectors, services
from tickets.complaints.models import FINAL_STAGES, Complaint, Remedy, RemedyStatus
from tickets.models import Ticket, ticket_reference

ACTION_TEMPLATE = "admin/sd_action_form.html"


class OpenComplaintFilter(admin.SimpleListFilter):
    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("overdue", _("Overdue")), ("mine", _("Owned by me"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        if self.value() == "overdue":
            return queryset.open().filter(stage_due_at__lt=timezone.now())
        if self.value() == "mine":
            return queryset.filter(owner=request.user)
        return queryset


class RemedyInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The complaint's ledger lines, read-only: proposals, decisions and payments are services."""

    model = Remedy
    extra = 0
    can_delete = False
    fields = ["kind", "amount", "asset", "description", "status", "proposed_by", "decided_by", "decision_reason",
              "paid_at", "payment_reference"]  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("proposed_by", "decided_by")


@admin.register(Complaint)
class ComplaintAdmin(SafeAutocompleteMixin, ReadAuditAdminMixin, admin.ModelAdmin):
    form = admin_forms.ComplaintWorkForm
    list_display = ["reference_link", "ticket_subject", "customer_name", "stage", "severity", "subject", "owner",
                    "age", "due", "company_at_fault", "remedy_total"]  # fmt: skip
    list_display_links = None
    list_select_related = ["ticket", "ticket__customer", "owner"]
    list_filter = [OpenComplaintFilter, "stage", "severity", "subject", "root_cause", "company_at_fault",
                   ("created_at", admin.DateFieldListFilter)]  # fmt: skip
    search_fields = ["ticket__subject", "ticket__customer__email", "ticket__customer__name", "=evidence_tx_hash"]
    search_help_text = _("Subject, customer name or email, or an evidence transaction hash.")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    ordering = ["-created_at", "-id"]
    autocomplete_fields = ["owner", "responsible_team"]
    inlines = [RemedyInline]
    actions = ["take_ownership", "move_stage"]
    change_list_template = "admin/tickets/complaint/change_list.html"
    readonly_fields = ["ticket_link", "customer_name", "stage", "stage_due_at", "resolution_communicated_at",
                       "reminder_sent_at", "customer_resolved", "customer_comment", "closed_at"]  # fmt: skip
    fieldsets = [
        (_("Complaint"), {"fields": ["ticket_link", "customer_name", ("stage", "stage_due_at"), "owner",
                                     ("subject", "severity"), "desired_outcome"]}),
        (_("Move"), {"fields": [("move_to", "move_reason")]}),
        (_("Investigation (internal)"), {"fields": ["findings", ("root_cause", "responsible_team"),
                                                    "company_at_fault", "evidence_tx_hash", "evidence_messages",
                                                    "evidence_attachments"]}),
        (_("Resolution"), {"fields": ["resolution_summary", ("remedy_kind", "remedy_amount", "remedy_asset"),
                                      "remedy_description"]}),
        (_("Follow-up"), {"fields": [("resolution_communicated_at", "reminder_sent_at"),
                                     ("customer_resolved", "customer_comment"), "closed_at"]}),
    ]  # fmt: skip

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        # Teams are configured on their own pages, not from inside a complaint.
        if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper):
            field.widget.can_add_related = field.widget.can_change_related = False
            field.widget.can_delete_related = field.widget.can_view_related = False
        return field

    def audit_label(self, obj: Complaint) -> str:
        return ticket_reference(obj.ticket_id)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        granted = Remedy.objects.granted().exclude(amount__isnull=True).order_by("asset", "id")
        return (
            Complaint.objects.visible_to(request.user)
            .for_list()
            .prefetch_related(Prefetch("remedies", queryset=granted, to_attr="granted_remedies"))
        )

    def has_add_permission(self, request) -> bool:
        # A complaint starts from a ticket ("Turn into complaint") or from the portal.
        return False

    def get_urls(self):
        own = [
            path("approvals/", self.admin_site.admin_view(self.approvals_view), name="tickets_complaint_approvals"),
            path("summary/", self.admin_site.admin_view(self.summary_view), name="tickets_complaint_summary"),
        ]
        return own + super().get_urls()

    # Columns ---------------------------------------------------------------

    @admin.display(description=_("reference"), ordering="ticket_id")
    def reference_link(self, obj: Complaint) -> str:
        url = reverse("admin:tickets_complaint_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.ticket.reference)

    @admin.display(description=_("ticket"))
    def ticket_link(self, obj: Complaint) -> str:
        return ticket_admin_link(obj.ticket_id, str(obj.ticket))

    @admin.display(description=_("subject"), ordering="ticket__subject")
    def ticket_subject(self, obj: Complaint) -> str:
        return obj.ticket.subject

    @admin.display(description=_("customer"), ordering="ticket__customer__name")
    def customer_name(self, obj: Complaint) -> str:
        return obj.ticket.customer.name or obj.ticket.customer.email

    @admin.display(description=_("age"), ordering="created_at")
    def age(self, obj: Complaint) -> str:
        return timesince(obj.created_at, timezone.now(), depth=1)

    @admin.display(description=_("due"), ordering="stage_due_at")
    def due(self, obj: Complaint) -> str:
        if obj.stage_due_at is None or obj.stage in FINAL_STAGES:
            return "–"
        if obj.is_overdue:
            return format_html('<strong class="sd-overdue">{} {}</strong>', _("overdue"), obj.stage_due_at.date())
        return str(timezone.localtime(obj.stage_due_at).date())

    @admin.display(description=_("remedies granted"))
    def remedy_total(self, obj: Complaint) -> str:
        totals: dict[str, object] = {}
        for remedy in obj.granted_remedies:
            totals[remedy.asset] = totals.get(remedy.asset, 0) + remedy.amount
        return ", ".join(f"{amount.normalize():f} {asset}" for asset, amount in totals.items()) or "–"

    # Saving through the services -------------------------------------------

    def save_model(self, request, obj, form, change):
        data, changed, actor = form.cleaned_data, set(form.changed_data), request.user
        details = {name: data[name] for name in admin_forms.ComplaintWorkForm.Meta.fields if name in changed}
        try:
            with transaction.atomic():
                complaint = Complaint.objects.get(pk=obj.pk)
                if details:
                    complaint = services.complaint_update(complaint=complaint, actor=actor, **details)
                if data.get("remedy_kind"):
                    services.remedy_propose(
                        complaint=complaint,
                        kind=data["remedy_kind"],
                        actor=actor,
                        amount=data.get("remedy_amount"),
                        asset=data.get("remedy_asset") or "",
                        description=data.get("remedy_description") or "",
                    )
                if data.get("move_to"):
                    services.complaint_change_stage(
                        complaint=complaint, stage=data["move_to"], actor=actor, reason=data.get("move_reason") or ""
                    )
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, error_text(error), messages.ERROR)

    def save_related(self, request, form, formsets, change):
        """Evidence and remedies are written by the services in save_model."""

    def construct_change_message(self, request, form, formsets, add=False):
        # The read-only remedy inline is never saved, so it has nothing to report.
        return super().construct_change_message(request, form, [], add)

    # Actions ---------------------------------------------------------------

    @admin.action(description=_("Take ownership"), permissions=["change"])
    def take_ownership(self, request, queryset) -> None:
        run_for_each(
            self,
            request,
            queryset,
            lambda complaint: services.complaint_update(complaint=complaint, actor=request.user, owner=request.user),
            _("You now own %(count)d complaints."),
        )

    @admin.action(description=_("Move to stage…"), permissions=["change"])
    def move_stage(self, request, queryset) -> HttpResponse | None:
        form = admin_forms.StageMoveForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            run_for_each(
                self,
                request,
                queryset,
                lambda complaint: services.complaint_change_stage(
                    complaint=complaint, stage=form.cleaned_data["stage"], actor=request.user,
                    reason=form.cleaned_data["reason"],
                ),
                _("%(count)d complaints moved."),
            )  # fmt: skip
            return None
        return action_page(self, request, queryset, form, "move_stage", _("Move complaints"), template=ACTION_TEMPLATE)

    # Approvals queue -------------------------------------------------------

    def approvals_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("tickets.approve_remedy"):
            raise PermissionDenied
        if request.method == "POST":
            self._decide(request)
            return HttpResponseRedirect(reverse("admin:tickets_complaint_approvals"))
        remedies = list(selectors.remedies_awaiting_approval(user=request.user))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Remedies awaiting approval"),
            "opts": self.model._meta,
            "remedies": remedies,
        }
        return TemplateResponse(request, "admin/tickets/complaint/approvals.html", context)

    def _decide(self, request: HttpRequest) -> None:
        form = admin_forms.RemedyDecisionForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _("Give a reason for the decision."), messages.ERROR)
            return
        remedy = selectors.remedies_awaiting_approval(user=request.user).filter(pk=form.cleaned_data["remedy"]).first()
        if remedy is None:
            self.message_user(request, _("This remedy is no longer awaiting approval."), messages.WARNING)
            return
        decide = services.remedy_approve if form.cleaned_data["decision"] == "approve" else services.remedy_reject
        try:
            remedy = decide(remedy=remedy, actor=request.user, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return
        self.message_user(
            request, f"{remedy.complaint.reference}: {remedy} – {remedy.get_status_display()}", messages.SUCCESS
        )

    # Monthly summary -------------------------------------------------------

    def summary_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = admin_forms.MonthForm(request.GET or None)
        month = (form.cleaned_data.get("month") if form.is_valid() else None) or timezone.localdate().replace(day=1)
        summary = selectors.complaint_monthly_summary(user=request.user, month=month)
        if request.GET.get("export") == "csv":
            audit_read(
                request, action=AuditAction.EXPORT, object_type="tickets.complaintsummary", object_id=f"{month:%Y-%m}"
            )
            return _summary_csv(summary)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Complaint summary %(month)s") % {"month": month.strftime("%Y-%m")},
            "opts": self.model._meta,
            "summary": summary,
            "form": form,
            "month_value": month.strftime("%Y-%m"),
            "previous_month": _shift_month(month, -1).strftime("%Y-%m"),
            "next_month": _shift_month(month, 1).strftime("%Y-%m"),
        }
        return TemplateResponse(request, "admin/tickets/complaint/summary.html", context)


def _shift_month(month: date, delta: int) -> date:
    index = month.year * 12 + month.month - 1 + delta
    return date(index // 12, index % 12 + 1, 1)


def _summary_rows(summary: selectors.MonthlySummary):
    month = summary.month.strftime("%Y-%m")
    yield ["month", "section", "item", "value", "count"]
    yield [month, "totals", "opened", summary.opened, ""]
    yield [month, "totals", "closed", summary.closed, ""]
    yield [month, "totals", "company at fault", summary.company_at_fault, ""]
    for label, count in summary.by_subject:
        yield [month, "subject", label, count, ""]
    for label, count in summary.by_root_cause:
        yield [month, "root cause", label, count, ""]
    for label, hours, count in summary.median_hours_by_stage:
        yield [month, "median hours in stage", label, hours, count]
    for row in summary.paid_by_asset:
        yield [month, "remedies paid", row.asset, f"{row.total.normalize():f}", row.count]


def _summary_csv(summary: selectors.MonthlySummary) -> StreamingHttpResponse:
    writer = csv.writer(EchoBuffer())
    rows = (writer.writerow([escape_cell(cell) for cell in row]) for row in _summary_rows(summary))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    filename = f"complaints-{summary.month:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin.register(Remedy)
class RemedyAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """The remedy ledger: every refund, compensation, waiver and explanation, with who decided and paid."""

    list_display = ["complaint_link", "kind", "amount_text", "asset", "status", "needs_approval", "proposed_by",
                    "proposed_at", "decided_by", "paid_at"]  # fmt: skip
    list_display_links = None
    list_select_related = ["complaint__ticket", "proposed_by", "decided_by"]
    list_filter = ["status", "kind", "needs_approval", "asset", ("paid_at", admin.DateFieldListFilter)]
    search_fields = ["complaint__ticket__subject", "complaint__ticket__customer__email", "=payment_reference"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    date_hierarchy = "proposed_at"
    actions = ["mark_paid"]

    def get_queryset(self, request):
        return Remedy.objects.visible_to(request.user).select_related("complaint__ticket", "proposed_by", "decided_by")

    @admin.display(description=_("complaint"), ordering="complaint__ticket_id")
    def complaint_link(self, obj: Remedy) -> str:
        url = reverse("admin:tickets_complaint_change", args=[obj.complaint_id])
        return format_html('<a href="{}">{}</a>', url, obj.complaint.ticket.reference)

    @admin.display(description=_("amount"), ordering="amount")
    def amount_text(self, obj: Remedy) -> str:
        return f"{obj.amount.normalize():f}" if obj.amount is not None else "–"

    def has_mark_paid_permission(self, request) -> bool:
        return request.user.has_perm("tickets.change_remedy")

    @admin.action(description=_("Mark as paid"), permissions=["mark_paid"])
    def mark_paid(self, request, queryset) -> None:
        done = 0
        for remedy in queryset.filter(status=RemedyStatus.APPROVED):
            try:
                services.remedy_mark_paid(remedy=remedy, actor=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, error_text(error), messages.ERROR)
        self.message_user(
            request,
            ngettext("%(count)d remedy marked as paid.", "%(count)d remedies marked as paid.", done) % {"count": done},
            messages.SUCCESS if done else messages.WARNING,
        )


@admin.action(description=_("Turn into complaint…"), permissions=["change"])
def turn_into_complaint(model_admin, request, queryset) -> HttpResponse | None:
    """Ticket changelist action: open a complaint on each selected ticket."""
    form = admin_forms.TurnIntoComplaintForm(request.POST if "apply" in request.POST else None)
    if not form.is_valid():
        return action_page(
            model_admin,
            request,
            queryset,
            form,
            "turn_into_complaint",
            _("Turn into complaint"),
            template=ACTION_TEMPLATE,
        )
    done = 0
    for ticket in queryset.filter(complaint__isnull=True):
        try:
            services.complaint_open(ticket=ticket, actor=request.user, **form.cleaned_data)
            done += 1
        except (ValidationError, PermissionDenied) as error:
            model_admin.message_user(request, f"{ticket.reference}: {error_text(error)}", messages.ERROR)
    model_admin.message_user(
        request,
        ngettext("%(count)d ticket is now a complaint.", "%(count)d tickets are now complaints.", done)
        % {"count": done},
        messages.SUCCESS if done else messages.WARNING,
    )
    return None


def complaint_panel_context(request: HttpRequest, ticket: Ticket) -> dict | None:
    """The complaint's stage, owner, findings and remedies; no panel when the ticket is not a complaint."""
    panel = selectors.complaint_panel(ticket=ticket)
    return None if panel is None else {"complaint_panel": panel}


register_ticket_panel(
    TicketPanel(
        key="tickets.complaint",
        template="admin/tickets/complaint/_panel.html",
        order=100,
        context=complaint_panel_context,
    )
)
