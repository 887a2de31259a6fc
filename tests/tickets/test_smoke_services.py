from tickets import services
from tickets.models import Channel, EventKind, Status


def test_it_creates_a_ticket_with_its_first_message_and_a_created_event(customer, agent, team):
    ticket = services.ticket_create(
        customer=customer,
        subject="  Stuck   transfer ",
        body="Help",
        channel=Channel.PORTAL,
        actor=customer.user,
        team=team,
    )

    assert ticket.subject == "Stuck transfer"
    assert ticket.status == Status.NEW
    assert [m.body for m in ticket.messages.all()] == ["Help"]
    assert list(ticket.events.values_list("kind", flat=True)) == [EventKind.CREATED]
