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
        ("Precedence: list", "x", "auto_reply"),
        ("X-Autoreply: yes", "x", "auto_reply"),
        ("X-Autorespond: yes", "x", "auto_reply"),
        ("List-Id: <news.example.com>", "x", "auto_reply"),
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
