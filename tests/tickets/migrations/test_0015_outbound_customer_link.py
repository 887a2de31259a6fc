"""tickets 0015: survey and complaint links already stored in outbound mail are taken out of the bodies."""

from importlib import import_module

import pytest
from django.apps import apps

from tests import factories
from tickets.email.models import DeliveryStatus, OutboundEmail

migration = import_module("tickets.migrations.0015_outbound_customer_link_impersonator_reports")
pytestmark = pytest.mark.django_db

SURVEY = "https://desk.example/portal/survey/0a1b:1tXyZ:abc/"
CONFIRM = "https://desk.example/portal/complaints/confirm/tok_en:1tXyZ:sig/"


def test_sent_mails_lose_the_link_and_unsent_ones_keep_it_aside_for_sending():
    sent = factories.OutboundEmailFactory(
        kind="survey", status=DeliveryStatus.SENT, body_text=f"Rate us: {SURVEY}", body_html=f'<a href="{SURVEY}">'
    )
    queued = factories.OutboundEmailFactory(
        kind="complaint", status=DeliveryStatus.RETRYING, body_text=f"Tell us: {CONFIRM}\\nPortal: x", body_html=""
    )
    reply = factories.OutboundEmailFactory(kind="reply", body_text=f"quoted {SURVEY}")

    migration.redact_stored_links(apps, None)

    sent, queued, reply = (OutboundEmail.objects.get(pk=row.pk) for row in (sent, queued, reply))
    assert (sent.body_text, sent.body_html, sent.customer_link) == (
        "Rate us: [customer link]",
        '<a href="[customer link]">',
        "",
    )
    assert (queued.body_text, queued.customer_link) == ("Tell us: [customer link]\\nPortal: x", CONFIRM)
    assert reply.body_text == f"quoted {SURVEY}", "only the kinds that carried customer links are touched"
