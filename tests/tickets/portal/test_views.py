"""The customer portal pages: who may open them, what they show, what they write."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from knowledge.models import ArticleKind
from tests import factories
from tickets import services
from tickets.models import Channel, Customer, EventKind, Status, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_client(client, customer):
    client.force_login(customer.user)
    return client


def customer_urls(ticket):
    return [
        reverse("portal:request_list"),
        reverse("portal:request_new"),
        reverse("portal:request_detail", args=[ticket.pk]),
        reverse("portal:profile"),
    ]


# Access ----------------------------------------------------------------------


def test_it_redirects_the_site_root_to_the_portal(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/portal/"


def test_it_sends_anonymous_visitors_to_the_sign_in_page(client, customer_ticket):
    for url in customer_urls(customer_ticket):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_it_sends_staff_to_the_admin_instead_of_showing_them_the_portal(client, agent, customer_ticket):
    client.force_login(agent)

    for url in customer_urls(customer_ticket):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")


def test_it_explains_when_a_login_has_no_customer_record(client):
    client.force_login(factories.UserFactory(username="nobody@example.com"))

    response = client.get(reverse("portal:request_list"))

    assert response.status_code == 403
    assert "not linked to a customer record" in response.content.decode()


@pytest.mark.parametrize("address", ["someone_elses", "new"])
def test_a_login_not_linked_to_a_customer_cannot_open_requests(client, address):
    owner = services.customer_get_or_create(email="owner@example.com", name="Owner")[0]
    email = "owner@example.com" if address == "someone_elses" else "new@example.com"
    client.force_login(factories.UserFactory(username=email, email=email))

    data = {"subject": "Hello", "body": "In your name", "language": "en"}
    response = client.post(reverse("portal:request_new") + "?category=other", data)

    assert response.status_code == 403
    assert "not linked to a customer record" in response.content.decode()
    assert not Ticket.objects.exists()
    assert list(Customer.objects.all()) == [owner]


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("portal:request_solve", "get"),
        ("portal:request_reopen", "get"),
        ("portal:request_reply", "get"),
        ("portal:request_detail", "post"),
    ],
)
def test_it_rejects_the_wrong_method(alice_client, customer_ticket, name, method):
    response = getattr(alice_client, method)(reverse(name, args=[customer_ticket.pk]))

    assert response.status_code == 405


def test_every_form_needs_a_csrf_token(customer, customer_ticket):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer.user)

    response = client.post(reverse("portal:request_solve", args=[customer_ticket.pk]))

    assert response.status_code == 403
    customer_ticket.refresh_from_db()
    assert customer_ticket.status == Status.NEW


# Home --------------------------------------------------------------------------


def test_the_home_page_offers_search_requests_help_and_contact_checks(client):
    response = client.get(reverse("portal:home"))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="q"' in page
    assert reverse("portal:request_new") in page
    assert reverse("knowledge:home") in page
    assert reverse("knowledge:bot") in page
    assert reverse("safety:verify_contact") in page
    assert "We will never ask for your password, private key or recovery phrase." in page


def test_the_home_page_pins_current_security_alerts_and_finds_articles(client, editor):
    alert = factories.kb_article(
        author=editor,
        slug="fake-airdrop",
        kind=ArticleKind.SECURITY_ALERT,
        pinned_until=timezone.now() + timedelta(days=7),
        translations={"en": ("Fake airdrop sites", "Never connect your wallet to them.")},
    )
    factories.kb_article(
        author=editor, slug="pending", translations={"en": ("Transfer pending for hours", "Check the explorer.")}
    )

    home = client.get(reverse("portal:home")).content.decode()
    found = client.get(reverse("portal:home"), {"q": "transfer pending"}).content.decode()

    assert "Fake airdrop sites" in home
    assert reverse("knowledge:article", args=[alert.slug]) in home
    assert "Transfer pending for hours" in found
    assert "No help articles match" not in found


def test_the_home_page_shows_a_clear_empty_state_for_a_search(client):
    response = client.get(reverse("portal:home"), {"q": "<b>pending</b>"})

    page = response.content.decode()
    assert "No help articles match" in page
    assert "&lt;b&gt;pending&lt;/b&gt;" in page


def test_the_home_page_counts_the_customers_open_requests(alice_client, customer_ticket):
    response = alice_client.get(reverse("portal:home"))

    assert "1 open request" in response.content.decode()


# My requests -----------------------------------------------------------------


def test_the_list_shows_only_the_customers_own_requests(alice_client, customer_ticket, other_ticket):
    response = alice_client.get(reverse("portal:request_list"))

    page = response.content.decode()
    assert customer_ticket.reference in page
    assert "USDT stuck" in page
    assert other_ticket.reference not in page
    assert "Bob" not in page


def test_the_list_filters_open_and_closed_requests(alice_client, customer, agent, team):
    open_ticket = services.ticket_create(customer=customer, subject="Open one", body="x", channel=Channel.PORTAL)
    solved = services.ticket_create(
        customer=customer, subject="Solved one", body="x", channel=Channel.PORTAL, team=team
    )
    services.ticket_change_status(ticket=solved, status=Status.SOLVED, actor=agent)

    open_page = alice_client.get(reverse("portal:request_list"), {"state": "open"}).content.decode()
    closed_page = alice_client.get(reverse("portal:request_list"), {"state": "closed"}).content.decode()

    assert open_ticket.reference in open_page
    assert solved.reference not in open_page
    assert solved.reference in closed_page
    assert open_ticket.reference not in closed_page


def test_the_list_is_paginated(alice_client, customer, settings):
    settings.PORTAL_PAGE_SIZE = 2
    tickets = [
        services.ticket_create(customer=customer, subject=f"Case {n}", body="x", channel=Channel.PORTAL)
        for n in range(3)
    ]

    first = alice_client.get(reverse("portal:request_list")).content.decode()
    second = alice_client.get(reverse("portal:request_list"), {"page": 2}).content.decode()

    assert "Page 1 of 2" in first
    assert tickets[0].reference in second
    assert tickets[0].reference not in first


def test_the_list_says_so_when_there_are_no_requests(alice_client):
    response = alice_client.get(reverse("portal:request_list"))

    assert "You have not sent us a request yet." in response.content.decode()


# Request detail ----------------------------------------------------------------


def test_the_detail_shows_the_public_conversation_but_never_internal_notes(alice_client, customer_ticket, agent):
    services.ticket_add_note(ticket=customer_ticket, body="Internal: customer seems confused", actor=agent)
    services.ticket_reply(ticket=customer_ticket, body="We are checking the explorer.", actor=agent)

    response = alice_client.get(reverse("portal:request_detail", args=[customer_ticket.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Sent 10 USDT, still pending" in page
    assert "We are checking the explorer." in page
    assert "Internal: customer seems confused" not in page
    assert "L1 General" not in page


def test_the_detail_states_the_expected_first_reply_until_support_answers(alice_client, customer_ticket, agent):
    url = reverse("portal:request_detail", args=[customer_ticket.pk])
    assert "We will reply by" in alice_client.get(url).content.decode()

    services.ticket_reply(ticket=customer_ticket, body="Hello", actor=agent)

    assert "We will reply by" not in alice_client.get(url).content.decode()


def test_the_detail_links_the_customers_attachments(alice_client, customer):
    ticket = services.ticket_create(
        customer=customer,
        subject="With screenshot",
        body="See the picture",
        channel=Channel.PORTAL,
        attachments=[factories.png_upload("wallet.png")],
    )
    attachment = ticket.messages.get().attachments.get()

    page = alice_client.get(reverse("portal:request_detail", args=[ticket.pk])).content.decode()
    download = alice_client.get(reverse("tickets:attachment_download", args=[attachment.pk]))

    assert "wallet.png" in page
    assert reverse("tickets:attachment_download", args=[attachment.pk]) in page
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == factories.PNG_BYTES


# New request -------------------------------------------------------------------


def test_a_new_request_starts_with_the_choice_of_category(alice_client):
    response = alice_client.get(reverse("portal:request_new"))

    page = response.content.decode()
    assert 'data-category="transaction"' in page
    assert 'data-category="account-security"' in page
    assert 'data-category="technical"' in page


def test_the_technical_form_is_prefilled_from_the_user_agent(alice_client):
    user_agent = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
    )

    response = alice_client.get(reverse("portal:request_new"), {"category": "technical"}, HTTP_USER_AGENT=user_agent)

    form = response.context["form"]
    assert form["os"].value() == "iOS 17 5"
    assert form["browser"].value() == "Mobile Safari 17"
    assert form["device"].value() == "iPhone"


def test_submitting_a_transaction_request_creates_the_ticket_and_shows_its_reference(alice_client, customer):
    response = alice_client.post(
        reverse("portal:request_new") + "?category=transaction",
        {
            "chain": "tron",
            "asset": "USDT",
            "amount": "250.5",
            "tx_hash": "7c2d8f0e9b1a4c3d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5",
            "to_address": "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE",
            "tx_time": "2026-01-05T10:30",
            "subject": "Transfer pending",
            "body": "It has been pending for hours.",
            "language": "zh-hans",
            "attachments": [factories.png_upload()],
        },
        follow=True,
    )

    ticket = Ticket.objects.get(customer=customer)
    assert response.redirect_chain[-1][0] == reverse("portal:request_detail", args=[ticket.pk])
    page = response.content.decode()
    assert f"Your request {ticket.reference} is in our queue." in page
    assert "We will reply by" in page
    assert (ticket.channel, ticket.category.slug, ticket.chain, ticket.asset) == (
        "portal",
        "transaction",
        "tron",
        "USDT",
    )
    assert str(ticket.amount.normalize()) == "250.5"
    assert ticket.tx_time is not None
    assert ticket.language == "zh-hans"
    assert ticket.messages.get().attachments.get().filename == "screenshot.png"
    assert ticket.events.get().kind == EventKind.CREATED
    assert ticket.events.get().actor == customer.user


def test_an_invalid_request_keeps_what_was_typed_and_saves_nothing(alice_client, customer):
    response = alice_client.post(
        reverse("portal:request_new") + "?category=account-security",
        {"subject": "Locked out", "body": "", "account_email": "not-an-email", "language": "en"},
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["account_email"] == ["Enter a valid email address."]
    assert form.errors["device"] == ["This field is required."]
    assert form.errors["body"] == ["This field is required."]
    assert 'value="Locked out"' in response.content.decode()
    assert not Ticket.objects.filter(customer=customer).exists()


def test_a_forbidden_attachment_is_a_field_error(alice_client, customer):
    response = alice_client.post(
        reverse("portal:request_new") + "?category=other",
        {
            "subject": "Bug",
            "body": "Details",
            "language": "en",
            "attachments": [SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/octet-stream")],
        },
    )

    assert "tool.exe: this type of file is not accepted." in response.context["form"].errors["attachments"][0]
    assert not Ticket.objects.filter(customer=customer).exists()


def test_transaction_details_that_do_not_fit_the_chain_are_field_errors(alice_client, customer):
    tx_hash = "7c2d8f0e9b1a4c3d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5"
    response = alice_client.post(
        reverse("portal:request_new") + "?category=transaction",
        {"chain": "ethereum", "asset": "ETH", "amount": "1", "tx_hash": tx_hash,
         "from_address": "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
         "subject": "Transfer pending", "body": "Still pending.", "language": "en"},
    )  # fmt: skip

    errors = response.context["form"].errors
    assert (errors["tx_hash"], errors["from_address"]) == (
        [f"Ethereum transaction hashes start with 0x: 0x{tx_hash}"],
        ["This looks like a Bitcoin address, but the chain is Ethereum."],
    )
    assert not Ticket.objects.filter(customer=customer).exists()


# Reply, solve, reopen ------------------------------------------------------------


def test_the_customer_replies_with_an_attachment(alice_client, customer_ticket, agent):
    services.ticket_reply(
        ticket=customer_ticket, body="Which address?", actor=agent, new_status=Status.PENDING_CUSTOMER
    )

    response = alice_client.post(
        reverse("portal:request_reply", args=[customer_ticket.pk]),
        {"body": "This one: TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE", "attachments": [factories.png_upload()]},
    )

    assert response.status_code == 302
    customer_ticket.refresh_from_db()
    message = customer_ticket.messages.order_by("-id").first()
    assert message.body.startswith("This one:")
    assert message.attachments.count() == 1
    assert customer_ticket.status == Status.OPEN


def test_an_empty_reply_is_refused_with_a_field_error(alice_client, customer_ticket):
    response = alice_client.post(reverse("portal:request_reply", args=[customer_ticket.pk]), {"body": "  "})

    assert response.status_code == 200
    assert response.context["reply_form"].errors["body"] == ["This field is required."]
    assert customer_ticket.messages.count() == 1


def test_the_customer_marks_a_request_solved_and_reopens_it(alice_client, customer_ticket):
    solve = alice_client.post(reverse("portal:request_solve", args=[customer_ticket.pk]), follow=True)
    customer_ticket.refresh_from_db()
    assert customer_ticket.status == Status.SOLVED
    assert "Marked as solved" in solve.content.decode()
    assert "Reopen this request" in solve.content.decode()

    alice_client.post(reverse("portal:request_reopen", args=[customer_ticket.pk]))
    customer_ticket.refresh_from_db()
    assert customer_ticket.status == Status.OPEN
    assert list(customer_ticket.events.filter(kind=EventKind.STATUS).values_list("after", flat=True)) == [
        Status.SOLVED,
        Status.OPEN,
    ]


def test_a_request_solved_long_ago_cannot_be_reopened_or_answered(alice_client, customer_ticket, settings):
    alice_client.post(reverse("portal:request_solve", args=[customer_ticket.pk]))
    Ticket.objects.filter(pk=customer_ticket.pk).update(
        resolved_at=timezone.now() - timedelta(days=settings.PORTAL_REOPEN_WINDOW_DAYS + 1)
    )

    detail = alice_client.get(reverse("portal:request_detail", args=[customer_ticket.pk])).content.decode()
    reopen = alice_client.post(reverse("portal:request_reopen", args=[customer_ticket.pk]), follow=True)
    reply = alice_client.post(reverse("portal:request_reply", args=[customer_ticket.pk]), {"body": "Still broken"})

    assert "Reopen this request" not in detail
    assert "please submit a new request" in detail
    assert "can no longer be reopened" in reopen.content.decode()
    assert "too long ago" in reply.content.decode()
    customer_ticket.refresh_from_db()
    assert customer_ticket.status == Status.SOLVED


@pytest.mark.parametrize(("case", "refusal"), factories.CUSTOMER_REPLY_CASES.items())
def test_the_portal_reply_follows_the_one_customer_reply_rule(alice_client, customer_ticket, case, refusal):
    ticket = factories.put_in_reply_case(customer_ticket, case)
    status_before = ticket.status

    detail = alice_client.get(reverse("portal:request_detail", args=[ticket.pk]))
    response = alice_client.post(reverse("portal:request_reply", args=[ticket.pk]), {"body": "It broke again."})

    ticket.refresh_from_db()
    assert detail.context["can_reply"] is (refusal is None)
    if refusal:
        assert response.status_code == 200
        assert [error.code for error in response.context["reply_form"].non_field_errors().as_data()] == [refusal]
        assert ticket.messages.count() == 1
        assert ticket.status == status_before
    else:
        assert response.status_code == 302
        assert ticket.messages.order_by("-id").first().body == "It broke again."
        assert ticket.status == Status.OPEN


# Profile -------------------------------------------------------------------------


def test_the_profile_saves_name_language_time_zone_and_notifications(alice_client, customer):
    response = alice_client.post(
        reverse("portal:profile"),
        {"name": "  Alice   Chen ", "language": "zh-hans", "time_zone": "Asia/Shanghai", "notify_on_reply": "on"},
    )

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "zh-hans"
    customer.refresh_from_db()
    customer.user.refresh_from_db()
    assert (customer.name, customer.language, customer.notify_on_reply, customer.notify_on_status) == (
        "Alice Chen",
        "zh-hans",
        True,
        False,
    )
    assert customer.user.time_zone == "Asia/Shanghai"


def test_the_profile_refuses_an_unknown_time_zone(alice_client, customer):
    response = alice_client.post(reverse("portal:profile"), {"language": "en", "time_zone": "Mars/Olympus"})

    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    customer.user.refresh_from_db()
    assert customer.user.time_zone == ""
