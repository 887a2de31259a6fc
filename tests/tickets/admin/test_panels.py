"""The ticket page's panel hook: one TicketAdmin, panels from their owners, laid out by order."""

import pytest
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from tests import factories
from tests.tickets.admin.test_tickets import change_url
from tickets.admin import panels
from tickets.admin.panels import (
    FORM_CONTROLS_ORDER,
    FORM_PROPERTIES_ORDER,
    FORM_RECORD_ORDER,
    MAIN,
    SIDE,
    TicketPanel,
    register_ticket_panel,
)
from tickets.admin.tickets import TicketAdmin
from tickets.complaints.models import Stage
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def section_names(response) -> list[str]:
    return [section.key or f"form@{section.order}" for section in response.context["ticket_page"]]


@pytest.fixture
def registry(monkeypatch):
    """Panels registered by a test are forgotten after it."""
    monkeypatch.setattr(panels, "_panels", dict(panels._panels))


def test_the_ticket_admin_is_tickets_own_and_registered_once():
    assert type(admin.site._registry[Ticket]) is TicketAdmin


def test_the_apps_and_sub_areas_register_their_panels_in_the_documented_order():
    assert [(panel.key, panel.order) for panel in panels.ticket_panels()] == [
        ("tickets.complaint", 100),
        ("tickets.safety", 150),
        ("tickets.identity", 160),
        ("tickets.conversation", 200),
        ("tickets.collision", 240),
        ("knowledge.reply_tools", 300),
        ("tickets.customer", 400),
        ("tickets.sla", 500),
        ("tickets.connectors", 550),
        ("tickets.onchain", 620),
    ]


def test_the_change_page_lays_out_every_panel_in_its_column_in_order(agent_client, ticket, agent):
    factories.complaint(ticket=ticket, actor=agent, stage=Stage.RESOLUTION_PROPOSED)
    macro = factories.kb_macro(title="Ask for the hash")

    response = agent_client.get(change_url(ticket))

    assert section_names(response) == [
        "tickets.complaint",
        "tickets.identity",
        "tickets.conversation",
        "tickets.collision",
        f"form@{FORM_CONTROLS_ORDER}",
        "knowledge.reply_tools",
        "tickets.customer",
        f"form@{FORM_PROPERTIES_ORDER}",
        "tickets.sla",
        "tickets.connectors",
        f"form@{FORM_RECORD_ORDER}",
    ]
    columns = {section.key or f"form@{section.order}": section.column for section in response.context["ticket_page"]}
    assert [name for name, column in columns.items() if column == SIDE] == [
        "tickets.customer",
        f"form@{FORM_PROPERTIES_ORDER}",
        "tickets.sla",
        "tickets.connectors",
        f"form@{FORM_RECORD_ORDER}",
    ]
    page = response.content.decode()
    # The left column (conversation, reply box) comes first in the page, then the right one.
    assert page.find('class="sd-ticket-main"') < page.find('id="sd-timeline"') < page.find('class="sd-ticket-side"')
    landmarks = [
        "Work on the complaint",  # the complaint panel (tickets.complaints)
        'id="sd-timeline"',  # the conversation (tickets)
        '<textarea name="reply_body"',  # the reply box, right under the conversation
        'name="_save"',  # the save buttons, right under the reply box
        reverse("admin:knowledge_macro_apply", args=[ticket.pk]) + f"?macro={macro.pk}",  # reply tools (knowledge)
        'name="status"',  # the ticket's controls, first in the right column
        "SLA clocks",  # the SLA panel (tickets.sla)
        'class="fieldset-heading">Request</h2>',  # the ticket's record
    ]
    positions = [page.find(landmark) for landmark in landmarks]
    assert -1 not in positions
    assert positions == sorted(positions)


def test_a_panel_with_nothing_to_show_is_left_out(agent_client, ticket):
    response = agent_client.get(change_url(ticket))

    assert "tickets.complaint" not in section_names(response)
    assert "Work on the complaint" not in response.content.decode()


def test_a_registered_panel_gets_the_ticket_and_its_context_and_sits_at_its_order(
    registry, agent_client, ticket, customer, team
):
    related = factories.ticket(customer=customer, team=team, subject="Earlier transfer")
    seen = []

    def related_tickets(request, shown):
        seen.append((request.user, shown))
        return {"title": "Same customer", "tickets": [related], "panel_id": "sd-related"}

    register_ticket_panel(
        TicketPanel(
            key="tests.related", template="admin/tickets/_ticket_panel.html", order=450, context=related_tickets
        )
    )

    response = agent_client.get(change_url(ticket))

    assert seen == [(response.wsgi_request.user, ticket)]
    page = response.content.decode()
    assert '<h2 id="sd-related">Same customer</h2>' in page
    assert page.find('<textarea name="reply_body"') < page.find(related.reference) < page.find("SLA clocks")


def test_a_side_panel_goes_to_the_right_column_by_its_order(registry, agent_client, ticket):
    register_ticket_panel(
        TicketPanel(
            key="tests.side",
            template="admin/tickets/_ticket_panel.html",
            order=550,
            context=lambda request, shown: {"title": "Side notes", "tickets": [], "panel_id": "sd-side"},
            column=SIDE,
        )
    )

    page = agent_client.get(change_url(ticket)).content.decode()

    assert page.find('class="sd-ticket-side"') < page.find("SLA clocks") < page.find('<h2 id="sd-side">')
    assert page.find('<h2 id="sd-side">') < page.find('class="fieldset-heading">Request</h2>')


def test_a_panel_names_a_known_column():
    with pytest.raises(ImproperlyConfigured):
        TicketPanel(key="tests.x", template="x.html", order=1, context=lambda request, ticket: {}, column="left")
    assert TicketPanel(key="tests.y", template="x.html", order=1, context=lambda request, ticket: {}).column == MAIN


def test_a_panel_key_is_registered_once(registry):
    panel = TicketPanel(
        key="tests.twice", template="admin/tickets/_ticket_panel.html", order=1, context=lambda request, ticket: {}
    )
    register_ticket_panel(panel)

    with pytest.raises(ImproperlyConfigured):
        register_ticket_panel(panel)


def test_the_add_page_has_no_panels(agent_client):
    response = agent_client.get(reverse("admin:tickets_ticket_add"))

    assert response.status_code == 200
    assert "ticket_page" not in response.context
    assert 'id="sd-timeline"' not in response.content.decode()
