"""The canary: a generated recovery phrase and private key sent through every customer-facing door are
found nowhere afterwards — no table column, log line, sent mail or stored file holds them.

The doors are enumerated from the URL patterns: every route outside the admin and allauth that
accepts POST must be in ENTRY_POINTS (submitted here) or NOT_ENTRY_POINTS (with the reason it takes
no customer text), so a new form or API route fails this test until it is covered. Email and the
FAQ bot are submitted as well. The scan is tests.leaks (reusable).
"""

from __future__ import annotations

import base64
import inspect
import json
import logging
import re
import secrets

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from mnemonic import Mnemonic
from rest_framework.test import APIClient

from feedback.tokens import survey_token
from supportdesk.services import app_key_create
from tests import factories, leaks
from tests.factories import customer_token
from tests.tickets.connectors.conftest import TELEGRAM_SECRET, fake_provider, fixture_bytes  # noqa: F401
from tests.tickets.connectors.conftest import connectors as connectors
from tickets.complaints import services as complaint_services
from tickets.complaints.models import Stage
from tickets.email.models import InboundEmail, InboundStatus
from tickets.email.services.inbound import inbound_email_receive
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

PHRASE = Mnemonic("english").generate(128)
KEY = secrets.token_hex(32)
SECRET = f"Help! My recovery phrase is {PHRASE} and my private key is 0x{KEY}. Please check my wallet."
# For fields of 100 characters: each secret on its own, as detected without more context.
SHORT_PHRASE, SHORT_KEY = PHRASE, f"private key 0x{KEY}"

# Routes that accept POST but take no text from the customer, or are not the customer's.
NOT_ENTRY_POINTS = {
    "set_language": "a language code only",
    "portal:request_solve": "a button, no text",
    "portal:request_reopen": "a button, no text",
    "knowledge:vote": "helpful yes/no",
    "knowledge:bot_feedback": "helpful yes/no on an answer",
    "safety:verify_identity": "a 6-digit code, checked and never stored",
    "portal:link_account": "a request reference and a 6-digit code, checked and never stored",
    "api:ticket-status": "staff only",
    "api:ticket-assign": "staff only",
    "api:ticket-sensitive-action": "staff only",
    "api:complaint-stage": "staff only",
    "privacy:home": "consent checkboxes only",
    "privacy:export_new": "a button, no text",
}


class Desk:
    """What the submitters need: a signed-in customer, their open ticket, an article to suggest."""

    def __init__(self, customer, mailoutbox, capture):
        self.customer = customer
        self.mailoutbox = mailoutbox
        self.capture = capture
        self.portal = Client()
        self.portal.force_login(customer.user)
        self.api = APIClient()
        self.api.force_authenticate(customer.user)
        self.ticket = factories.ticket(customer=customer, subject="Transfer pending", body="Please help.")
        self.supervisor = factories.supervisor(username="editor")
        factories.kb_article(
            author=self.supervisor,
            slug="help-wallet",
            translations={"en": ("Help with my wallet phrase", "Check my wallet, help with the phrase.")},
        )

    def link_in_last_mail(self, pattern: str) -> str:
        return re.search(rf"https?://\S+({pattern}\S+/)", self.mailoutbox[-1].body).group(1)

    def awaiting_complaint(self):
        ticket = factories.ticket(customer=self.customer, subject="Fee too high", body="Why?")
        return factories.complaint(ticket=ticket, actor=self.supervisor, stage=Stage.AWAITING_CONFIRMATION)


def accepted(response, *codes):
    assert response.status_code in (codes or (201, 302)), response.content.decode()[:3000]
    return response


# Portal -------------------------------------------------------------------------


def portal_request_new(desk):
    data = {"subject": SECRET[:200], "body": SECRET, "language": "en", "app_version": "2.1",
            "device": SHORT_PHRASE, "os": SHORT_KEY, "browser": SHORT_KEY,
            "attachments": [SimpleUploadedFile("backup.txt", SECRET.encode()),
                            SimpleUploadedFile("keys.csv", f"name,value\nkey,{SECRET}\n".encode()),
                            SimpleUploadedFile("wallet.json", f'{{"note": "{SECRET}"}}'.encode())]}  # fmt: skip
    accepted(desk.portal.post(reverse("portal:request_new") + "?category=technical", data))
    for refused in ("page.html", "mail.eml"):
        data = {"subject": "x", "body": "y", "language": "en", "app_version": "1", "device": "d", "os": "o",
                "attachments": [SimpleUploadedFile(refused, SECRET.encode())]}  # fmt: skip
        accepted(desk.portal.post(reverse("portal:request_new") + "?category=technical", data), 200)


