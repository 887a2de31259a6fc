"""What `make bench` seeds on top of the tickets: surveys, SLA clocks (then one sweep), help-centre articles."""

import io

from devdata.bench.plan import SeedPlan
from devdata.bench.seed_features import article_count, seed_all, sweep_crossing_ids
from feedback.models import SurveyInvitation, SurveyResponse
from knowledge.models import Article
from tickets.models import ClockState, EventKind, Ticket, TicketEvent


def test_seed_loads_surveys_sla_clocks_and_articles(seeded):
    resolved = Ticket.objects.filter(resolved_at__isnull=False)
    # one invitation per resolution, with who handled it copied from the ticket
    assert SurveyInvitation.objects.count() == resolved.count() > 0
    invitation = SurveyInvitation.objects.select_related("ticket").first()
    assert (invitation.agent_id, invitation.team_id, invitation.resolved_at) == (
        invitation.ticket.assignee_id, invitation.ticket.team_id, invitation.ticket.resolved_at)  # fmt: skip
    answered = SurveyInvitation.objects.filter(answered_at__isnull=False)
    assert SurveyResponse.objects.count() == answered.count() > 0
    assert set(SurveyResponse.objects.values_list("invitation_id", flat=True)) == set(
        answered.values_list("pk", flat=True)
    )
    # every open ticket has an SLA policy and its clocks; overdue ones were breached by the sweep, with an event
    open_tickets = Ticket.objects.open()
    assert not open_tickets.filter(sla_policy__isnull=True).exists()
    assert not open_tickets.filter(resolution_state="").exists()
    breached = open_tickets.filter(resolution_state=ClockState.BREACHED)
    assert breached.exists()
    assert TicketEvent.objects.filter(kind=EventKind.SLA_BREACH).count() >= breached.count()
    assert sweep_crossing_ids(seeded)
    assert Article.objects.filter(slug__startswith="benchkb-").count() == article_count(seeded)


def test_seeding_again_replaces_the_data(seeded):
    seed_all(SeedPlan(tickets=50), stream=io.StringIO())

    assert Ticket.objects.count() == 50
    assert Ticket.objects.order_by("-pk").first().pk == 50
    assert SurveyInvitation.objects.count() == Ticket.objects.filter(resolved_at__isnull=False).count()
    assert Article.objects.count() == article_count(SeedPlan(tickets=50))
