"""Demo survey answers for `make run`: weeks of ratings on agents' solved tickets.

One agent is rated poorly on attitude (below FEEDBACK_TRAINING_THRESHOLD, on at least
FEEDBACK_SCORECARD_MIN_RESPONSES answers), so the daily training rules coach them; the others
are rated well. Invitations and answers go through feedback.services on solved tickets of the
agent, one customer each (the survey throttle allows one invitation per customer and week);
the services stamp them "now", so the demo then moves those stamps to a few minutes and hours
after each ticket was solved, spreading the answers over the last weeks like real ones.

Idempotent: an agent who already has answers gets no more. Called from supportdesk.demo.seed_demo.
"""

from __future__ import annotations

from datetime import timedelta

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


def seed_survey_answers(*, staff: dict) -> None:
    for username, answers in ANSWERS.items():
        agent = staff[username]
        if SurveyResponse.objects.filter(invitation__agent=agent).exists():
            continue
        for ticket, answer in zip(_rated_tickets(agent, len(answers)), answers, strict=False):
            _answer(ticket, answer)


def _rated_tickets(agent, count: int) -> list[Ticket]:
    """`count` of the agent's solved tickets spread over the answer window, each of a customer never surveyed."""
    now = timezone.now()
    candidates = list(
        Ticket.objects.filter(
            assignee=agent,
            status__in=[Status.SOLVED, Status.CLOSED],
            merged_into__isnull=True,
            resolved_at__range=(now - ANSWER_WINDOW, now - timedelta(days=1)),
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
