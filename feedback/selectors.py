"""Reads for the survey page, the portal and the suggestion summary (reports live in feedback.reports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.models import Suggestion, SuggestionCategory, SurveyInvitation, SurveyResponse
from feedback.tokens import survey_key_from_token
from tickets.customer360 import TimelineEntry

TOP_SUGGESTIONS = 10


def invitation_for_token(token: str) -> SurveyInvitation:
    """The invitation a survey link names; raises tokens.InvalidSurveyLink / ExpiredSurveyLink."""
    key = survey_key_from_token(token)
    return (
        SurveyInvitation.objects.select_related("ticket", "template")
        .prefetch_related("template__questions")
        .get(key=key)
    )


def survey_invitations_pending_for(user) -> list[SurveyInvitation]:
    """Unanswered, unexpired surveys of the signed-in customer, newest first (the portal list)."""
    return list(SurveyInvitation.objects.for_customer_user(user).pending().select_related("ticket"))


@dataclass(frozen=True)
class SuggestionSummary:
    date_from: date
    date_to: date
    total: int
    by_category: list[tuple[str, int]]
    top: list[Suggestion]


def suggestion_summary(*, date_from: date, date_to: date) -> SuggestionSummary:
    """New suggestions submitted between the two days (inclusive): counts per category and the most voted."""
    start = timezone.make_aware(datetime.combine(date_from, time.min))
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min))
    period = Suggestion.objects.originals().filter(created_at__gte=start, created_at__lt=end)
    counts = dict(period.order_by().values_list("category").annotate(n=Count("id")))
    by_category = [(label, counts.get(value, 0)) for value, label in SuggestionCategory.choices]
    return SuggestionSummary(
        date_from=date_from,
        date_to=date_to,
        total=sum(counts.values()),
        by_category=by_category,
        top=list(period.order_by("-votes", "-created_at")[:TOP_SUGGESTIONS]),
    )


def customer_rating_entries(*, user, tickets, limit: int) -> list[TimelineEntry]:
    """The customer 360 timeline's ratings: answers about `tickets` that the user may read, newest first."""
    responses = (
        SurveyResponse.objects.visible_to(user)
        .filter(invitation__ticket__in=tickets.values("id"))
        .select_related("invitation")
        .order_by("-submitted_at", "-id")[:limit]
    )
    return [
        TimelineEntry(
            at=response.submitted_at,
            kind=_("rating"),
            title=_("overall %(overall)s/5") % {"overall": response.overall or "–"},
            detail=response.comment[:200],
            ticket_id=response.invitation.ticket_id,
        )
        for response in responses
    ]
