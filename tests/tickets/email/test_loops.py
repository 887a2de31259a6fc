"""Loop detection: automatic replies, bounces and our own address (with its plus variants)."""

from email import message_from_bytes, policy

import pytest

from tickets.email import loops


def _msg(headers: str):
    return message_from_bytes(f"{headers}\r\n\r\nbody".encode(), policy=policy.default)


@pytest.mark.parametrize(
    ("headers", "subject", "kind"),
    [
        ("Auto-Submitted: auto-replied", "x", "auto_reply"),
        ("Auto-Submitted: no", "x", "message"),
        ("Precedence: bulk", "x", "auto_reply"),
        ("Precedence: junk", "x", "auto_reply"),
        ("Precedence: list", "x", "message"),
        ("Precedence: auto_reply", "x", "auto_reply"),
        ("X-Autoreply: yes", "x", "auto_reply"),
        ("X-Autorespond: yes", "x", "auto_reply"),
        ("List-Id: <news.example.com>", "x", "message"),
        ("X-MS-Exchange-Inbox-Rules-Loop: a@b.c", "x", "auto_reply"),
        ("X-Loop: procmail@example.org", "x", "message"),
        ("X-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent", "x", "auto_reply"),
        ("X-MS-Exchange-Organization-SCL: 1", "x", "message"),
        ("X-Auto-Response-Suppress: All", "x", "message"),
        ("Return-Path: <>", "Hello", "auto_reply"),
        ("Return-Path: <>", "Undelivered Mail Returned to Sender", "bounce"),
        ("Return-Path: <someone@example.org>", "Undelivered Mail Returned to Sender", "message"),
        ("Content-Type: multipart/report; report-type=disposition-notification; boundary=x", "Read: x", "auto_reply"),
        ("X-Mailer: x", "Auto reply feature is broken", "message"),
        ("X-Mailer: x", "Automatische Antwort: Urlaub", "auto_reply"),
        ("X-Mailer: Outlook", "Out of Office: back Monday", "auto_reply"),
        ("X-Mailer: Foxmail", "自动回复：您好", "auto_reply"),
        ("X-Failed-Recipients: a@b.c", "x", "bounce"),
        ("Content-Type: multipart/report; report-type=delivery-status; boundary=x", "x", "bounce"),
        ("X-Mailer: Outlook", "Why was my reply automatic?", "message"),
    ],
)
def test_machine_mail_is_recognised(headers, subject, kind):
    assert loops.classify(_msg(headers), sender="someone@example.org", subject=subject) == kind


def test_mailer_daemons_are_bounces():
    assert loops.classify(_msg("X-Mailer: x"), sender="mailer-daemon@mx.example", subject="x") == "bounce"
    assert loops.classify(_msg("X-Mailer: x"), sender="postmaster@mx.example", subject="x") == "bounce"


def test_our_own_address_includes_plus_variants(settings):
    settings.SUPPORT_EMAIL_ADDRESS = "Help <Help@Wallet.example>"

    assert loops.is_own_address("help@wallet.example")
    assert loops.is_own_address("help+SD-000123@wallet.example")
    assert not loops.is_own_address("help@other.example")
    assert not loops.is_own_address("")


def test_list_and_forwarded_mail_is_a_message_that_gets_no_automatic_answer():
    assert loops.wants_no_automatic_answer(_msg("List-Id: <users.lists.example.org>"))
    assert loops.wants_no_automatic_answer(_msg("Precedence: list"))
    assert loops.wants_no_automatic_answer(_msg("X-Loop: forward@example.org"))
    assert not loops.wants_no_automatic_answer(_msg("Precedence: bulk"))


def _report(action: str, status: str) -> bytes:
    return (
        "From: MAILER-DAEMON@mx.example\r\nContent-Type: multipart/report; report-type=delivery-status; "
        'boundary="r"\r\nIn-Reply-To: <ours@x>\r\n\r\n--r\r\nContent-Type: text/plain\r\n\r\nReport\r\n'
        "--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\n"
        f"Final-Recipient: rfc822; Who@Example.org\r\nAction: {action}\r\nStatus: {status}\r\n"
        "Diagnostic-Code: smtp; 550 no\r\n\r\n--r\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        "Message-ID: <original@x>\r\n\r\n--r--\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("action", "status", "bounce_type"),
    [("failed", "5.1.1", "hard"), ("delayed", "4.4.1", "soft"), ("relayed", "2.0.0", "notice")],
)
def test_a_delivery_report_says_what_failed_and_which_mail(action, status, bounce_type):
    report = loops.bounce_report(message_from_bytes(_report(action, status), policy=policy.default))

    assert report.bounce_type == bounce_type
    assert report.original_ids == ["original@x", "ours@x"]
    assert report.recipients == ["who@example.org"]
    assert report.diagnostic == f"{status}; smtp; 550 no"


@pytest.mark.parametrize(
    ("text", "bounce_type"),
    [
        ("This is a permanent error. (#5.1.1)", "hard"),
        ("Message delayed; we will keep trying for 5 days.", "soft"),
        ("Your message could not be delivered.", "hard"),
    ],
)
def test_a_plain_text_bounce_is_judged_by_its_words(text, bounce_type):
    raw = f"From: postmaster@mx.example\r\nX-Failed-Recipients: a@b.org\r\n\r\n{text}\r\n".encode()

    report = loops.bounce_report(message_from_bytes(raw, policy=policy.default))

    assert (report.bounce_type, report.recipients) == (bounce_type, ["a@b.org"])
