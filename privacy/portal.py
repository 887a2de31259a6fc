"""The customer's privacy page: the notice, consent choices, and their data exports."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from privacy.forms import ConsentForm, consent_field_name
from privacy.models import AccessRequest, ExportStatus
from privacy.services import consent, export
from supportdesk.kit.downloads import private_file_response
from tickets.portal.access import customer_required


@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    """The notice lives where the operator publishes it (a help-centre article by default)."""
    return redirect(settings.PRIVACY_NOTICE_URL)


@customer_required
@require_http_methods(["GET", "POST"])
def privacy_home(request: HttpRequest) -> HttpResponse:
    customer = request.customer
    if request.method == "POST":
        form = ConsentForm(request.POST)
        if form.is_valid():
            consent.consent_record(customer=customer, answers=form.answers())
            messages.success(request, _("Your choices were saved."))
            return redirect("privacy:home")
    else:
        initial = {consent_field_name(p, c): granted for (p, c), granted in consent.consent_current(customer).items()}
        form = ConsentForm(initial=initial)
    exports = [
        (item, export.download_token(item) if item.status == ExportStatus.READY else "")
        for item in AccessRequest.objects.filter(customer=customer).order_by("-requested_at")[:10]
    ]
    context = {
        "form": form,
        "exports": exports,
        "notice_url": settings.PRIVACY_NOTICE_URL,
        "link_minutes": settings.PRIVACY_EXPORT_LINK_MINUTES,
    }
    return render(request, "privacy/portal.html", context)


@customer_required
@require_http_methods(["GET", "POST"])
@reauthentication_required
def export_new(request: HttpRequest) -> HttpResponse:
    """GET: the confirmation page (reached after re-authentication); POST: queue the export."""
    if request.method == "GET":
        return render(request, "privacy/export_confirm.html")
    export.export_request(customer=request.customer, actor=request.user)
    messages.success(request, _("We are preparing your data. The download appears on this page when it is ready."))
    return redirect("privacy:home")


@customer_required
@require_GET
def export_download(request: HttpRequest, token: str) -> HttpResponse:
    item = export.export_for_token(token)
    if item is None or item.customer_id != request.customer.pk:
        raise Http404
    return private_file_response(
        item.file, filename=f"supportdesk-data-{item.ready_at:%Y%m%d}.zip", content_type="application/zip"
    )
