"""Classification by keyword rules, team choice by category and language, auto-assignment by load."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from tickets import services
from tickets.models import (
    AgentProfile,
    Category,
    Channel,
    EventKind,
    KeywordRule,
    Priority,
    Status,
    Tier,
)
from tickets.services import routing


@pytest.fixture
def transaction_category(db):
    return Category.objects.get(slug="transaction")


@pytest.fixture
def security_category(db):
    return Category.objects.get(slug="account-security")


def email_ticket(customer, subject="Hello", body="Please help", **kwargs):
    return services.ticket_create(customer=customer, subject=subject, body=body, channel=Channel.EMAIL, **kwargs)


def test_keyword_rules_classify_an_email_without_a_category(customer, transaction_category):
    english_team = factories.TeamFactory(name="Transfers EN", languages=["en"])
    chinese_team = factories.TeamFactory(name="Transfers ZH", languages=["zh-hans"])
    english_team.categories.add(transaction_category)
    chinese_team.categories.add(transaction_category)

    english = email_ticket(customer, body="My transfer is stuck, tx hash 0xabc")
    chinese = email_ticket(customer, subject="转账没有到账", body="请帮忙", language="zh-hans")

    assert (english.category, english.team) == (transaction_category, english_team)
    assert (chinese.category, chinese.team) == (transaction_category, chinese_team)
    assert english.events.get(kind=EventKind.CREATED).note == (
        "keyword rule “Transfer problem”; routed to Transfers EN: category Transaction, language en"
    )


def test_a_rule_without_override_leaves_the_customers_category(customer):
    wallet = Category.objects.get(slug="wallet-function")

    ticket = email_ticket(customer, body="my transfer is stuck", category=wallet)

    assert ticket.category == wallet


def test_ordinary_rules_leave_channels_with_a_category_form_alone(customer):
    ticket = services.ticket_create(
        customer=customer, subject="Transfer stuck", body="tx hash 0xabc", channel=Channel.PORTAL
    )

    assert (ticket.category, ticket.priority) == (None, Priority.NORMAL)


def test_suspected_theft_overrides_the_category_and_goes_to_security_urgent(customer, security_category):
    general = factories.TeamFactory(name="General", tier=Tier.L1)
    general.categories.add(Category.objects.get(slug="wallet-function"))
    security = factories.TeamFactory(name="Security", tier=Tier.L3)
    security.categories.add(security_category)

    ticket = services.ticket_create(
        customer=customer,
        subject="Wallet question",
        body="My wallet was drained overnight, all my USDT is gone",
        channel=Channel.PORTAL,
        category=Category.objects.get(slug="wallet-function"),
        priority=Priority.LOW,
    )

    assert (ticket.category, ticket.priority, ticket.tier, ticket.team) == (
        security_category,
        Priority.URGENT,
        Tier.L3,
        security,
    )
    assert ticket.sla_policy.name == "Security emergency"


def test_an_explicit_team_is_kept_and_noted(customer, team, transaction_category):
    ticket = email_ticket(customer, body="stuck", team=team)

    assert ticket.team == team
    assert "team chosen by hand" in ticket.events.get(kind=EventKind.CREATED).note


def test_inactive_rules_are_ignored_and_the_first_match_wins(customer):
    KeywordRule.objects.filter(name="Transfer problem").update(is_active=False)

    assert routing.matching_rule("stuck transfer, also my password", classify=True).name == "Login and password"


def test_a_ticket_no_team_serves_is_left_for_triage_with_the_reason(customer, team):
    ticket = email_ticket(customer, body="nothing matches here")

    assert ticket.team is None
    assert ticket.events.get(kind=EventKind.CREATED).note == "no team serves this category and no triage team is set"


class TestAutoAssignment:
    @pytest.fixture
    def queue(self, transaction_category):
        team = factories.TeamFactory(name="Transfers", languages=["en", "zh-hans"], auto_assign=True)
        team.categories.add(transaction_category)
        return team

    def member(self, team, username, *, languages=("en",), skills=(), open_tickets=0, **profile):
        user = factories.agent(teams=[team], username=username)
        AgentProfile.objects.filter(user=user).update(languages=list(languages), **profile)
        user.agent_profile.refresh_from_db()
        user.agent_profile.skills.set(skills)
        for _ in range(open_tickets):
            factories.TicketFactory(assignee=user, team=team, status=Status.OPEN)
        return user

    def test_it_assigns_the_least_loaded_agent_with_the_language_and_skill(self, customer, queue, transaction_category):
        skill = [transaction_category]
        self.member(queue, "busy", skills=skill, open_tickets=3)
        chosen = self.member(queue, "light", skills=skill, open_tickets=1)
        self.member(queue, "idle_no_skill", open_tickets=0)
        self.member(queue, "idle_chinese_only", languages=["zh-hans"], skills=skill)
        self.member(queue, "away", skills=skill, is_available=False)
        self.member(queue, "full", skills=skill, open_tickets=2, max_open_tickets=2)

        ticket = email_ticket(customer, body="tx hash 0x123 stuck")

        assert ticket.assignee == chosen
        event = ticket.events.get(kind=EventKind.ASSIGNMENT)
        assert (event.after, event.note) == ("light", "auto-assigned: 1 of 25 open tickets")
        chosen.agent_profile.refresh_from_db()
        assert chosen.agent_profile.last_assigned_at is not None

    def test_language_decides_between_equally_loaded_agents(self, customer, queue, transaction_category):
        self.member(queue, "english", skills=[transaction_category])
        chinese = self.member(queue, "chinese", languages=["zh-hans"], skills=[transaction_category])

        ticket = email_ticket(customer, subject="转账", body="没到账", language="zh-hans")

        assert ticket.assignee == chinese

    def test_ties_go_to_the_agent_waiting_longest_since_an_assignment(self, customer, queue, transaction_category):
        now = timezone.now()
        self.member(queue, "recent", skills=[transaction_category], last_assigned_at=now)
        waiting = self.member(
            queue, "waiting", skills=[transaction_category], last_assigned_at=now - timedelta(hours=3)
        )

        first = email_ticket(customer, body="stuck transfer")
        second = email_ticket(customer, body="stuck transfer again")

        assert first.assignee == waiting
        # the second ticket goes to "recent", now the less loaded of the two
        assert second.assignee.username == "recent"

    def test_no_available_agent_leaves_it_unassigned_with_the_reason(self, customer, queue):
        ticket = email_ticket(customer, body="stuck transfer")

        assert ticket.assignee is None
        assert "no available agent" in ticket.events.get(kind=EventKind.ASSIGNMENT).note

    def test_teams_without_auto_assignment_are_left_alone(self, customer, queue, transaction_category):
        queue.auto_assign = False
        queue.save(update_fields=["auto_assign"])
        self.member(queue, "someone", skills=[transaction_category])

        assert email_ticket(customer, body="stuck transfer").assignee is None


def test_manual_reassignment_stays_possible(customer):
    team = factories.TeamFactory(name="Desk", auto_assign=True)
    first = factories.agent(teams=[team], username="first")
    second = factories.supervisor(teams=[team], username="second")
    ticket = email_ticket(customer, team=team)
    assert ticket.assignee == first

    ticket = services.ticket_assign(ticket=ticket, assignee=second, actor=second)

    assert ticket.assignee == second
