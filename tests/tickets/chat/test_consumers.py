"""The chat sockets end to end on the in-memory channel layer: customer widget, agent console, the whole asgi app."""

import json

import pytest
from channels.testing import WebsocketCommunicator

from supportdesk.asgi import application
from tests import factories
from tests.sockets import receive_until, run
from tests.tickets.chat.conftest import communicator
from tickets.chat import consumers
from tickets.chat.models import ChatSession, ChatState
from tickets.models import AuthorKind, Channel, Status, TicketMessage

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MNEMONIC = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"


def is_type(kind, **fields):
    return lambda frame: frame["type"] == kind and all(frame.get(key) == value for key, value in fields.items())


def test_customer_bot_queue_agent_both_ways_end(anonymous_chat, online_agent):
    async def body():
        customer = communicator(f"/ws/chat/{anonymous_chat.key}/")
        assert (await customer.connect())[0]
        await customer.send_json_to({"type": "hello", "last_id": 0})
        assert (await receive_until(customer, is_type("state")))["state"] == ChatState.BOT
        await customer.send_json_to({"type": "message", "client_id": "c1", "body": "My staking rewards vanished"})
        ack = await receive_until(customer, is_type("ack", client_id="c1"))
        # Nothing in the (empty) help centre answers it: the bot passes the chat to a person.
        queued = await receive_until(customer, is_type("state", state=ChatState.QUEUED))
        assert queued["place"] == 1 and queued["wait"] > 0

        console = communicator("/ws/chat/console/", online_agent)
        assert (await console.connect())[0]
        snapshot = await receive_until(console, is_type("queue"))
        assert [chat["id"] for chat in snapshot["waiting"]] == [anonymous_chat.pk]
        assert snapshot["waiting"][0]["offered_to_me"] is True
        await console.send_json_to({"type": "accept", "session": anonymous_chat.pk})
        assert (await receive_until(customer, is_type("state", state=ChatState.ACTIVE)))["session"] == anonymous_chat.pk
        await receive_until(console, is_type("joined"))

        await console.send_json_to(
            {"type": "message", "session": anonymous_chat.pk, "client_id": "a1", "body": "Hi, I can help"}
        )
        line = await receive_until(customer, is_type("message", client_id="a1"))
        assert line["author"] == "agent" and line["body"] == "Hi, I can help"
        await console.send_json_to({"type": "typing", "session": anonymous_chat.pk, "on": True})
        assert (await receive_until(customer, is_type("typing")))["by"] == "agent"
        await customer.send_json_to({"type": "read", "id": line["id"]})
        assert (await receive_until(console, is_type("read")))["id"] == line["id"]
        await customer.send_json_to({"type": "message", "client_id": "c2", "body": "Thanks!"})
        assert (await receive_until(console, is_type("message", client_id="c2")))["author"] == "customer"

        await console.send_json_to({"type": "end", "session": anonymous_chat.pk})
        await receive_until(customer, is_type("state", state=ChatState.ENDED))
        await customer.disconnect()
        await console.disconnect()
        return ack

    ack = run(body)
    session = ChatSession.objects.select_related("ticket").get(pk=anonymous_chat.pk)
    ticket = session.ticket
    assert ticket.channel == Channel.CHAT and ticket.status == Status.SOLVED and ticket.assignee == online_agent
    lines = list(ticket.messages.values_list("author_kind", "body"))
    assert lines[0] == (AuthorKind.CUSTOMER, "My staking rewards vanished") and ack["id"] == ticket.messages.first().pk
    assert (AuthorKind.AGENT, "Hi, I can help") in lines and (AuthorKind.CUSTOMER, "Thanks!") in lines
    # SLA first response is the agent's first chat line.
    assert ticket.first_response_at == ticket.messages.get(body="Hi, I can help").created_at
    assert session.customer_read_id == ticket.messages.get(body="Hi, I can help").pk


def test_resume_after_drop_replays_once_and_resend_is_not_duplicated(anonymous_chat):
    async def body():
        first = communicator(f"/ws/chat/{anonymous_chat.key}/")
        await first.connect()
        await first.send_json_to({"type": "message", "client_id": "c1", "body": "first line"})
        ack = await receive_until(first, is_type("ack", client_id="c1"))
        await first.disconnect()  # the connection drops; "c2" was typed but never acknowledged

        second = communicator(f"/ws/chat/{anonymous_chat.key}/")
        await second.connect()
        await second.send_json_to({"type": "hello", "last_id": ack["id"]})
        replayed = []
        while (frame := await second.receive_json_from()) and frame["type"] != "state":
            replayed.append(frame)
        await second.send_json_to({"type": "message", "client_id": "c1", "body": "first line"})
        again = await receive_until(second, is_type("ack", client_id="c1"))
        await second.send_json_to({"type": "message", "client_id": "c2", "body": "second line"})
        await receive_until(second, is_type("ack", client_id="c2"))
        await second.send_json_to({"type": "message", "client_id": "c2", "body": "second line"})
        await receive_until(second, is_type("ack", client_id="c2"))
        await second.send_json_to({"type": "hello", "last_id": 0})
        history = []
        while (frame := await second.receive_json_from()) and frame["type"] != "state":
            history.append(frame)
        await second.disconnect()
        return ack, replayed, again, history

    ack, replayed, again, history = run(body)
    # Only lines after the acknowledged one come back (the bot's answer), and a resent id is the stored line.
    assert all(frame["id"] > ack["id"] for frame in replayed) and again["id"] == ack["id"]
    customer_lines = [frame["body"] for frame in history if frame["author"] == "customer"]
    assert customer_lines == ["first line", "second line"]
    assert TicketMessage.objects.filter(ticket__chat=anonymous_chat, author_kind=AuthorKind.CUSTOMER).count() == 2


