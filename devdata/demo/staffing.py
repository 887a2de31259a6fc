"""Demo staffing data for `make run`: weeks of solved tickets with a clear weekday × hour pattern, a roster
and next week's expected events.

The history is a bulk load, like devdata.bench.seed: a few thousand tickets through
tickets.services would take minutes, so the rows go in with bulk_create and carry what the
services write (the customer's message, the agent's reply with the handle time the reply box
measured, events, first response, resolution and closing times). The pattern — busy weekday
afternoons in the desk time zone, quiet weekends, nobody at night, slow growth — and a roster
thinner than the afternoon peak make the staffing page show next week's gaps; the expected
events (through workforce.services, as a manager enters them) flag next week's peaks.

Idempotent: the history is loaded once (its customers' address domain marks it), shifts are
only added for agents who have none, and an event is only entered when no upcoming event has
its name. Called from devdata.demo.seed_demo.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from supportdesk.kit.choices import Weekday
from supportdesk.roles import AGENT
from tickets import events
from tickets.models import (
    AuthorKind,
    Category,
    Channel,
    Customer,
    Priority,
    Status,
    Team,
    Ticket,
    TicketMessage,
)
from workforce.models import ForecastEvent, ForecastEventKind, Shift
from workforce.services import forecast_event_save, shift_save

HISTORY_DOMAIN = "wallet-users.example"
CUSTOMER_COUNT = 240
RANDOM_SEED = 11

# New tickets per hour on a weekday (desk time zone, business hours 9–21); weekends are quieter and shorter.
WEEKDAY_RATES = {9: 1.8, 10: 1.8, 11: 1.8, 12: 2, 13: 6, 14: 22, 15: 22, 16: 20, 17: 6, 18: 2, 19: 1.5, 20: 1.5}
WEEKEND_SHARE = 0.3
WEEKEND_HOURS = range(10, 18)
WEEKLY_GROWTH = 0.02

# team name → weight, and that team's categories by weight
TEAM_MIX = {"L1 General": 55, "L2 Technical": 35, "Security": 10}
CATEGORY_MIX = {
    "L1 General": {"wallet-function": 50, "other": 25, "complaint": 15, "suggestion": 10},
    "L2 Technical": {"transaction": 60, "technical": 40},
    "Security": {"account-security": 100},
}
CHANNEL_MIX = {Channel.EMAIL: 30, Channel.PORTAL: 25, Channel.IN_APP: 20, Channel.WEB_FORM: 10, Channel.BOT: 8,
               Channel.PHONE: 4, Channel.SOCIAL: 3}  # fmt: skip
SUBJECTS = {
    "wallet-function": ["How do I add a custom token?", "Staking rewards missing", "NFT not showing in my wallet",
                        "如何备份钱包？"],
    "other": ["Question about the wallet", "Where can I see my transaction history?", "账户问题咨询"],
    "complaint": ["Complaint: nobody answered my email", "Fee charged twice", "对处理速度不满意"],
    "suggestion": ["Please add a price alert", "Suggestion: address book labels"],
    "transaction": ["USDT transfer stuck on Tron", "ETH withdrawal not received", "Swap failed but gas was charged",
                    "转账一直未到账"],
    "technical": ["App crashes after the update", "DApp browser does not connect", "Balance shows zero",
                  "应用打开后闪退"],
    "account-security": ["Someone asked for my recovery phrase", "Suspicious approval on my address",
                         "有人冒充客服"],
}  # fmt: skip
# An agent's handle time per reply, in seconds, drawn evenly between these bounds: an email answer
# takes longer than a chat line. Phone calls are handled on the phone, outside the reply box that
# measures handle time, so the phone channel stays unmeasured and is planned on the default.
HANDLE_SECONDS = {Channel.EMAIL: (180, 720), Channel.PORTAL: (180, 600), Channel.WEB_FORM: (180, 600),
                  Channel.IN_APP: (120, 480), Channel.BOT: (120, 360), Channel.SOCIAL: (120, 420)}  # fmt: skip
CUSTOMER_LINE = "{subject}\n\nCould you please help?"
AGENT_LINE = "Thanks for reaching out. We checked this for you and it is sorted now; reply if anything is unclear."
FIRST_NAMES = ["Alex", "Bea", "Chen", "Dana", "Eli", "Fang", "Gus", "Hui", "Ivy", "Jun", "Kai", "Lan"]
LAST_NAMES = ["Li", "Wang", "Zhang", "Smith", "Garcia", "Nguyen", "Tan", "Kim", "Lopez", "Müller"]

WEEKDAYS = [Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY]
# username, team, weekdays, start hour, end hour: enough for the quiet hours, short at the afternoon peak
# (~22 contacts an hour need 5 agents with shrinkage) and thin at weekends.
ROSTER = [
    ("agent", "L1 General", WEEKDAYS, 9, 18),
    ("agent2", "L2 Technical", WEEKDAYS, 9, 18),
    ("agent3", "L1 General", [*WEEKDAYS[1:], Weekday.SATURDAY], 12, 21),
    ("agent4", "Security", [Weekday.SUNDAY, *WEEKDAYS[:4]], 13, 21),
]

# Next week's expected events, as a manager enters them: name, kind, channel ("" every channel),
# which of the next five weekdays (0: the first after today), start and end hour, uplift (%), notes.
EVENTS = [
    ("Network congestion", ForecastEventKind.NETWORK_INCIDENT, Channel.EMAIL, 0, 9, 12, 30,
     "Gas prices spike during a popular mint: expect more \"transfer stuck\" emails in the morning."),
    ("Token listing announcement", ForecastEventKind.ANNOUNCEMENT, "", 2, 13, 18, 60,
     "The listing goes live at 13:00; questions about adding the token and swap fees follow."),
]  # fmt: skip


def seed_staffing(*, staff: dict, teams: dict[str, Team]) -> None:
    if not Customer.objects.filter(email__endswith=f"@{HISTORY_DOMAIN}").exists():
        _history(teams)
    for username, team_name, weekdays, start, end in ROSTER:
        agent = staff[username]
        if agent.shifts.exists():
            continue
        for weekday in weekdays:
            shift_save(shift=Shift(agent=agent, team=teams[team_name], weekday=weekday, start_hour=start, end_hour=end))
    _expected_events(planner=staff["manager"])


def _expected_events(*, planner) -> None:
    zone = timezone.get_default_timezone()
    today = timezone.localdate()
    weekdays = [day for day in (today + timedelta(days=offset) for offset in range(1, 8)) if day.weekday() < 5]
    for name, kind, channel, weekday, start, end, uplift, notes in EVENTS:
        if ForecastEvent.objects.filter(name=name, ends_at__gt=timezone.now()).exists():
            continue
        day = weekdays[weekday]
        event = ForecastEvent(
            name=name,
            kind=kind,
            channel=channel,
            starts_at=timezone.make_aware(datetime.combine(day, time(start)), zone),
            ends_at=timezone.make_aware(datetime.combine(day, time(end)), zone),
            uplift_percent=uplift,
            notes=notes,
        )
        forecast_event_save(event=event, actor=planner)


def _pick(weights: dict, rng: random.Random):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _arrivals(today: date, rng: random.Random) -> list[datetime]:
    """Ticket creation times over the history weeks before today, oldest first."""
    zone = timezone.get_default_timezone()
    weeks = settings.STAFFING_HISTORY_WEEKS
    start = today - timedelta(weeks=weeks)
    arrivals = []
    for offset in range(weeks * 7):
        day = start + timedelta(days=offset)
        growth = 1 + WEEKLY_GROWTH * (offset // 7 - (weeks - 1) / 2)
        if day.weekday() < Weekday.SATURDAY:
            rates = WEEKDAY_RATES
        else:
            rates = {hour: rate * WEEKEND_SHARE for hour, rate in WEEKDAY_RATES.items() if hour in WEEKEND_HOURS}
        for hour, rate in rates.items():
            # Rounded up or down at random: the weekly averages keep the pattern exactly, without noise.
            for _ticket in range(int(rate * growth + rng.random())):
                moment = time(hour, rng.randrange(60), rng.randrange(60))
                arrivals.append(timezone.make_aware(datetime.combine(day, moment), zone))
    return sorted(arrivals)


def _customers(rng: random.Random, since: datetime) -> list[Customer]:
    return Customer.objects.bulk_create(
        Customer(
            created_at=since - timedelta(days=rng.randint(1, 365)),
            name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            email=f"user{number:03d}@{HISTORY_DOMAIN}",
            language=rng.choice(["en", "en", "zh-hans"]),
            country=rng.choice(["CN", "SG", "US", "VN", "ID", "DE", "HK"]),
        )
        for number in range(1, CUSTOMER_COUNT + 1)
    )


def _team_agents(teams: dict[str, Team]) -> dict[str, list]:
    """Each team's agents (supervisors only coach); their join date keeps them off older tickets."""
    return {
        name: [profile.user for profile in team.agents.select_related("user").filter(user__groups__name=AGENT)]
        for name, team in teams.items()
    }


