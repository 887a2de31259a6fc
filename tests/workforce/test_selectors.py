"""The forecast's reads: contacts per channel and hour, measured handle times, per-channel service targets."""

from datetime import timedelta

import pytest
from django.test import override_settings

from tests import factories
from tests.workforce.history import TODAY, at, busy_hours, handled
from tickets.models import AuthorKind, Channel, SLAPolicy
from workforce import selectors, staffing

pytestmark = pytest.mark.usefixtures("desk_in_utc")

# Contacts: new tickets and customer messages ---------------------------------------------


@pytest.mark.django_db
def test_customer_messages_on_existing_tickets_count_as_contacts_on_their_channel(agent):
    monday = TODAY - timedelta(weeks=1)
    ticket = factories.TicketFactory(created_at=at(monday, 9), channel=Channel.PORTAL)
    factories.TicketMessageFactory(ticket=ticket, created_at=at(monday, 9), via=Channel.PORTAL)  # the opening message
    factories.TicketMessageFactory(
        ticket=ticket, author_kind=AuthorKind.AGENT, author=agent, via=Channel.AGENT, created_at=at(monday, 11)
    )
    factories.TicketMessageFactory(ticket=ticket, via=Channel.EMAIL, created_at=at(monday, 14))
    factories.TicketMessageFactory(ticket=ticket, via=Channel.EMAIL, created_at=at(monday, 14, 40))
    # A phone call an agent recorded, then the customer writes on the portal.
    phone = factories.TicketFactory(created_at=at(monday, 16), channel=Channel.PHONE)
    factories.TicketMessageFactory(
        ticket=phone, author_kind=AuthorKind.AGENT, author=agent, via=Channel.PHONE, created_at=at(monday, 16)
    )
    factories.TicketMessageFactory(ticket=phone, via=Channel.PORTAL, created_at=at(monday, 17))
    # Outside the window: a reply written today is not history yet.
    factories.TicketMessageFactory(ticket=ticket, via=Channel.EMAIL, created_at=at(TODAY, 8))

    history = selectors.contact_history(start=TODAY - timedelta(weeks=4), end=TODAY)

    assert history == {
        (Channel.PORTAL, monday, 9): 1,
        (Channel.EMAIL, monday, 14): 2,
        (Channel.PHONE, monday, 16): 1,
        (Channel.PORTAL, monday, 17): 1,
    }
    assert selectors.contact_history(start=TODAY - timedelta(weeks=4), end=TODAY, channel=Channel.EMAIL) == {
        (Channel.EMAIL, monday, 14): 2
    }
    plan = staffing.staffing_plan(today=TODAY, days=7, channel=Channel.EMAIL)
    assert [hour.start.hour for hour in busy_hours(plan.hours)] == [14]
    assert [item.history_contacts for item in plan.channels] == [2]


# Measured handle time ----------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(STAFFING_MIN_AHT_SAMPLES=2)
def test_handle_time_is_the_average_per_ticket_sum_of_measured_replies(agent):
    handled(agent=agent, seconds=[100, 200])  # one ticket: 300 s
    handled(agent=agent, seconds=[500])
    unmeasured = factories.TicketFactory(channel=Channel.EMAIL)
    factories.TicketMessageFactory(ticket=unmeasured, author_kind=AuthorKind.AGENT, author=agent, via=Channel.AGENT)
    handled(agent=agent, seconds=[3000], when=at(TODAY - timedelta(weeks=6), 10))  # before the window
    handled(agent=agent, seconds=[120], channel=Channel.BOT)  # one ticket: too few to trust

    times = selectors.handle_times(start=TODAY - timedelta(weeks=4), end=TODAY)

    assert times[Channel.EMAIL] == selectors.HandleTime(seconds=400, samples=2, measured=True)
    assert times[Channel.BOT] == selectors.HandleTime(seconds=360, samples=1, measured=False)
    assert times[Channel.PHONE] == selectors.HandleTime(seconds=360, samples=0, measured=False)


# Per-channel service targets -------------------------------------------------------------


@pytest.mark.django_db
def test_real_time_channels_use_their_configured_target_and_asynchronous_ones_the_sla():
    targets = selectors.service_targets([Channel.BOT, Channel.PHONE, Channel.EMAIL, Channel.PORTAL])

    # Seeded policies (tickets 0010): "Email, phone and other channels" answers first within 8 business hours.
    assert targets[Channel.BOT] == selectors.ServiceTarget(level=0.8, seconds=20, source="configured")
    assert targets[Channel.PHONE].seconds == 20
    assert targets[Channel.EMAIL] == selectors.ServiceTarget(
        level=0.8, seconds=8 * 3600, source="sla", policy="Email, phone and other channels"
    )
    assert targets[Channel.PORTAL].source == "sla"


@pytest.mark.django_db
@override_settings(
    STAFFING_SERVICE_LEVELS={"email": {"level": 0.9, "seconds": None}, "social": {"level": 0.7, "seconds": 60}},
    STAFFING_SERVICE_LEVEL=0.85,
    STAFFING_TARGET_SECONDS=45,
)
def test_service_targets_follow_the_settings_and_fall_back_without_a_policy():
    SLAPolicy.objects.update(is_active=False)

    targets = selectors.service_targets([Channel.EMAIL, Channel.SOCIAL, Channel.BOT])

    assert targets[Channel.EMAIL] == selectors.ServiceTarget(level=0.9, seconds=45, source="default")
    assert targets[Channel.SOCIAL] == selectors.ServiceTarget(level=0.7, seconds=60, source="configured")
    assert targets[Channel.BOT] == selectors.ServiceTarget(level=0.85, seconds=45, source="default")
