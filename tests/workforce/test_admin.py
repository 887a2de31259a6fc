"""The staffing page (chart, parameters, history, forecast, CSV), the roster and the expected-events admin."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tickets.models import AuthorKind, Channel
from workforce.models import ForecastEvent, ForecastEventKind, Shift

pytestmark = pytest.mark.django_db

STAFFING = "/admin/workforce/shift/staffing/"
EVENTS = reverse("admin:workforce_forecastevent_changelist")
ADD_EVENT = reverse("admin:workforce_forecastevent_add")


@pytest.fixture(autouse=True)
def desk_in_utc(settings):
    settings.TIME_ZONE = "UTC"


def contacts_last_week(*, count: int, agent) -> None:
    """`count` chats yesterday a week ago, each with a customer follow-up on email and a measured reply."""
    day = timezone.localdate() - timedelta(days=6)
    start = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=10)
    for _n in range(count):
        ticket = factories.TicketFactory(created_at=start, channel=Channel.BOT)
        factories.TicketMessageFactory(ticket=ticket, created_at=start, via=Channel.BOT)
        factories.TicketMessageFactory(
            ticket=ticket,
            created_at=start + timedelta(minutes=5),
            author_kind=AuthorKind.AGENT,
            author=agent,
            via=Channel.AGENT,
            handle_seconds=240,
        )
        factories.TicketMessageFactory(ticket=ticket, created_at=start + timedelta(hours=2), via=Channel.EMAIL)


def event_form(**changes) -> dict:
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = {
        "name": "Mainnet upgrade",
        "kind": ForecastEventKind.NETWORK_INCIDENT,
        "channel": "",
        "starts_at_0": tomorrow.isoformat(),
        "starts_at_1": "10:00:00",
        "ends_at_0": tomorrow.isoformat(),
        "ends_at_1": "14:00:00",
        "uplift_percent": "50",
        "notes": "",
    }
    data.update(changes)
    return data


# The staffing page ---------------------------------------------------------------------------


def test_the_staffing_page_is_for_supervisors_and_managers(client, agent, supervisor, manager):
    client.force_login(agent)
    assert client.get(STAFFING).status_code == 403
    assert client.get(STAFFING, {"format": "csv"}).status_code == 403
    for user in (supervisor, manager):
        client.force_login(user)
        assert client.get(STAFFING).status_code == 200


def test_the_page_shows_next_weeks_forecast_the_gap_the_parameters_and_the_history(client, manager, agent, team):
    contacts_last_week(count=3, agent=agent)
    Shift.objects.create(
        agent=agent, team=team, weekday=(timezone.localdate().weekday() + 1) % 7, start_hour=0, end_hour=24
    )
    client.force_login(manager)

    response = client.get(STAFFING)

    content = response.content.decode()
    hours = response.context["hours"]
    assert len(hours) == 14 * 24
    assert hours[0].start.date() == timezone.localdate() + timedelta(days=1)
    assert [hour.scheduled for hour in hours[:24]] == [1] * 24
    assert any(hour.gap < 0 for hour in hours)
    # Parameters per channel: chat on its configured target, email on the SLA's first-response target.
    assert "80 % answered within 20 s" in content
    assert "first-response target of the SLA policy “Email, phone and other channels”" in content
    assert "default: 3 of the 30 measured tickets needed" in content
    rows = {block["label"]: block["rows"] for block in response.context["history_blocks"]}
    assert list(rows) == ["Email", "Bot hand-off", "All channels"]
    weekday = (timezone.localdate() - timedelta(days=6)).weekday()
    assert rows["Bot hand-off"][weekday]["cells"][10] == 0.4  # 3 chats over 8 weeks
    assert rows["Email"][weekday]["cells"][12] == 0.4
    assert rows["All channels"][weekday]["total"] == 0.8


def test_the_page_for_one_channel_uses_that_channel_only(client, supervisor, agent, settings):
    settings.STAFFING_MIN_AHT_SAMPLES = 3
    contacts_last_week(count=3, agent=agent)
    client.force_login(supervisor)

    response = client.get(STAFFING, {"channel": Channel.BOT})

    plan = response.context["plan"]
    assert [item.channel for item in plan.channels] == [Channel.BOT]
    assert (plan.channels[0].handle_time.seconds, plan.channels[0].handle_time.measured) == (240, True)
    assert "measured on 3 tickets" in response.content.decode()
    assert [block["label"] for block in response.context["history_blocks"]] == ["Bot hand-off"]


def test_an_unknown_channel_is_all_channels(client, manager):
    client.force_login(manager)

    response = client.get(STAFFING, {"channel": "pager"})

    assert (response.status_code, response.context["channel"]) == (200, "")


def test_the_csv_has_every_hour_and_names_the_events(client, manager):
    tomorrow = timezone.localdate() + timedelta(days=1)
    ForecastEvent.objects.create(
        name="=HYPERLINK(airdrop)",
        kind=ForecastEventKind.PROMOTION,
        starts_at=datetime.combine(tomorrow, datetime.min.time(), UTC) + timedelta(hours=9),
        ends_at=datetime.combine(tomorrow, datetime.min.time(), UTC) + timedelta(hours=11),
        uplift_percent=200,
    )
    client.force_login(manager)

    response = client.get(STAFFING, {"format": "csv"})

    lines = response.content.decode().splitlines()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert len(lines) == 1 + 14 * 24
    assert lines[0] == "hour,forecast contacts,agents needed,agents scheduled,gap,expected events"
    assert lines[1 + 9] == f"{tomorrow:%Y-%m-%d} 09:00,0.0,0,0,0,'=HYPERLINK(airdrop)"
    assert lines[1 + 11].endswith(",0,")
    assert client.get(STAFFING).context["peaks"] == 2


def test_the_page_and_csv_cost_the_same_queries_whatever_the_history_size(
    client, manager, agent, team, django_assert_num_queries
):
    client.force_login(manager)
    contacts_last_week(count=1, agent=agent)
    Shift.objects.create(agent=agent, team=team, weekday=0, start_hour=0, end_hour=24)
    with CaptureQueriesContext(connection) as page_queries:
        client.get(STAFFING)
    with CaptureQueriesContext(connection) as csv_queries:
        client.get(STAFFING, {"format": "csv"})

    contacts_last_week(count=20, agent=agent)
    for weekday in range(7):
        Shift.objects.create(agent=agent, team=team, weekday=weekday, start_hour=9, end_hour=17)
    tomorrow = timezone.localdate() + timedelta(days=1)
    for hour in range(20):
        ForecastEvent.objects.create(
            name=f"Event {hour}",
            starts_at=datetime.combine(tomorrow, datetime.min.time(), UTC) + timedelta(hours=hour),
            ends_at=datetime.combine(tomorrow, datetime.min.time(), UTC) + timedelta(hours=hour + 1),
            uplift_percent=10,
        )

    with django_assert_num_queries(len(page_queries)):
        client.get(STAFFING)
    with django_assert_num_queries(len(csv_queries)):
        client.get(STAFFING, {"format": "csv"})


def test_the_roster_links_to_the_staffing_page_for_planners_only(client, agent, manager):
    client.force_login(manager)
    assert STAFFING in client.get(reverse("admin:workforce_shift_changelist")).content.decode()
    client.force_login(agent)
    roster = client.get(reverse("admin:workforce_shift_changelist"))
    assert roster.status_code == 200
    assert STAFFING not in roster.content.decode()


def test_the_staffing_forecast_is_listed_under_workforce_for_planners_only(client, agent, manager):
    client.force_login(manager)
    planner = client.get(reverse("admin:app_list", args=["workforce"])).content.decode()
    client.force_login(agent)
    workforce = client.get(reverse("admin:app_list", args=["workforce"]))

    assert f'href="{STAFFING}"' in planner
    assert workforce.status_code == 200
    assert f'href="{STAFFING}"' not in workforce.content.decode()
    assert [str(entry["name"]) for entry in workforce.context["app_list"][0]["models"]] == [
        "Expected events (forecast)",
        "Shift roster",
    ]


def test_a_manager_edits_the_roster(client, manager, agent, team):
    client.force_login(manager)

    response = client.post(
        reverse("admin:workforce_shift_add"),
        {"agent": agent.pk, "team": team.pk, "channel": "", "weekday": 2, "start_hour": 9, "end_hour": 17},
    )

    assert response.status_code == 302
    assert Shift.objects.get().weekday == 2


# Expected events -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["supervisor", "manager"])
def test_planners_add_an_expected_event(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)

    response = client.post(ADD_EVENT, event_form())

    assert response.status_code == 302
    event = ForecastEvent.objects.get()
    assert (event.name, event.uplift_percent, event.created_by, event.ends_at - event.starts_at) == (
        "Mainnet upgrade",
        50,
        user,
        timedelta(hours=4),
    )


def test_an_agent_cannot_add_or_edit_events(client, agent, manager):
    event = ForecastEvent.objects.create(
        name="Listing", starts_at=timezone.now(), ends_at=timezone.now() + timedelta(hours=1), uplift_percent=20
    )
    client.force_login(agent)

    assert client.post(ADD_EVENT, event_form()).status_code == 403
    assert (
        client.post(reverse("admin:workforce_forecastevent_change", args=[event.pk]), event_form()).status_code == 403
    )
    assert ForecastEvent.objects.get().name == "Listing"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at_1": "09:00:00"}, "ends_at"),
        ({"uplift_percent": "1500"}, "uplift_percent"),
        ({"uplift_percent": "-95"}, "uplift_percent"),
        ({"starts_at_0": "someday"}, "starts_at"),
    ],
)
def test_a_bad_event_is_a_field_error_and_saves_nothing(client, supervisor, changes, field):
    client.force_login(supervisor)

    response = client.post(ADD_EVENT, event_form(**changes))

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not ForecastEvent.objects.exists()


def test_the_event_changelist_costs_the_same_queries_for_1_or_20_events(
    client, manager, supervisor, django_assert_num_queries
):
    client.force_login(manager)

    def make(count: int) -> None:
        for index in range(count):
            ForecastEvent.objects.create(
                name=f"Event {index}",
                starts_at=datetime(2026, 7, 1, 9, tzinfo=UTC) + timedelta(days=index),
                ends_at=datetime(2026, 7, 1, 12, tzinfo=UTC) + timedelta(days=index),
                uplift_percent=30,
                created_by=supervisor,
            )

    make(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(EVENTS).status_code == 200
    make(19)
    with django_assert_num_queries(len(one)):
        response = client.get(EVENTS)
    assert response.context["cl"].result_count == 20


def test_the_event_list_is_readable_by_agents(client, agent):
    ForecastEvent.objects.create(
        name="Hard fork", starts_at=timezone.now(), ends_at=timezone.now() + timedelta(hours=2), uplift_percent=100
    )
    client.force_login(agent)

    response = client.get(EVENTS)

    assert response.status_code == 200
    assert "Hard fork" in response.content.decode()
    assert "addlink" not in response.content.decode()
