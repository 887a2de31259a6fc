"""Live chat across processes: a customer's socket on one web process and the agent's on the other, through nginx,
see each other's lines over Redis; and a stopped cluster leaves no process behind."""

import json
import time

import pytest
from django.conf import settings
from django.test import Client
from websockets.sync.client import connect

from devdata import cluster as topology
from tests import factories
from tickets.chat import services
from tickets.chat.models import ChatSession, ChatState
from tickets.models import AuthorKind

pytestmark = [pytest.mark.cluster]


def _socket(cluster, path: str, cookie: str = ""):
    headers = {"Cookie": cookie} if cookie else {}
    return connect(cluster.url.replace("http://", "ws://") + path, origin=cluster.url, additional_headers=headers)


def _on_each_web_process(cluster, customer_path: str, agent_path: str, agent_cookie: str):
    """Open the two sockets until nginx's round robin puts them on different web processes (it alternates)."""
    for _attempt in range(6):
        customer = _socket(cluster, customer_path)
        agent = _socket(cluster, agent_path, agent_cookie)
        upstreams = {customer.response.headers["X-Upstream"], agent.response.headers["X-Upstream"]}
        if len(upstreams) == 2:
            return customer, agent, upstreams
        customer.close()
        agent.close()
    pytest.fail("nginx never put the two sockets on different web processes")


def _frames_until(socket, wanted, *, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame = json.loads(socket.recv(timeout=max(deadline - time.monotonic(), 0.1)))
        if wanted(frame):
            return frame
    raise TimeoutError


def test_a_customer_and_an_agent_on_different_web_processes_chat_through_redis(cluster, team):
    agent = factories.agent(teams=[team], username="lin", first_name="Lin")
    chat = services.chat_start(user=None, email="visitor@example.com", language="en")
    services.chat_customer_message(session=chat, body="My withdrawal is stuck", client_id="c0")
    ChatSession.objects.filter(pk=chat.pk).update(state=ChatState.ACTIVE, agent=agent)
    client = Client()
    client.force_login(agent)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    customer, console, upstreams = _on_each_web_process(cluster, f"/ws/chat/{chat.key}/", "/ws/chat/console/", cookie)
    with customer, console:
        assert upstreams == {f"127.0.0.1:{port}" for port in cluster.web_ports}
        _frames_until(console, lambda frame: frame["type"] == "queue")
        customer.send(json.dumps({"type": "message", "client_id": "c1", "body": "Ethereum, 2 hours ago"}))
        line = _frames_until(console, lambda frame: frame["type"] == "message")
        console.send(json.dumps({"type": "message", "session": chat.pk, "client_id": "a1", "body": "Checking now"}))
        answer = _frames_until(customer, lambda frame: frame["type"] == "message" and frame["author"] == "agent")

    assert (line["body"], line["author"], line["session"]) == ("Ethereum, 2 hours ago", "customer", chat.pk)
    assert (answer["body"], answer["name"]) == ("Checking now", "Lin")
    chat.refresh_from_db()
    people = chat.ticket.messages.filter(author_kind__in=[AuthorKind.CUSTOMER, AuthorKind.AGENT]).order_by("id")
    assert list(people.values_list("body", flat=True)) == [
        "My withdrawal is stuck",
        "Ethereum, 2 hours ago",
        "Checking now",
    ]


def test_a_stopped_cluster_leaves_no_process_behind(running_cluster, tmp_path):
    """Workers stopped while their qcluster runs its worker processes: nothing of the process groups survives."""
    cluster = topology.Cluster(
        workdir=tmp_path, env=running_cluster.env, web_ports=[topology.free_port()], nginx_port=topology.free_port()
    )
    cluster.webs = [cluster.start_web(0)]
    for index in range(2):
        cluster.start_worker(index)
    started = [process.pid for process in [*cluster.webs, *cluster.workers]]
    # qcluster has started its own worker processes (run_worker → qcluster → its workers).
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not all(len(topology.group_members(pid)) >= 3 for pid in started):
        time.sleep(0.5)

    cluster.stop()

    assert {pid: topology.group_members(pid) for pid in started} == {pid: [] for pid in started}
