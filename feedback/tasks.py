"""django-q2 tasks: thin and idempotent; they reload rows by id and call a service or an email."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from feedback import emails, reports, selectors, services


def send_survey_invitation(invitation_id: int) -> bool:
    return services.survey_invitation_email(invitation_id=invitation_id)


def notify_follow_up(follow_up_id: int) -> bool:
    return services.follow_up_notify(follow_up_id=follow_up_id)


def _last_week() -> tuple:
    today = timezone.localdate()
    return today - timedelta(days=7), today - timedelta(days=1)


def send_weekly_suggestion_summary() -> int:
    """Counts by category and the most-voted new suggestions of the last seven days, to the managers."""
    recipients = emails.manager_emails()
    if recipients:
        date_from, date_to = _last_week()
        summary = selectors.suggestion_summary(date_from=date_from, date_to=date_to)
        emails.send_weekly_suggestion_summary({"summary": summary}, recipients)
    return len(recipients)


def send_weekly_satisfaction_report() -> int:
    """The satisfaction report page's numbers for the last seven days, to the managers."""
    recipients = emails.manager_emails()
    if recipients:
        date_from, date_to = _last_week()
        filters = reports.ReportFilters(date_from=date_from, date_to=date_to)
        context = {
            "report": reports.satisfaction_report(filters),
            "scorecard": reports.agent_scorecard(filters),
            "dimension_labels": reports.DIMENSION_LABELS,
        }
        emails.send_weekly_satisfaction_report(context, recipients)
    return len(recipients)


def build_monthly_suggestion_summary(month: str | None = None) -> int:
    """The monthly schedule (1st of the month): last month's summary built, then mailed to the managers once.

    `month` (YYYY-MM-DD, any day of it) rebuilds another month; returns how many managers were mailed.
    """
    first_of_this_month = timezone.localdate().replace(day=1)
    chosen = date.fromisoformat(month) if month else (first_of_this_month - timedelta(days=1)).replace(day=1)
    summary = services.suggestion_monthly_summary_build(month=chosen)
    return services.suggestion_monthly_summary_email(summary_id=summary.pk)
