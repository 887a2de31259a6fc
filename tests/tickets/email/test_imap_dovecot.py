"""IMAP polling against a real server: Dovecot on loopback over IMAPS (devdata/imapserver.py).

What a fake cannot show: real response shapes and literals, TLS, a mailbox larger than one batch, and a
connection that drops in the middle of a FETCH — after which nothing may be lost and nothing imported twice.
"""

import imaplib
import os
import shutil
import tempfile
from email.message import EmailMessage
from pathlib import Path

import pytest

from devdata import imapserver
from tickets.email import imap
from tickets.email.models import InboundEmail, InboundSource
from tickets.models import Ticket

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not imapserver.available() and not os.environ.get("E2E_REQUIRED"),
        reason="dovecot-imapd is not installed (apt-get install dovecot-imapd)",
    ),
]


@pytest.fixture
def dovecot(settings):
    # Not tmp_path: Dovecot's mail processes run as its own user, who cannot enter pytest's 0700 directories.
    directory = Path(tempfile.mkdtemp(prefix="dovecot-"))
    directory.chmod(0o755)
    settings.IMAP_HOST = "127.0.0.1"
    settings.IMAP_USER = imapserver.USER
    settings.IMAP_PASSWORD = imapserver.PASSWORD
    settings.IMAP_FOLDER = "INBOX"
    try:
        with imapserver.Dovecot(directory) as server:
            settings.IMAP_PORT = server.port
            yield server
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def mail(number: int, *, body_size: int = 0) -> bytes:
    message = EmailMessage()
    message["From"] = f"Customer {number} <customer{number}@example.com>"
    message["To"] = "support@supportdesk.test"
    message["Subject"] = f"Withdrawal {number} is stuck"
    message["Message-ID"] = f"<mail-{number}@example.com>"
    message.set_content(f"Mail {number}: my withdrawal has not arrived.\n" + "Details. " * (body_size // 9))
    return message.as_bytes()


def poll(server: imapserver.Dovecot, port: int | None = None) -> imap.PollResult:
    return imap.poll_mailbox(connect=lambda: server.connect(port))


def test_mail_is_imported_over_imaps_and_marked_seen(dovecot, mail_fixture):
    dovecot.append(mail_fixture("07_attachments.eml"), mail(1))

    result = poll(dovecot)

    assert (result.fetched, result.created) == (2, 2)
    assert dovecot.unseen() == 0
    assert set(InboundEmail.objects.values_list("source", flat=True)) == {InboundSource.IMAP}
    assert Ticket.objects.filter(subject="Withdrawal 1 is stuck").exists()
    assert poll(dovecot).fetched == 0


def test_a_mailbox_larger_than_a_batch_is_imported_once_over_several_polls(dovecot, settings):
    settings.IMAP_BATCH_SIZE = 12
    dovecot.append(*(mail(number) for number in range(30)))

    fetched = [poll(dovecot).fetched for _ in range(4)]

    assert fetched == [12, 12, 6, 0]
    assert InboundEmail.objects.count() == 30
    assert Ticket.objects.count() == 30


def test_a_connection_dropped_mid_fetch_loses_nothing_and_imports_nothing_twice(dovecot):
    count = 6
    dovecot.append(*(mail(number, body_size=30_000) for number in range(count)))
    relay = imapserver.CuttingRelay(dovecot.port, cut_after=75_000)  # inside the third message's literal
    try:
        with pytest.raises((imaplib.IMAP4.error, OSError)):
            poll(dovecot, port=relay.port)
    finally:
        relay.close()
    assert relay.cut.is_set()
    imported_before_the_drop = InboundEmail.objects.count()
    assert 0 < imported_before_the_drop < count
    assert dovecot.unseen() == count - imported_before_the_drop

    result = poll(dovecot)

    assert result.fetched == count - imported_before_the_drop
    assert InboundEmail.objects.count() == count
    assert sorted(InboundEmail.objects.values_list("message_id", flat=True)) == sorted(
        f"mail-{number}@example.com" for number in range(count)
    )
    assert dovecot.unseen() == 0


def test_mail_fetched_again_after_its_seen_flag_was_lost_is_not_imported_twice(dovecot):
    dovecot.append(*(mail(number) for number in range(3)))
    poll(dovecot)
    client = dovecot.connect()
    client.login(imapserver.USER, imapserver.PASSWORD)
    client.select("INBOX")
    client.store("1:*", "-FLAGS", "(\\Seen)")
    client.logout()

    result = poll(dovecot)

    assert (result.fetched, result.created) == (3, 0)
    assert InboundEmail.objects.count() == 3


def test_a_wrong_password_imports_nothing(dovecot, settings):
    settings.IMAP_PASSWORD = "not-the-password"
    dovecot.append(mail(1))

    with pytest.raises(imaplib.IMAP4.error):
        poll(dovecot)

    assert not InboundEmail.objects.exists()
    assert dovecot.unseen() == 1
