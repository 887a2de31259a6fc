"""Portal pages of the feedback app: the survey link (no login), pending surveys, suggestions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from feedback import selectors, services
from feedback.emails import survey_url
from feedback.forms import SuggestionForm, SurveyForm
from feedback.models import SurveyInvitation
from feedback.tokens import ExpiredSurveyLink, InvalidSurveyLink
from tickets.models import Channel
from tickets.selectors import customer_for_user

SURVEY_TEMPLATE = "feedback/portal/survey.html"


def _survey_page(request, *, state: str, status: int = 200, **context) -> HttpResponse:
    return render(request, SURVEY_TEMPLATE, {"state": state, **context}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The survey behind an emailed link: anyone holding the link may answer it, once, before it expires."""
    try:
        invitation = selectors.invitation_for_token(token)
    except ExpiredSurveyLink:
        return _survey_page(request, state="expired", status=410)
    except (InvalidSurveyLink, SurveyInvitation.DoesNotExist):
        return _survey_page(request, state="invalid", status=404)
    with translation.override(invitation.language):
        if invitation.is_answered:
            return _survey_page(request, state="answered", invitation=invitation)
        if invitation.is_expired:
            return _survey_page(request, state="expired", invitation=invitation, status=410)
        questions = list(invitation.template.questions.all())
        form = SurveyForm(request.POST or None, questions=questions, language=invitation.language)
        if request.method == "POST" and form.is_valid():
            try:
                services.survey_response_submit(invitation=invitation, answers=form.cleaned_data, user=request.user)
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    # Answered in another tab, or expired while the page was open.
                    return _survey_page(request, state="closed", invitation=invitation, message=error.messages[0])
                for field, field_errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, field_errors)
            else:
                return redirect(request.path)
        return _survey_page(request, state="open", invitation=invitation, form=form)


def _customer_of(request: HttpRequest):
    customer = customer_for_user(user=request.user)
    if customer is None:
        raise PermissionDenied(_("This page is for customers."))
    return customer


@login_required
@require_http_methods(["GET"])
def my_surveys(request: HttpRequest) -> HttpResponse:
    _customer_of(request)
    invitations = selectors.survey_invitations_pending_for(request.user)
    surveys = [(invitation, survey_url(invitation)) for invitation in invitations]
    return render(request, "feedback/portal/my_surveys.html", {"surveys": surveys})


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_new(request: HttpRequest) -> HttpResponse:
    customer = _customer_of(request)
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.suggestion_submit(
                **form.cleaned_data,
                channel=Channel.PORTAL,
                language=translation.get_language() or customer.language,
                customer=customer,
                submitted_by=request.user,
            )
        except ValidationError as error:
            for field, field_errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            messages.success(request, _("Thank you! Your suggestion was sent to our team."))
            return redirect("feedback:suggestion_new")
    return render(request, "feedback/portal/suggestion_form.html", {"form": form})
