"""manage.py scan_secrets: reports stored secrets (never printing them) and redacts with --redact."""

from io import StringIO

from django.core.management import call_command
from mnemonic import Mnemonic

from tests import factories
from tickets.models import EventKind, TicketEvent

PHRASE = Mnemonic("english").to_mnemonic(bytes(range(16)))


def run(*args) -> str:
    out = StringIO()
    call_command("scan_secrets", *args, "--batch-size", "2", stdout=out)
    return out.getvalue()


def test_reports_without_changing_or_printing_anything(db):
    message = factories.TicketMessageFactory(body=f"imported from the old system: {PHRASE}")
    factories.TicketMessageFactory.create_batch(4)

    output = run()

    assert "mnemonic (certain): 1" in output
    assert message.ticket.reference in output
    assert PHRASE not in output
    message.refresh_from_db()
    assert PHRASE in message.body


def test_redact_removes_certain_findings_in_messages_and_subjects(db):
    message = factories.TicketMessageFactory(body=f"words: {PHRASE}", body_html=f"<p>words: {PHRASE}</p>")
    ticket = factories.TicketFactory(subject=f"key 0x{'ab' * 32}")
    typo = factories.TicketMessageFactory(body=PHRASE.replace("abandon", "abandn", 1).rsplit(" ", 1)[0] + " ability")

    output = run("--redact")

    message.refresh_from_db()
    ticket.refresh_from_db()
    typo.refresh_from_db()
    assert message.body == "words: [recovery phrase removed]"
    assert PHRASE not in message.body_html
    assert ticket.subject == "key [private key removed]"
    assert "abandn" in typo.body  # suspected findings are reported, never removed
    assert "redacted 2 messages or subjects" in output
    assert TicketEvent.objects.filter(kind=EventKind.SECRET_EXPOSED).count() == 2
    rescan = run()
    assert "mnemonic (certain)" not in rescan and "private_key" not in rescan
    assert "mnemonic (suspected): 1" in rescan
