"""Every write to surveys, follow-ups and suggestions.

Keyword-only and atomic; state changes lock their row. Emails go out from
django-q2 tasks enqueued on commit. Domain errors are ValidationError with a
code from this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from feedback import emails, trends
from feedback.models import (
    RATED_DIMENSIONS,
    RATING_MAX,
    RATING_MIN,
    AnsweredVia,
    Dimension,
    FollowUpStatus,
    InvitationReason,
    QuestionKind,
    Suggestion,
    SuggestionCategory,
    SuggestionMonthlySummary,
    SuggestionStatus,
    SurveyFollowUp,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)
from supportdesk.kit.validators import ERROR_INVALID_CHOICE
from tickets import access
from tickets.consent import EMAIL, SURVEYS, consent_allows
from tickets.models import Channel, Customer, Team, Ticket
from tickets.safety.services import intake as safety_intake

ERROR_ALREADY_ANSWERED = "survey_already_answered"
ERROR_EXPIRED = "survey_expired"
ERROR_NOT_YOUR_SURVEY = "survey_not_yours"
ERROR_ANSWER_REQUIRED = "answer_required"
ERROR_INVALID_ANSWER = "invalid_answer"
ERROR_EMPTY = "empty"
ERROR_MERGE_SELF = "suggestion_merge_self"

COMMENT_MAX_LENGTH = 5000
FOLLOW_UP_PERMISSION = ("feedback", "change_surveyfollowup")


# Survey invitations --------------------------------------------------------


@transaction.atomic
def survey_invitation_create(
    *, ticket: Ticket, reason: str = InvitationReason.TICKET_SOLVED, resolved_at: datetime | None = None
) -> SurveyInvitation | None:
    """Invite the customer to rate how this resolution went, and email them after commit.

    Called when a ticket reaches solved (tickets.signals.ticket_solved) and, with
    reason=COMPLAINT_CLOSED and the closure time, when a complaint is closed.
    Returns None when no survey is due: the ticket was merged away or is not
    resolved, this resolution already has one, the customer was asked within
    FEEDBACK_SURVEY_THROTTLE_DAYS, no survey template is active, or the customer declined surveys by
    email (tickets.consent).
    """
    ticket = Ticket.objects.get(pk=ticket.pk)
    resolved_at = resolved_at or ticket.resolved_at
    if ticket.merged_into_id is not None or resolved_at is None:
        return None
    # One customer's invitations are decided one at a time, so two tickets solved
    # at the same moment cannot both slip under the throttle.
    customer = Customer.objects.select_for_update().get(pk=ticket.customer_id)
    if SurveyInvitation.objects.filter(ticket=ticket, resolved_at=resolved_at).exists():
        return None
    now = timezone.now()
    throttle_days = settings.FEEDBACK_SURVEY_THROTTLE_DAYS
    if (
        throttle_days
        and SurveyInvitation.objects.filter(
            customer=customer, created_at__gt=now - timedelta(days=throttle_days)
        ).exists()
    ):
        return None
    template = SurveyTemplate.objects.for_ticket(ticket)
    if template is None or not consent_allows(customer=customer, purpose=SURVEYS, channel=EMAIL):
        return None
    invitation = SurveyInvitation.objects.create(
        ticket=ticket,
        customer=customer,
        template=template,
        reason=reason,
        resolved_at=resolved_at,
        agent_id=ticket.assignee_id,
        team_id=ticket.team_id,
        category_id=ticket.category_id,
        channel=ticket.channel,
        language=customer.language or ticket.language,
        created_at=now,
        expires_at=now + timedelta(days=settings.FEEDBACK_SURVEY_LINK_DAYS),
    )
    transaction.on_commit(partial(async_task, "feedback.tasks.send_survey_invitation", invitation.pk))
    return invitation


@transaction.atomic
def survey_invitation_email(*, invitation_id: int) -> bool:
    """Email the survey link once; a retried task finds `emailed_at` set and sends nothing."""
    invitation = (
        SurveyInvitation.objects.select_for_update(of=("self",))
        .select_related("customer", "ticket")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.emailed_at or invitation.is_answered or invitation.is_expired:
        return False
    if not consent_allows(customer=invitation.customer, purpose=SURVEYS, channel=EMAIL):
        return False  # declined between the invitation and the send
    emails.send_survey_invitation(invitation)
    invitation.emailed_at = timezone.now()
    invitation.save(update_fields=["emailed_at"])
    return True


# Survey responses ----------------------------------------------------------


def _clean_rating(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        rating = int(value)
    except (TypeError, ValueError):
        rating = 0
    if not RATING_MIN <= rating <= RATING_MAX:
        raise ValueError
    return rating


def _clean_yes_no(value) -> bool | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("yes", "true", "1"):
        return True
    if str(value).lower() in ("no", "false", "0"):
        return False
    raise ValueError


def _clean_text(value) -> str | None:
    text = str(value or "").strip()[:COMMENT_MAX_LENGTH]
    return text or None


_CLEANERS = {QuestionKind.RATING: _clean_rating, QuestionKind.YES_NO: _clean_yes_no, QuestionKind.TEXT: _clean_text}


def clean_survey_answers(*, questions: Iterable[SurveyQuestion], answers: Mapping[str, object]) -> dict[str, object]:
    """Answers keyed by question.field_name, checked against each question's kind; raises field errors."""
    cleaned, errors = {}, {}
    for question in questions:
        try:
            value = _CLEANERS[question.kind](answers.get(question.field_name))
        except ValueError:
            errors[question.field_name] = ValidationError(_("Please choose one of the answers."), ERROR_INVALID_ANSWER)
            continue
        if value is None and question.required:
            errors[question.field_name] = ValidationError(_("This question needs an answer."), ERROR_ANSWER_REQUIRED)
        elif value is not None:
            cleaned[question.field_name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def survey_response_submit(*, invitation: SurveyInvitation, answers: Mapping[str, object], user=None) -> SurveyResponse:
    """Record the customer's answers once; a low overall rating opens a supervisor follow-up.

    Whoever holds the emailed link answers as the customer, but a signed-in visitor must be that
    customer: an agent who got hold of a link cannot rate their own work. The response records whether
    it came through the link alone or from the customer's signed-in account.
    """
    invitation = (
        SurveyInvitation.objects.select_for_update(of=("self",)).select_related("customer").get(pk=invitation.pk)
    )
    signed_in = user is not None and user.is_authenticated
    if signed_in and invitation.customer.user_id != user.pk:
        raise ValidationError(_("This survey belongs to another account."), code=ERROR_NOT_YOUR_SURVEY)
    if invitation.is_answered:
        raise ValidationError(_("This survey has already been answered. Thank you!"), code=ERROR_ALREADY_ANSWERED)
    if invitation.is_expired:
        raise ValidationError(_("This survey link has expired."), code=ERROR_EXPIRED)
    cleaned = clean_survey_answers(questions=invitation.template.questions.all(), answers=answers)
    # Free-text answers pass the wallet-safety gate before they are stored.
    texts = {name: value for name, value in cleaned.items() if isinstance(value, str)}
    cleaned |= safety_intake.gate_standalone(texts, channel="survey", customer=invitation.customer).values
    columns = {dimension.value: cleaned.pop(dimension.value, None) for dimension in RATED_DIMENSIONS}
    response = SurveyResponse.objects.create(
        invitation=invitation,
        **columns,
        problem_solved=cleaned.pop(Dimension.SOLVED.value, None),
        comment=cleaned.pop(Dimension.COMMENT.value, None) or "",
        other_answers=cleaned,
        answered_via=AnsweredVia.SIGNED_IN if signed_in else AnsweredVia.CUSTOMER_LINK,
    )
    invitation.answered_at = response.submitted_at
    invitation.save(update_fields=["answered_at"])
    if response.overall is not None and response.overall <= settings.FEEDBACK_LOW_SCORE_THRESHOLD:
        _follow_up_create(response=response, invitation=invitation)
    return response


# Low-rating follow-ups ------------------------------------------------------


def _follow_up_holders() -> Q:
    app_label, codename = FOLLOW_UP_PERMISSION
    by_group = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
    by_user = Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    return by_group | by_user


def team_supervisor(team: Team | None):
    """The team's supervisor: a member of the team who may work follow-ups (lowest id wins)."""
    if team is None:
        return None
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, agent_profile__teams=team)
        .filter(_follow_up_holders())
        .order_by("id")
        .first()
    )


