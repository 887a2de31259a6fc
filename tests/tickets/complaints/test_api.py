import pytest

from supportdesk.models import ApiScope
from tests import factories
from tests.factories import token_client
from tickets.complaints import services
from tickets.complaints.models import Complaint, Stage
from tickets.models import Status

pytestmark = pytest.mark.django_db

FINDINGS = "Internal: agent Li skipped the fee check."


@pytest.fixture
def awaiting(ticket, agent):
    complaint = factories.complaint(ticket=ticket, actor=agent, stage=Stage.INVESTIGATION)
    services.complaint_update(complaint=complaint, actor=agent, findings=FINDINGS, root_cause="agent_error")
    services.remedy_propose(complaint=complaint, kind="fee_waiver", actor=agent, amount=20, asset="USDT")
    services.complaint_update(complaint=complaint, actor=agent, resolution_summary=factories.RESOLUTION_TEXT)
    services.complaint_change_stage(complaint=complaint, stage=Stage.RESOLUTION_PROPOSED, actor=agent)
    services.complaint_change_stage(complaint=complaint, stage=Stage.AWAITING_CONFIRMATION, actor=agent)
    return Complaint.objects.get(pk=complaint.pk)


@pytest.fixture
def alice(api, customer):
    api.force_authenticate(customer.user)
    return api


def _codes(response) -> dict[str, str]:
    return {field: items[0]["code"] for field, items in response.json()["error"]["fields"].items()}


class TestReading:
    def test_the_customer_sees_plain_language_and_no_findings(self, alice, awaiting, other_ticket, other_agent):
        factories.complaint(ticket=other_ticket, actor=other_agent)

        rows = alice.get("/api/v1/complaints/").json()["results"]
        detail = alice.get(f"/api/v1/complaints/{awaiting.pk}/").json()

        assert [row["id"] for row in rows] == [awaiting.pk]
        assert rows[0]["stage_text"].startswith("We have proposed a solution")
        for body in (rows[0], detail):
            assert "findings" not in body and "root_cause" not in body and FINDINGS not in str(body)
        assert detail["resolution_summary"] == factories.RESOLUTION_TEXT
        assert [step["stage"] for step in detail["steps"]] == [
            "intake",
            "investigation",
            "resolution_proposed",
            "awaiting_confirmation",
        ]
        assert [(r["kind"], r["asset"]) for r in detail["remedies"]] == [("fee_waiver", "USDT")]

    def test_staff_see_the_investigation(self, agent, awaiting):
        detail = token_client(agent, ApiScope.READ).get(f"/api/v1/complaints/{awaiting.pk}/").json()

        assert (detail["findings"], detail["root_cause"]) == (FINDINGS, "agent_error")
        assert detail["customer_email"] == awaiting.ticket.customer.email
        assert set(detail["allowed_next_stages"]) == {"closed_confirmed", "closed_unconfirmed", "reopened", "withdrawn"}
        assert detail["remedies"][0]["status"] in ("approved", "pending_approval")

    def test_the_stage_filter(self, agent, awaiting, team):
        intake = factories.complaint(ticket=factories.ticket(team=team), actor=agent)
        client = token_client(agent)

        assert [r["id"] for r in client.get("/api/v1/complaints/?stage=intake").json()["results"]] == [intake.pk]
        assert client.get("/api/v1/complaints/?stage=lost").status_code == 400

    def test_anonymous_callers_are_refused(self, api, awaiting):
        assert api.get("/api/v1/complaints/").status_code in (401, 403)
        assert api.get(f"/api/v1/complaints/{awaiting.pk}/").status_code in (401, 403)


class TestCrossCustomerMatrix:
    def test_another_customers_complaint_is_404_on_every_route(self, api, other_customer, awaiting, ticket):
        api.force_authenticate(other_customer.user)

        assert api.get(f"/api/v1/complaints/{awaiting.pk}/").status_code == 404
        assert (
            api.post(f"/api/v1/complaints/{awaiting.pk}/respond/", {"resolved": True}, format="json").status_code == 404
        )
        assert api.post(f"/api/v1/complaints/{awaiting.pk}/stage/", {"stage": "withdrawn"}).status_code == 403
        assert (
            api.post(
                f"/api/v1/tickets/{ticket.pk}/complaint/", {"subject": "fees", "body": "x"}, format="json"
            ).status_code
            == 404
        )
        assert api.get("/api/v1/complaints/").json()["results"] == []
        awaiting.refresh_from_db()
        assert awaiting.stage == Stage.AWAITING_CONFIRMATION

    def test_an_agent_of_another_team_gets_404(self, other_agent, awaiting):
        client = token_client(other_agent)

        assert client.get(f"/api/v1/complaints/{awaiting.pk}/").status_code == 404
        response = client.post(f"/api/v1/complaints/{awaiting.pk}/stage/", {"stage": "withdrawn", "reason": "x"})
        assert response.status_code == 404


