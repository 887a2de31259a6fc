"""Privacy back office: legal holds, erasure requests (request → confirm → certificate), access
exports, retention policies and runs, consent records. Every write goes through privacy.services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from privacy.forms import ErasureConfirmForm
from privacy.models import (
    AccessRequest,
    ConsentRecord,
    ErasureRequest,
    ErasureStatus,
    ErasureStep,
    ExportStatus,
    LegalHold,
    RetentionPolicy,
    RetentionRun,
)
from privacy.services import erasure, export, holds, retention
from supportdesk.audit.models import AuditAction
from supportdesk.audit.recording import audit_read
from supportdesk.kit.admin_actions import HistoryAdminMixin, error_text, run_for_each
from supportdesk.kit.admin_forms import SafeAutocompleteMixin
from supportdesk.kit.downloads import private_file_response


class LegalHoldForm(forms.ModelForm):
    class Meta:
        model = LegalHold
        fields = ["customer", "ticket", "reason"]

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("customer")) == bool(cleaned.get("ticket")):
            raise ValidationError(_("A legal hold is on one customer or one ticket."))
        return cleaned


@admin.register(LegalHold)
class LegalHoldAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    form = LegalHoldForm
    list_display = ["__str__", "customer", "ticket", "set_by", "set_at", "released_at"]
    list_select_related = ["customer", "ticket", "set_by"]
    list_filter = [("released_at", admin.EmptyFieldListFilter)]
    search_fields = ["reason", "customer__email", "ticket__id"]
    autocomplete_fields = ["customer", "ticket"]
    readonly_fields = ["set_by", "set_at", "released_by", "released_at"]
    date_hierarchy = "set_at"
    actions = ["release"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "customer", "ticket", "reason"] if obj else self.readonly_fields

    def has_change_permission(self, request, obj=None) -> bool:
        # Holds are released, not edited: the change page is read-only.
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        held = holds.legal_hold_set(
            customer=form.cleaned_data.get("customer"),
            ticket=form.cleaned_data.get("ticket"),
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
        obj.pk = held.pk

    @admin.action(description=gettext_lazy("Release the selected legal holds"), permissions=["release"])
    def release(self, request, queryset):
        run_for_each(
            self,
            request,
            queryset.filter(released_at__isnull=True),
            lambda hold: holds.legal_hold_release(hold=hold, actor=request.user),
            _("%(count)d legal holds released."),
        )

    def has_release_permission(self, request) -> bool:
        return request.user.has_perm("privacy.add_legalhold")


class ErasureRequestForm(forms.ModelForm):
    class Meta:
        model = ErasureRequest
        fields = ["customer", "reason"]

    def clean_customer(self):
        customer = self.cleaned_data["customer"]
        erasure.erasure_check(customer)
        return customer


class ErasureStepInline(admin.TabularInline):
    model = ErasureStep
    fields = ["name", "count", "done_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ErasureRequest)
class ErasureRequestAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    form = ErasureRequestForm
    list_display = ["__str__", "status", "requested_by", "requested_at", "confirmed_by", "completed_at", "next_step"]
    list_select_related = ["requested_by", "confirmed_by"]
    list_filter = ["status"]
    search_fields = ["customer_ref", "customer__email"]
    autocomplete_fields = ["customer"]
    date_hierarchy = "requested_at"
    inlines = [ErasureStepInline]
    actions = ["cancel", "resume"]
    show_full_result_count = False

    def get_inlines(self, request, obj=None):
        return self.inlines if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["customer", "reason"]
        return [
            "customer_ref",
            "status",
            "verification",
            "reason",
            "requested_by",
            "requested_at",
            "confirmed_by",
            "confirmed_at",
            "completed_at",
            "last_error",
            "next_step",
        ]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def has_change_permission(self, request, obj=None) -> bool:
        return False if obj is not None else super().has_change_permission(request, obj)

    def get_urls(self):
        own = [
            path(
                "<id:pk>/confirm/",
                self.admin_site.admin_view(self.confirm_view),
                name="privacy_erasurerequest_confirm",
            ),
            path(
                "<id:pk>/certificate/",
                self.admin_site.admin_view(self.certificate_view),
                name="privacy_erasurerequest_certificate",
            ),
        ]
        return own + super().get_urls()

    def save_model(self, request, obj, form, change):
        created = erasure.erasure_request(
            customer=form.cleaned_data["customer"], actor=request.user, reason=form.cleaned_data["reason"]
        )
        obj.pk = created.pk

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(request, _("Erasure requested. Confirm it to start the job."), messages.WARNING)
        return HttpResponseRedirect(reverse("admin:privacy_erasurerequest_confirm", args=[obj.pk]))

    @admin.display(description=gettext_lazy("next"))
    def next_step(self, obj: ErasureRequest) -> str:
        if obj.status == ErasureStatus.AWAITING_CONFIRMATION:
            url = reverse("admin:privacy_erasurerequest_confirm", args=[obj.pk])
            return format_html('<a href="{}">{}</a>', url, _("Confirm"))
        if obj.status == ErasureStatus.DONE:
            url = reverse("admin:privacy_erasurerequest_certificate", args=[obj.pk])
            return format_html('<a href="{}">{}</a>', url, _("Certificate"))
        return "—"

    def confirm_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("privacy.confirm_erasure"):
            raise PermissionDenied
        item = get_object_or_404(ErasureRequest.objects.select_related("customer", "requested_by"), pk=pk)
        form = ErasureConfirmForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                erasure.erasure_confirm(request=item, typed_email=form.cleaned_data["typed_email"], actor=request.user)
            except ValidationError as error:
                form.add_error("typed_email", error)
            else:
                self.message_user(request, _("Erasure confirmed: the job is running."), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:privacy_erasurerequest_change", args=[item.pk]))
        ticket_count = item.customer.tickets.count() if item.customer else 0
        context = {
            **self.admin_site.each_context(request),
            "title": _("Confirm erasure"),
            "opts": self.model._meta,
            "item": item,
            "form": form,
            "ticket_count": ticket_count,
            "steps": [name for name, _step in erasure.STEPS],
            "kept": erasure.KEPT,
        }
        return TemplateResponse(request, "admin/privacy/erasurerequest/confirm.html", context)

    def certificate_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("privacy.view_erasurerequest"):
            raise PermissionDenied
        item = get_object_or_404(ErasureRequest, pk=pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Certificate of erasure"),
            "opts": self.model._meta,
            "item": item,
            "certificate": item.certificate,
        }
        return TemplateResponse(request, "admin/privacy/erasurerequest/certificate.html", context)

    @admin.action(description=gettext_lazy("Cancel the selected erasures (not confirmed yet)"), permissions=["add"])
    def cancel(self, request, queryset):
        run_for_each(
            self,
            request,
            queryset,
            lambda item: erasure.erasure_cancel(request=item, actor=request.user),
            _("%(count)d erasures cancelled."),
        )

    @admin.action(description=gettext_lazy("Resume the selected interrupted erasures"), permissions=["confirm"])
    def resume(self, request, queryset):
        resumed = 0
        for item in queryset.filter(status__in=[ErasureStatus.FAILED, ErasureStatus.RUNNING]):
            try:
                resumed += erasure.erasure_run(request_id=item.pk) is not None
            except Exception as error:  # noqa: BLE001 - the row keeps the error; the page shows it
                self.message_user(request, f"#{item.pk}: {error_text(error)}", messages.ERROR)
        self.message_user(request, _("%(count)d erasures finished.") % {"count": resumed}, messages.SUCCESS)

    def has_confirm_permission(self, request) -> bool:
        return request.user.has_perm("privacy.confirm_erasure")


class AccessRequestForm(forms.ModelForm):
    class Meta:
        model = AccessRequest
        fields = ["customer"]


@admin.register(AccessRequest)
class AccessRequestAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    form = AccessRequestForm
    list_display = ["__str__", "customer", "status", "by_staff", "requested_by", "requested_at", "size", "download"]
    list_select_related = ["customer", "requested_by"]
    list_filter = ["status", "by_staff"]
    search_fields = ["customer__email", "customer__name"]
    autocomplete_fields = ["customer"]
    date_hierarchy = "requested_at"
    show_full_result_count = False

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["customer"]
        return ["customer", "status", "by_staff", "language", "requested_by", "requested_at", "ready_at", "expires_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def has_change_permission(self, request, obj=None) -> bool:
        return False if obj is not None else super().has_change_permission(request, obj)

    def get_urls(self):
        own = [
            path(
                "<id:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="privacy_accessrequest_download",
            )
        ]
        return own + super().get_urls()

    def save_model(self, request, obj, form, change):
        created = export.export_request(customer=form.cleaned_data["customer"], actor=request.user, by_staff=True)
        obj.pk = created.pk

    @admin.display(description=gettext_lazy("file"))
    def download(self, obj: AccessRequest) -> str:
        if obj.status != ExportStatus.READY:
            return "—"
        url = reverse("admin:privacy_accessrequest_download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    def download_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("privacy.view_accessrequest"):
            raise PermissionDenied
        item = AccessRequest.objects.filter(pk=pk, status=ExportStatus.READY).first()
        if item is None:
            raise Http404
        audit_read(request, item, action=AuditAction.DOWNLOAD, label=f"access export #{item.pk}")
        return private_file_response(
            item.file, filename=f"subject-access-{item.customer_id}.zip", content_type="application/zip"
        )


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    list_display = ["kind", "keep_days", "is_active", "updated_at"]
    list_editable = ["keep_days", "is_active"]
    search_fields = ["kind"]


@admin.register(RetentionRun)
class RetentionRunAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "dry_run", "started_by", "started_at", "finished_at", "summary"]
    list_select_related = ["started_by"]
    list_filter = ["dry_run"]
    search_fields = ["started_by__username"]
    readonly_fields = ["dry_run", "started_by", "started_at", "finished_at", "report"]
    date_hierarchy = "started_at"
    actions = None

    def get_urls(self):
        own = [path("start/", self.admin_site.admin_view(self.start_view), name="privacy_retentionrun_start")]
        return own + super().get_urls()

    @admin.display(description=gettext_lazy("records"))
    def summary(self, obj: RetentionRun) -> str:
        return ", ".join(f"{kind}: {count}" for kind, count in obj.report.items())

    def start_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("privacy.change_retentionpolicy"):
            raise PermissionDenied
        dry_run = request.POST.get("mode") != "apply"
        run = retention.retention_start(dry_run=dry_run, actor=request.user)
        self.message_user(
            request,
            _("Dry run queued: the report appears here.") if dry_run else _("Retention run queued."),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:privacy_retentionrun_change", args=[run.pk]))


@admin.register(ConsentRecord)
class ConsentRecordAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["customer", "purpose", "channel", "granted", "notice_version", "recorded_at"]
    list_select_related = ["customer"]
    list_filter = ["purpose", "channel", "granted"]
    search_fields = ["customer__email"]
    date_hierarchy = "recorded_at"
    show_full_result_count = False
