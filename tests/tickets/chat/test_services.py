"""Chat services: routing, the concurrency limit, transfer, the end of a chat (survey, SLA), read receipts."""

from datetime import UTC, datetime, time
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from feedback.models import SurveyInvitation
from tests import factories
from tickets.chat import queueing, selectors, services
from tickets.chat.models import AgentChatStatus, ChatSession, ChatState
from tickets.models import AuthorKind, BusinessCalendar, BusinessHours, Status
from tickets.notifications import services as notification_services
from tickets.notifications.models import Notification, NotificationKind


@pytest.fixture
def open_desk(db):
    BusinessCalendar.objects.update(is_24_7=True)


def online(user, *, max_chats=3, available=True):
    return AgentChatStatus.objects.create(
        user=user, is_available=available, max_chats=max_chats, seen_at=timezone.now()
    )


def waiting_chat(team, *, email="visitor@example.com", language="en"):
    session = services.chat_start(user=None, email=email, language=language)
    services.chat_customer_message(session=session, body="I need a person please", client_id="c1")
    services.chat_request_human(session=session)
    session.refresh_from_db()
    return session


def test_routing_offers_the_least_loaded_available_agent_with_the_language(open_desk, team, agent, teammate):
    online(agent)
    online(teammate)
    busy = waiting_chat(team, email="first@example.com")
    services.chat_accept(session=ChatSession.objects.get(pk=busy.pk), actor=busy.offered_to)
    speaker_of_chinese = factories.agent(teams=[team], username="zh-agent")
    speaker_of_chinese.agent_profile.languages = ["zh-hans"]
    speaker_of_chinese.agent_profile.save()
    online(speaker_of_chinese)

    second = waiting_chat(team, email="second@example.com")

    assert busy.offered_to in (agent, teammate)
    assert second.state == ChatState.QUEUED
    assert second.offered_to == ({agent, teammate} - {busy.offered_to}).pop()
    assert queueing.queue_position(second)[0] == 1


def test_an_agent_cannot_hold_more_chats_than_their_limit(open_desk, team, agent):
    online(agent, max_chats=1)
    first, second = waiting_chat(team, email="a@example.com"), waiting_chat(team, email="b@example.com")
    services.chat_accept(session=first, actor=agent)

    with pytest.raises(ValidationError) as refused:
        services.chat_accept(session=second, actor=agent)

    assert refused.value.code == services.ERROR_AGENT_BUSY
    assert ChatSession.objects.get(pk=second.pk).state == ChatState.QUEUED


def test_transfer_to_a_colleague_and_to_another_team(open_desk, team, other_team, agent, teammate):
    online(agent)
    online(teammate)
    chat = waiting_chat(team)
    services.chat_accept(session=chat, actor=agent)

    services.chat_transfer(session=chat, actor=agent, agent=teammate)
    chat.refresh_from_db()
    assert chat.agent == teammate and chat.ticket.assignee == teammate
    with pytest.raises(PermissionDenied):
        services.chat_agent_message(session=chat, body="still mine?", client_id="a1", actor=agent)

    services.chat_transfer(session=chat, actor=teammate, team=other_team)
    chat.refresh_from_db()
    assert chat.state == ChatState.QUEUED and chat.team == other_team and chat.ticket.team == other_team


def test_manager_without_the_chat_permission_cannot_accept(open_desk, team, agent, manager):
    online(agent)
    chat = waiting_chat(team)
    with pytest.raises(PermissionDenied):
        services.chat_accept(session=chat, actor=manager)


def test_ending_a_chat_solves_it_offers_the_survey_in_the_chat_and_keeps_the_sla_measure(
    open_desk, team, agent, django_capture_on_commit_callbacks
):
    online(agent)
    with django_capture_on_commit_callbacks(execute=True):
        chat = waiting_chat(team)
        services.chat_accept(session=chat, actor=agent)
        services.chat_agent_message(session=chat, body="Here is how to fix it", client_id="a1", actor=agent)
        services.chat_end(session=chat, actor=agent)

    ticket = ChatSession.objects.get(pk=chat.pk).ticket
    reply = ticket.messages.get(author_kind=AuthorKind.AGENT)
    assert ticket.status == Status.SOLVED and ticket.first_response_at == reply.created_at
    assert ticket.first_response_seconds is not None
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    assert invitation.agent == agent
    assert ticket.messages.filter(author_kind=AuthorKind.SYSTEM, body__contains="/portal/survey/").exists()


