"""SLA in the admin: settings pages, changelist column and filter, ticket panel, supervisor page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tickets import services
from tickets.models import Channel, Ticket
from tickets.sla.models import BusinessCalendar
from tickets.sla.services.sweep import sla_sweep


def new_tickets(customer, count, team=None):
    return [
        services.ticket_create(customer=customer, subject=f"Ticket {n}", body="Hi", channel=Channel.EMAIL, team=team)
        for n in range(count)
    ]


def query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_calendar_list_shows_hours_and_policies(client, administrator):
    client.force_login(administrator)

    page = client.get("/admin/tickets/businesscalendar/").content.decode()

    assert "Monday 09:00–21:00" in page
    assert "Email, phone and other channels" in page


def calendar_form(**hours) -> dict:
    data = {
        "name": "Night shift",
        "time_zone": "Asia/Shanghai",
        "hours-TOTAL_FORMS": str(len(hours)),
        "hours-INITIAL_FORMS": "0",
        "holidays-TOTAL_FORMS": "0",
        "holidays-INITIAL_FORMS": "0",
    }
    for index, (opens, closes) in enumerate(hours.values()):
        data |= {f"hours-{index}-weekday": "0", f"hours-{index}-opens": opens, f"hours-{index}-closes": closes}
    return data


def test_a_calendar_with_evening_hours_until_midnight_is_saved(client, administrator):
    client.force_login(administrator)

    response = client.post(
        "/admin/tickets/businesscalendar/add/", calendar_form(day=("09:00", "12:00"), evening=("18:00", "00:00"))
    )

    assert response.status_code == 302
    calendar = BusinessCalendar.objects.get(name="Night shift").to_calendar()
    assert calendar.weekly[0] == ((9 * 3600, 12 * 3600), (18 * 3600, 24 * 3600))


@pytest.mark.parametrize(
    ("form", "error"),
    [
        (calendar_form(morning=("09:00", "12:00"), noon=("11:00", "14:00")), "Opening hours overlap on Monday."),
        (calendar_form(backwards=("12:00", "09:00")), "Closing time must be after opening time."),
        (calendar_form() | {"time_zone": "Mars/Olympus"}, "Unknown time zone: Mars/Olympus"),
    ],
)
def test_bad_calendars_are_refused_with_a_clear_error(client, administrator, form, error):
    client.force_login(administrator)

    response = client.post("/admin/tickets/businesscalendar/add/", form)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not BusinessCalendar.objects.filter(name="Night shift").exists()


def test_the_changelist_shows_coloured_sla_state_with_constant_queries(clock, client, supervisor, customer, team):
    client.force_login(supervisor)
    new_tickets(customer, 1, team)
    one = query_count(client, "/admin/tickets/ticket/")
    new_tickets(customer, 19, team)
    twenty = query_count(client, "/admin/tickets/ticket/")

    assert (
        one == twenty == 8 + factories.TABLE_ESTIMATE_QUERIES
    )  # the SLA column reads columns and one annotation: no query per row
    page = client.get("/admin/tickets/ticket/").content.decode()
    assert page.count("sd-sla-on_track") == 40  # first response and resolution on 20 tickets
    assert "1st · due in 8" in page


def test_the_sla_filter_and_sorting_by_due(clock, client, supervisor, customer, team):
    client.force_login(supervisor)
    late, soon = new_tickets(customer, 2, team)
    Ticket.objects.filter(pk=soon.pk).update(first_response_due=late.first_response_due.replace(year=2025))
    sla_sweep()

    breaching = client.get("/admin/tickets/ticket/", {"sla": "breaching"}).context["cl"].result_list
    on_track = client.get("/admin/tickets/ticket/", {"sla": "on_track"}).context["cl"].result_list
    sla_column = client.get("/admin/tickets/ticket/").context["cl"].list_display.index("sla_badges")
    by_due = client.get("/admin/tickets/ticket/", {"o": str(sla_column)}).context["cl"].result_list

    assert [t.pk for t in breaching] == [soon.pk]
    assert [t.pk for t in on_track] == [late.pk]
    assert [t.pk for t in by_due] == [soon.pk, late.pk]


def test_the_ticket_page_has_an_sla_panel(clock, client, supervisor, customer, team):
    ticket = new_tickets(customer, 1, team)[0]
    client.force_login(supervisor)

    page = client.get(f"/admin/tickets/ticket/{ticket.pk}/change/").content.decode()

    assert "SLA clocks" in page
    assert "Email, phone and other channels" in page
    assert "1st" not in page  # the panel spells the clocks out
    assert "First response" in page
    assert "due in 8 hours" in page


@pytest.mark.parametrize(("late_by", "text"), [(0, "due now"), (60, "overdue 1")])
def test_the_ticket_page_says_overdue_by_the_same_boundary_as_the_sweep(
    clock, client, supervisor, customer, team, late_by, text
):
    ticket = new_tickets(customer, 1, team)[0]
    client.force_login(supervisor)
    clock.set(ticket.first_response_due + timedelta(seconds=late_by))

    page = client.get(f"/admin/tickets/ticket/{ticket.pk}/change/").content.decode()

    assert text in page


def test_the_supervisor_page_runs_constant_queries(clock, client, supervisor, customer, team):
    client.force_login(supervisor)
    url = "/admin/tickets/ticket/supervisor/"
    new_tickets(customer, 1, team)
    one = query_count(client, url)
    other_team = factories.TeamFactory(name="Second line")
    factories.agent(teams=[other_team], username="second_line_agent")
    new_tickets(customer, 19, other_team)
    clock.advance(days=5)
    sla_sweep()
    twenty = query_count(client, url)

    # session, user, 2 permission checks, 4 queues/lists, agents + their teams
    assert one == twenty == 9
    response = client.get(url)
    queues = {queue.name: queue for queue in response.context["queues"]}
    assert (queues["L1 General"].open, queues["Second line"].open, queues["Second line"].breaching) == (1, 19, 19)
    assert len(response.context["breaching"]) == 20
    assert {agent.user.username for agent in response.context["agents"]} >= {"supervisor", "second_line_agent"}
    assert "Supervisor view" in response.content.decode()


def test_agents_cannot_open_the_supervisor_page(client, agent):
    client.force_login(agent)

    assert client.get("/admin/tickets/ticket/supervisor/").status_code == 403


def test_the_changelist_links_to_the_supervisor_page_for_supervisors_only(client, supervisor, agent):
    client.force_login(supervisor)
    assert "/admin/tickets/ticket/supervisor/" in client.get("/admin/tickets/ticket/").content.decode()

    client.force_login(agent)
    assert "/admin/tickets/ticket/supervisor/" not in client.get("/admin/tickets/ticket/").content.decode()
