"""The public contact form: people without an account write in, confirm their address, and only then
does the request become a ticket."""

from __future__ import annotations

from allauth.core import ratelimit
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tickets import services
from tickets.forms import ContactForm
from tickets.portal.views import add_service_errors
from tickets.selectors import customer_for_user, first_reply_promise

RATE_LIMIT_ACTION = "portal_contact"


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    if customer_for_user(user=request.user) is not None:
        # Signed-in customers have the full form, with their details already known.
        return redirect("portal:request_new")
    if request.method != "POST":
        return render(request, "portal/contact_form.html", {"form": ContactForm(initial={"language": get_language()})})
    form = ContactForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/contact_form.html", {"form": form})
    data = form.cleaned_data
    if not ratelimit.consume(request, action=RATE_LIMIT_ACTION, key=data["email"].lower()):
        form.add_error(None, _("Too many requests were sent from here. Please try again in an hour."))
        return render(request, "portal/contact_form.html", {"form": form}, status=429)
    try:
        services.contact_request_create(**data, site_url=request.build_absolute_uri("/"))
    except ValidationError as error:
        add_service_errors(form, error)
        return render(request, "portal/contact_form.html", {"form": form})
    return redirect("portal:contact_sent")


@require_GET
def contact_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/contact_sent.html")


@require_http_methods(["GET", "POST"])
def contact_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what will be sent and a button; only the POST confirms (mail scanners follow links)."""
    try:
        contact_request = services.contact_request_from_token(token)
    except ValidationError as error:
        return render(request, "portal/contact_confirm.html", {"error": " ".join(error.messages)}, status=400)
    ticket = contact_request.ticket
    if request.method == "POST" and contact_request.confirmed_at is None:
        ticket = services.contact_request_confirm(contact_request=contact_request)
    context = {
        "contact_request": contact_request,
        "ticket": ticket,
        "confirmed": ticket is not None or contact_request.confirmed_at is not None,
        "reply_promise": first_reply_promise(ticket=ticket),
    }
    return render(request, "portal/contact_confirm.html", context)