def _history(teams: dict[str, Team]) -> None:
    rng = random.Random(RANDOM_SEED)  # noqa: S311 - reproducible demo data, nothing secret
    now = timezone.now()
    categories = {category.slug: category for category in Category.objects.all()}
    customers = _customers(rng, now - timedelta(weeks=settings.STAFFING_HISTORY_WEEKS))
    team_agents = _team_agents(teams)
    tickets = []
    for created in _arrivals(timezone.localdate(), rng):
        team_name = _pick(TEAM_MIX, rng)
        slug = _pick(CATEGORY_MIX[team_name], rng)
        customer = rng.choice(customers)
        working = [user for user in team_agents[team_name] if user.date_joined <= created] or team_agents[team_name]
        assignee = rng.choice(working)
        first_response = created + timedelta(minutes=rng.randint(3, 90))
        resolved = min(first_response + timedelta(minutes=rng.randint(20, 8 * 60)), now - timedelta(minutes=1))
        closed = resolved + timedelta(days=3)
        tickets.append(
            Ticket(
                subject=rng.choice(SUBJECTS[slug]),
                customer=customer,
                channel=_pick(CHANNEL_MIX, rng),
                category=categories[slug],
                priority=Priority.HIGH if slug in ("account-security", "transaction") else Priority.NORMAL,
                status=Status.CLOSED if closed <= now else Status.SOLVED,
                language=customer.language,
                team=teams[team_name],
                assignee=assignee,
                tier=teams[team_name].tier,
                first_response_at=first_response,
                resolved_at=resolved,
                closed_at=closed if closed <= now else None,
                created_at=created,
            )
        )
    Ticket.objects.bulk_create(tickets, batch_size=500)
    _conversations(tickets, rng)


