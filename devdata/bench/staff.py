"""The benchmark's teams, agents, supervisor and the heavy customer's portal login."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from devdata.bench.plan import CUSTOMER_USERNAME, HEAVY_CUSTOMER_EMAIL, SUPERVISOR_USERNAME, agent_username
from supportdesk.roles import AGENT, SUPERVISOR
from tickets.models import AgentProfile, Category, Team, Tier

BENCH_PASSWORD = "bench-pass"  # noqa: S105 - benchmark accounts on the benchmark database only
AGENT_COUNT = 50

# name, languages, category slugs it serves
TEAMS = [
    ("Bench L1 English", ["en"], ["wallet-function", "suggestion", "other"]),
    ("Bench L1 Chinese", ["zh-hans"], ["wallet-function", "suggestion", "other"]),
    ("Bench L1 International", ["es", "fr", "id", "vi"], ["wallet-function", "suggestion", "other"]),
    ("Bench L2 Technical", ["en", "zh-hans"], ["technical", "transaction"]),
    ("Bench Security", ["en", "zh-hans"], ["account-security"]),
    ("Bench Complaints", ["en", "zh-hans"], ["complaint"]),
]
TEAM_BY_CATEGORY = {"technical": 3, "transaction": 3, "account-security": 4, "complaint": 5}
L1_TEAM_BY_LANGUAGE = {"en": 0, "zh-hans": 1}


@dataclass
class Staff:
    """Ids the generator needs: agents per team, usernames for assignment events."""

    team_ids: list[int]
    agents_by_team: list[list[int]]
    usernames: dict[int, str]
    category_ids: dict[str, int]
    customer_user_id: int


def create_staff(*, category_slugs: Collection[str]) -> Staff:
    user_model = get_user_model()
    password = make_password(BENCH_PASSWORD)
    teams = Team.objects.bulk_create(
        Team(name=name, languages=languages, auto_assign=False) for name, languages, _slugs in TEAMS
    )
    categories = {category.slug: category for category in Category.objects.filter(slug__in=category_slugs)}
    missing = set(category_slugs) - set(categories)
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
    return Staff(
        team_ids=[team.pk for team in teams],
        agents_by_team=agents_by_team,
        usernames={user.pk: user.username for user in staff_users},
        category_ids={slug: category.pk for slug, category in categories.items()},
        customer_user_id=customer_user.pk,
    )
