"""The public contact form: nothing enters the queue until the sender confirms the address."""

import re

import pytest
from django.core import signing
from django.urls import reverse

from tickets import services
from tickets.models import Channel, ContactRequest, Customer, Ticket

pytestmark = pytest.mark.django_db

FORM = {
    "email": " Carol@Example.com ",
    "name": "Carol",
    "subject": "Withdrawal missing",
    "body": "I withdrew 0.1 ETH and it never arrived.",
    "language": "en",
}


def _link(mail) -> str:
    return re.search(r"http://testserver(/portal/contact/confirm/[^/\s]+/)", mail.body).group(1)


def test_the_form_holds_the_request_and_mails_a_confirmation_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:contact"), FORM)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:contact_sent")
    pending = ContactRequest.objects.get()
    assert (pending.email, pending.confirmed_at, pending.ticket) == ("carol@example.com", None, None)
    assert not Ticket.objects.exists()
    assert [mail.to for mail in mailoutbox] == [["carol@example.com"]]
    assert mailoutbox[0].subject == "[SupportDesk] Please confirm your request"
    assert "Withdrawal missing" not in mailoutbox[0].body, "the sender's words are never mailed from our address"


def test_confirming_the_link_creates_one_web_form_ticket(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:contact"), FORM)
    link = _link(mailoutbox[0])

    preview = client.get(link)
    assert "Confirm and send" in preview.content.decode()
    assert not Ticket.objects.exists()

    confirmed = client.post(link)
    again = client.post(link)

    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.subject, ticket.customer.email) == (
        Channel.WEB_FORM,
        "Withdrawal missing",
        "carol@example.com",
    )
    assert ticket.reference in confirmed.content.decode()
    assert "We will reply by" in confirmed.content.decode()
    assert ticket.reference in again.content.decode()
    assert Ticket.objects.count() == 1


def test_a_confirmed_request_lands_on_the_existing_customer_with_that_address(client, customer):
    pending = services.contact_request_create(
        email="ALICE@example.com", name="", subject="Hi", body="Text", category=None, language="en", site_url="/"
    )

    client.post(reverse("portal:contact_confirm", args=[services.contact_request_token(pending)]))

    assert Ticket.objects.get().customer == customer
    assert Customer.objects.count() == 1


def test_a_forged_or_expired_link_is_refused(client, settings):
    pending = services.contact_request_create(
        email="carol@example.com", name="", subject="Hi", body="Text", category=None, language="en", site_url="/"
    )
    token = services.contact_request_token(pending)

    forged = client.get(reverse("portal:contact_confirm", args=[token[:-2] + "xx"]))
    settings.PORTAL_CONTACT_LINK_MAX_AGE = -1
    expired = client.post(reverse("portal:contact_confirm", args=[token]))

    assert forged.status_code == 400
    assert "This link is not valid." in forged.content.decode()
    assert expired.status_code == 400
    assert "This link has expired." in expired.content.decode()
    assert not Ticket.objects.exists()


def test_a_link_to_a_request_that_no_longer_exists_is_refused(client):
    token = signing.dumps(999, salt="tickets.contact-request")

    assert client.get(reverse("portal:contact_confirm", args=[token])).status_code == 400


def test_the_form_requires_an_email_and_explains_errors(client):
    response = client.post(reverse("portal:contact"), {**FORM, "email": "", "subject": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["This field is required."]
    assert response.context["form"].errors["subject"] == ["This field is required."]
    assert not ContactRequest.objects.exists()


def test_the_form_is_rate_limited_per_address(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [client.post(reverse("portal:contact"), FORM).status_code for _attempt in range(4)]

    assert statuses == [302, 302, 302, 429]
    assert ContactRequest.objects.count() == 3
    assert len(mailoutbox) == 3


def test_the_form_is_rate_limited_per_ip_address(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"portal_contact": "2/h/ip"}

    statuses = [
        client.post(reverse("portal:contact"), {**FORM, "email": f"person{n}@example.com"}).status_code
        for n in range(3)
    ]

    assert statuses == [302, 302, 429]


def test_signed_in_customers_are_sent_to_the_full_request_form(client, customer):
    client.force_login(customer.user)

    response = client.get(reverse("portal:contact"))

    assert response["Location"] == reverse("portal:request_new")


def test_a_secret_in_the_form_is_removed_before_the_request_is_held_and_flags_the_ticket_once_confirmed(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    phrase = "legal winner thank year wave sausage worth useful legal winner thank yellow"
    form = {**FORM, "subject": f"words {phrase}", "body": f"my phrase is {phrase}"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:contact"), form)

    pending = ContactRequest.objects.get()
    assert (pending.subject, pending.body) == (
        "words [recovery phrase removed]",
        "my phrase is [recovery phrase removed]",
    )
    assert pending.secret_kinds == ["mnemonic"]
    assert "sausage" not in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_link(mailoutbox[0]))

    ticket = Ticket.objects.get()
    assert ticket.secret_exposed
    assert ticket.events.filter(kind="secret_exposed", note="contact form").exists()