def test_a_chat_left_in_the_queue_stays_open_for_the_team(open_desk, team, agent):
    online(agent)
    chat = waiting_chat(team)
    services.chat_end(session=chat)
    chat.refresh_from_db()
    assert chat.state == ChatState.ENDED and chat.ticket.status == Status.NEW
    with pytest.raises(ValidationError) as refused:
        services.chat_customer_message(session=chat, body="hello?", client_id="c9")
    assert refused.value.code == services.ERROR_CHAT_ENDED


def test_outside_business_hours_the_chat_becomes_a_ticket_with_its_reference(team, agent):
    online(agent)
    BusinessCalendar.objects.update(is_24_7=False, time_zone="UTC")
    BusinessHours.objects.all().delete()
    for calendar in BusinessCalendar.objects.all():
        BusinessHours.objects.create(calendar=calendar, weekday=0, opens=time(9), closes=time(17))
    session = services.chat_start(user=None, email="night@example.com", language="en")
    services.chat_customer_message(session=session, body="hello", client_id="c1")
    session.refresh_from_db()
    monday_noon = datetime(2026, 12, 7, 12, tzinfo=UTC)
    sunday_night = datetime(2026, 12, 6, 3, tzinfo=UTC)
    assert queueing.desk_is_open(session, at=monday_noon)
    assert not queueing.desk_is_open(session, at=sunday_night)

    with mock.patch.object(queueing.timezone, "now", return_value=sunday_night):
        services.chat_request_human(session=session)

    session.refresh_from_db()
    assert session.state == ChatState.OFFLINE
    assert session.ticket.messages.filter(
        author_kind=AuthorKind.SYSTEM, body__contains=session.ticket.reference
    ).exists()


def test_read_receipts_never_move_back(team):
    chat = waiting_chat(team)
    services.chat_mark_read(session=chat, message_id=10, by_agent=True)
    services.chat_mark_read(session=chat, message_id=4, by_agent=True)
    assert ChatSession.objects.get(pk=chat.pk).agent_read_id == 10


def test_supervisor_snapshot_lists_queues_and_agents(open_desk, team, agent, supervisor):
    online(agent)
    waiting_chat(team)
    snapshot = selectors.console_snapshot(user=supervisor)
    assert snapshot["teams"] == [
        {"team": team.name, "waiting": 1, "active": 0, "longest": snapshot["teams"][0]["longest"]}
    ]
    assert [row["name"] for row in snapshot["agents"]] == ["agent"] and snapshot["agents"][0]["online"] is True
    assert "teams" not in selectors.console_snapshot(user=agent)


def test_a_customer_line_tells_the_assigned_agent_once_per_unread_burst(
    open_desk, team, agent, django_capture_on_commit_callbacks
):
    online(agent)
    session = waiting_chat(team)
    services.chat_accept(session=session, actor=agent)
    replied = Notification.objects.filter(recipient=agent, kind=NotificationKind.CUSTOMER_REPLIED)

    with django_capture_on_commit_callbacks(execute=True):
        for number in range(3):
            services.chat_customer_message(session=session, body=f"Are you there? ({number})", client_id=f"b{number}")

    first = replied.get()
    assert first.ticket_id == session.ticket_id and first.url.endswith(f"/tickets/ticket/{session.ticket_id}/change/")
    notification_services.notification_open(notification_id=first.pk, user=agent)
    with django_capture_on_commit_callbacks(execute=True):
        services.chat_customer_message(session=session, body="Hello again", client_id="after-read")

    assert replied.count() == 2 and replied.filter(read_at__isnull=True).count() == 1


def test_a_line_on_an_open_chat_costs_a_fixed_number_of_queries(team, django_assert_num_queries):
    """Each customer line of a busy desk runs this: the session row alone, no joined ticket or customer, no
    attachment query for a line without attachments (make bench-chat measures the servers' CPU per line)."""
    session = services.chat_start(user=None, email="visitor@example.com", language="en")
    services.chat_customer_message(session=session, body="first line opens the ticket", client_id="c1")

    with django_assert_num_queries(11):
        services.chat_customer_message(session=session, body="second line", client_id="c2")
