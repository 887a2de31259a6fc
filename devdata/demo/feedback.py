"""Demo survey answers for `make run`: weeks of ratings on agents' solved tickets.

One agent is rated poorly on attitude (below FEEDBACK_TRAINING_THRESHOLD, on at least
FEEDBACK_SCORECARD_MIN_RESPONSES answers), so the daily training rules coach them; the others
are rated well. The previous calendar month also gets a full month of answers for three agents
(MONTH_ANSWERS: at least TRAINING_AWARD_MIN_RESPONSES each), so the monthly "top agents" page
ranks them. Invitations and answers go through feedback.services on solved tickets of the
agent, one customer each (the survey throttle allows one invitation per customer and week);
the services stamp them "now", so the demo then moves those stamps to a few minutes and hours
after each ticket was solved, spreading the answers over the weeks like real ones.

Idempotent: an agent who already has answers gets no more rolling ones, and the previous month
is only topped up to its list's length. Called from devdata.demo.seed_demo.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

from feedback import services
from feedback.models import SurveyFollowUp, SurveyInvitation, SurveyResponse
from tickets.models import Status, Ticket

ANSWER_WINDOW = timedelta(weeks=6)

# overall, attitude, speed, professionalism, solved, comment
POOR_ATTITUDE = [
    (3, 2, 4, 4, "yes", "Fixed, but the agent was curt and made me feel stupid."),
    (2, 1, 4, 3, "yes", "Rude reply. I only asked a simple question."),
    (3, 2, 5, 4, "yes", ""),
    (3, 3, 4, 4, "yes", "Quick, though the tone was cold."),
    (2, 2, 3, 4, "no", "The agent told me to read the FAQ and closed the ticket."),
    (3, 2, 4, 4, "yes", ""),
    (4, 3, 5, 4, "yes", "Fast answer."),
    (3, 1, 4, 3, "yes", "客服态度很差，不耐烦。"),
]
WELL_RATED = [
    (5, 5, 4, 5, "yes", "Friendly and knew exactly what to do."),
    (5, 5, 5, 5, "yes", ""),
    (4, 5, 4, 4, "yes", "Patient explanation of the network fee."),
    (5, 4, 5, 5, "yes", ""),
    (4, 4, 4, 5, "yes", "非常专业，谢谢！"),
    (5, 5, 4, 4, "yes", ""),
]
# agent username → their answers, oldest first
ANSWERS = {"agent": POOR_ATTITUDE, "agent2": WELL_RATED, "agent4": WELL_RATED[:5]}

# The previous calendar month, for the "top agents" ranking: Tom Technical is rated best, Sara Secure
# well with one lukewarm answer, Li Wei still curt (his attitude stays below the threshold). The
# rolling answers above that fall in that month count too: the month is topped up with the end of
# each list, so every agent has as many answers in it as their list is long.
MONTH_ANSWERS = {
    "agent2": [
        (5, 5, 5, 5, "yes", "Found my stuck swap on the explorer in minutes."),
        (5, 4, 5, 5, "yes", ""),
        (4, 5, 4, 4, "yes", ""),
        (5, 5, 4, 5, "yes", "Clear steps for the bridge refund."),
        (5, 5, 5, 4, "yes", ""),
        (4, 4, 4, 5, "yes", ""),
        (5, 5, 5, 5, "yes", "已解决，谢谢耐心讲解。"),
        (5, 4, 4, 5, "yes", ""),
        (4, 5, 4, 4, "yes", ""),
        (5, 5, 5, 5, "yes", ""),
        (5, 5, 4, 5, "yes", "Explained the gas fee without jargon."),
        (4, 4, 5, 4, "yes", ""),
    ],
    "agent4": [
        (5, 5, 4, 5, "yes", "Helped me revoke the suspicious approval right away."),
        (4, 5, 4, 5, "yes", ""),
        (5, 5, 5, 5, "yes", ""),
        (5, 4, 4, 5, "yes", "Calm and reassuring after the phishing scare."),
        (4, 4, 4, 4, "yes", ""),
        (5, 5, 5, 5, "yes", ""),
        (5, 5, 4, 5, "yes", ""),
        (4, 5, 5, 4, "yes", "确认了那个账号是冒充的，谢谢。"),
        (5, 5, 4, 5, "yes", ""),
        (5, 4, 5, 5, "yes", ""),
        (3, 4, 3, 4, "no", "Could not get my funds back, though the agent tried."),
    ],
    "agent": [
        (3, 2, 4, 4, "yes", ""),
        (4, 3, 5, 4, "yes", "Solved quickly, a bit abrupt."),
        (2, 1, 4, 3, "no", "The agent kept repeating the FAQ link."),
        (3, 2, 4, 4, "yes", ""),
        (4, 3, 4, 4, "yes", ""),
        (3, 2, 4, 4, "yes", "回复太生硬了。"),
        (4, 3, 5, 4, "yes", ""),
        (3, 2, 3, 4, "yes", ""),
        (2, 2, 4, 3, "no", "Felt like I was bothering them."),
        (4, 3, 4, 4, "yes", ""),
        (3, 2, 4, 4, "yes", ""),
    ],
}


def seed_survey_answers(*, staff: dict) -> None:
    now = timezone.now()
    for username, answers in ANSWERS.items():
        agent = staff[username]
        if SurveyResponse.objects.filter(invitation__agent=agent).exists():
            continue
        tickets = _rated_tickets(agent, len(answers), resolved=(now - ANSWER_WINDOW, now - timedelta(days=1)))
        for ticket, answer in zip(tickets, answers, strict=False):
            _answer(ticket, answer)
    month_start, month_end = _previous_month(timezone.localdate())
    resolved = (month_start, min(month_end - timedelta(hours=1), now - timedelta(days=1)))
    for username, answers in MONTH_ANSWERS.items():
        agent = staff[username]
        already = SurveyResponse.objects.filter(
            invitation__agent=agent, invitation__created_at__gte=month_start, invitation__created_at__lt=month_end
        ).count()
        missing = answers[already:]
        for ticket, answer in zip(_rated_tickets(agent, len(missing), resolved=resolved), missing, strict=False):
            _answer(ticket, answer)


def _previous_month(today: date) -> tuple[datetime, datetime]:
    """The calendar month before `today`'s, as [first midnight, next month's first midnight) in the desk time zone."""
    first = today.replace(day=1)
    zone = timezone.get_default_timezone()
    return (
        timezone.make_aware(datetime.combine(first - relativedelta(months=1), time.min), zone),
        timezone.make_aware(datetime.combine(first, time.min), zone),
    )


def _rated_tickets(agent, count: int, *, resolved: tuple[datetime, datetime]) -> list[Ticket]:
    """`count` of the agent's tickets solved within `resolved`, spread over it, each of a customer never surveyed."""
    if count <= 0:
        return []
    candidates = list(
        Ticket.objects.filter(
            assignee=agent,
            status__in=[Status.SOLVED, Status.CLOSED],
            merged_into__isnull=True,
            resolved_at__range=resolved,
        )
        .exclude(customer__in=SurveyInvitation.objects.values("customer"))
        .order_by("resolved_at", "id")
    )
    chosen, customers = [], set()
    for index in range(count):
        later = candidates[index * len(candidates) // count :]
        ticket = next((ticket for ticket in later if ticket.customer_id not in customers), None)
        if ticket is not None:
            chosen.append(ticket)
            customers.add(ticket.customer_id)
    return chosen


def _answer(ticket: Ticket, answer: tuple) -> None:
    overall, attitude, speed, professionalism, solved, comment = answer
    invitation = services.survey_invitation_create(ticket=ticket)
    if invitation is None:
        return
    response = services.survey_response_submit(
        invitation=invitation,
        answers={"overall": overall, "attitude": attitude, "speed": speed, "professionalism": professionalism,
                 "solved": solved, "comment": comment},
    )  # fmt: skip
    sent = ticket.resolved_at + timedelta(minutes=5)
    answered = sent + timedelta(hours=2 + ticket.pk % 20)
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        created_at=sent,
        emailed_at=sent,
        expires_at=sent + timedelta(days=settings.FEEDBACK_SURVEY_LINK_DAYS),
        answered_at=answered,
    )
    SurveyResponse.objects.filter(pk=response.pk).update(submitted_at=answered)
    SurveyFollowUp.objects.filter(response=response).update(created_at=answered, notified_at=answered)
