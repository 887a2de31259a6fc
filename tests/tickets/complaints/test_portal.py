"""Portal complaint pages: customers see only their complaints and never internal findings."""

import re

import pytest
from django.urls import reverse

from tests import factories
from tickets.complaints import services
from tickets.complaints.models import Complaint, ComplaintSubject, Stage
from tickets.models import Status

pytestmark = pytest.mark.django_db

FINDINGS = "Internal: agent Li skipped the fee check."


@pytest.fixture
def awaiting(ticket, agent, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.SITE_URL = "http://testserver"
    with django_capture_on_commit_callbacks(execute=True):
        complaint = factories.complaint(ticket=ticket, actor=agent, stage=Stage.INVESTIGATION)
        services.complaint_update(complaint=complaint, actor=agent, findings=FINDINGS, root_cause="agent_error")
        services.remedy_propose(complaint=complaint, kind="fee_waiver", actor=agent, amount=20, asset="USDT")
        services.complaint_update(complaint=complaint, actor=agent, resolution_summary=factories.RESOLUTION_TEXT)
        services.complaint_change_stage(complaint=complaint, stage=Stage.RESOLUTION_PROPOSED, actor=agent)
        services.complaint_change_stage(complaint=complaint, stage=Stage.AWAITING_CONFIRMATION, actor=agent)
    return Complaint.objects.get(pk=complaint.pk)


@pytest.fixture
def alice(client, customer):
    client.force_login(customer.user)
    return client


def test_the_list_shows_my_complaints_in_plain_language(alice, awaiting, other_ticket, other_agent):
    factories.complaint(ticket=other_ticket, actor=other_agent)

    response = alice.get(reverse("complaints:list"))

    assert response.status_code == 200
    assert [c.pk for c in response.context["complaints"]] == [awaiting.pk]
    assert "Please tell us whether it solved your problem" in response.content.decode()


def test_the_detail_shows_the_solution_but_never_the_findings(alice, awaiting):
    response = alice.get(reverse("complaints:detail", args=[awaiting.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert factories.RESOLUTION_TEXT in page
    assert "20 USDT" in page
    assert FINDINGS not in page
    assert "Agent error" not in page
    assert '<meta charset="utf-8">' in page


def test_another_customers_complaint_is_not_found(client, other_customer, awaiting):
    client.force_login(other_customer.user)

    assert client.get(reverse("complaints:detail", args=[awaiting.pk])).status_code == 404
    assert client.post(reverse("complaints:respond", args=[awaiting.pk]), {"resolved": "yes"}).status_code == 404
    assert Complaint.objects.get().stage == Stage.AWAITING_CONFIRMATION


def test_anonymous_visitors_are_sent_to_sign_in(client, awaiting):
    for url in (
        reverse("complaints:list"),
        reverse("complaints:new"),
        reverse("complaints:detail", args=[awaiting.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_wrong_methods_are_refused(alice, awaiting):
    assert alice.post(reverse("complaints:list")).status_code == 405
    assert alice.get(reverse("complaints:respond", args=[awaiting.pk])).status_code == 405


def test_a_customer_files_a_complaint_and_follows_it(alice, customer):
    response = alice.post(
        reverse("complaints:new"),
        {"subject": ComplaintSubject.LOST_FUNDS, "title": "Swap lost my ETH", "body": "0.5 ETH vanished.",
         "desired_outcome": "Refund"},
    )  # fmt: skip

    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:detail", args=[complaint.pk])
    assert (complaint.ticket.customer, complaint.subject, complaint.stage) == (customer, "lost_funds", Stage.INTAKE)
    page = alice.get(response["Location"]).content.decode()
    assert "We have received your complaint" in page


def test_a_complaint_about_an_existing_request(alice, ticket):
    response = alice.get(reverse("complaints:new") + f"?ticket={ticket.pk}")
    assert response.context["form"].initial["ticket"] == str(ticket.pk)

    alice.post(reverse("complaints:new"), {"ticket": ticket.pk, "subject": "slow_response", "body": "No answer."})

    assert Complaint.objects.get().ticket == ticket


@pytest.mark.parametrize(("case", "refusal"), factories.CUSTOMER_REPLY_CASES.items())
def test_a_complaint_about_a_request_follows_the_one_customer_reply_rule(alice, ticket, case, refusal):
    ticket = factories.put_in_reply_case(ticket, case)
    status_before = ticket.status

    offered = list(alice.get(reverse("complaints:new")).context["form"].fields["ticket"].queryset)
    response = alice.post(reverse("complaints:new"), {"ticket": ticket.pk, "subject": "slow_response", "body": "No."})

    ticket.refresh_from_db()
    assert (ticket in offered) is (refusal is None)
    if refusal:
        assert [error.code for error in response.context["form"].errors.as_data()["ticket"]] == ["invalid_choice"]
        assert (Complaint.objects.exists(), ticket.status) == (False, status_before)
    else:
        assert response.status_code == 302
        assert (Complaint.objects.get().ticket, ticket.status) == (ticket, Status.OPEN)


def test_filing_without_a_summary_or_request_shows_a_field_error(alice):
    response = alice.post(reverse("complaints:new"), {"subject": "fees", "body": "Too expensive."})

    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert not Complaint.objects.exists()


def test_someone_elses_request_is_not_offered_or_accepted(alice, other_ticket):
    response = alice.post(reverse("complaints:new"), {"ticket": other_ticket.pk, "subject": "fees", "body": "x"})

    assert "ticket" in response.context["form"].errors
    assert not Complaint.objects.exists()


def test_the_customer_rejects_the_resolution_in_the_portal(alice, awaiting):
    response = alice.post(
        reverse("complaints:respond", args=[awaiting.pk]), {"resolved": "no", "comment": "Still paid"}
    )

    awaiting.refresh_from_db()
    assert response.status_code == 302
    assert (awaiting.stage, awaiting.customer_comment) == (Stage.REOPENED, "Still paid")


# The emailed link -------------------------------------------------------------


def confirm_url(mailoutbox) -> str:
    return re.search(r"http://testserver(/portal/complaints/confirm/[^\s]+/)", mailoutbox[-1].body).group(1)


def test_the_link_page_works_without_signing_in(client, awaiting, mailoutbox):
    url = confirm_url(mailoutbox)

    page = client.get(url)
    done = client.post(url, {"resolved": "yes"})
    again = client.get(url)

    assert page.status_code == 200
    assert factories.RESOLUTION_TEXT in page.content.decode()
    assert FINDINGS not in page.content.decode()
    assert done.status_code == 200
    assert "We have closed your complaint" in done.content.decode()
    assert again.status_code == 410
    assert Complaint.objects.get().stage == Stage.CLOSED_CONFIRMED


def test_a_forged_link_is_not_found(client, awaiting):
    assert client.get(reverse("complaints:confirm", args=["forged:token:xyz"])).status_code == 404


def test_another_signed_in_customer_cannot_use_the_link(client, other_customer, awaiting, mailoutbox):
    client.force_login(other_customer.user)

    assert client.get(confirm_url(mailoutbox)).status_code == 404
    assert client.post(confirm_url(mailoutbox), {"resolved": "yes"}).status_code == 404
    assert Complaint.objects.get().stage == Stage.AWAITING_CONFIRMATION


# Query budgets ----------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 20])
def test_the_list_runs_a_fixed_number_of_queries(alice, customer, team, agent, django_assert_num_queries, size):
    for _n in range(size):
        factories.complaint(ticket=factories.ticket(customer=customer, team=team), actor=agent)
    alice.get(reverse("complaints:list"))

    with django_assert_num_queries(3):
        response = alice.get(reverse("complaints:list"))

    assert len(response.context["complaints"]) == size


@pytest.mark.parametrize("size", [1, 20])
def test_the_detail_runs_a_fixed_number_of_queries(alice, awaiting, agent, customer, django_assert_num_queries, size):
    # Each round: the customer says "not resolved", the agent adds a remedy and communicates again.
    for _n in range(size - 1):
        services.complaint_respond(complaint=awaiting, resolved=False, user=customer.user)
        services.complaint_change_stage(complaint=awaiting, stage=Stage.INVESTIGATION, actor=agent)
        services.remedy_propose(complaint=awaiting, kind="compensation", actor=agent, amount=1, asset="USDT")
        services.complaint_change_stage(complaint=awaiting, stage=Stage.RESOLUTION_PROPOSED, actor=agent)
        services.complaint_change_stage(complaint=awaiting, stage=Stage.AWAITING_CONFIRMATION, actor=agent)
    url = reverse("complaints:detail", args=[awaiting.pk])
    alice.get(url)

    with django_assert_num_queries(6):  # 5 + the read audit's INSERT
        response = alice.get(url)

    assert len(response.context["detail"].remedies) == size
    assert len(response.context["detail"].steps) == 4 + 4 * (size - 1)
