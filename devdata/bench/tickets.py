"""Ticket rows of the benchmark, with their messages and events.

The rows carry the same values the services write (statuses, events, first response,
resolution times), so the admin pages see realistic data.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from devdata.bench.customers import pick_language
from devdata.bench.plan import RECENT, SPAN, SeedPlan
from devdata.bench.rows import pick_one, weighted
from devdata.bench.staff import L1_TEAM_BY_LANGUAGE, TEAM_BY_CATEGORY, Staff
from tickets.models import AuthorKind, Channel, EventKind, Priority, Status, Tier

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

TICKET_FIELDS = [
    "id", "subject", "customer_id", "channel", "category_id", "priority", "status", "language", "team_id",
    "assignee_id", "tier", "merged_into_id", "app_version", "device", "os", "browser", "chain", "asset", "amount",
    "tx_hash", "from_address", "to_address", "first_response_at", "resolved_at", "closed_at", "created_at",
    "updated_at",
]  # fmt: skip
MESSAGE_FIELDS = ["ticket_id", "author_kind", "author_id", "is_internal", "body", "body_html", "via", "created_at"]
EVENT_FIELDS = ["ticket_id", "kind", "actor_id", "before", "after", "note", "created_at"]

_pick_category = weighted(CATEGORY_WEIGHTS)
_pick_channel = weighted(CHANNEL_WEIGHTS)
_pick_priority = weighted(PRIORITY_WEIGHTS)
_pick_tier = weighted(TIER_WEIGHTS)
_pick_old_status = weighted(OLD_STATUS_WEIGHTS)
_pick_recent_status = weighted(RECENT_STATUS_WEIGHTS)
_pick_message_count = weighted(MESSAGE_COUNT_WEIGHTS)
TEXT_POOL_SIZE = 400
# Fixed-length conversations longer than this are packed one hour apart at most.
ORDINARY_BUSY_THRESHOLD = 12


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        chain=rng.choice(CHAINS), asset=rng.choice(ASSETS), version=rng.choice(VERSIONS), os=rng.choice(SYSTEMS)
    )


def _text_pool(templates: list[str], rng: random.Random) -> list[str]:
    """Filled-in texts drawn once, then picked per row: formatting millions of strings is the slow part."""
    return [_fill(rng.choice(templates), rng) for _text in range(TEXT_POOL_SIZE)]


class TicketGenerator:
    """Rows for a range of tickets, with their messages and events."""

    def __init__(self, plan: SeedPlan, staff: Staff, end: datetime) -> None:
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
        fixed_count = plan.fixed_message_count(ticket_id)
        category = _pick_category(rng)
        language = pick_language(rng)
        channel = _pick_channel(rng)
        if fixed_count is not None:
            status = Status.OPEN
        elif self.end - created > RECENT:
            status = _pick_old_status(rng)
        else:
            status = _pick_recent_status(rng)
        team_index = TEAM_BY_CATEGORY.get(category, L1_TEAM_BY_LANGUAGE.get(language, 2))
        if fixed_count is not None:
            team_index = 0  # the measured agent (agent-01) works in team 0
        team_agents = staff.agents_by_team[team_index]
        assignee = None if status == Status.NEW or rng.random() < 0.05 else pick_one(team_agents, rng)
        customer_id = 1 if plan.heavy_customer_owns(ticket_id) else rng.randint(2, plan.customers)
        customer_author = staff.customer_user_id if customer_id == 1 else None

        count = fixed_count or _pick_message_count(rng)
        # Replies come within a day; long conversations are busy ones, so they still fit before today.
        max_gap_minutes = 60 if (fixed_count or 0) > ORDINARY_BUSY_THRESHOLD else 20 * 60
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
                body = pick_one(self.customer_lines, rng)
                messages.append((ticket_id, AuthorKind.CUSTOMER, customer_author, False, body, "", channel, at))
                if position:
                    events.append((ticket_id, EventKind.CUSTOMER_MESSAGE, customer_author, "", "", "", at))
                continue
            author = assignee or pick_one(team_agents, rng)
            internal = rng.random() < 0.1
            messages.append(
                (ticket_id, AuthorKind.AGENT, author, internal, pick_one(self.agent_lines, rng), "", channel, at)
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
                "Long conversation: wallet recovery follow-up" if is_long else pick_one(self.subjects[category], rng),
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
                pick_one(VERSIONS, rng) if technical else "",
                pick_one(DEVICES, rng) if technical else "",
                pick_one(SYSTEMS, rng) if technical else "",
                "",
                pick_one(CHAINS, rng) if is_transaction else "",
                pick_one(ASSETS, rng) if is_transaction else "",
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
