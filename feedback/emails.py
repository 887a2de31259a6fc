"""The feedback emails: plain text and HTML, rendered in the recipient's language."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from feedback.models import SuggestionCategory, SuggestionMonthlySummary, SurveyFollowUp, SurveyInvitation
from feedback.tokens import survey_token
from supportdesk.kit.mail import render_mail, send_rendered_mail
from supportdesk.roles import MANAGER
from tickets.email.models import OutboundKind
from tickets.email.services import outbound


def survey_url(invitation: SurveyInvitation) -> str:
    return settings.SITE_URL + reverse("feedback:survey", args=[survey_token(invitation.key)])


def _send(*, template: str, context: dict, recipients: list[str], language: str | None = None) -> None:
    send_rendered_mail(
        to=recipients,
        language=language,
        subject_template=f"feedback/email/{template}_subject.txt",
        text_template=f"feedback/email/{template}.txt",
        html_template=f"feedback/email/{template}.html",
        context=context,
    )


def send_survey_invitation(invitation: SurveyInvitation) -> None:
    """Queued on the ticket's email thread (tickets.email.services.outbound): a reply to it lands on the ticket.
    The stored copy shows a placeholder for the link (staff must not answer in the customer's name)."""
    context = {"invitation": invitation, "ticket": invitation.ticket}
    content = render_mail(
        language=invitation.language,
        subject_template="feedback/email/survey_invitation_subject.txt",
        text_template="feedback/email/survey_invitation.txt",
        html_template="feedback/email/survey_invitation.html",
        context=context,
        customer_link=("url", survey_url(invitation)),
    )
    outbound.outbound_email_queue_prepared(
        ticket=invitation.ticket, kind=OutboundKind.SURVEY, content=content, to_address=invitation.customer.email
    )


def send_follow_up_notice(follow_up: SurveyFollowUp, recipients: list[str]) -> None:
    url = settings.SITE_URL + reverse("admin:feedback_surveyfollowup_change", args=[follow_up.pk])
    context = {"follow_up": follow_up, "response": follow_up.response, "url": url}
    _send(template="follow_up", context=context, recipients=recipients)


def manager_emails() -> list[str]:
    users = get_user_model().objects.filter(is_active=True, groups__name=MANAGER).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def send_weekly_suggestion_summary(context: dict, recipients: list[str]) -> None:
    _send(template="suggestion_summary", context=context, recipients=recipients)


def send_weekly_satisfaction_report(context: dict, recipients: list[str]) -> None:
    _send(template="satisfaction_report", context=context, recipients=recipients)


SUMMARY_GROUPS_MAILED = 10


def managers_by_language() -> dict[str, list[str]]:
    """Active managers' addresses per chosen language ("" = the site default), one query."""
    rows = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=MANAGER)
        .exclude(email="")
        .values_list("language", "email")
        .distinct()
    )
    grouped: dict[str, set[str]] = {}
    for language, email in rows:
        grouped.setdefault(language, set()).add(email)
    return {language: sorted(addresses) for language, addresses in sorted(grouped.items())}


def monthly_summary_context(summary: SuggestionMonthlySummary) -> dict:
    """Category labels stay lazy: they are rendered in the reader's language."""
    labels = dict(SuggestionCategory.choices)
    return {
        "summary": summary,
        "by_category": [(label, summary.by_category.get(value, 0)) for value, label in labels.items()],
        "groups": [
            {**group, "category_label": labels.get(group["category"], group["category"])}
            for group in summary.groups[:SUMMARY_GROUPS_MAILED]
        ],
        "url": settings.SITE_URL + reverse("admin:feedback_suggestionmonthlysummary_change", args=[summary.pk]),
    }


def send_monthly_suggestion_summary(summary: SuggestionMonthlySummary) -> int:
    """One mail per language among the managers; returns the number of recipients."""
    context = monthly_summary_context(summary)
    sent = 0
    for language, recipients in managers_by_language().items():
        _send(template="suggestion_monthly_summary", context=context, recipients=recipients, language=language or None)
        sent += len(recipients)
    return sent
