"""The staff sockets on the in-memory channel layer: notifications per user, presence per ticket."""

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from tests.sockets import receive_until, run
from tickets import services
from tickets.notifications import consumers
from tickets.notifications import services as notifications
from tickets.notifications.models import Notification, NotificationKind
from tickets.notifications.routing import websocket_urlpatterns
from tickets.versions import version_token

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROUTER = URLRouter(websocket_urlpatterns)


def communicator(path: str, user=None) -> WebsocketCommunicator:
    socket = WebsocketCommunicator(ROUTER, path)
    socket.scope["user"] = user or AnonymousUser()
    return socket


def test_notifications_need_a_staff_login(customer):
    async def body():
        refused = []
        for user in (None, customer.user):
            socket = communicator("/ws/notifications/", user)
            connected, code = await socket.connect()
            refused.append((connected, code))
        return refused

    assert run(body) == [(False, consumers.CLOSE_FORBIDDEN)] * 2


def test_a_user_gets_their_own_notifications_live_and_nobody_elses(agent, teammate, ticket):
    async def body():
        mine = communicator("/ws/notifications/", agent)
        theirs = communicator("/ws/notifications/", teammate)
        assert (await mine.connect())[0] and (await theirs.connect())[0]
        await database_sync_to_async(services.ticket_assign)(ticket=ticket, assignee=agent, actor=teammate)
        frame = await mine.receive_json_from(timeout=3)
        nothing = await theirs.receive_nothing(timeout=0.3)
        await mine.send_json_to({"type": "read", "id": frame["id"]})
        read = await receive_until(mine, lambda f: f["type"] == "read")
        await mine.disconnect()
        await theirs.disconnect()
        return frame, nothing, read

    frame, nothing, read = run(body)
    row = Notification.objects.get()
    assert frame["type"] == "notification" and frame["id"] == row.pk and frame["kind"] == NotificationKind.ASSIGNED
    assert frame["url"] == f"/admin/tickets/notification/{row.pk}/open/" and ticket.reference in frame["text"]
    assert nothing is True and read == {"type": "read", "id": row.pk} and row.read_at is not None


def test_marking_another_users_notification_is_refused(agent, teammate):
    [other] = notifications.notify(recipient_ids=[teammate.pk], kind=NotificationKind.ASSIGNED, text="x", url="/a/")

    async def body():
        socket = communicator("/ws/notifications/", agent)
        await socket.connect()
        await socket.send_json_to({"type": "read", "id": other.pk})
        answer = await socket.receive_json_from(timeout=3)
        await socket.disconnect()
        return answer

    assert run(body)["code"] == "not_found"
    other.refresh_from_db()
    assert other.read_at is None


@pytest.mark.parametrize(
    "frame", ["not json", "[1, 2]", '{"no": "type"}', '{"type": "ping", "pad": "' + "x" * 2000 + '"}']
)
def test_malformed_frames_close_the_socket(agent, frame):
    async def body():
        socket = communicator("/ws/notifications/", agent)
        await socket.connect()
        await socket.send_to(text_data=frame)
        error = await socket.receive_json_from(timeout=3)
        closed = await socket.receive_output(timeout=3)
        return error, closed

    error, closed = run(body)
    assert error["code"] == "malformed" and closed == {"type": "websocket.close", "code": consumers.CLOSE_MALFORMED}


def test_presence_shows_who_else_is_on_the_ticket_and_typing_and_leaving(agent, teammate, ticket):
    async def body():
        first = communicator(f"/ws/tickets/{ticket.pk}/presence/", agent)
        assert (await first.connect())[0]
        second = communicator(f"/ws/tickets/{ticket.pk}/presence/", teammate)
        assert (await second.connect())[0]
        arrived = await receive_until(first, lambda f: f["type"] == "presence")
        already_here = await receive_until(second, lambda f: f["type"] == "presence")
        await second.send_json_to({"type": "heartbeat", "typing": True})
        typing = await receive_until(first, lambda f: f["type"] == "presence" and f["typing"])
        await second.disconnect()
        left = await receive_until(first, lambda f: f["type"] == "left")
        await first.disconnect()
        return arrived, already_here, typing, left

    arrived, already_here, typing, left = run(body)
    assert arrived["user"] == teammate.pk and already_here["user"] == agent.pk
    assert typing["user"] == teammate.pk and left == {"type": "left", "user": teammate.pk}


def test_presence_hears_when_the_ticket_is_saved(agent, teammate, ticket):
    async def body():
        socket = communicator(f"/ws/tickets/{ticket.pk}/presence/", agent)
        await socket.connect()
        await database_sync_to_async(services.ticket_reply)(ticket=ticket, body="On it.", actor=teammate)
        changed = await receive_until(socket, lambda f: f["type"] == "changed")
        await socket.disconnect()
        return changed

    changed = run(body)
    ticket.refresh_from_db()
    assert changed == {"type": "changed", "version": version_token(ticket), "by": "teammate"}


def test_presence_of_a_ticket_the_user_cannot_see_is_refused(agent, other_ticket, customer, ticket):
    async def body():
        answers = []
        for user, target in ((agent, other_ticket), (customer.user, ticket), (None, ticket)):
            socket = communicator(f"/ws/tickets/{target.pk}/presence/", user)
            answers.append(await socket.connect())
        return answers

    assert run(body) == [(False, consumers.CLOSE_FORBIDDEN)] * 3


def test_the_asgi_application_serves_the_staff_sockets_with_the_admin_session(client, agent):
    from supportdesk.asgi import application

    client.force_login(agent)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()

    async def body():
        results = []
        for headers in ([(b"cookie", cookie)], []):
            socket = WebsocketCommunicator(
                application, "/ws/notifications/", headers=[(b"origin", b"http://127.0.0.1"), *headers]
            )
            results.append((await socket.connect())[0])
            await socket.disconnect()
        return results

    assert run(body) == [True, False]