def portal_request_reply(desk):
    accepted(desk.portal.post(reverse("portal:request_reply", args=[desk.ticket.pk]), {"body": SECRET}))


def portal_profile(desk):
    accepted(desk.portal.post(reverse("portal:profile"), {"name": SHORT_PHRASE, "language": "en"}))


def portal_contact(desk):
    data = {"email": "stranger@example.com", "name": SHORT_PHRASE, "subject": SECRET[:200], "body": SECRET,
            "language": "en"}  # fmt: skip
    with desk.capture(execute=True):
        accepted(Client().post(reverse("portal:contact"), data))
    accepted(Client().post(desk.link_in_last_mail("/portal/contact/confirm/")), 200)


def complaints_new(desk):
    data = {"subject": "fees", "title": SECRET[:200], "body": SECRET, "desired_outcome": SECRET}
    accepted(desk.portal.post(reverse("complaints:new"), data))


def complaints_respond(desk):
    complaint = desk.awaiting_complaint()
    accepted(
        desk.portal.post(reverse("complaints:respond", args=[complaint.pk]), {"resolved": "no", "comment": SECRET})
    )


def complaints_confirm(desk):
    token = complaint_services.confirmation_link_issue(complaint=desk.awaiting_complaint())
    accepted(Client().post(reverse("complaints:confirm", args=[token]), {"resolved": "no", "comment": SECRET}), 200)


def feedback_survey(desk):
    invitation = factories.SurveyInvitationFactory(ticket=desk.ticket)
    answers = {
        "overall": "4",
        "attitude": "5",
        "speed": "4",
        "professionalism": "4",
        "solved": "yes",
        "comment": SECRET,
    }
    accepted(Client().post(reverse("feedback:survey", args=[survey_token(invitation.key)]), answers))


def feedback_suggestion_new(desk):
    data = {"title": SECRET[:200], "category": "usability", "body": SECRET}
    accepted(desk.portal.post(reverse("feedback:suggestion_new"), data))


def safety_report_impersonator(desk):
    data = {"contact": "@fake_support", "where_seen": "telegram", "description": SECRET, "email": "carol@example.com"}
    accepted(Client().post(reverse("safety:report_impersonator"), data))


# Help centre and FAQ bot -----------------------------------------------------------


def knowledge_suggest(desk):
    results = accepted(desk.portal.post(reverse("knowledge:suggest"), {"q": SECRET[:200]}), 200).json()["results"]
    assert results
    accepted(desk.portal.get(results[0]["suggest_url"]), 200)


def knowledge_bot_ask(desk):
    accepted(desk.portal.post(reverse("knowledge:bot_ask"), {"question": SECRET}))


def knowledge_bot_handoff(desk):
    knowledge_bot_ask(desk)
    accepted(desk.portal.post(reverse("knowledge:bot_handoff")))


def knowledge_bot_handoff_email(desk):
    visitor = Client()
    accepted(visitor.post(reverse("knowledge:bot_ask"), {"question": SECRET}))
    with desk.capture(execute=True):
        accepted(
            visitor.post(reverse("knowledge:bot_handoff_email"), {"email": "dan@example.com", "name": SHORT_PHRASE})
        )
    accepted(Client().post(desk.link_in_last_mail("/portal/help/bot/handoff/confirm/")), 200)


# Channel webhooks ----------------------------------------------------------------


def connectors_webhook(desk):
    update = json.loads(fixture_bytes("telegram_text.json"))
    update["message"]["text"] = SECRET
    update["message"]["from"]["first_name"] = SHORT_PHRASE
    with desk.capture(execute=True):
        accepted(
            Client().post(
                reverse("connectors:webhook", args=["telegram"]),
                data=json.dumps(update),
                content_type="application/json",
                HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=TELEGRAM_SECRET,
            ),
            200,
        )


# REST API -------------------------------------------------------------------------


def api_tickets(desk):
    data = {"subject": SECRET[:200], "body": SECRET, "device": SHORT_PHRASE, "os": SHORT_KEY}
    accepted(desk.api.post("/api/v1/tickets/", data, format="json"))


def api_ticket_messages(desk):
    accepted(desk.api.post(f"/api/v1/tickets/{desk.ticket.pk}/messages/", {"body": SECRET}, format="json"))


def api_app_feedback(desk):
    _key, plain, secret = app_key_create(name="Wallet app")
    data = {"subject": SECRET[:200], "body": SECRET, "app_version": "2.1", "os": SHORT_KEY,
            "logs": SimpleUploadedFile("app.log", SECRET.encode())}  # fmt: skip
    headers = {"HTTP_X_APP_KEY": plain, "HTTP_X_CUSTOMER_TOKEN": customer_token(secret, "app.user@example.com")}
    accepted(APIClient().post("/api/v1/app/feedback/", data, format="multipart", **headers))


