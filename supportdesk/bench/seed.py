"""Load the benchmark database: realistic volumes, fast.

This is a bulk data loader (like a fixture), not application behaviour: rows go
straight into the tables — PostgreSQL `COPY`, batched `executemany` elsewhere —
because a million tickets through tickets.services would take hours. The rows
carry the same values the services write (statuses, events, first response,
resolution times), so the admin pages see realistic data.

Everything is a pure function of the ticket count and a fixed random seed:
ticket ids run 1..N in creation order, so the measurements find "the
500-message ticket" or "the customer with 200 tickets" without bookkeeping.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from supportdesk.roles import AGENT, SUPERVISOR
from tickets.models import (
    AgentProfile,
    AuthorKind,
    Category,
    Channel,
    Customer,
    EventKind,
    Priority,
    Status,
    Team,
    Ticket,
    TicketEvent,
    TicketMessage,
    Tier,
)

SPAN = timedelta(days=730)
RECENT = timedelta(days=14)
CHUNK = 10_000
BENCH_PASSWORD = "bench-pass"  # noqa: S105 - benchmark accounts on the benchmark database only
USERNAME_PREFIX = "bench-"
AGENT_COUNT = 50
LONG_TICKET_MESSAGES = 500
HEAVY_CUSTOMER_TICKETS = 200
HEAVY_CUSTOMER_EMAIL = "heavy.customer@bench.example"
FREE_TEXT_TERM = "phishing"

# name, languages, category slugs it serves
TEAMS = [
    ("Bench L1 English", ["en"], ["wallet-function", "suggestion", "other"]),
    ("Bench L1 Chinese", ["zh-hans"], ["wallet-function", "suggestion", "other"]),
    ("Bench L1 International", ["es", "fr", "id", "vi"], ["wallet-function", "suggestion", "other"]),
    ("Bench L2 Technical", ["en", "zh-hans"], ["technical", "transaction"]),
    ("Bench Security", ["en", "zh-hans"], ["account-security"]),
    ("Bench Complaints", ["en", "zh-hans"], ["complaint"]),
]
_TEAM_BY_CATEGORY = {"technical": 3, "transaction": 3, "account-security": 4, "complaint": 5}
_L1_TEAM_BY_LANGUAGE = {"en": 0, "zh-hans": 1}

CATEGORY_WEIGHTS = {
    "account-security": 12,
    "transaction": 30,
    "technical": 18,
    "wallet-function": 20,
    "complaint": 5,
    "suggestion": 5,
    "other": 10,
}
CHANNEL_WEIGHTS = {
    Channel.PORTAL: 25,
    Channel.WEB_FORM: 10,
    Channel.EMAIL: 30,
    Channel.IN_APP: 20,
    Channel.BOT: 8,
    Channel.PHONE: 3,
    Channel.SOCIAL: 2,
    Channel.AGENT: 2,
}
LANGUAGE_WEIGHTS = {"en": 45, "zh-hans": 35, "es": 6, "fr": 4, "id": 5, "vi": 5}
PRIORITY_WEIGHTS = {Priority.LOW: 15, Priority.NORMAL: 55, Priority.HIGH: 25, Priority.URGENT: 5}
TIER_WEIGHTS = {Tier.L1: 80, Tier.L2: 15, Tier.L3: 5}
# Most history is closed; the open queue is the last two weeks.
OLD_STATUS_WEIGHTS = {Status.CLOSED: 90, Status.SOLVED: 8, Status.OPEN: 1, Status.PENDING_CUSTOMER: 1}
RECENT_STATUS_WEIGHTS = {
    Status.NEW: 15,
    Status.OPEN: 30,
    Status.PENDING_CUSTOMER: 20,
    Status.ON_HOLD: 5,
    Status.SOLVED: 20,
    Status.CLOSED: 10,
}
# messages per ticket → weight; the mean is ~4.1
MESSAGE_COUNT_WEIGHTS = {1: 10, 2: 15, 3: 20, 4: 20, 5: 15, 6: 10, 8: 6, 12: 4}

CHAINS = ["ethereum", "tron", "bitcoin", "bsc", "polygon", "solana", "eos", "arbitrum"]
ASSETS = ["USDT", "ETH", "BTC", "TRX", "BNB", "USDC", "SOL", "EOS", "MATIC"]
VERSIONS = ["2.13.4", "2.14.0", "2.14.1", "2.15.0", "3.0.0"]
DEVICES = ["iPhone 13", "iPhone 15 Pro", "Pixel 8", "Galaxy S23", "Xiaomi 13", "Huawei P60", "Chrome extension"]
SYSTEMS = ["iOS 17.5", "iOS 18.1", "Android 14", "Android 13", "HarmonyOS 4", "Windows 11", "macOS 14"]
SUBJECTS = {
    "account-security": [
        "Cannot import wallet with recovery phrase",
        "Suspicious transaction from my {chain} address",
        "Phishing site pretending to be the wallet",
        "账户被盗，请帮忙冻结",
        "Forgot wallet password after reinstall on {os}",
    ],
    "transaction": [
        "{asset} transfer stuck on {chain}",
        "Withdrawal of {asset} not received",
        "Wrong network: sent {asset} on {chain}",
        "Swap failed but gas fee charged on {chain}",
        "Transaction pending for hours on {chain}",
        "{asset} 转账一直未到账",
    ],
    "technical": [
        "App crashes on {os} after update to {version}",
        "DApp browser cannot connect on {chain}",
        "Hardware wallet pairing fails on {os}",
        "Balance shows zero for {asset}",
    ],
    "wallet-function": [
        "How to add a custom token on {chain}",
        "Staking rewards for {asset} missing",
        "NFT not showing in collection on {chain}",
        "How do I back up my wallet on {os}?",
    ],
    "complaint": ["Complaint about response time", "Refund request for failed {asset} purchase"],
    "suggestion": ["Suggestion: dark mode for the DApp browser", "Please support {asset} on {chain}"],
    "other": ["Question about the wallet", "Partnership enquiry", "Fee estimate too high on {chain}"],
}
CUSTOMER_LINES = [
    "I sent {asset} an hour ago and it still shows pending.",
    "The app closes as soon as I open this page, version {version} on {os}.",
    "Can you please check what happened? I attached the transaction hash.",
    "It still does not work, I tried again this morning.",
    "Thank you, it arrived now.",
    "我已经等了很久，请尽快处理。",
    "Is there any update on this?",
]
AGENT_LINES = [
    "Thanks for reaching out. We are checking the transaction on the explorer.",
    "Could you confirm the receiving address and the network you used?",
    "The network was congested; the transfer is confirmed now.",
    "Please update to the latest version and try again. We will never ask for your recovery phrase.",
    "We have escalated this to our technical team and will update you within 24 hours.",
    "您好，我们已经收到您的问题，正在处理中。",
]
FIRST_NAMES = ["Alice", "Bob", "Chen", "Wei", "Maria", "Lucas", "Siti", "Minh", "Sophie", "Ahmed", "Yuki", "Ivan"]
LAST_NAMES = ["Chen", "Wang", "Li", "Garcia", "Martin", "Nguyen", "Santoso", "Dubois", "Kim", "Smith", "王", "张"]
COUNTRIES = ["CN", "US", "SG", "ID", "VN", "FR", "ES", "DE", "HK", "TW", "MY", "BR"]


@dataclass(frozen=True)
class SeedPlan:
    """What gets seeded for `tickets` tickets; the ids the measurements need follow from it."""

    tickets: int
    seed: int = 13

    @property
    def customers(self) -> int:
        return max(10, self.tickets // 5)

    @property
    def heavy_customer_tickets(self) -> int:
        return min(HEAVY_CUSTOMER_TICKETS, max(1, self.tickets // 10))

    @property
    def long_ticket_id(self) -> int:
        # A recent ticket (5 % from the newest end): long conversations are still open.
        return max(1, self.tickets - self.tickets // 20)

    @property
    def ordinary_ticket_id(self) -> int:
        return max(1, self.tickets // 2)

    @property
    def search_customer_email(self) -> str:
        return customer_email(self.customers // 2)

    def heavy_customer_owns(self, ticket_id: int) -> bool:
        return ticket_id % (self.tickets // self.heavy_customer_tickets) == 0


def customer_email(customer_id: int) -> str:
    return HEAVY_CUSTOMER_EMAIL if customer_id == 1 else f"wallet.user{customer_id:07d}@bench.example"


def agent_username(index: int) -> str:
    return f"{USERNAME_PREFIX}agent-{index:02d}"


SUPERVISOR_USERNAME = f"{USERNAME_PREFIX}supervisor"
CUSTOMER_USERNAME = f"{USERNAME_PREFIX}customer"


class Progress:
    """A one-line progress bar on stderr (seeding takes minutes at 1M)."""

    def __init__(self, label: str, total: int, *, stream=None, width: int = 30) -> None:
        self.label, self.total, self.width = label, max(total, 1), width
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.done = 0

    def advance(self, amount: int) -> None:
        self.done += amount
        filled = int(self.width * min(self.done, self.total) / self.total)
        elapsed = time.monotonic() - self.started
        self.stream.write(
            f"\r{self.label:<10} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{self.done:>11,}/{self.total:,} {elapsed:6.1f}s"
        )
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


class RowWriter:
    """Appends rows to one table: COPY on PostgreSQL, executemany in batches elsewhere."""

    def __init__(self, model: type[models.Model], fields: list[str]) -> None:
        meta = model._meta
        self.table = connection.ops.quote_name(meta.db_table)
        # Columns the seed does not generate get their model default, so fields added by later
        # features (flags, preferences, SLA clocks) never break seeding.
        given = {meta.get_field(name).column for name in fields}
        self.constants = tuple(
            field.get_db_prep_save(field.get_default(), connection)
            for field in meta.concrete_fields
            if field.column not in given and not field.primary_key
        )
        fields = [*fields, *(f.attname for f in meta.concrete_fields if f.column not in given and not f.primary_key)]
        self.columns = [meta.get_field(name).column for name in fields]
        quoted = ", ".join(connection.ops.quote_name(column) for column in self.columns)
        self.copy_sql = f"COPY {self.table} ({quoted}) FROM STDIN"
        placeholders = ", ".join(["%s"] * len(fields))
        self.insert_sql = f"INSERT INTO {self.table} ({quoted}) VALUES ({placeholders})"  # noqa: S608
        # SQLite stores datetimes as naive UTC text: convert exactly as Django does.
        self.adapters = [
            connection.ops.adapt_datetimefield_value
            if isinstance(meta.get_field(name), models.DateTimeField)
            and connection.vendor != "postgresql"
            and meta.get_field(name).column in given
            else None
            for name in fields
        ]

    def _adapt(self, row: tuple) -> tuple:
        return tuple(
            value if adapt is None or value is None else adapt(value)
            for adapt, value in zip(self.adapters, row, strict=True)
        )

    def write(self, rows: list[tuple]) -> None:
        if self.constants:
            rows = [(*row, *self.constants) for row in rows]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(self.copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            if any(self.adapters):
                rows = [self._adapt(row) for row in rows]
            cursor.executemany(self.insert_sql, rows)


TICKET_FIELDS = [
    "id", "subject", "customer_id", "channel", "category_id", "priority", "status", "language", "team_id",
    "assignee_id", "tier", "merged_into_id", "app_version", "device", "os", "browser", "chain", "asset", "amount",
    "tx_hash", "from_address", "to_address", "first_response_at", "resolved_at", "closed_at", "created_at",
    "updated_at",
]  # fmt: skip
MESSAGE_FIELDS = ["ticket_id", "author_kind", "author_id", "is_internal", "body", "body_html", "via", "created_at"]
EVENT_FIELDS = ["ticket_id", "kind", "actor_id", "before", "after", "note", "created_at"]
CUSTOMER_FIELDS = [
    "id", "user_id", "name", "email", "phone", "language", "country", "notes", "is_vip", "created_at", "updated_at",
]  # fmt: skip


def _weighted(weights: dict) -> Callable[[random.Random], object]:
    """A picker by integer weights: one random() and an index into a table (fast at millions of calls)."""
    table = [value for value, weight in weights.items() for _copy in range(weight)]
    size = len(table)

    def pick(rng: random.Random) -> object:
        return table[int(rng.random() * size)]

    return pick


_pick_category = _weighted(CATEGORY_WEIGHTS)
_pick_channel = _weighted(CHANNEL_WEIGHTS)
_pick_language = _weighted(LANGUAGE_WEIGHTS)
_pick_priority = _weighted(PRIORITY_WEIGHTS)
_pick_tier = _weighted(TIER_WEIGHTS)
_pick_old_status = _weighted(OLD_STATUS_WEIGHTS)
_pick_recent_status = _weighted(RECENT_STATUS_WEIGHTS)
_pick_message_count = _weighted(MESSAGE_COUNT_WEIGHTS)
TEXT_POOL_SIZE = 400


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        chain=rng.choice(CHAINS), asset=rng.choice(ASSETS), version=rng.choice(VERSIONS), os=rng.choice(SYSTEMS)
    )


def _any(values: list, rng: random.Random):
    """rng.choice without its per-call overhead (called tens of millions of times at 1M tickets)."""
    return values[int(rng.random() * len(values))]


def _text_pool(templates: list[str], rng: random.Random) -> list[str]:
    """Filled-in texts drawn once, then picked per row: formatting millions of strings is the slow part."""
    return [_fill(rng.choice(templates), rng) for _text in range(TEXT_POOL_SIZE)]


@dataclass
class _Staff:
    """Ids the generator needs: agents per team, usernames for assignment events."""

    team_ids: list[int]
    agents_by_team: list[list[int]]
    usernames: dict[int, str]
    category_ids: dict[str, int]
    customer_user_id: int


class TicketGenerator:
    """Rows for a range of tickets, with their messages and events."""

    def __init__(self, plan: SeedPlan, staff: _Staff, end: datetime) -> None:
        self.plan, self.staff, self.end = plan, staff, end
        self.start = end - SPAN
        rng = random.Random(plan.seed)
        self.subjects = {category: _text_pool(templates, rng) for category, templates in SUBJECTS.items()}
        self.customer_lines = _text_pool(CUSTOMER_LINES, rng)
        self.agent_lines = _text_pool(AGENT_LINES, rng)

    def _created_at(self, ticket_id: int, rng: random.Random) -> datetime:
        # Monotonic in the id, like a real auto-increment key.
        step = SPAN / self.plan.tickets
        return self.start + step * (ticket_id - 1) + step * rng.random()

    def chunk(self, first_id: int, last_id: int) -> tuple[list[tuple], list[tuple], list[tuple]]:
        tickets, messages, events = [], [], []
        rng = random.Random(self.plan.seed * 1_000_003 + first_id)
        for ticket_id in range(first_id, last_id + 1):
            self._ticket(ticket_id, rng, tickets, messages, events)
        return tickets, messages, events

    def _ticket(self, ticket_id, rng, tickets, messages, events) -> None:
        plan, staff = self.plan, self.staff
        created = self._created_at(ticket_id, rng)
        is_long = ticket_id == plan.long_ticket_id
        category = _pick_category(rng)
        language = _pick_language(rng)
        channel = _pick_channel(rng)
        if is_long:
            status = Status.OPEN
        elif self.end - created > RECENT:
            status = _pick_old_status(rng)
        else:
            status = _pick_recent_status(rng)
        team_index = _TEAM_BY_CATEGORY.get(category, _L1_TEAM_BY_LANGUAGE.get(language, 2))
        if ticket_id in (plan.long_ticket_id, plan.ordinary_ticket_id):
            team_index = 0  # the measured agent (agent-01) works in team 0
        team_agents = staff.agents_by_team[team_index]
        assignee = None if status == Status.NEW or rng.random() < 0.05 else _any(team_agents, rng)
        customer_id = 1 if plan.heavy_customer_owns(ticket_id) else rng.randint(2, plan.customers)
        customer_author = staff.customer_user_id if customer_id == 1 else None

        count = LONG_TICKET_MESSAGES if is_long else _pick_message_count(rng)
        # Replies come within a day; the long conversation is a busy one, so it still fits before today.
        max_gap_minutes = 60 if is_long else 20 * 60
        if status == Status.NEW:
            count = 1
        at = created
        first_response = None
        events.append((ticket_id, EventKind.CREATED, customer_author, "", channel, "", created))
        if assignee is not None:
            assigned_at = created + timedelta(minutes=2)
            events.append((ticket_id, EventKind.ASSIGNMENT, assignee, "", staff.usernames[assignee], "", assigned_at))
        for position in range(count):
            if position:
                at = min(at + timedelta(minutes=5 + int(rng.random() * max_gap_minutes)), self.end)
            if position % 2 == 0:
                body = _any(self.customer_lines, rng)
                messages.append((ticket_id, AuthorKind.CUSTOMER, customer_author, False, body, "", channel, at))
                if position:
                    events.append((ticket_id, EventKind.CUSTOMER_MESSAGE, customer_author, "", "", "", at))
                continue
            author = assignee or _any(team_agents, rng)
            internal = rng.random() < 0.1
            messages.append(
                (ticket_id, AuthorKind.AGENT, author, internal, _any(self.agent_lines, rng), "", channel, at)
            )
            events.append((ticket_id, EventKind.NOTE if internal else EventKind.REPLY, author, "", "", "", at))
            if first_response is None and not internal:
                first_response = at
                events.append((ticket_id, EventKind.STATUS, author, Status.NEW, Status.OPEN, "", at))

        resolved = closed = None
        last_status = Status.OPEN if first_response else Status.NEW
        if status in (Status.SOLVED, Status.CLOSED):
            resolved = min(at + timedelta(hours=1 + int(rng.random() * 48)), self.end)
            events.append((ticket_id, EventKind.STATUS, assignee, last_status, Status.SOLVED, "", resolved))
            at = resolved
            if status == Status.CLOSED:
                closed = min(resolved + timedelta(days=3), self.end)
                events.append((ticket_id, EventKind.STATUS, None, Status.SOLVED, Status.CLOSED, "", closed))
                at = closed
        elif status != last_status:
            events.append((ticket_id, EventKind.STATUS, assignee, last_status, status, "", at))

        is_transaction = category == "transaction"
        technical = category == "technical" or channel == Channel.IN_APP
        tickets.append(
            (
                ticket_id,
                "Long conversation: wallet recovery follow-up" if is_long else _any(self.subjects[category], rng),
                customer_id,
                channel,
                staff.category_ids[category],
                _pick_priority(rng),
                status,
                language,
                staff.team_ids[team_index],
                assignee,
                _pick_tier(rng),
                None,
                _any(VERSIONS, rng) if technical else "",
                _any(DEVICES, rng) if technical else "",
                _any(SYSTEMS, rng) if technical else "",
                "",
                _any(CHAINS, rng) if is_transaction else "",
                _any(ASSETS, rng) if is_transaction else "",
                Decimal(1 + int(rng.random() * 10_000_000)) / 100 if is_transaction else None,
                f"{rng.getrandbits(256):064x}" if is_transaction else "",
                f"0x{rng.getrandbits(160):040x}" if is_transaction else "",
                f"0x{rng.getrandbits(160):040x}" if is_transaction else "",
                first_response,
                resolved,
                closed,
                created,
                at,
            )
        )


def customer_rows(plan: SeedPlan, first_id: int, last_id: int, *, end: datetime, user_id: int) -> Iterator[tuple]:
    for customer_id in range(first_id, last_id + 1):
        rng = random.Random(plan.seed * 7_000_003 + customer_id)
        created = end - SPAN - timedelta(days=rng.randint(0, 365), seconds=rng.randint(0, 86_400))
        yield (
            customer_id,
            user_id if customer_id == 1 else None,
            f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            customer_email(customer_id),
            "",
            _pick_language(rng),
            rng.choice(COUNTRIES),
            "",
            rng.random() < 0.01,
            created,
            created,
        )


def wipe() -> None:
    """Empty the tables the seeder fills (categories, from a data migration, stay)."""
    tables = [model._meta.db_table for model in (Ticket, TicketMessage, TicketEvent, Customer, AgentProfile, Team)]
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    # PostgreSQL refuses TRUNCATE while deferred FK checks are pending (a re-seed inside one transaction).
    if connection.vendor == "postgresql":
        connection.check_constraints()
    connection.ops.execute_sql_flush(statements)
    get_user_model().objects.filter(username__startswith=USERNAME_PREFIX).delete()


def _create_staff(plan: SeedPlan) -> _Staff:
    user_model = get_user_model()
    password = make_password(BENCH_PASSWORD)
    teams = Team.objects.bulk_create(
        Team(name=name, languages=languages, auto_assign=False) for name, languages, _slugs in TEAMS
    )
    categories = {category.slug: category for category in Category.objects.filter(slug__in=CATEGORY_WEIGHTS)}
    missing = set(CATEGORY_WEIGHTS) - set(categories)
    if missing:
        raise RuntimeError(f"Categories missing (run migrations first): {', '.join(sorted(missing))}")
    for team, (_name, _languages, slugs) in zip(teams, TEAMS, strict=True):
        team.categories.set([categories[slug] for slug in slugs])

    staff_users = user_model.objects.bulk_create(
        [
            user_model(username=agent_username(index), email=f"{agent_username(index)}@bench.example",
                       first_name="Agent", last_name=f"{index:02d}", is_staff=True, password=password)
            for index in range(1, AGENT_COUNT + 1)
        ]
        + [user_model(username=SUPERVISOR_USERNAME, email=f"{SUPERVISOR_USERNAME}@bench.example",
                      first_name="Bench", last_name="Supervisor", is_staff=True, password=password)]
    )  # fmt: skip
    agents, supervisor = staff_users[:-1], staff_users[-1]
    customer_user = user_model.objects.create(
        username=CUSTOMER_USERNAME, email=HEAVY_CUSTOMER_EMAIL, password=password, first_name="Heavy"
    )
    groups = {group.name: group for group in Group.objects.filter(name__in=[AGENT, SUPERVISOR])}
    memberships = [user_model.groups.through(user_id=user.pk, group_id=groups[AGENT].pk) for user in agents]
    memberships.append(user_model.groups.through(user_id=supervisor.pk, group_id=groups[SUPERVISOR].pk))
    user_model.groups.through.objects.bulk_create(memberships)

    profiles = AgentProfile.objects.bulk_create(
        AgentProfile(user=user, tier=Tier.L2 if index % 5 == 0 else Tier.L1, languages=["en", "zh-hans"])
        for index, user in enumerate(staff_users)
    )
    agents_by_team: list[list[int]] = [[] for _team in teams]
    links = []
    for index, (user, profile) in enumerate(zip(staff_users, profiles, strict=True)):
        member_of = range(len(teams)) if user is supervisor else [index % len(teams)]
        for team_index in member_of:
            links.append(AgentProfile.teams.through(agentprofile_id=profile.pk, team_id=teams[team_index].pk))
            if user is not supervisor:
                agents_by_team[team_index].append(user.pk)
    AgentProfile.teams.through.objects.bulk_create(links)
    return _Staff(
        team_ids=[team.pk for team in teams],
        agents_by_team=agents_by_team,
        usernames={user.pk: user.username for user in staff_users},
        category_ids={slug: category.pk for slug, category in categories.items()},
        customer_user_id=customer_user.pk,
    )


def _chunks(first: int, last: int, size: int) -> Iterable[tuple[int, int]]:
    for start in range(first, last + 1, size):
        yield start, min(start + size - 1, last)


def seed(plan: SeedPlan, *, stream=None) -> dict[str, int]:
    """Wipe and load the benchmark data; returns row counts per table."""
    end = timezone.now().replace(microsecond=0)
    counts = {"customers": plan.customers, "tickets": plan.tickets, "messages": 0, "events": 0}
    with transaction.atomic():
        wipe()
        staff = _create_staff(plan)

    customers = RowWriter(Customer, CUSTOMER_FIELDS)
    progress = Progress("customers", plan.customers, stream=stream)
    for first, last in _chunks(1, plan.customers, CHUNK * 5):
        with transaction.atomic():
            customers.write(list(customer_rows(plan, first, last, end=end, user_id=staff.customer_user_id)))
        progress.advance(last - first + 1)
    progress.finish()

    generator = TicketGenerator(plan, staff, end)
    ticket_writer = RowWriter(Ticket, TICKET_FIELDS)
    message_writer = RowWriter(TicketMessage, MESSAGE_FIELDS)
    event_writer = RowWriter(TicketEvent, EVENT_FIELDS)
    progress = Progress("tickets", plan.tickets, stream=stream)
    for first, last in _chunks(1, plan.tickets, CHUNK):
        tickets, messages, events = generator.chunk(first, last)
        with transaction.atomic():
            ticket_writer.write(tickets)
            message_writer.write(messages)
            event_writer.write(events)
        counts["messages"] += len(messages)
        counts["events"] += len(events)
        progress.advance(last - first + 1)
    progress.finish()

    # Explicit ids were inserted: move the sequences past them.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Ticket, Customer]):
            cursor.execute(statement)
    analyze()
    return counts


def analyze() -> None:
    """Fresh planner statistics (and, on PostgreSQL, the reltuples the admin paginator reads)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # VACUUM also sets the visibility map (index-only scans); it cannot run inside a transaction (tests).
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            for model in (Ticket, TicketMessage, TicketEvent, Customer):
                cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
        else:
            cursor.execute("ANALYZE")
