"""Complaint admin: changelist budget, complaint page through services, ticket panel and action,
approvals queue, monthly summary and its CSV export."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tickets.complaints import selectors, services
from tickets.complaints.models import Complaint, RemedyStatus, Stage
from tickets.models import EventKind, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [1, 20])
def test_the_complaint_changelist_runs_a_fixed_number_of_queries(
    client, administrator, customer, team, agent, django_assert_num_queries, size
):
    for n in range(size):
        factories.complaint(
            ticket=factories.ticket(customer=customer, team=team), actor=agent, stage=Stage.RESOLUTION_PROPOSED,
            remedy_kind="compensation", amount=10 + n, asset="USDT",
        )  # fmt: skip
    client.force_login(administrator)
    url = reverse("admin:tickets_complaint_changelist")
    client.get(url)

    with django_assert_num_queries(5):
        response = client.get(url)

    assert len(response.context["cl"].result_list) == size
    assert "10 USDT" in response.content.decode()


@pytest.mark.parametrize("size", [1, 20])
def test_the_remedy_ledger_runs_a_fixed_number_of_queries(
    client, administrator, customer, team, agent, django_assert_num_queries, size
):
    for _n in range(size):
        factories.complaint(
            ticket=factories.ticket(customer=customer, team=team), actor=agent, stage="resolution_proposed"
        )
    client.force_login(administrator)
    url = reverse("admin:tickets_remedy_changelist")
    client.get(url)

    # session, user, count, page, and three independent of rows: date-hierarchy range and days, asset filter values
    with django_assert_num_queries(7):
        response = client.get(url)

    assert len(response.context["cl"].result_list) == size


def test_an_agent_moves_a_complaint_and_adds_a_remedy_from_its_page(client, agent, ticket):
    complaint = factories.complaint(ticket=ticket, actor=agent)
    client.force_login(agent)
    url = reverse("admin:tickets_complaint_change", args=[complaint.pk])
    form = client.get(url).context["adminform"].form

    response = client.post(
        url,
        {**{name: form[name].value() or "" for name in ("subject", "severity", "desired_outcome", "root_cause")},
         "owner": agent.pk, "findings": "Checked logs.", "move_to": Stage.INVESTIGATION, "move_reason": "",
         "remedies-TOTAL_FORMS": 0, "remedies-INITIAL_FORMS": 0},
    )  # fmt: skip

    complaint.refresh_from_db()
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert (complaint.stage, complaint.owner, complaint.findings) == (Stage.INVESTIGATION, agent, "Checked logs.")
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.COMPLAINT_STAGE, actor=agent).exists()


def test_the_ticket_page_shows_the_complaint_panel(client, agent, ticket):
    factories.complaint(ticket=ticket, actor=agent, stage=Stage.RESOLUTION_PROPOSED)
    client.force_login(agent)

    response = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))

    assert response.status_code == 200
    assert response.context["complaint_panel"].complaint.stage == Stage.RESOLUTION_PROPOSED
    assert "Work on the complaint" in response.content.decode()


def test_turn_into_complaint_from_the_ticket_changelist(client, agent, ticket):
    client.force_login(agent)
    url = reverse("admin:tickets_ticket_changelist")
    data = {"action": "turn_into_complaint", "_selected_action": [ticket.pk]}

    form_page = client.post(url, data)
    response = client.post(url, {**data, "apply": "1", "subject": "fees", "severity": "high", "reason": "called twice"})

    assert form_page.status_code == 200
    assert response.status_code == 302
    complaint = Complaint.objects.get(ticket=ticket)
    assert (complaint.subject, complaint.severity) == ("fees", "high")


# Approvals queue ---------------------------------------------------------------


@pytest.fixture
def pending(ticket, agent):
    complaint = factories.complaint(ticket=ticket, actor=agent, stage=Stage.INVESTIGATION)
    return services.remedy_propose(complaint=complaint, kind="refund", actor=agent, amount=250, asset="USDT")


def test_a_supervisor_approves_from_the_queue(client, supervisor, pending):
    client.force_login(supervisor)
    url = reverse("admin:tickets_complaint_approvals")

    page = client.get(url)
    response = client.post(url, {"remedy": pending.pk, "decision": "approve", "reason": "fee bug confirmed"})

    assert page.status_code == 200
    assert list(page.context["remedies"]) == [pending]
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by, pending.decision_reason) == (
        RemedyStatus.APPROVED,
        supervisor,
        "fee bug confirmed",
    )


def test_the_proposer_cannot_approve_from_the_queue(client, team, supervisor, ticket):
    complaint = factories.complaint(ticket=ticket, actor=supervisor, stage=Stage.INVESTIGATION)
    own = services.remedy_propose(complaint=complaint, kind="refund", actor=supervisor, amount=250, asset="USDT")
    client.force_login(supervisor)

    client.post(reverse("admin:tickets_complaint_approvals"), {"remedy": own.pk, "decision": "approve", "reason": "ok"})

    own.refresh_from_db()
    assert own.status == RemedyStatus.PENDING_APPROVAL


def test_agents_do_not_get_the_approvals_queue(client, agent, pending):
    client.force_login(agent)

    assert client.get(reverse("admin:tickets_complaint_approvals")).status_code == 403


@pytest.mark.parametrize("size", [1, 20])
def test_the_approvals_queue_runs_a_fixed_number_of_queries(
    client, supervisor, customer, team, agent, django_assert_num_queries, size
):
    for _n in range(size):
        complaint = factories.complaint(
            ticket=factories.ticket(customer=customer, team=team), actor=agent, stage=Stage.INVESTIGATION
        )
        services.remedy_propose(complaint=complaint, kind="refund", actor=agent, amount=500, asset="USDT")
    client.force_login(supervisor)
    url = reverse("admin:tickets_complaint_approvals")
    client.get(url)

    with django_assert_num_queries(4):
        response = client.get(url)

    assert len(response.context["remedies"]) == size


# Monthly summary -----------------------------------------------------------------


def at(day: int, hour: int = 0) -> datetime:
    return timezone.make_aware(datetime(2026, 5, day, hour))


@pytest.fixture
def may(customer, team, agent, supervisor):
    """Hand-made May 2026: two complaints with known stage times and two paid remedies, one from April."""
    first = factories.complaint(ticket=factories.ticket(customer=customer, team=team), actor=agent)
    second = factories.complaint(ticket=factories.ticket(customer=customer, team=team), actor=agent)
    april = factories.complaint(ticket=factories.ticket(customer=customer, team=team), actor=agent)
    Complaint.objects.filter(pk=first.pk).update(created_at=at(1), root_cause="software_bug", company_at_fault=True)
    Complaint.objects.filter(pk=second.pk).update(created_at=at(2), subject="agent_behaviour")
    Complaint.objects.filter(pk=april.pk).update(created_at=at(1) - timedelta(days=10), subject="lost_funds")
    TicketEvent.objects.all().delete()
    events = [
        # first: intake 10 h, investigation 30 h; second: intake 20 h
        (first, EventKind.COMPLAINT, "", at(1)),
        (first, EventKind.COMPLAINT_STAGE, Stage.INVESTIGATION, at(1, 10)),
        (first, EventKind.COMPLAINT_STAGE, Stage.RESOLUTION_PROPOSED, at(2, 16)),
        (second, EventKind.COMPLAINT, "", at(2)),
        (second, EventKind.COMPLAINT_STAGE, Stage.INVESTIGATION, at(2, 20)),
        # april: intake left in April, does not count in May
        (april, EventKind.COMPLAINT, "", at(1) - timedelta(days=10)),
        (april, EventKind.COMPLAINT_STAGE, Stage.INVESTIGATION, at(1) - timedelta(days=9)),
    ]
    TicketEvent.objects.bulk_create(
        TicketEvent(ticket_id=c.ticket_id, kind=kind, after=after, created_at=when) for c, kind, after, when in events
    )
    for complaint, amount, paid_at in (
        (first, "12.5", at(20)),
        (second, "7.5", at(21)),
        (april, "79", at(1) - timedelta(days=2)),
    ):
        remedy = factories_remedy(complaint, agent, supervisor, amount)
        type(remedy).objects.filter(pk=remedy.pk).update(paid_at=paid_at)
    return first, second


def factories_remedy(complaint, agent, supervisor, amount):
    Complaint.objects.filter(pk=complaint.pk).update(stage=Stage.INVESTIGATION)
    remedy = services.remedy_propose(complaint=complaint, kind="compensation", actor=agent, amount=amount, asset="USDT")
    return services.remedy_mark_paid(remedy=remedy, actor=supervisor)


def test_the_monthly_summary_counts_medians_and_paid_totals(may, administrator):
    summary = selectors.complaint_monthly_summary(user=administrator, month=date(2026, 5, 1))

    assert (summary.opened, summary.company_at_fault) == (2, 1)
    assert dict(summary.by_subject)["Fees"] == 1
    assert dict(summary.by_subject)["Agent behaviour"] == 1
    assert dict(summary.by_subject)["Lost funds / transaction"] == 0
    assert dict(summary.by_root_cause)["Software bug"] == 1
    assert {label: (hours, n) for label, hours, n in summary.median_hours_by_stage} == {
        "Intake": (15.0, 2),
        "Investigation": (30.0, 1),
    }
    assert [(row.asset, row.count, row.total) for row in summary.paid_by_asset] == [("USDT", 2, Decimal("20"))]


def test_the_summary_page_and_its_csv_export(client, administrator, may):
    client.force_login(administrator)
    url = reverse("admin:tickets_complaint_summary")

    page = client.get(url, {"month": "2026-05"})
    export = client.get(url, {"month": "2026-05", "export": "csv"})

    assert page.status_code == 200
    assert page.context["summary"].opened == 2
    body = b"".join(export.streaming_content).decode()
    assert export["Content-Disposition"] == 'attachment; filename="complaints-2026-05.csv"'
    assert "2026-05,remedies paid,USDT,20,2" in body
    assert "2026-05,median hours in stage,Intake,15.0,2" in body


def test_agents_without_complaint_view_permission_cannot_open_the_summary(client, customer_user):
    customer_user.is_staff = True
    customer_user.save(update_fields=["is_staff"])
    client.force_login(customer_user)

    assert client.get(reverse("admin:tickets_complaint_summary")).status_code == 403
