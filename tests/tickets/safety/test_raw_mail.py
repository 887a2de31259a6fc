"""The raw source kept of an inbound mail never holds a recovery phrase: such a mail keeps only its headers."""

import base64
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from mnemonic import Mnemonic

from tickets.email.models import InboundSource, InboundStatus
from tickets.email.services.inbound import inbound_email_receive

pytestmark = pytest.mark.django_db

PHRASE = Mnemonic("english").to_mnemonic(bytes.fromhex("1f2e3d4c5b6a79880f1e2d3c4b5a6978"))


def mail(*, subject="Wallet help", body="Hello, my transfer is stuck.", attachment: str | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = "Carol <carol@example.com>"
    message["To"] = "support@supportdesk.local"
    message["Subject"] = subject
    message["Message-ID"] = "<raw-secret-1@example.com>"
    message.set_content(body, cte="quoted-printable")
    if attachment is not None:
        message.add_attachment(attachment.encode(), maintype="text", subtype="plain", filename="backup.txt")
    return message.as_bytes()


def everything_in(raw: bytes) -> str:
    """Headers and every decoded part of a raw mail, as text."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    parts = [str(message["Subject"] or "")]
    for part in message.walk():
        if not part.is_multipart():
            parts.append(part.get_content() if part.get_content_maintype() == "text" else "")
    return "\n".join(parts)


@pytest.mark.parametrize(
    "fields",
    [
        {"body": f"Please help, my words are {PHRASE}"},
        {"attachment": f"backup: {PHRASE}\n"},
        {"subject": f"Help {PHRASE}"},
    ],
    ids=["body", "text attachment", "subject"],
)
def test_a_mail_with_a_phrase_keeps_only_its_headers(fields):
    record, _created = inbound_email_receive(raw=mail(**fields), source=InboundSource.FILE)

    record.refresh_from_db()
    kept = bytes(record.raw)
    assert record.status == InboundStatus.PROCESSED
    assert PHRASE not in everything_in(kept)
    assert PHRASE.split()[5].encode() + b" " + PHRASE.split()[6].encode() not in kept
    headers = BytesParser(policy=policy.default).parsebytes(kept)
    assert (headers["Message-ID"], headers["From"].addresses[0].addr_spec) == (
        "<raw-secret-1@example.com>",
        "carol@example.com",
    )
    assert "Body removed: it contained a recovery phrase." in everything_in(kept)
    assert "Body removed" in record.notes
    assert PHRASE not in record.subject
    assert record.ticket.secret_exposed


def test_a_clean_mail_keeps_its_raw_source_byte_for_byte():
    raw = mail()

    record, _created = inbound_email_receive(raw=raw, source=InboundSource.FILE)

    record.refresh_from_db()
    assert bytes(record.raw) == raw
    assert "Body removed" not in record.notes


def html_only(html: str, *, extra_header: str = "") -> bytes:
    lines = ["From: Carol <carol@example.com>", "To: support@supportdesk.local", "Subject: Wallet help",
             "Message-ID: <raw-secret-2@example.com>", "MIME-Version: 1.0", *filter(None, [extra_header]),
             "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: base64", "",
             base64.b64encode(html.encode()).decode()]  # fmt: skip
    return "\r\n".join(lines).encode()


@pytest.mark.parametrize(
    "raw",
    [
        html_only(f"<p>My words: {PHRASE}</p>"),
        html_only("<ol>" + "".join(f"<li>{word}</li>" for word in PHRASE.split()) + "</ol>"),
        html_only("<p>Hello</p>", extra_header=f"X-Note: {PHRASE}"),
    ],
    ids=["html only", "html list", "other header"],
)
def test_the_html_part_and_every_header_are_scanned_before_the_raw_source_is_stored(raw):
    record, _created = inbound_email_receive(raw=raw, source=InboundSource.FILE)

    record.refresh_from_db()
    kept = bytes(record.raw)
    assert PHRASE.split()[4].encode() not in kept
    assert "Body removed" in everything_in(kept)


def test_a_quarantined_mail_keeps_no_secret_either():
    raw = mail(body=f"my words: {PHRASE}").replace(b"From:", b"X-Sender:")

    record, _created = inbound_email_receive(raw=raw, source=InboundSource.FILE)

    record.refresh_from_db()
    assert record.status == InboundStatus.QUARANTINED
    assert PHRASE not in everything_in(bytes(record.raw))
    assert "Body removed: it contained a recovery phrase." in record.notes
