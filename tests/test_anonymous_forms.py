"""Every public form, sent by every kind of visitor (issue 19, finding 6 and its review).

Anonymous forms are the attacker's door: whoever sends one, the answer is never a 500, no mail
from the support address carries the sender's words, and no ticket is opened in the name of an
address until its owner confirms it.
"""

import pytest
from django.urls import reverse

from tests import factories
from tickets.models import Customer, Ticket

pytestmark = pytest.mark.django_db

ATTACKER_TEXT = "URGENT refund: visit https://evil.example and enter your seed"
VISITORS = ["anonymous", "customer", "unlinked_user", "agent"]


@pytest.fixture
def visit(client, customer, agent, django_user_model):
    def sign_in(who: str):
        users = {
            "customer": customer.user,
            "unlinked_user": django_user_model.objects.create_user("loner", "loner@example.com", "x"),
            "agent": agent,
        }
        if who in users:
            client.force_login(users[who])
        return client

    return sign_in


def mails_to_the_victim(mailoutbox) -> str:
    """Mail to an address the visitor typed but has not proved (their own signed-in address is fine)."""
    return "\n".join(
        f"{message.subject}\n{message.body}" for message in mailoutbox if "victim@example.com" in message.to
    )


@pytest.mark.parametrize("who", VISITORS)
def test_the_contact_form(visit, who, mailoutbox, django_capture_on_commit_callbacks):
    client = visit(who)
    data = {"email": "victim@example.com", "subject": ATTACKER_TEXT, "body": ATTACKER_TEXT, "language": "en"}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:contact"), data)

    assert response.status_code in (200, 302)
    assert "evil.example" not in mails_to_the_victim(mailoutbox)
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("who", VISITORS)
def test_the_bot_hand_off(visit, who, customer, mailoutbox, django_capture_on_commit_callbacks):
    client = visit(who)
    client.post(reverse("knowledge:bot_ask"), {"question": ATTACKER_TEXT})

    with django_capture_on_commit_callbacks(execute=True):
        signed_in = client.post(reverse("knowledge:bot_handoff"), HTTP_ACCEPT="application/json")
        by_email = client.post(reverse("knowledge:bot_handoff_email"), {"email": "victim@example.com"})

    assert signed_in.status_code < 500 and by_email.status_code < 500
    assert "evil.example" not in mails_to_the_victim(mailoutbox)
    owners = set(Ticket.objects.values_list("customer__user__username", flat=True))
    expected = {"customer": {customer.user.username}, "unlinked_user": {"loner"}}.get(who, set())
    assert owners == expected, "a ticket only for the signed-in visitor's own customer record"
    assert not Customer.objects.filter(user__is_staff=True).exists(), "staff accounts never become customers"


@pytest.mark.parametrize("who", VISITORS)
def test_the_identity_verification_page(visit, who, customer):
    ticket = factories.ticket(customer=customer, subject="Locked out", body="Help")
    client = visit(who)

    response = client.post(reverse("safety:verify_identity", args=[ticket.pk]), {"code": "123456"})

    expected = {"anonymous": 302, "customer": 302, "unlinked_user": 404, "agent": 404}[who]
    assert response.status_code == expected
