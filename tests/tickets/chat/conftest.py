"""Chat test helpers: communicators on the real routing, with the user a session would give."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import async_to_sync
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


async def receive_until(socket: WebsocketCommunicator, wanted, *, timeout: float = 3) -> dict:
    """The next frame for which wanted(frame) is true (frames before it are skipped)."""
    while True:
        frame = await socket.receive_json_from(timeout=timeout)
        if wanted(frame):
            return frame


def run(coroutine_function):
    """Run an async test body from a sync test (no asyncio plugin).

    After a browser test, Playwright's loop still runs in the test thread (tests/e2e/conftest.py), where
    async_to_sync refuses to start: then the body runs from a thread of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return async_to_sync(coroutine_function)()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(async_to_sync(coroutine_function)).result()


@pytest.fixture
def online_agent(agent):
    # The seeded SLA calendars keep office hours: the desk is open whenever these tests run.
    BusinessCalendar.objects.update(is_24_7=True)
    AgentChatStatus.objects.create(user=agent, is_available=True, max_chats=2, seen_at=timezone.now())
    return agent


@pytest.fixture
def anonymous_chat(team):
    return services.chat_start(user=None, email="visitor@example.com", name="Vi", language="en")
