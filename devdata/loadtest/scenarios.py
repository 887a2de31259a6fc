"""The locust users of `make loadtest`. Each scenario is one user class; `run.py` runs them one after the other.

The cluster runs the production settings over plain http on loopback, so its cookies are `Secure` and an http
client would drop them: every user sends its cookies itself (the session made by `loadtest_data seed`, the CSRF
cookie it was given). Nothing here imports Django (locust patches the process with gevent).
"""

from __future__ import annotations

import itertools
import random
import re
import time

import redis
from locust import HttpUser, User, between, task

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
QUEUE_KEY = "django_q:supportdesk:q"
# Which request, ticket or page variant a user picks next: load shaping, not security.
rng = random.Random()  # noqa: S311


class Seeded:
    """The seed file (set by run.py before a scenario starts) and fair hand-out of its records."""

    data: dict = {}
    _counters: dict[str, itertools.count] = {}

    @classmethod
    def next(cls, kind: str) -> dict:
        counter = cls._counters.setdefault(kind, itertools.count())
        records = cls.data[kind]
        return records[next(counter) % len(records)]


class CookieUser(HttpUser):
    abstract = True
    wait_time = between(0.2, 1.0)
    kind = ""

    def on_start(self) -> None:
        self.record = Seeded.next(self.kind)
        self.cookies = {"sessionid": self.record["session"]}

    def _headers(self, **extra: str) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()), **extra}

    def get(self, path: str, *, name: str):
        with self.client.get(path, headers=self._headers(), name=name, catch_response=True, allow_redirects=False) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} for {path}")
            self._keep_cookies(r)
            return r

    def post_form(self, path: str, data: dict, *, page: str, name: str):
        token = CSRF_INPUT.search(page)
        if token is None:
            return None
        headers = self._headers(Origin=self.host, Referer=self.host + path)
        with self.client.post(
            path,
            data={**data, "csrfmiddlewaretoken": token.group(1)},
            headers=headers,
            name=name,
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code} for POST {path}")
            self._keep_cookies(response)
            return response

    def _keep_cookies(self, response) -> None:
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value


class PortalCustomer(CookieUser):
    """A wallet user in the portal: the request list, one of their requests, now and then a reply."""

    kind = "customers"

    @task(4)
    def browse(self) -> None:
        self.get("/portal/requests/", name="portal: request list")
        self.get(f"/portal/requests/{rng.choice(self.record['tickets'])}/", name="portal: request page")

    @task(1)
    def reply(self) -> None:
        ticket = rng.choice(self.record["tickets"])
        page = self.get(f"/portal/requests/{ticket}/", name="portal: request page")
        self.post_form(
            f"/portal/requests/{ticket}/reply/",
            {"body": f"Any news? It is still pending ({time.time():.0f})."},
            page=page.text,
            name="portal: reply",
        )


class AgentUser(CookieUser):
    """An agent in the admin: the ticket changelist (filtered, searched) and ticket pages."""

    kind = "agents"

    @task(3)
    def changelist(self) -> None:
        query = rng.choice(["", "?status__exact=new", "?q=Swap", "?o=-3"])
        self.get(f"/admin/tickets/ticket/{query}", name="admin: ticket changelist")

    @task(2)
    def ticket_page(self) -> None:
        ticket = rng.choice(Seeded.data["tickets"])
        self.get(f"/admin/tickets/ticket/{ticket}/change/", name="admin: ticket page")


class ApiClient(HttpUser):
    """An integration creating tickets through the API (secret scan, routing and SLA run on each)."""

    wait_time = between(0.0, 0.05)

    def on_start(self) -> None:
        self.headers = {"Authorization": f"Bearer {Seeded.data['api_token']}"}

    @task
    def create_ticket(self) -> None:
        number = rng.randrange(10**9)
        payload = {
            "customer_email": f"api-{number % 500}@loadtest.invalid",
            "subject": f"Deposit not credited {number}",
            "body": "I sent 250 USDT to my wallet two hours ago and the balance still shows zero.",
            "category": Seeded.data["category"],
        }
        with self.client.post(
            "/api/v1/tickets/", json=payload, headers=self.headers, name="api: create ticket", catch_response=True
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")


class MailArrival(User):
    """Mail arriving: each task puts one raw mail on the worker queue exactly as the IMAP poller does; the workers
    parse, scan, thread and store it. The request time here is the hand-over; `run.py` reports the end-to-end
    time (queued → processed) from the database afterwards."""

    wait_time = between(0.0, 0.02)
    redis_url = ""
    pushes: dict[str, float] = {}

    def on_start(self) -> None:
        self.redis = redis.Redis.from_url(self.redis_url)

    @task
    def deliver(self) -> None:
        index = len(MailArrival.pushes)
        jobs = Seeded.data["mail_jobs"]
        if index >= len(jobs):
            time.sleep(0.1)
            return
        started = time.perf_counter()
        MailArrival.pushes[Seeded.data["mail_ids"][index]] = time.time()
        error = None
        try:
            self.redis.rpush(QUEUE_KEY, jobs[index])
        except redis.RedisError as exc:
            error = exc
        self.environment.events.request.fire(
            request_type="QUEUE",
            name="mail: hand-over to the worker queue",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=len(jobs[index]),
            exception=error,
            context={},
        )


SCENARIOS = {
    "api": ApiClient,
    "portal": PortalCustomer,
    "agents": AgentUser,
    "mail": MailArrival,
}
