"""Portal pages for customers: file a complaint, follow it, confirm or reject the resolution.

Views only parse input and render; reads come from selectors, writes from services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from supportdesk.audit.recording import audit_read
from tickets.complaints import selectors, services, tokens
from tickets.complaints.forms import ComplaintFileForm, ComplaintResponseForm
from tickets.complaints.models import Stage
from tickets.models import ticket_reference


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_http_methods(["GET"])
@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "portal/complaints/list.html", {"complaints": selectors.complaints_for_portal(user=request.user)}
    )


@require_http_methods(["GET", "POST"])
@login_required
def complaint_new(request: HttpRequest) -> HttpResponse:
    initial = {"ticket": request.GET.get("ticket")} if request.GET.get("ticket", "").isdigit() else {}
    form = ComplaintFileForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.complaint_file(
                user=request.user,
                subject=data["subject"],
                title=data["title"],
                body=data["body"],
                desired_outcome=data["desired_outcome"],
                ticket=data["ticket"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Thank you. We have received your complaint %(ref)s.") % {"ref": complaint.reference}
            )
            return redirect("complaints:detail", pk=complaint.pk)
    return render(request, "portal/complaints/new.html", {"form": form})


@require_http_methods(["GET"])
@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    detail = selectors.complaint_portal_detail(user=request.user, pk=pk)
    audit_read(request, detail.complaint, label=ticket_reference(detail.complaint.ticket_id))
    form = ComplaintResponseForm() if detail.complaint.stage == Stage.AWAITING_CONFIRMATION else None
    return render(
        request, "portal/complaints/detail.html", {"detail": detail, "complaint": detail.complaint, "form": form}
    )


@require_POST
@login_required
def complaint_respond(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_for_user(user=request.user, pk=pk)
    form = ComplaintResponseForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_respond(
                complaint=complaint,
                resolved=form.cleaned_data["resolved"],
                comment=form.cleaned_data["comment"],
                user=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Thank you for your answer."))
    else:
        messages.error(request, _("Please choose whether the problem is resolved."))
    return redirect("complaints:detail", pk=complaint.pk)


@require_http_methods(["GET", "POST"])
def complaint_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: works without signing in; a signed-in visitor must be the complaint's customer."""
    form = ComplaintResponseForm(request.POST or None)
    try:
        stored = selectors.confirmation_token_lookup(token=token)
        if request.user.is_authenticated and stored.complaint.ticket.customer.user_id != request.user.pk:
            raise ValidationError(_("This link is not valid."), code=tokens.ERROR_LINK_INVALID)
    except ValidationError as error:
        return _link_error(request, error)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.complaint_respond_with_link(
                token=token,
                resolved=form.cleaned_data["resolved"],
                comment=form.cleaned_data["comment"],
                user=request.user,
            )
        except ValidationError as error:
            return _link_error(request, error)
        return render(request, "portal/complaints/confirm.html", {"done": True, "complaint": complaint})
    return render(request, "portal/complaints/confirm.html", {"form": form, "complaint": stored.complaint})


def _link_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    # Used or expired links are gone for good (410); unknown, forged or someone else's are not found (404).
    gone = error.code in (
        tokens.ERROR_LINK_USED,
        tokens.ERROR_LINK_EXPIRED,
        services.ERROR_NOT_AWAITING_CONFIRMATION,
    )
    return render(request, "portal/complaints/confirm.html", {"error": error.messages[0]}, status=410 if gone else 404)
