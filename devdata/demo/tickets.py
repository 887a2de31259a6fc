"""The demo desk: teams, one account per role, two customers with conversations, official contacts.

Idempotent: accounts and teams are looked up by their unique names, and the
demo conversations are only created for a customer who has no tickets yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from supportdesk.roles import (
    ADMINISTRATOR,
    AGENT,
    MANAGER,
    SECURITY_OFFICER,
    SENIOR_AGENT,
    SUPERVISOR,
    sync_role_groups,
)
from tickets import services
from tickets.models import AgentProfile, Category, Channel, Customer, OfficialContact, Status, Team, Tier


@dataclass(frozen=True)
class DemoLogin:
    login: str
    password: str
    role: str
    where: str


DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - local demo data only, documented in README

STAFF = [
    # username, name, role, tier, teams
    ("admin", ("Ada", "Admin"), ADMINISTRATOR, None, []),
    ("supervisor", ("Sam", "Supervisor"), SUPERVISOR, Tier.L3, ["L1 General", "L2 Technical", "Security"]),
    ("agent", ("Li", "Wei"), AGENT, Tier.L1, ["L1 General"]),
    ("agent2", ("Tom", "Technical"), AGENT, Tier.L2, ["L2 Technical"]),
    ("agent3", ("Nina", "Newcomer"), AGENT, Tier.L1, ["L1 General"]),
    ("agent4", ("Sara", "Secure"), AGENT, Tier.L3, ["Security"]),
    ("manager", ("Mia", "Manager"), MANAGER, None, []),
    ("senior", ("Kai", "Senior"), SENIOR_AGENT, Tier.L2, ["L2 Technical"]),
    ("security", ("Oren", "Officer"), SECURITY_OFFICER, Tier.L3, ["Security"]),
]

TEAMS = [
    # name, languages, category slugs
    ("L1 General", ["en", "zh-hans"], ["wallet-function", "suggestion", "other", "complaint"]),
    ("L2 Technical", ["en", "zh-hans"], ["technical", "transaction"]),
    ("Security", ["en", "zh-hans"], ["account-security"]),
]

# How long ago agents joined: the training history and the rules' onboarding depend on it.
JOINED_DAYS_AGO = {"agent": 730, "agent2": 540, "agent3": 5, "agent4": 400, "senior": 900, "security": 600}

# Escalating to a tier moves the ticket to that tier's team (tickets.services.escalation).
TEAM_TIERS = {"L1 General": Tier.L1, "L2 Technical": Tier.L2, "Security": Tier.L3}

CUSTOMERS = [
    ("alice@example.com", "Alice Chen", "en"),
    ("bob@example.com", "Bob 王", "zh-hans"),
]

CONVERSATIONS = {
    "alice@example.com": [
        {
            "subject": "USDT transfer stuck for 3 hours",
            "category": "transaction",
            "channel": Channel.PORTAL,
            "body": "I sent 250 USDT on Tron to my exchange and it still shows pending. What should I do?",
            "chain": "tron",
            "asset": "USDT",
            "tx_hash": "7c2d8f0e9b1a4c3d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5",
            "reply": "Thanks Alice, we are checking the transaction on the explorer. It looks like the network "
            "was congested; could you confirm the receiving address?",
            "status": Status.PENDING_CUSTOMER,
        },
        {
            "subject": "How do I back up my wallet?",
            "category": "wallet-function",
            "channel": Channel.EMAIL,
            "body": "I just got a new phone. How do I move my wallet safely?",
            "reply": "Write your recovery phrase on paper, keep it offline, and import it on the new phone. "
            "We will never ask you for it.",
            "status": Status.SOLVED,
        },
        {
            "subject": "App crashes when opening DApp browser",
            "category": "technical",
            "channel": Channel.IN_APP,
            "body": "Version 2.14.0 on iPhone 13, iOS 17.5: the app closes as soon as I open the DApp browser.",
            "app_version": "2.14.0",
            "device": "iPhone 13",
            "os": "iOS 17.5",
        },
    ],
    "bob@example.com": [
        {
            "subject": "有人冒充客服让我提供助记词",
            "category": "account-security",
            "channel": Channel.SOCIAL,
            "body": "一个自称官方客服的人在电报上联系我，要我提供助记词。这是真的吗？",
            "reply": "官方客服绝不会索要您的助记词或私钥。请不要透露，并举报该账号。",
            "status": Status.OPEN,
        },
        {
            "subject": "建议增加深色模式",
            "category": "suggestion",
            "channel": Channel.WEB_FORM,
            "body": "希望钱包能支持深色模式，晚上使用更舒服。",
        },
        {
            "subject": "Phone call: fee too high on ETH transfer",
            "category": "complaint",
            "channel": Channel.PHONE,
            "body": "Customer called: charged a 40 USD network fee for a small ETH transfer; wants an explanation.",
            "note": "Checked: gas price spiked at that time. Prepare an explanation with the fee breakdown.",
        },
    ],
}


def seed_desk() -> tuple[dict, dict[str, Team]]:
    """Teams, staff and customers with their conversations; returns the staff by username and the teams by name."""
    sync_role_groups(Group, Permission)
    teams = {name: _team(name, languages, slugs) for name, languages, slugs in TEAMS}
    _wallet_safety()
    staff = {username: _staff_user(username, names, role, tier, [teams[t] for t in team_names])
             for username, names, role, tier, team_names in STAFF}  # fmt: skip
    Team.objects.filter(name__in=teams, supervisor__isnull=True).update(supervisor=staff["supervisor"])
    for email, name, language in CUSTOMERS:
        customer = _customer(email, name, language)
        if not customer.tickets.exists():
            _conversations(customer, CONVERSATIONS[email], staff)
    return staff, teams


def demo_logins() -> list[DemoLogin]:
    logins = [DemoLogin(username, DEMO_PASSWORD, role, "/admin/") for username, _n, role, _t, _teams in STAFF]
    logins += [DemoLogin(email, DEMO_PASSWORD, "Customer", "/portal/") for email, _n, _l in CUSTOMERS]
    return logins


# The demo brand's official channels, for /portal/verify/ (kind, value, label).
OFFICIAL_CONTACTS = [
    ("website", "supportdesk.example", "Official website"),
    ("email", "support@supportdesk.example", "Support email"),
    ("phone", "+86 400 800 8888", "Support hotline"),
    ("social", "https://t.me/supportdesk_official", "Official Telegram"),
    ("social", "https://x.com/supportdesk", "Official X account"),
]


def _wallet_safety() -> None:
    """Secret exposures and impersonator reports route to the Security team."""
    Team.objects.filter(name="Security").update(handles_security=True)
    for kind, value, label in OFFICIAL_CONTACTS:
        OfficialContact.objects.get_or_create(kind=kind, value=value, defaults={"label": label})


def _team(name: str, languages: list[str], slugs: list[str]) -> Team:
    team, _created = Team.objects.get_or_create(
        name=name, defaults={"languages": languages, "time_zone": "Asia/Shanghai", "tier": TEAM_TIERS[name]}
    )
    team.categories.add(*Category.objects.filter(slug__in=slugs))
    return team


@cache
def _demo_password_hash() -> str:
    """Hashed once per run: every demo account shares the documented password, and hashing is slow on purpose."""
    return make_password(DEMO_PASSWORD)


def _staff_user(username: str, names: tuple[str, str], role: str, tier: str | None, teams: list[Team]):
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username,
        defaults={
            "first_name": names[0],
            "last_name": names[1],
            "email": f"{username}@supportdesk.local",
            "is_staff": True,
            "is_superuser": role == ADMINISTRATOR,
            "date_joined": timezone.now() - timedelta(days=JOINED_DAYS_AGO.get(username, 0)),
        },
    )
    if created:
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role))
    if tier is not None:
        profile, _created = AgentProfile.objects.get_or_create(
            user=user, defaults={"tier": tier, "languages": ["en", "zh-hans"]}
        )
        profile.teams.add(*teams)
    return user


def _customer(email: str, name: str, language: str) -> Customer:
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=email, defaults={"email": email, "first_name": name})
    if created:
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    customer, _created = services.customer_get_or_create(email=email, name=name, language=language, user=user)
    return customer


def _conversations(customer: Customer, conversations: list[dict], staff: dict) -> None:
    categories = {category.slug: category for category in Category.objects.all()}
    for spec in conversations:
        is_agent_channel = spec["channel"] == Channel.PHONE
        ticket = services.ticket_create(
            customer=customer,
            subject=spec["subject"],
            body=spec["body"],
            channel=spec["channel"],
            actor=staff["agent"] if is_agent_channel else customer.user,
            category=categories[spec["category"]],
            **{key: spec[key] for key in ("chain", "asset", "tx_hash", "app_version", "device", "os") if key in spec},
        )
        agent = staff["agent2"] if ticket.team and ticket.team.name == "L2 Technical" else staff["supervisor"]
        if ticket.team and ticket.team.name == "L1 General":
            agent = staff["agent"]
        if "reply" in spec:
            ticket = services.ticket_assign(ticket=ticket, assignee=agent, actor=staff["supervisor"])
            services.ticket_reply(ticket=ticket, body=spec["reply"], actor=agent, new_status=spec.get("status"))
        if "note" in spec:
            services.ticket_add_note(ticket=ticket, body=spec["note"], actor=staff["agent"])
