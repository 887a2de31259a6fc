"""`make bench-chat`: live chat under load on loopback, over Redis, with several uvicorn processes.

N customers and M agents, each chat held by one agent; customers and agents connect to the server
processes round-robin, so most lines cross processes through the Redis channel layer. Every customer
sends lines at a steady pace; a line's round trip is from the customer's send to the agent's console
receiving it. Lost lines are those the agent never received (and the database check counts what was
stored). Memory per idle socket is the servers' resident memory growth while the customers connect,
divided by their number. The chats it creates are deleted afterwards.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tickets import services as ticket_services
from tickets.chat.models import AgentChatStatus, ChatSession, ChatState
from tickets.models import AgentProfile, AuthorKind, Channel, Customer, Team, Ticket, TicketMessage

PREFIX = "chat-bench"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (/proc/<pid>/stat, fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


class Command(BaseCommand):
    help = "Load-test the live chat: N customer sockets and M agents over Redis on several uvicorn processes."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--customers", type=int, default=500)
        parser.add_argument("--agents", type=int, default=50)
        parser.add_argument("--processes", type=int, default=2)
        parser.add_argument("--lines", type=int, default=4, help="lines each customer sends")
        parser.add_argument("--interval", type=float, default=20.0, help="seconds between a customer's lines")
        parser.add_argument(
            "--drain", type=float, default=60.0, help="seconds to wait for late lines before counting loss"
        )

    def handle(
        self, *args, customers: int, agents: int, processes: int, lines: int, interval: float, drain: float, **options
    ):
        if not getattr(settings, "BENCH_ALLOWED", False):
            raise CommandError("Run with DJANGO_SETTINGS_MODULE=supportdesk.settings.bench (make bench-chat).")
        if not settings.CHANNEL_LAYER_REDIS_URL:
            raise CommandError("Set REDIS_URL: several processes need the Redis channel layer.")
        self._cleanup()
        staff, chats = self._build(customers=customers, agents=agents)
        ports = [_free_port() for _ in range(processes)]
        servers = [self._start_server(port) for port in ports]
        try:
            result = asyncio.run(self._run(ports, servers, staff, chats, lines=lines, interval=interval, drain=drain))
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()
        stored = TicketMessage.objects.filter(
            ticket__chat__in=[chat.pk for chat in chats], author_kind=AuthorKind.CUSTOMER
        ).count()
        result.update(
            {
                "server": "uvicorn (websockets), Django Channels, channels_redis",
                "processes": processes,
                "customers": customers,
                "agents": agents,
                "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                "stored_lines": stored - customers,  # each chat ticket opened with one line before the run
            }
        )
        self._cleanup()
        self.stdout.write(json.dumps(result, indent=2))
        results = Path(settings.BASE_DIR) / "bench" / "results"
        results.mkdir(parents=True, exist_ok=True)
        (results / f"chat-{timezone.now():%Y%m%d-%H%M%S}.json").write_text(json.dumps(result, indent=2))

    def _cleanup(self) -> None:
        ChatSession.objects.filter(customer__email__startswith=PREFIX).delete()
        Ticket.objects.filter(customer__email__startswith=PREFIX).delete()
        Customer.objects.filter(email__startswith=PREFIX).delete()
        get_user_model().objects.filter(username__startswith=PREFIX).delete()
        Team.objects.filter(name=PREFIX).delete()

    def _build(self, *, customers: int, agents: int):
        team = Team.objects.create(name=PREFIX, languages=["en"])
        staff = []
        group = Group.objects.get(name="Agent")
        for number in range(agents):
            user = get_user_model().objects.create(username=f"{PREFIX}-agent-{number}", is_staff=True)
            user.groups.add(group)
            AgentProfile.objects.create(user=user, languages=["en"]).teams.add(team)
            AgentChatStatus.objects.create(user=user, is_available=True, max_chats=100, seen_at=timezone.now())
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            staff.append((user, session.session_key))
        chats = []
        for number in range(customers):
            customer = Customer.objects.create(email=f"{PREFIX}-{number}@example.com", language="en")
            ticket = ticket_services.ticket_create(
                customer=customer, subject="Bench chat", body="hello", channel=Channel.CHAT, team=team
            )
            agent = staff[number % agents][0]
            chats.append(
                ChatSession.objects.create(
                    customer=customer, ticket=ticket, team=team, agent=agent, state=ChatState.ACTIVE
                )
            )
        return staff, chats

    def _start_server(self, port: int) -> subprocess.Popen:
        command = [sys.executable, "-m", "uvicorn", "supportdesk.asgi:application", "--host", "127.0.0.1",
                   "--port", str(port), "--lifespan", "off", "--log-level", "warning", "--no-access-log"]  # fmt: skip
        # Our own interpreter and module, fixed arguments: nothing from outside reaches the command line.
        return subprocess.Popen(  # noqa: S603
            command, env={**os.environ, "DJANGO_SETTINGS_MODULE": "supportdesk.settings.bench"}
        )

    async def _run(self, ports, servers, staff, chats, *, lines: int, interval: float, drain: float) -> dict:
        import websockets

        for port in ports:
            await self._wait_for(port)
        sent: dict[str, float] = {}
        trips: list[float] = []
        received: set[str] = set()
        agent_sockets = []
        for number, (_user, session_key) in enumerate(staff):
            port = ports[number % len(ports)]
            agent_sockets.append(
                await websockets.connect(
                    f"ws://127.0.0.1:{port}/ws/chat/console/",
                    origin=f"http://127.0.0.1:{port}",
                    additional_headers={"Cookie": f"sessionid={session_key}"},
                    max_size=2**22,
                )
            )

        async def agent_reader(connection) -> None:
            async for raw in connection:
                frame = json.loads(raw)
                client_id = frame.get("client_id")
                line = frame.get("type") == "message" and frame.get("author") == "customer"
                if line and client_id in sent and client_id not in received:
                    received.add(client_id)
                    trips.append(time.perf_counter() - sent[client_id])

        readers = [asyncio.create_task(agent_reader(connection)) for connection in agent_sockets]
        await asyncio.sleep(1)
        rss_before = sum(_rss_kib(server.pid) for server in servers)
        customer_sockets = []
        for number, chat in enumerate(chats):
            port = ports[(number + 1) % len(ports)]  # the other process than its agent's, when there are two
            customer_sockets.append(
                await websockets.connect(
                    f"ws://127.0.0.1:{port}/ws/chat/{chat.key}/", origin=f"http://127.0.0.1:{port}"
                )
            )
        await asyncio.sleep(2)
        rss_after = sum(_rss_kib(server.pid) for server in servers)

        async def discard(connection) -> None:
            async for _raw in connection:
                pass

        discarding = [asyncio.create_task(discard(connection)) for connection in customer_sockets]

        async def customer(number: int, connection) -> None:
            await asyncio.sleep(random.uniform(0, interval))  # noqa: S311 - spreading load, not security
            for line in range(lines):
                client_id = f"b{number}-{line}"
                sent[client_id] = time.perf_counter()
                await connection.send(json.dumps({"type": "message", "client_id": client_id, "body": f"line {line}"}))
                await asyncio.sleep(interval)

        cpu_before = sum(_cpu_seconds(server.pid) for server in servers)
        started = time.perf_counter()
        await asyncio.gather(*(customer(number, connection) for number, connection in enumerate(customer_sockets)))
        sending_seconds = time.perf_counter() - started
        deadline = time.perf_counter() + drain
        while len(received) < len(sent) and time.perf_counter() < deadline:
            await asyncio.sleep(0.2)
        elapsed = time.perf_counter() - started
        server_cpu = sum(_cpu_seconds(server.pid) for server in servers) - cpu_before
        for task in readers + discarding:
            task.cancel()
        for connection in agent_sockets + customer_sockets:
            await connection.close()
        return {
            "lines_sent": len(sent),
            "lines_received_by_agents": len(received),
            "lost": len(sent) - len(received),
            "round_trip_ms": {
                "p50": round(_percentile(trips, 0.5) * 1000, 1),
                "p95": round(_percentile(trips, 0.95) * 1000, 1),
                "max": round(max(trips) * 1000, 1) if trips else None,
                "mean": round(statistics.fmean(trips) * 1000, 1) if trips else None,
            },
            "offered_lines_per_second": round(len(sent) / sending_seconds, 1),
            "run_seconds": round(elapsed, 1),
            # The servers' CPU per line sent (its database work, both fan-outs, the acknowledgement): with the
            # offered rate, whether the servers could keep up with the CPU they got (the load average says how much).
            "server_cpu_ms_per_line": round(server_cpu * 1000 / max(len(sent), 1), 1),
            "load_average": [round(value, 1) for value in os.getloadavg()],
            "memory_per_idle_socket_kib": round((rss_after - rss_before) / max(len(customer_sockets), 1), 1),
            "server_rss_mib": round(rss_after / 1024, 1),
        }

    async def _wait_for(self, port: int) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                _reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                return
            except OSError:
                await asyncio.sleep(0.3)
        raise CommandError(f"The server on port {port} did not start.")