class TestFiling:
    def test_a_customer_files_a_complaint_on_their_request(self, alice, ticket):
        response = alice.post(
            f"/api/v1/tickets/{ticket.pk}/complaint/",
            {"subject": "fees", "body": "The fee was too high.", "desired_outcome": "Refund"},
            format="json",
        )

        assert response.status_code == 201
        complaint = Complaint.objects.get(ticket=ticket)
        assert (response.json()["id"], complaint.stage, complaint.desired_outcome) == (complaint.pk, "intake", "Refund")
        assert ticket.messages.filter(body="The fee was too high.").exists()

    def test_errors_carry_codes(self, alice, ticket):
        url = f"/api/v1/tickets/{ticket.pk}/complaint/"

        bad = alice.post(url, {"subject": "weather", "body": ""}, format="json")
        assert bad.status_code == 400
        assert _codes(bad) == {"subject": "invalid_choice", "body": "blank"}
        assert alice.post(url, {"subject": "fees", "body": "1"}, format="json").status_code == 201
        again = alice.post(url, {"subject": "fees", "body": "2"}, format="json")
        assert again.status_code == 400
        assert _codes(again) == {"non_field_errors": "already_a_complaint"}
        assert Complaint.objects.count() == 1

    @pytest.mark.parametrize(("case", "refusal"), factories.CUSTOMER_REPLY_CASES.items())
    def test_a_complaint_about_a_request_follows_the_one_customer_reply_rule(self, alice, ticket, case, refusal):
        ticket = factories.put_in_reply_case(ticket, case)
        status_before = ticket.status

        response = alice.post(f"/api/v1/tickets/{ticket.pk}/complaint/", {"subject": "fees", "body": "No."})

        ticket.refresh_from_db()
        if refusal:
            assert response.status_code == 400
            assert _codes(response) == {"non_field_errors": refusal}
            assert (Complaint.objects.exists(), ticket.status) == (False, status_before)
        else:
            assert response.status_code == 201
            assert (Complaint.objects.get().ticket, ticket.status) == (ticket, Status.OPEN)

    def test_staff_cannot_file_for_a_customer_here(self, agent, ticket):
        response = token_client(agent).post(
            f"/api/v1/tickets/{ticket.pk}/complaint/", {"subject": "fees", "body": "x"}, format="json"
        )

        assert response.status_code == 403
        assert not Complaint.objects.exists()


class TestStageAndResponse:
    def test_staff_move_the_stage_with_the_guards_of_the_service(self, agent, ticket):
        complaint = factories.complaint(ticket=ticket, actor=agent)
        client = token_client(agent)
        url = f"/api/v1/complaints/{complaint.pk}/stage/"

        moved = client.post(url, {"stage": "investigation"}, format="json")
        assert (moved.status_code, moved.json()["stage"]) == (200, "investigation")
        assert _codes(client.post(url, {"stage": "closed_confirmed"}, format="json")) == {
            "stage": "invalid_stage_transition"
        }
        assert _codes(client.post(url, {"stage": "resolution_proposed"}, format="json")) == {"stage": "no_remedy"}
        assert _codes(client.post(url, {"stage": "withdrawn"}, format="json")) == {"reason": "reason_required"}
        withdrawn = client.post(url, {"stage": "withdrawn", "reason": "Customer asked"}, format="json")
        assert withdrawn.json()["stage"] == "withdrawn"

    def test_read_tokens_and_customers_cannot_move_stages(self, agent, alice, awaiting):
        url = f"/api/v1/complaints/{awaiting.pk}/stage/"

        assert token_client(agent, ApiScope.READ).post(url, {"stage": "withdrawn", "reason": "x"}).status_code == 403
        assert alice.post(url, {"stage": "withdrawn", "reason": "x"}, format="json").status_code == 403
        awaiting.refresh_from_db()
        assert awaiting.stage == Stage.AWAITING_CONFIRMATION

    def test_the_customer_confirms_the_resolution(self, alice, awaiting):
        response = alice.post(
            f"/api/v1/complaints/{awaiting.pk}/respond/", {"resolved": True, "comment": "Thanks"}, format="json"
        )

        assert (response.status_code, response.json()["stage"]) == (200, "closed_confirmed")
        awaiting.refresh_from_db()
        assert (awaiting.customer_resolved, awaiting.customer_comment) == (True, "Thanks")
        again = alice.post(f"/api/v1/complaints/{awaiting.pk}/respond/", {"resolved": False}, format="json")
        assert _codes(again) == {"non_field_errors": "not_awaiting_confirmation"}

    def test_the_customer_rejects_and_it_reopens(self, alice, awaiting):
        response = alice.post(f"/api/v1/complaints/{awaiting.pk}/respond/", {"resolved": False}, format="json")

        assert response.json()["stage"] == "reopened"

    def test_staff_cannot_answer_for_the_customer(self, agent, awaiting):
        response = token_client(agent).post(f"/api/v1/complaints/{awaiting.pk}/respond/", {"resolved": True})

        assert (response.status_code, response.json()["error"]["code"]) == (403, "permission_denied")


@pytest.mark.parametrize("rows", [1, 20])
def test_complaint_list_query_count_does_not_grow_with_rows(
    rows, api, customer, agent, team, django_assert_num_queries
):
    for _n in range(rows):
        factories.complaint(ticket=factories.ticket(customer=customer, team=team), actor=agent)
    staff = token_client(agent)
    api.force_authenticate(customer.user)

    # customer: the page (complaints with tickets, customers, owners, teams)
    with django_assert_num_queries(1):
        assert len(api.get("/api/v1/complaints/?page_size=100").json()["results"]) == rows
    # staff: token, last-used touch, permissions (one query), the page
    with django_assert_num_queries(4):
        assert len(staff.get("/api/v1/complaints/?page_size=100").json()["results"]) == rows
