"""The FAQ bot's hand-off for visitors without an account: nothing reaches the queue until the address is confirmed."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from mnemonic import Mnemonic

from knowledge import services
from knowledge.models import BotConversation, BotMessage, BotRole
from tests import factories
from tickets.models import Channel, Customer, Ticket

pytestmark = pytest.mark.django_db

PHRASE = Mnemonic("english").to_mnemonic(bytes.fromhex("00112233445566778899aabbccddeeff"))
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def knowledge_base(editor):
    return factories.kb_article(
        author=editor,
        slug="backup",
        translations={"en": ("How to back up your recovery phrase", "Write the recovery phrase on paper.")},
    )


def ask(client, question):
    return client.post(reverse("knowledge:bot_ask"), {"question": question}, **JSON)


@pytest.fixture
def ask_for_a_person(django_capture_on_commit_callbacks):
    """Post the email step; the confirmation mail (queued on commit) is sent as the request finishes."""

    def post(client, email="carol@example.com", name="Carol", headers=JSON, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("knowledge:bot_handoff_email"), {"email": email, "name": name, **extra}, **headers
            )

    return post


def link_in(mail) -> str:
    return re.search(r"http://testserver(/portal/help/bot/handoff/confirm/[^/\s]+/)", mail.body).group(1)


def anonymous_chat(client, *questions):
    for question in questions or ("How do I back up my recovery phrase?", "talk to a human"):
        assert ask(client, question).status_code == 200
    return BotConversation.objects.get(token=client.session["knowledge_bot_conversation"])


def test_asking_for_a_person_mails_a_link_and_creates_no_ticket(client, knowledge_base, mailoutbox, ask_for_a_person):
    chat = anonymous_chat(client)

    response = ask_for_a_person(client, email=" Carol@Example.com ")

    assert response.status_code == 200
    data = response.json()
    assert data["pending"] is True
    assert data["email"] == "carol@example.com"
    assert data["message"].startswith("Check your email: we sent a link to carol@example.com.")
    chat.refresh_from_db()
    assert (chat.handoff_email, chat.handoff_name, chat.handoff_ticket) == ("carol@example.com", "Carol", None)
    assert chat.handoff_requested_at is not None
    assert not Ticket.objects.exists()
    assert not Customer.objects.filter(email="carol@example.com").exists()
    assert [mail.to for mail in mailoutbox] == [["carol@example.com"]]
    assert mailoutbox[0].subject == "[SupportDesk] Confirm your email to reach our team"
    assert link_in(mailoutbox[0])
    # The mail carries nothing the visitor typed: anyone can enter anyone's address.
    assert "back up" not in mailoutbox[0].body
    assert "Carol" not in mailoutbox[0].body
    page = client.get(reverse("knowledge:bot")).content.decode()
    assert "We sent a confirmation link to carol@example.com." in page


def test_the_confirmation_mail_is_in_the_visitors_language(client, knowledge_base, mailoutbox, ask_for_a_person):
    client.cookies["django_language"] = "zh-hans"
    anonymous_chat(client, "转人工客服")

    ask_for_a_person(client)

    assert "我们绝不会索要您的密码、私钥或助记词。" in mailoutbox[0].body


def test_opening_the_link_shows_the_conversation_and_confirming_creates_one_bot_ticket(
    client, knowledge_base, mailoutbox, ask_for_a_person
):
    chat = anonymous_chat(client)
    ask_for_a_person(client)
    link = link_in(mailoutbox[0])
    mail_client = client.__class__()

    preview = mail_client.get(link)
    assert preview.status_code == 200
    assert "Confirm and send" in preview.content.decode()
    assert "How do I back up my recovery phrase?" in preview.content.decode()
    assert not Ticket.objects.exists()

    confirmed = mail_client.post(link)

    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.subject, ticket.customer.email, ticket.customer.name) == (
        Channel.BOT,
        "How do I back up my recovery phrase?",
        "carol@example.com",
        "Carol",
    )
    body = ticket.messages.get().body
    assert "Customer: How do I back up my recovery phrase?" in body
    assert "http://testserver/portal/help/a/backup/" in body
    assert "Customer: talk to a human" in body
    page = confirmed.content.decode()
    assert f"Your reference is {ticket.reference}." in page
    assert "We will reply by" in page or "We usually reply within" in page
    chat.refresh_from_db()
    assert chat.handoff_ticket == ticket
    assert chat.handoff_confirmed_at is not None
    assert chat.user is None
    last = chat.messages.last()
    assert (last.role, ticket.reference in last.text) == (BotRole.BOT, True)
    assert f"Handed over to our team as {ticket.reference}." in client.get(reverse("knowledge:bot")).content.decode()


def test_the_link_is_single_use_reopening_shows_the_same_ticket(client, knowledge_base, mailoutbox, ask_for_a_person):
    anonymous_chat(client)
    ask_for_a_person(client)
    link = link_in(mailoutbox[0])

    first = client.post(link)
    second = client.post(link)
    reopened = client.get(link)

    ticket = Ticket.objects.get()
    for response in (first, second, reopened):
        assert response.status_code == 200
        assert f"Your reference is {ticket.reference}." in response.content.decode()
    assert ticket.messages.count() == 1


def test_a_tampered_or_expired_link_is_refused(client, knowledge_base, mailoutbox, settings, ask_for_a_person):
    chat = anonymous_chat(client)
    ask_for_a_person(client)
    link = link_in(mailoutbox[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    other_conversation = signing.dumps([chat.pk + 1, token.split(":")[0]], salt="knowledge.bot-handoff")

    tampered = client.post(link.replace(token, token[:-2] + "xx"))
    wrong_salt = client.post(reverse("knowledge:bot_handoff_confirm", args=[signing.dumps([chat.pk, "x"])]))
    unknown = client.post(reverse("knowledge:bot_handoff_confirm", args=[other_conversation]))
    settings.PORTAL_CONTACT_LINK_MAX_AGE = -1
    expired = client.post(link)

    for response in (tampered, wrong_salt, unknown):
        assert response.status_code == 400
        assert "This link is not valid." in response.content.decode()
    assert expired.status_code == 400
    assert "This link has expired." in expired.content.decode()
    assert not Ticket.objects.exists()


def test_a_link_to_an_address_replaced_since_no_longer_works(client, knowledge_base, mailoutbox, ask_for_a_person):
    anonymous_chat(client)
    ask_for_a_person(client, email="typo@exmaple.com")
    ask_for_a_person(client, email="carol@example.com")

    stale = client.post(link_in(mailoutbox[0]))
    current = client.post(link_in(mailoutbox[1]))

    assert stale.status_code == 400
    assert current.status_code == 200
    assert Ticket.objects.get().customer.email == "carol@example.com"


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("not-an-address", "Enter a valid email address."),
        ("a" * 250 + "@example.com", "Ensure this value has at most 254 characters (it has 262)."),
    ],
)
def test_a_missing_or_bad_email_is_a_field_error(client, knowledge_base, mailoutbox, email, error, ask_for_a_person):
    chat = anonymous_chat(client)

    response = ask_for_a_person(client, email=email)

    assert response.status_code == 400
    assert error in [item["message"] for item in response.json()["errors"]["email"]]
    chat.refresh_from_db()
    assert chat.handoff_email == ""
    assert mailoutbox == []


def test_a_too_long_name_is_a_field_error(client, knowledge_base, ask_for_a_person):
    anonymous_chat(client)

    response = ask_for_a_person(client, name="n" * 201)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["name"]


def test_the_service_refuses_a_bad_address_on_the_email_field(knowledge_base):
    chat = services.bot_conversation_for(token=None, user=AnonymousUser(), language="en")
    services.bot_ask(conversation=chat, text="human")

    with pytest.raises(ValidationError) as caught:
        services.bot_handoff_request(conversation=chat, email="x" * 300 + "@example.com", name="", site_url="/")

    assert list(caught.value.error_dict) == ["email"]


def test_the_email_step_is_rate_limited_per_address(client, knowledge_base, mailoutbox, ask_for_a_person):
    statuses = []
    for _visitor in range(4):
        visitor = client.__class__()
        anonymous_chat(visitor, "talk to a human")
        statuses.append(ask_for_a_person(visitor).status_code)

    assert statuses == [200, 200, 200, 429]
    assert len(mailoutbox) == 3


def test_the_email_step_is_rate_limited_per_session(client, knowledge_base, mailoutbox, ask_for_a_person):
    chat = anonymous_chat(client)

    statuses = [ask_for_a_person(client, email=f"person{n}@example.com").status_code for n in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert "Too many requests" in ask_for_a_person(client, email="late@example.com").json()["error"]
    chat.refresh_from_db()
    assert chat.handoff_email == "person2@example.com"
    assert len(mailoutbox) == 3


def test_another_visitors_conversation_cannot_be_handed_off(
    client, knowledge_base, customer, mailoutbox, ask_for_a_person
):
    chat = anonymous_chat(client)
    stranger = client.__class__()

    no_conversation = ask_for_a_person(stranger, email="mallory@example.com", token=str(chat.token))
    # A token taken from someone else's session is not theirs: a customer's conversation stays theirs.
    owned = services.bot_conversation_for(token=None, user=customer.user, language="en")
    services.bot_ask(conversation=owned, text="human")
    session = stranger.session
    session["knowledge_bot_conversation"] = str(owned.token)
    session.save()
    not_theirs = ask_for_a_person(stranger, email="mallory@example.com")

    assert no_conversation.status_code == 400
    assert no_conversation.json()["error"] == "Ask the bot your question first."
    assert not_theirs.status_code == 400
    chat.refresh_from_db()
    owned.refresh_from_db()
    assert (chat.handoff_email, owned.handoff_email) == ("", "")
    assert mailoutbox == []


def test_a_seed_phrase_typed_to_the_bot_is_redacted_in_the_ticket(client, knowledge_base, mailoutbox, ask_for_a_person):
    anonymous_chat(client, f"my wallet is empty, my words are {PHRASE}", "talk to a human")
    ask_for_a_person(client)
    link = link_in(mailoutbox[0])

    preview = client.get(link).content.decode()
    client.post(link)

    ticket = Ticket.objects.get()
    first = ticket.messages.order_by("id").first()
    assert PHRASE not in first.body
    assert PHRASE not in ticket.subject
    assert "[recovery phrase removed]" in first.body
    assert ticket.secret_exposed
    assert PHRASE not in preview
    assert "[recovery phrase removed]" in preview


def test_the_bot_never_stores_a_seed_phrase_and_warns_at_once(client, knowledge_base):
    reply = ask(client, f"is this safe? {PHRASE}").json()

    chat = BotConversation.objects.get(token=client.session["knowledge_bot_conversation"])
    stored = " ".join(BotMessage.objects.values_list("text", flat=True))
    assert PHRASE.split()[3] + " " + PHRASE.split()[4] not in stored
    assert "[recovery phrase removed]" in stored
    assert chat.secret_kinds == ["mnemonic"]
    assert "never share your recovery phrase" in reply["message"]["text"]
    assert reply["question"]["text"] == "is this safe? [recovery phrase removed]"
    assert reply["offer_handoff"] is True


def test_a_hand_off_after_a_removed_phrase_goes_to_security_as_urgent(
    client, knowledge_base, ask_for_a_person, mailoutbox
):
    anonymous_chat(client, f"my words are {PHRASE}", "talk to a human")
    ask_for_a_person(client)

    client.post(link_in(mailoutbox[0]))

    ticket = Ticket.objects.get()
    assert (ticket.priority, ticket.tier, ticket.secret_exposed) == ("urgent", "l3", True)
    assert ticket.events.filter(kind="secret_exposed", note="bot conversation").exists()
    assert ticket.sla_policy.name == "Security emergency"


def test_confirming_attaches_the_ticket_to_the_existing_customer_and_nothing_else(
    client, knowledge_base, customer, mailoutbox, ask_for_a_person
):
    anonymous_chat(client)
    ask_for_a_person(client, email="ALICE@example.com", name="Not Alice")

    response = client.post(link_in(mailoutbox[0]))

    ticket = Ticket.objects.get()
    customer.refresh_from_db()
    chat = BotConversation.objects.get()
    assert ticket.customer == customer
    assert customer.name == "Alice"
    assert Customer.objects.count() == 1
    assert chat.user is None
    assert "_auth_user_id" not in client.session
    assert "Alice" not in response.content.decode()


def test_a_handed_off_conversation_is_not_handed_off_again(client, knowledge_base, mailoutbox, ask_for_a_person):
    anonymous_chat(client)
    ask_for_a_person(client)
    client.post(link_in(mailoutbox[0]))

    again = ask_for_a_person(client, email="other@example.com")

    assert again.status_code == 400
    assert again.json()["error"] == "This conversation is already with our team."
    assert len(mailoutbox) == 1


def test_signing_in_and_handing_off_supersedes_the_pending_link(
    client, knowledge_base, customer, mailoutbox, ask_for_a_person
):
    anonymous_chat(client)
    ask_for_a_person(client, email="carol@example.com")
    client.force_login(customer.user)
    ask(client, "still there?")

    handed = client.post(reverse("knowledge:bot_handoff"), **JSON).json()
    stale = client.__class__().post(link_in(mailoutbox[0]))

    ticket = Ticket.objects.get()
    assert (handed["reference"], ticket.customer) == (ticket.reference, customer)
    assert stale.status_code == 400
    assert not Customer.objects.filter(email="carol@example.com").exists()


def test_signed_in_customers_use_the_direct_hand_off(client, knowledge_base, customer, mailoutbox, ask_for_a_person):
    client.force_login(customer.user)
    anonymous_chat(client, "talk to a human")

    response = ask_for_a_person(client)

    assert response.status_code == 400
    assert "You are signed in" in response.json()["error"]
    assert mailoutbox == []
    assert 'action="/portal/help/bot/handoff/"' in client.get(reverse("knowledge:bot")).content.decode()


def test_the_email_step_works_without_javascript(client, knowledge_base, mailoutbox, ask_for_a_person):
    anonymous_chat(client)

    invalid = ask_for_a_person(client, email="nope", headers={})
    sent = ask_for_a_person(client, headers={})
    page = client.get(sent["Location"]).content.decode()

    assert invalid.status_code == 400
    assert invalid.context["handoff_form"].errors["email"] == ["Enter a valid email address."]
    assert "kb-offer" in invalid.content.decode()
    assert (sent.status_code, sent["Location"]) == (302, reverse("knowledge:bot"))
    assert "Check your email: we sent a link to carol@example.com." in page
    assert len(mailoutbox) == 1


def test_the_anonymous_widget_asks_for_an_email(client, knowledge_base):
    anonymous_chat(client, "talk to a human")

    page = client.get(reverse("knowledge:bot")).content.decode()

    assert 'action="/portal/help/bot/handoff/email/"' in page
    assert 'name="email"' in page
    assert "kb-handoff kb-offer" in page