def api_ticket_complaint(desk):
    ticket = factories.ticket(customer=desk.customer, subject="Slow", body="No answer.")
    data = {"subject": "slow_response", "body": SECRET, "desired_outcome": SECRET}
    accepted(desk.api.post(f"/api/v1/tickets/{ticket.pk}/complaint/", data, format="json"))


def api_complaint_respond(desk):
    complaint = desk.awaiting_complaint()
    data = {"resolved": False, "comment": SECRET}
    accepted(desk.api.post(f"/api/v1/complaints/{complaint.pk}/respond/", data, format="json"), 200)


def api_survey_responses(desk):
    invitation = factories.SurveyInvitationFactory(ticket=desk.ticket)
    answers = {"overall": 4, "attitude": 5, "speed": 4, "professionalism": 4, "solved": True, "comment": SECRET}
    url = f"/api/v1/surveys/{survey_token(invitation.key)}/responses/"
    accepted(APIClient().post(url, {"answers": answers}, format="json"))


def api_suggestions(desk):
    data = {"title": SECRET[:200], "category": "usability", "body": SECRET}
    accepted(desk.api.post("/api/v1/suggestions/", data, format="json"))


def chat_start_and_upload(desk):
    client = Client()
    own = {"HTTP_ORIGIN": "http://testserver"}
    started = accepted(client.post(reverse("chat:start"), {"email": "chat-canary@example.com", "name": SECRET}, **own))
    upload = SimpleUploadedFile("notes.txt", SECRET.encode(), content_type="text/plain")
    url = reverse("chat:upload", args=[started.json()["key"]])
    accepted(client.post(url, {"client_id": "canary", "body": SECRET, "file": upload}, **own))


ENTRY_POINTS = {
    "chat:start": chat_start_and_upload,
    "chat:upload": chat_start_and_upload,
    "portal:request_new": portal_request_new,
    "portal:request_reply": portal_request_reply,
    "portal:profile": portal_profile,
    "portal:contact": portal_contact,
    "portal:contact_confirm": portal_contact,
    "complaints:new": complaints_new,
    "complaints:respond": complaints_respond,
    "complaints:confirm": complaints_confirm,
    "feedback:survey": feedback_survey,
    "feedback:suggestion_new": feedback_suggestion_new,
    "safety:report_impersonator": safety_report_impersonator,
    "knowledge:suggest": knowledge_suggest,
    "knowledge:bot_ask": knowledge_bot_ask,
    "knowledge:bot_handoff": knowledge_bot_handoff,
    "knowledge:bot_handoff_email": knowledge_bot_handoff_email,
    "knowledge:bot_handoff_confirm": knowledge_bot_handoff_email,
    "connectors:webhook": connectors_webhook,
    "api:tickets": api_tickets,
    "api:ticket-messages": api_ticket_messages,
    "api:app-feedback": api_app_feedback,
    "api:ticket-complaint": api_ticket_complaint,
    "api:complaint-respond": api_complaint_respond,
    "api:survey-responses": api_survey_responses,
    "api:suggestions": api_suggestions,
}


# Email ----------------------------------------------------------------------------


def _mail(
    number: int, *, subject="Wallet help", text: str | None = "Hello", html: str | None = None, extra=""
) -> bytes:
    parts = [f"From: Erin <erin{number}@example.com>", "To: support@supportdesk.local", f"Subject: {subject}",
             f"Message-ID: <canary-{number}@example.com>", "MIME-Version: 1.0", *filter(None, [extra])]  # fmt: skip
    if html is not None and text is None:
        return ("\r\n".join([*parts, "Content-Type: text/html; charset=utf-8", "", html]) + "\r\n").encode()
    body = [*parts, 'Content-Type: multipart/mixed; boundary="b1"', "", "--b1",
            "Content-Type: text/plain; charset=utf-8", "", text or "", "--b1",
            'Content-Type: text/plain; charset=utf-8; name="notes.txt"',
            'Content-Disposition: attachment; filename="notes.txt"', "", SECRET, "--b1--", ""]  # fmt: skip
    return "\r\n".join(body).encode()


def email_channel():
    mails = [
        _mail(1, text=SECRET),
        _mail(2, text=None, html=f"<p>{SECRET}</p>"),
        _mail(3, text=None, html="<ol>" + "".join(f"<li>{word}</li>" for word in PHRASE.split()) + "</ol>"),
        _mail(4, subject=SHORT_PHRASE),
        _mail(5, extra=f"X-Wallet-Note: {SHORT_KEY}"),
    ]
    for raw in mails:
        record, created = inbound_email_receive(raw=raw, source="file")
        assert (created, record.status) == (True, InboundStatus.PROCESSED), record.error
    # Unparseable for the desk (no sender): quarantined, and the kept raw source holds no secret either.
    quarantined, _created = inbound_email_receive(
        raw=_mail(6, text=SECRET).replace(b"From:", b"X-From:"), source="file"
    )
    assert quarantined.status == InboundStatus.QUARANTINED


