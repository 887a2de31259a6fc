"""Public wallet-safety pages: verify an official contact, report an impersonator, enter a
verification code. Views parse input and call selectors/services; nothing else."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from supportdesk.kit.client_ip import client_ip
from tickets.safety import selectors
from tickets.safety.forms import ContactCheckForm, ImpersonatorReportForm, VerificationCodeForm
from tickets.safety.services import impersonator_report, verification
from tickets.selectors import ticket_for_user

_REPORT_WINDOW_SECONDS = 3600

VERIFICATION_MESSAGES = {
    verification.VERIFIED: (messages.SUCCESS, gettext_lazy("Thank you, your identity is confirmed.")),
    verification.WRONG: (
        messages.ERROR,
        gettext_lazy("That code is not correct. Check the latest email or SMS and try again."),
    ),
    verification.LOCKED: (
        messages.ERROR,
        gettext_lazy("Too many wrong codes. This code no longer works; your agent can send you a new one."),
    ),
    verification.EXPIRED: (messages.ERROR, gettext_lazy("This code has expired. Your agent can send you a new one.")),
    verification.NOTHING_PENDING: (
        messages.INFO,
        gettext_lazy("There is no code waiting to be entered for this request."),
    ),
}


def _report_allowed(request: HttpRequest) -> bool:
    """At most SAFETY_REPORTS_PER_HOUR reports per client address and hour."""
    key = f"tickets.safety.reports:{client_ip(request)}"
    cache.add(key, 0, _REPORT_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, _REPORT_WINDOW_SECONDS)
        count = 1
    return count <= settings.SAFETY_REPORTS_PER_HOUR


def _customer_email(request: HttpRequest) -> str:
    return request.user.email if request.user.is_authenticated else ""


@require_http_methods(["GET", "HEAD"])
def verify_contact(request: HttpRequest) -> HttpResponse:
    form = ContactCheckForm(request.GET if "contact" in request.GET else None)
    contacts = selectors.official_contacts()
    verdict = None
    report_form = None
    if form.is_valid():
        verdict = selectors.contact_verdict(form.cleaned_data["contact"], contacts)
        if verdict.status != "official":
            report_form = ImpersonatorReportForm(
                initial={"contact": form.cleaned_data["contact"], "email": _customer_email(request)}
            )
    context = {
        "form": form,
        "verdict": verdict,
        "reasons": selectors.reason_labels(verdict) if verdict else [],
        "report_form": report_form,
        "official_contacts": contacts,
    }
    return render(request, "portal/safety/verify_contact.html", context)


@require_POST
def report_impersonator(request: HttpRequest) -> HttpResponse:
    form = ImpersonatorReportForm(request.POST)
    if not form.is_valid():
        context = {
            "form": ContactCheckForm(initial={"contact": request.POST.get("contact", "")}),
            "verdict": None,
            "report_form": form,
            "official_contacts": selectors.official_contacts(),
        }
        return render(request, "portal/safety/verify_contact.html", context, status=400)
    if not _report_allowed(request):
        context = {"official_contacts": selectors.official_contacts()}
        return render(request, "portal/safety/report_limited.html", context, status=429)
    data = form.cleaned_data
    impersonator_report(
        contact=data["contact"],
        verdict=selectors.contact_verdict(data["contact"], selectors.official_contacts()),
        where_seen=data["where_seen"],
        description=data["description"],
        email=data["email"],
        language=get_language() or settings.LANGUAGE_CODE,
        user=request.user,
    )
    messages.success(request, _("Thank you. Our security team has received your report and will look into it."))
    return redirect("safety:verify_contact")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify_identity(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = ticket_for_user(user=request.user, pk=ticket_id)
    form = VerificationCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = verification.verification_check(
            ticket=ticket, code=form.cleaned_data["code"].strip(), through="portal", actor=request.user
        )
        level, text = VERIFICATION_MESSAGES[result]
        messages.add_message(request, level, text)
        return redirect("safety:verify_identity", ticket_id=ticket.pk)
    context = {"ticket": ticket, "form": form, "state": selectors.verification_state(ticket)}
    return render(request, "portal/safety/verify_identity.html", context)