def follow_up_recipients(follow_up: SurveyFollowUp) -> list[str]:
    """The assigned supervisor, or — for a team without one — everyone who may work follow-ups."""
    if follow_up.supervisor_id:
        return [follow_up.supervisor.email] if follow_up.supervisor.email else []
    users = get_user_model().objects.filter(is_active=True, is_staff=True).filter(_follow_up_holders())
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def _follow_up_create(*, response: SurveyResponse, invitation: SurveyInvitation) -> SurveyFollowUp:
    team = Team.objects.filter(pk=invitation.team_id).first()
    follow_up = SurveyFollowUp.objects.create(
        response=response, ticket_id=invitation.ticket_id, team=team, supervisor=team_supervisor(team)
    )
    transaction.on_commit(partial(async_task, "feedback.tasks.notify_follow_up", follow_up.pk))
    return follow_up


@transaction.atomic
def follow_up_notify(*, follow_up_id: int) -> bool:
    """Email the supervisor about a new follow-up, once (a retried task sends nothing more)."""
    follow_up = (
        SurveyFollowUp.objects.select_for_update(of=("self",))
        .select_related("supervisor", "team", "response__invitation__agent")
        .filter(pk=follow_up_id)
        .first()
    )
    if follow_up is None or follow_up.notified_at is not None:
        return False
    recipients = follow_up_recipients(follow_up)
    if recipients:
        emails.send_follow_up_notice(follow_up, recipients)
    follow_up.notified_at = timezone.now()
    follow_up.save(update_fields=["notified_at"])
    return bool(recipients)