# The table is complete --------------------------------------------------------------


def _routes(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) if pattern.namespace else namespace
            yield from (
                (str(pattern.pattern) + route, name, view) for route, name, view in _routes(pattern.url_patterns, inner)
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield str(pattern.pattern), ":".join(filter(None, [namespace, pattern.name])), pattern.callback


def _accepts_post(view) -> bool:
    view_class = getattr(view, "view_class", None) or getattr(view, "cls", None)
    if view_class is not None:
        return any(hasattr(view_class, method) for method in ("post", "put", "patch"))
    while view is not None:
        methods = inspect.getclosurevars(view).nonlocals.get("request_method_list") if view.__closure__ else None
        if methods is not None:
            return "POST" in methods
        view = getattr(view, "__wrapped__", None)
    return True


def customer_post_routes() -> set[str]:
    """URL names outside the admin and allauth (credentials only) whose view accepts POST."""
    return {
        name
        for route, name, view in _routes(get_resolver().url_patterns)
        if not route.startswith(("admin/", "accounts/", "^admin/")) and _accepts_post(view)
    }


def test_every_customer_facing_post_route_is_in_the_canary_table():
    assert customer_post_routes() == set(ENTRY_POINTS) | set(NOT_ENTRY_POINTS)


# The canary -------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": tmp_path, "base_url": None}},
    }
    return tmp_path


def test_no_secret_survives_any_entry_point(customer, security_team, mailoutbox, caplog, media, settings, connectors,
                                            django_capture_on_commit_callbacks):  # fmt: skip
    settings.SITE_URL = "http://testserver"
    caplog.set_level(logging.DEBUG)
    desk = Desk(customer, mailoutbox, django_capture_on_commit_callbacks)
    for submit in dict.fromkeys(ENTRY_POINTS.values()):
        with django_capture_on_commit_callbacks(execute=True):
            submit(desk)
    with django_capture_on_commit_callbacks(execute=True):
        email_channel()

    found = leaks.leaks(
        leaks.needles_for_phrase(PHRASE) | leaks.needles_for_hex_key(KEY),
        logs=caplog.text,
        outbox=mailoutbox,
        folders=[media],
    )

    assert found == [], f"phrase {PHRASE!r}, key {KEY}"
    # The doors were really used: tickets, mail and files exist, and the secrets were seen and removed.
    assert Ticket.objects.filter(secret_exposed=True).count() >= 10
    assert InboundEmail.objects.count() == 6
    assert len([path for path in media.rglob("*") if path.is_file()]) >= 5
    assert mailoutbox


def test_the_scan_finds_a_secret_in_every_place_and_spelling(customer, mailoutbox, media):
    """The canary is only as good as its scan: each normalisation, in each kind of place, is found."""
    words = PHRASE.split()
    spellings = {
        "spaces": PHRASE,
        "nothing between": "".join(words),
        "full-width upper case": PHRASE.upper().translate({code: code + 0xFEE0 for code in range(0x21, 0x7F)}),
        "one word a line": "\n".join(words),
        "key with 0x": f"0x{KEY}",
        "key upper case without 0x": KEY.upper(),
    }
    needles = leaks.needles_for_phrase(PHRASE) | leaks.needles_for_hex_key(KEY)
    for label, text in spellings.items():
        customer.notes = f"note: {text}"
        customer.save(update_fields=["notes"])
        assert leaks.database_leaks(needles) == [f"tickets.Customer.notes #{customer.pk}"], label
    customer.notes = ""
    customer.save(update_fields=["notes"])
    raw = _mail(9, text=None, html=f"<p>{PHRASE}</p>").replace(
        b"charset=utf-8", b"charset=utf-8\r\nContent-Transfer-Encoding: base64"
    )
    raw = raw.replace(f"<p>{PHRASE}</p>".encode(), base64.b64encode(f"<p>{PHRASE}</p>".encode()))
    factories.InboundEmailFactory(raw=raw)
    (media / "upload").write_bytes(KEY.encode())
    mail.send_mail("Your words", PHRASE, None, ["a@example.com"])

    found = leaks.leaks(needles, logs=f"INFO x {KEY}", outbox=mailoutbox, folders=[media])

    assert [place.split(" #")[0] for place in found] == [
        "tickets.InboundEmail.raw", "mail[0] 'Your words'", f"file {media / 'upload'}", "log output"
    ]  # fmt: skip
