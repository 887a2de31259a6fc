"""Chat test helpers: communicators on the real routing, with the user a session would give."""

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tickets.chat import services
from tickets.chat.models import AgentChatStatus
from tickets.chat.routing import websocket_urlpatterns
from tickets.models import BusinessCalendar

ROUTER = URLRouter(websocket_urlpatterns)


def communicator(path: str, user=None) -> WebsocketCommunicator:
    socket = WebsocketCommunicator(ROUTER, path)
    socket.scope["user"] = user or AnonymousUser()
    return socket


@pytest.fixture
def online_agent(agent):
    # The seeded SLA calendars keep office hours: the desk is open whenever these tests run.
    BusinessCalendar.objects.update(is_24_7=True)
    AgentChatStatus.objects.create(user=agent, is_available=True, max_chats=2, seen_at=timezone.now())
    return agent


@pytest.fixture
def anonymous_chat(team):
    return services.chat_start(user=None, email="visitor@example.com", name="Vi", language="en")