def _handle_seconds(channel: str, rng: random.Random) -> int | None:
    bounds = HANDLE_SECONDS.get(channel)
    return rng.randint(*bounds) if bounds else None


def _conversations(tickets: list[Ticket], rng: random.Random) -> None:
    """The customer's message, the agent's (measured) reply and the events the services would have written."""
    messages, timeline = [], []
    for ticket in tickets:
        agent = ticket.assignee
        messages += [
            TicketMessage(ticket=ticket, author_kind=AuthorKind.CUSTOMER, via=ticket.channel,
                          body=CUSTOMER_LINE.format(subject=ticket.subject), created_at=ticket.created_at),
            TicketMessage(ticket=ticket, author_kind=AuthorKind.AGENT, author=agent, via=ticket.channel,
                          body=AGENT_LINE, handle_seconds=_handle_seconds(ticket.channel, rng),
                          created_at=ticket.first_response_at),
        ]  # fmt: skip
        timeline += [
            events.build_created(ticket=ticket, actor=None, channel=ticket.channel, at=ticket.created_at),
            events.build_assignment_changed(ticket=ticket, actor=agent, after=agent.get_username(),
                                            at=ticket.created_at + timedelta(minutes=2)),
            events.build_reply_sent(ticket=ticket, actor=agent, at=ticket.first_response_at),
            events.build_status_changed(ticket=ticket, actor=agent, before=Status.OPEN, after=Status.SOLVED,
                                        at=ticket.resolved_at),
        ]  # fmt: skip
        if ticket.closed_at:
            timeline.append(
                events.build_status_changed(ticket=ticket, actor=None, before=Status.SOLVED, after=Status.CLOSED,
                                            at=ticket.closed_at)
            )  # fmt: skip
    TicketMessage.objects.bulk_create(messages, batch_size=1000)
    events.record_many(timeline, batch_size=1000)
