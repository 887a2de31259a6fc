"""tickets.api.tickets: list, create, detail, status and assignment of tickets, and the API's authentication."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from supportdesk.models import ApiScope
from supportdesk.services import api_token_revoke
from tests import factories
from tests.factories import token_client
from tickets import services
from tickets.models import Channel, Customer, Status, Ticket

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def _ticket(customer, team=None, subject="Stuck transfer"):
    return services.ticket_create(
        customer=customer, subject=subject, body="Help", channel=Channel.PORTAL, actor=customer.user, team=team
    )


@pytest.mark.django_db
class TestTicketListAndDetail:
    def test_it_requires_authentication(self, api):
        response = api.get("/api/v1/tickets/")
        assert response.status_code in (401, 403)
        assert response.json()["error"]["status"] == response.status_code

    def test_a_customer_lists_only_their_own_tickets(self, api, customer, other_customer):
        mine = _ticket(customer)
        _ticket(other_customer)
        api.force_authenticate(customer.user)

        body = api.get("/api/v1/tickets/").json()

        assert [row["reference"] for row in body["results"]] == [mine.reference]
        assert "customer" not in body["results"][0]

    def test_another_customers_ticket_is_a_404_on_every_route(self, api, customer, other_customer):
        theirs = _ticket(other_customer)
        attachment_ticket = services.ticket_create(
            customer=other_customer,
            subject="Screenshot",
            body="see file",
            channel=Channel.PORTAL,
            attachments=[SimpleUploadedFile("s.png", PNG)],
        )
        attachment = attachment_ticket.messages.first().attachments.get()
        api.force_authenticate(customer.user)

        for url in (
            f"/api/v1/tickets/{theirs.pk}/",
            f"/api/v1/tickets/{theirs.pk}/messages/",
            f"/api/v1/attachments/{attachment.pk}/download/",
        ):
            assert api.get(url).status_code == 404, url
        assert api.post(f"/api/v1/tickets/{theirs.pk}/messages/", {"body": "hi"}, format="json").status_code == 404
        assert theirs.messages.count() == 1

    def test_an_agent_sees_their_team_and_not_others(self, team, other_team, agent):
        customer = factories.CustomerFactory()
        ours = _ticket(customer, team=team)
        theirs = _ticket(customer, team=other_team)
        client = token_client(agent, ApiScope.READ)

        results = client.get("/api/v1/tickets/").json()["results"]

        assert [row["id"] for row in results] == [ours.pk]
        assert results[0]["team"] == team.name
        assert client.get(f"/api/v1/tickets/{theirs.pk}/").status_code == 404

    def test_filters_search_and_cursor_pages(self, supervisor):
        customer = factories.CustomerFactory()
        tickets = [_ticket(customer, subject=f"Topic {n}") for n in range(5)]
        services.ticket_change_status(ticket=tickets[0], status=Status.OPEN, actor=supervisor)
        client = token_client(supervisor)

        assert [r["id"] for r in client.get("/api/v1/tickets/?status=open").json()["results"]] == [tickets[0].pk]
        assert [r["id"] for r in client.get(f"/api/v1/tickets/?q={tickets[2].reference}").json()["results"]] == [
            tickets[2].pk
        ]
        first = client.get("/api/v1/tickets/?page_size=2").json()
        second = client.get(first["next"]).json()
        assert [r["id"] for r in first["results"]] == [tickets[4].pk, tickets[3].pk]
        assert [r["id"] for r in second["results"]] == [tickets[2].pk, tickets[1].pk]

    def test_ticket_detail_has_an_etag_and_honours_if_none_match(self, api, customer):
        ticket = _ticket(customer)
        api.force_authenticate(customer.user)
        first = api.get(f"/api/v1/tickets/{ticket.pk}/")

        again = api.get(f"/api/v1/tickets/{ticket.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
        services.ticket_customer_reply(ticket=ticket, body="more", via=Channel.PORTAL, user=customer.user)
        changed = api.get(f"/api/v1/tickets/{ticket.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])

        assert again.status_code == 304
        assert changed.status_code == 200


@pytest.mark.django_db
class TestWrites:
    def test_a_customer_creates_a_ticket_with_an_attachment(self, api, customer):
        api.force_authenticate(customer.user)
        response = api.post(
            "/api/v1/tickets/",
            {
                "subject": "Lost USDT",
                "body": "tx stuck",
                "category": "transaction",
                "attachments": [SimpleUploadedFile("s.png", PNG)],
            },
            format="multipart",
        )

        assert response.status_code == 201, response.json()
        ticket = Ticket.objects.get(pk=response.json()["id"])
        assert ticket.customer == customer
        assert ticket.channel == Channel.PORTAL
        assert ticket.messages.get().attachments.get().filename == "s.png"

    @pytest.mark.parametrize("who", ["customer", "staff"])
    def test_transaction_details_that_do_not_fit_the_chain_are_field_errors(self, api, customer, supervisor, who):
        tx_hash = "7c2d8f0e9b1a4c3d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5"
        payload = {
            "subject": "Transfer pending",
            "body": "Still pending.",
            "chain": "ethereum",
            "tx_hash": tx_hash,
            "from_address": "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        }
        if who == "staff":
            payload["customer_email"] = customer.email
        api.force_authenticate(customer.user if who == "customer" else supervisor)

        response = api.post("/api/v1/tickets/", payload, format="json")

        assert response.status_code == 400
        fields = response.json()["error"]["fields"]
        assert {field: [error["message"] for error in errors] for field, errors in fields.items()} == {
            "tx_hash": [f"Ethereum transaction hashes start with 0x: 0x{tx_hash}"],
            "from_address": ["This looks like a Bitcoin address, but the chain is Ethereum."],
        }
        assert not Ticket.objects.exists()

    @pytest.mark.parametrize("address", ["someone_elses", "new"])
    def test_a_login_not_linked_to_a_customer_cannot_open_requests_as_in_the_portal(self, api, address):
        owner = services.customer_get_or_create(email="owner@example.com", name="Owner")[0]
        email = "owner@example.com" if address == "someone_elses" else "new@example.com"
        api.force_authenticate(factories.UserFactory(username=email, email=email))

        response = api.post("/api/v1/tickets/", {"subject": "Hello", "body": "In your name"}, format="json")

        assert response.status_code == 403
        assert "not linked to a customer record" in response.json()["error"]["message"]
        assert not Ticket.objects.exists()
        assert list(Customer.objects.all()) == [owner]

    def test_customers_may_not_set_staff_fields(self, api, customer):
        api.force_authenticate(customer.user)
        response = api.post(
            "/api/v1/tickets/",
            {"subject": "x", "body": "y", "priority": "urgent", "customer_email": "a@b.co"},
            format="json",
        )
        assert response.status_code == 400
        assert set(response.json()["error"]["fields"]) == {"priority", "customer_email"}
        assert not Ticket.objects.exists()

    def test_empty_subject_is_a_field_error_and_creates_nothing(self, api, customer):
        api.force_authenticate(customer.user)
        response = api.post("/api/v1/tickets/", {"subject": "   ", "body": "y"}, format="json")
        assert response.status_code == 400
        assert "subject" in response.json()["error"]["fields"]
        assert not Ticket.objects.exists()

    def test_a_forbidden_attachment_type_is_refused_with_its_code(self, api, customer):
        api.force_authenticate(customer.user)
        response = api.post(
            "/api/v1/tickets/",
            {"subject": "x", "body": "y", "attachments": [SimpleUploadedFile("evil.exe", b"MZ" + b"0" * 10)]},
            format="multipart",
        )
        assert response.status_code == 400
        assert response.json()["error"]["fields"]["non_field_errors"][0]["code"] == "attachment_type_forbidden"
        assert not Ticket.objects.exists()

    def test_status_and_assignment_for_staff_with_disallowed_moves_refused(self, team, agent, customer):
        ticket = _ticket(customer, team=team)
        client = token_client(agent)

        assigned = client.post(f"/api/v1/tickets/{ticket.pk}/assign/", {"assignee": agent.pk}, format="json")
        solved = client.post(f"/api/v1/tickets/{ticket.pk}/status/", {"status": "solved"}, format="json")
        refused = client.post(f"/api/v1/tickets/{ticket.pk}/status/", {"status": "pending_customer"}, format="json")

        assert assigned.json()["assignee"] == agent.username
        assert solved.json()["status"] == "solved"
        assert refused.status_code == 400
        assert refused.json()["error"]["fields"]["status"][0]["code"] == "invalid_transition"

    def test_customers_cannot_use_staff_routes(self, api, customer):
        ticket = _ticket(customer)
        api.force_authenticate(customer.user)
        assert api.post(f"/api/v1/tickets/{ticket.pk}/status/", {"status": "solved"}, format="json").status_code == 403
        assert api.get("/api/v1/customers/").status_code == 403


@pytest.mark.django_db
class TestTokens:
    def test_a_revoked_token_is_refused(self, agent):
        from supportdesk.services import api_token_create

        token, plain = api_token_create(user=agent, name="ci")
        api_token_revoke(token=token)
        from rest_framework.test import APIClient

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
        assert client.get("/api/v1/tickets/").status_code == 401

    def test_tokens_are_stored_only_as_hashes(self, agent):
        from supportdesk.services import api_token_create

        token, plain = api_token_create(user=agent, name="ci")
        assert plain not in (token.key_hash, token.prefix)
        assert token.key_hash == __import__("hashlib").sha256(plain.encode()).hexdigest()

    def test_a_customer_cannot_hold_a_working_token(self, customer):
        from rest_framework.test import APIClient

        from supportdesk.services import api_token_create

        _token, plain = api_token_create(user=customer.user, name="nope")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
        assert client.get("/api/v1/tickets/").status_code == 401


@pytest.mark.django_db
def test_throttling_answers_429_with_the_error_format(monkeypatch, supervisor):
    from supportdesk.api_auth import ClientRateThrottle

    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "2/min"})
    client = token_client(supervisor)
    codes = [client.get("/api/v1/tickets/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 50])
def test_ticket_list_query_count_does_not_grow_with_rows(rows, supervisor, django_assert_num_queries):
    teams = factories.TeamFactory.create_batch(3)
    for n in range(rows):
        customer = factories.CustomerFactory()
        ticket = _ticket(customer, team=teams[n % 3])
        services.ticket_set_tags(ticket=ticket, tags=[factories.TagFactory()], actor=supervisor)
    client = token_client(supervisor)
    # token, last-used touch, permissions (view_all_tickets, one query), the page, its tags
    with django_assert_num_queries(5):
        response = client.get("/api/v1/tickets/?page_size=100")
    assert len(response.json()["results"]) == rows


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "payload"), [("status", {"status": "open"}), ("assign", {"assignee": None})])
def test_a_read_scoped_token_cannot_change_status_or_assignment(team, agent, customer, route, payload):
    ticket = _ticket(customer, team=team)

    response = token_client(agent, ApiScope.READ).post(f"/api/v1/tickets/{ticket.pk}/{route}/", payload, format="json")

    assert response.status_code == 403
    ticket.refresh_from_db()
    assert (ticket.status, ticket.events.count()) == (Status.NEW, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("staff", [True, False])
def test_the_ticket_list_reads_only_the_columns_it_returns(staff, supervisor, customer):
    ticket = _ticket(customer, team=factories.TeamFactory())
    client = token_client(supervisor) if staff else APIClient()
    if not staff:
        client.force_authenticate(customer.user)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/tickets/")

    [page_query] = [query["sql"] for query in queries if 'FROM "tickets_ticket"' in query["sql"]]
    assert response.json()["results"][0]["reference"] == ticket.reference
    assert "COUNT(" not in page_query
    for unused in ("first_response_due", "sla_paused_seconds", "app_version", "account_email", "merged_into_id"):
        assert unused not in page_query