def test_another_customers_chat_forged_key_and_staff_are_refused(customer_user, other_customer, agent):
    from tickets.chat import services

    chat = services.chat_start(user=customer_user, language="en")
    intruder = factories.UserFactory(username="mallory")
    other_customer.user = intruder
    other_customer.save(update_fields=["user"])

    async def body():
        results = []
        for path, user in [
            (f"/ws/chat/{chat.key}/", intruder),
            (f"/ws/chat/{chat.key}/", None),
            ("/ws/chat/forged-key/", customer_user),
            (f"/ws/chat/{chat.key}/", agent),
            ("/ws/chat/console/", customer_user),
            (f"/ws/chat/{chat.key}/", customer_user),
        ]:
            socket = communicator(path, user)
            connected, code = await socket.connect()
            results.append((connected, code))
            await socket.disconnect()
        return results

    results = run(body)
    assert results[:5] == [(False, consumers.CLOSE_FORBIDDEN)] * 5
    assert results[5][0] is True


def test_malformed_and_oversized_frames_close_with_a_clear_error(anonymous_chat, settings):
    settings.CHAT_MAX_FRAME_BYTES = 200

    async def body():
        outcomes = []
        for text in ["not json", json.dumps(["a list"]), json.dumps({"type": "message", "body": "x" * 300})]:
            socket = communicator(f"/ws/chat/{anonymous_chat.key}/")
            await socket.connect()
            await socket.send_to(text_data=text)
            error = await socket.receive_json_from()
            closed = await socket.receive_output()
            outcomes.append((error["code"], closed["code"]))
        return outcomes

    assert run(body) == [
        ("malformed", consumers.CLOSE_MALFORMED),
        ("malformed", consumers.CLOSE_MALFORMED),
        ("frame_too_large", consumers.CLOSE_TOO_BIG),
    ]


def test_rate_limit_per_connection_refuses_without_storing(anonymous_chat, settings):
    settings.CHAT_RATE_MESSAGES = 3
    settings.CHAT_RATE_SECONDS = 60

    async def body():
        socket = communicator(f"/ws/chat/{anonymous_chat.key}/")
        await socket.connect()
        for number in range(4):
            await socket.send_json_to({"type": "message", "client_id": f"c{number}", "body": f"line {number}"})
        refused = await receive_until(socket, is_type("error", code="rate_limited"))
        await socket.disconnect()
        return refused

    refused = run(body)
    assert refused["client_id"] == "c3"
    bodies = set(TicketMessage.objects.filter(author_kind=AuthorKind.CUSTOMER).values_list("body", flat=True))
    assert bodies == {"line 0", "line 1", "line 2"}


def test_secret_is_redacted_before_storage_and_the_customer_warned(anonymous_chat):
    async def body():
        socket = communicator(f"/ws/chat/{anonymous_chat.key}/")
        await socket.connect()
        await socket.send_json_to({"type": "message", "client_id": "c1", "body": f"my phrase is {MNEMONIC}"})
        echoed = await receive_until(socket, is_type("message", client_id="c1"))
        warning = await receive_until(socket, lambda frame: frame["type"] == "message" and frame["author"] == "bot")
        await socket.disconnect()
        return echoed, warning

    echoed, warning = run(body)
    assert "abandon" not in echoed["body"] and "recovery phrase" in warning["body"]
    assert not TicketMessage.objects.filter(body__contains="abandon abandon").exists()
    assert ChatSession.objects.get(pk=anonymous_chat.pk).ticket.secret_exposed


def test_no_agent_online_leaves_a_ticket_with_its_reference(anonymous_chat):
    async def body():
        socket = communicator(f"/ws/chat/{anonymous_chat.key}/")
        await socket.connect()
        await socket.send_json_to({"type": "message", "client_id": "c1", "body": "Where is my withdrawal?"})
        await socket.send_json_to({"type": "human"})
        state = await receive_until(socket, is_type("state", state=ChatState.OFFLINE))
        await socket.disconnect()
        return state

    state = run(body)
    session = ChatSession.objects.select_related("ticket").get(pk=anonymous_chat.pk)
    assert state["reference"] == session.ticket.reference
    assert session.ticket.messages.filter(
        body__contains=session.ticket.reference, author_kind=AuthorKind.SYSTEM
    ).exists()
    assert session.ticket.status == Status.NEW


def test_the_asgi_application_checks_the_origin_and_reads_the_session(client, customer_user, settings):
    from tickets.chat import services

    settings.CHAT_EMBED_ORIGINS = ["https://wallet.example"]
    chat = services.chat_start(user=customer_user, language="en")
    client.force_login(customer_user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()

    async def body():
        results = []
        for origin, headers in [
            (b"https://evil.example", [(b"cookie", cookie)]),
            (b"http://127.0.0.1", [(b"cookie", cookie)]),
            (b"http://127.0.0.1", []),
            (b"https://wallet.example", [(b"cookie", cookie)]),
        ]:
            socket = WebsocketCommunicator(
                application, f"/ws/chat/{chat.key}/", headers=[(b"origin", origin), *headers]
            )
            connected, _code = await socket.connect()
            results.append(connected)
            await socket.disconnect()
        return results

    # A foreign site is refused; our page (or a listed wallet site) with the customer's session opens; without, not.
    assert run(body) == [False, True, False, True]
