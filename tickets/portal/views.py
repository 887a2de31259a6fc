"""Portal pages of a signed-in customer: home, their requests, a new request, their profile.

Every ticket comes from tickets.selectors (built on Ticket.objects.visible_to),
so another customer's request is a 404; every write goes through a service.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from supportdesk.audit.recording import audit_read
from tickets import services
from tickets.forms import PortalReplyForm, PortalRequestForm, ProfileForm, environment_from_user_agent
from tickets.models import Category, Channel, Ticket
from tickets.portal.access import customer_required
from tickets.portal.language import remember_account_language
from tickets.selectors import (
    customer_can_reopen,
    customer_can_reply,
    first_reply_promise,
    portal_open_ticket_count,
    portal_tickets,
    ticket_for_customer_page,
    ticket_for_user,
    ticket_timeline,
)

REQUEST_STATES = {"all": "", "open": "open", "closed": "closed"}


def add_service_errors(form: Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    is_customer = user.is_authenticated and not user.is_staff
    context = {
        "query": request.GET.get("q", "").strip()[:200],
        "open_count": portal_open_ticket_count(user=user) if is_customer else None,
    }
    return render(request, "portal/home.html", context)


@require_GET
@customer_required
def request_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "all")
    state = state if state in REQUEST_STATES else "all"
    paginator = Paginator(portal_tickets(user=request.user, state=REQUEST_STATES[state]), settings.PORTAL_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "portal/request_list.html", {"page": page, "state": state, "states": REQUEST_STATES})


@require_http_methods(["GET", "POST"])
@customer_required
def request_new(request: HttpRequest) -> HttpResponse:
    category = Category.objects.filter(is_active=True, slug=request.GET.get("category", "")).first()
    if category is None:
        categories = Category.objects.filter(is_active=True, parent__isnull=True)
        return render(request, "portal/request_category.html", {"categories": categories})
    if request.method == "POST":
        form = PortalRequestForm(request.POST, request.FILES, category=category)
        if form.is_valid():
            try:
                ticket = services.ticket_create(
                    customer=request.customer, channel=Channel.PORTAL, actor=request.user, **form.service_kwargs()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Thank you. Your request %(reference)s is in our queue.") % {
                    "reference": ticket.reference})  # fmt: skip
                return redirect("portal:request_detail", pk=ticket.pk)
    else:
        initial = {
            "language": request.customer.language,
            **environment_from_user_agent(request.headers.get("User-Agent", "")),
        }
        form = PortalRequestForm(category=category, initial=initial)
    return render(request, "portal/request_form.html", {"form": form, "category": category})


def _detail(request: HttpRequest, ticket: Ticket, reply_form: PortalReplyForm | None = None) -> HttpResponse:
    context = {
        "ticket": ticket,
        "timeline": ticket_timeline(ticket=ticket, include_internal=False),
        "reply_form": reply_form or PortalReplyForm(),
        "can_reply": customer_can_reply(ticket=ticket),
        "can_solve": ticket.is_open,
        "can_reopen": customer_can_reopen(ticket=ticket),
        "reply_promise": first_reply_promise(ticket=ticket) if ticket.first_response_at is None else "",
    }
    return render(request, "portal/request_detail.html", context)


@require_GET
@customer_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_for_customer_page(user=request.user, customer=request.customer, pk=pk)
    audit_read(request, ticket, label=ticket.reference)
    return _detail(request, ticket)


@require_POST
@customer_required
def request_reply(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_for_user(user=request.user, pk=pk)
    form = PortalReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.ticket_customer_reply(
                ticket=ticket,
                body=form.cleaned_data["body"],
                via=Channel.PORTAL,
                user=request.user,
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your reply was sent."))
            return redirect("portal:request_detail", pk=ticket.pk)
    return _detail(request, ticket, reply_form=form)


def _change_status(request: HttpRequest, pk: int, change, done: str) -> HttpResponse:
    ticket = ticket_for_user(user=request.user, pk=pk)
    try:
        change(ticket=ticket, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("portal:request_detail", pk=ticket.pk)


@require_POST
@customer_required
def request_solve(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_status(request, pk, services.ticket_customer_solve, _("Marked as solved. Thank you!"))


@require_POST
@customer_required
def request_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_status(request, pk, services.ticket_customer_reopen, _("The request is open again."))


@require_http_methods(["GET", "POST"])
@customer_required
def profile(request: HttpRequest) -> HttpResponse:
    customer = request.customer
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.customer_update_profile(customer=customer, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your profile was saved."))
                # The preferred language becomes the portal's language right away, and stays after signing out.
                remember_account_language(request, customer.language)
                response = redirect("portal:profile")
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, customer.language, samesite="Lax")
                return response
    else:
        form = ProfileForm(initial={
            "name": customer.name, "language": customer.language, "time_zone": request.user.time_zone,
            "notify_on_reply": customer.notify_on_reply, "notify_on_status": customer.notify_on_status,
        })  # fmt: skip
    return render(request, "portal/profile.html", {"form": form})