@transaction.atomic
def follow_up_update(*, follow_up: SurveyFollowUp, status: str, notes: str, supervisor, actor) -> SurveyFollowUp:
    """Record progress on a follow-up; `done` stamps closed_at, reopening clears it."""
    access.require_permission(actor, "feedback.change_surveyfollowup")
    if status not in FollowUpStatus.values:
        raise ValidationError({"status": _("Unknown status.")}, code=ERROR_INVALID_CHOICE)
    follow_up = SurveyFollowUp.objects.select_for_update().get(pk=follow_up.pk)
    follow_up.status = status
    follow_up.notes = notes.strip()
    follow_up.supervisor = supervisor
    follow_up.closed_at = (follow_up.closed_at or timezone.now()) if status == FollowUpStatus.DONE else None
    follow_up.save(update_fields=["status", "notes", "supervisor", "closed_at", "updated_at"])
    return follow_up


# Suggestions ----------------------------------------------------------------


def _clean_suggestion(*, title: str, body: str, category: str) -> tuple[str, str]:
    errors = {}
    clean_title, clean_body = " ".join((title or "").split())[:200], (body or "").strip()
    if not clean_title:
        errors["title"] = ValidationError(_("Please give the suggestion a short title."), ERROR_EMPTY)
    if not clean_body:
        errors["body"] = ValidationError(_("Please describe your suggestion."), ERROR_EMPTY)
    if category not in SuggestionCategory.values:
        errors["category"] = ValidationError(_("Please choose a category."), ERROR_INVALID_CHOICE)
    if errors:
        raise ValidationError(errors)
    return clean_title, clean_body


@transaction.atomic
def suggestion_submit(
    *,
    title: str,
    body: str,
    category: str,
    channel: str,
    language: str = "en",
    customer: Customer | None = None,
    submitted_by=None,
) -> Suggestion:
    """A customer's suggestion from the portal or email, or one an agent heard on a call."""
    clean_title, clean_body = _clean_suggestion(title=title, body=body, category=category)
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")}, code=ERROR_INVALID_CHOICE)
    gated = safety_intake.gate_standalone(
        {"title": clean_title, "body": clean_body}, channel="suggestion", customer=customer
    )
    return Suggestion.objects.create(
        title=gated.values["title"],
        body=gated.values["body"],
        category=category,
        channel=channel,
        language=language,
        customer=customer,
        submitted_by=submitted_by,
    )


