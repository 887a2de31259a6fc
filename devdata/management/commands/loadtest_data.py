"""Data for `make loadtest` (devdata/loadtest): `seed` writes the users, sessions, API token, tickets and
pre-signed inbound-mail jobs the scenarios use to a JSON file; `mail-report` turns the push times of those mails
into end-to-end figures (queued → processed by a worker). Runs with the cluster's settings and database."""

from __future__ import annotations

import json
import statistics
from datetime import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.test import Client
from django.utils import timezone
from django_q.signing import SignedPackage

from supportdesk.models import ApiScope
from supportdesk.roles import AGENT
from supportdesk.services import api_token_create
from tickets import services
from tickets.email.models import InboundEmail
from tickets.models import AgentProfile, Category, Channel, Customer, Priority, Team, Tier

INBOUND_FUNC = "tickets.email.services.inbound.inbound_email_receive"
MAIL_DOMAIN = "loadtest.invalid"


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _mail(run: str, index: int) -> bytes:
    return (
        f"From: Load Tester {index} <mailer{index % 50}@{MAIL_DOMAIN}>\r\n"
        f"To: support@supportdesk.local\r\n"
        f"Subject: Withdrawal pending {run}-{index}\r\n"
        f"Message-ID: <{run}-{index}@{MAIL_DOMAIN}>\r\n"
        f"Date: {timezone.now():%a, %d %b %Y %H:%M:%S +0000}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"My USDT withdrawal {index} has been pending for two hours. Transaction hash follows.\r\n"
    ).encode()


def _mail_job(run: str, index: int) -> str:
    """A django-q2 job exactly as async_task would queue it: what the IMAP poller does for each fetched mail."""
    task_id = f"{run}-{index}"
    task = {
        "id": task_id,
        "name": task_id,
        "func": INBOUND_FUNC,
        "args": (),
        "kwargs": {"raw": _mail(run, index), "source": "imap"},
        "started": timezone.now(),
    }
    return SignedPackage.dumps(task)


class Command(BaseCommand):
    help = "Seed the load-test data (seed) or report the inbound-mail timings of a run (mail-report)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["seed", "mail-report"])
        parser.add_argument("--out", type=Path, required=True, help="seed: JSON written; mail-report: JSON written")
        parser.add_argument("--pushes", type=Path, help="mail-report: {message id: push time (epoch s)}")
        parser.add_argument("--customers", type=int, default=20)
        parser.add_argument("--agents", type=int, default=6)
        parser.add_argument("--tickets-per-customer", type=int, default=2)
        parser.add_argument("--mails", type=int, default=2000)

    def handle(self, *args, **options):
        if options["action"] == "seed":
            data = self.seed(options)
        else:
            data = self.mail_report(json.loads(options["pushes"].read_text()))
        options["out"].write_text(json.dumps(data))

    def seed(self, options) -> dict:
        run = f"lt{timezone.now():%H%M%S%f}"
        team = Team.objects.create(name=f"Load test {run}", languages=["en"])
        agent_group = Group.objects.get(name=AGENT)
        agents = []
        for index in range(options["agents"]):
            user = get_user_model().objects.create_user(
                username=f"{run}-agent{index}", email=f"{run}-agent{index}@{MAIL_DOMAIN}", is_staff=True
            )
            user.groups.add(agent_group)
            AgentProfile.objects.create(user=user, tier=Tier.L1, languages=["en"]).teams.set([team])
            agents.append(user)
        customers = []
        tickets = []
        for index in range(options["customers"]):
            email = f"{run}-customer{index}@{MAIL_DOMAIN}"
            user = get_user_model().objects.create_user(username=email, email=email)
            customer = Customer.objects.create(name=f"Customer {index}", email=email, user=user)
            owned = [
                services.ticket_create(
                    customer=customer,
                    subject=f"Swap stuck {index}-{number}",
                    body="The swap has been pending since this morning.",
                    channel=Channel.PORTAL,
                    actor=user,
                    team=team,
                ).pk
                for number in range(options["tickets_per_customer"])
            ]
            tickets += owned
            customers.append({"session": _session_cookie(user), "tickets": owned})
        # The API scenario files its tickets under the stock category (tickets 0002); a test database emptied by
        # earlier transactional tests may have lost it.
        category, _created = Category.objects.get_or_create(
            slug="transaction", defaults={"name": "Transaction", "default_priority": Priority.HIGH}
        )
        integration = agents[0]
        assert integration.has_perm("tickets.add_ticket"), "the Agent role must be able to create tickets"
        _token, plain = api_token_create(user=integration, name=f"load test {run}", scope=ApiScope.WRITE)
        return {
            "run": run,
            "customers": customers,
            "agents": [{"session": _session_cookie(user)} for user in agents],
            "tickets": tickets,
            "api_token": plain,
            "category": category.slug,
            "mail_jobs": [_mail_job(run, index) for index in range(options["mails"])],
            "mail_ids": [f"{run}-{index}@{MAIL_DOMAIN}" for index in range(options["mails"])],
        }

    def mail_report(self, pushes: dict[str, float]) -> dict:
        rows = (
            InboundEmail.objects.without_raw()
            .filter(message_id__in=list(pushes))
            .values_list("message_id", "processed_at", "status")
        )
        latencies, processed = [], []
        for message_id, processed_at, _status in rows:
            if processed_at is None:
                continue
            processed.append(processed_at.timestamp())
            latencies.append((processed_at.timestamp() - pushes[message_id]) * 1000)
        if not processed:
            return {"pushed": len(pushes), "processed": 0}
        window = max(processed) - min(pushes.values())
        latencies.sort()
        return {
            "pushed": len(pushes),
            "processed": len(processed),
            "per_second": round(len(processed) / window, 1) if window > 0 else None,
            "p50_ms": round(statistics.median(latencies)),
            "p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)]),
            "first_push": datetime.fromtimestamp(min(pushes.values())).isoformat(),
        }