@transaction.atomic
def suggestion_update(
    *, suggestion: Suggestion, title: str, body: str, category: str, status: str, triage_note: str, actor
) -> Suggestion:
    """Triage: edit wording and category, move the status, keep a note for the team."""
    access.require_permission(actor, "feedback.change_suggestion")
    clean_title, clean_body = _clean_suggestion(title=title, body=body, category=category)
    if status not in SuggestionStatus.values:
        raise ValidationError({"status": _("Unknown status.")}, code=ERROR_INVALID_CHOICE)
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    suggestion.title, suggestion.body, suggestion.category = clean_title, clean_body, category
    suggestion.status, suggestion.triage_note = status, triage_note.strip()
    suggestion.save(update_fields=["title", "body", "category", "status", "triage_note", "updated_at"])
    return suggestion


@transaction.atomic
def suggestion_set_status(*, suggestions: Iterable[Suggestion], status: str, actor) -> int:
    """Bulk triage from the admin; returns how many changed."""
    access.require_permission(actor, "feedback.change_suggestion")
    if status not in SuggestionStatus.values:
        raise ValidationError({"status": _("Unknown status.")}, code=ERROR_INVALID_CHOICE)
    ids = [suggestion.pk for suggestion in suggestions]
    return Suggestion.objects.filter(pk__in=ids).exclude(status=status).update(status=status, updated_at=timezone.now())


@transaction.atomic
def suggestion_merge(*, primary: Suggestion, duplicates: Iterable[Suggestion], actor) -> Suggestion:
    """Fold duplicates into `primary`: their votes add up there and they point to it."""
    access.require_permission(actor, "feedback.change_suggestion")
    duplicate_ids = sorted({suggestion.pk for suggestion in duplicates} - {primary.pk})
    if not duplicate_ids:
        raise ValidationError(_("Choose at least one other suggestion to merge."), code=ERROR_MERGE_SELF)
    locked = {
        suggestion.pk: suggestion
        for suggestion in Suggestion.objects.select_for_update()
        .filter(pk__in=[primary.pk, *duplicate_ids])
        .order_by("pk")
    }
    primary = locked[primary.pk]
    now = timezone.now()
    for pk in duplicate_ids:
        duplicate = locked[pk]
        # Suggestions already folded into `duplicate` now point to the primary too.
        Suggestion.objects.filter(duplicate_of=duplicate).update(duplicate_of=primary, updated_at=now)
        primary.votes += duplicate.votes
        duplicate.duplicate_of = primary
        duplicate.save(update_fields=["duplicate_of", "updated_at"])
    primary.save(update_fields=["votes", "updated_at"])
    return primary


@transaction.atomic
def suggestion_add_vote(*, suggestion: Suggestion, actor) -> Suggestion:
    """Another customer asked for the same thing (e.g. on a call): whoever may log suggestions adds the vote."""
    access.require_permission(actor, "feedback.add_suggestion")
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    suggestion.votes += 1
    suggestion.save(update_fields=["votes", "updated_at"])
    return suggestion


# Monthly suggestion summary (issue 24 item 9) -------------------------------------------------------------------


@transaction.atomic
def suggestion_monthly_summary_build(*, month: date) -> SuggestionMonthlySummary:
    """The month's suggestions counted (one aggregate query) and grouped by similarity (one query).

    One row per month: building again replaces the figures (a late merge or a correction shows up), and
    keeps `emailed_at`, so the managers' email goes out once.
    """
    start, end = trends.month_bounds(month)
    period = Suggestion.objects.originals().filter(created_at__gte=start, created_at__lt=end)
    by_category = dict(period.order_by().values_list("category").annotate(count=Count("id")))
    votes = period.aggregate(votes=Sum("votes"))["votes"] or 0
    grouping = trends.group_suggestions(start=start, end=end)
    summary, _created = SuggestionMonthlySummary.objects.update_or_create(
        month=month.replace(day=1),
        defaults={
            "total": sum(by_category.values()),
            "votes": votes,
            "by_category": by_category,
            "groups": [group.as_record() for group in grouping.groups],
            "built_at": timezone.now(),
        },
    )
    return summary


def suggestion_monthly_summary_email(*, summary_id: int) -> int:
    """Mails the summary to the managers, each in their language, once; returns how many were mailed."""
    with transaction.atomic():
        summary = SuggestionMonthlySummary.objects.select_for_update().get(pk=summary_id)
        if summary.emailed_at is not None:
            return 0
        sent = emails.send_monthly_suggestion_summary(summary)
        summary.emailed_at = timezone.now()
        summary.save(update_fields=["emailed_at"])
    return sent
