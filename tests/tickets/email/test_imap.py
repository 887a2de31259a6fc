"""IMAP polling against a fake IMAP4 server object injected at the connection boundary.

Everything after the fetch (parsing, threading, storage) is the real code path.
"""

import pytest

from tickets import tasks
from tickets.email import imap
from tickets.email.models import InboundEmail, InboundSource, InboundStatus
from tickets.models import Ticket


class FakeIMAP:
    """Just enough of imaplib.IMAP4 for UID SEARCH / FETCH / STORE, with the real response shapes."""

    def __init__(self, messages: dict[bytes, bytes], *, password: str = "secret"):  # noqa: S107 - a fake server
        self.messages = messages
        self.seen: set[bytes] = set()
        self.password = password
        self.selected = None
        self.logged_out = False

    def login(self, user, password):
        if password != self.password:
            return "NO", [b"[AUTHENTICATIONFAILED] Invalid credentials"]
        return "OK", [b"LOGIN completed"]

    def select(self, folder):
        self.selected = folder
        return "OK", [str(len(self.messages)).encode()]

    def uid(self, command, *args):
        if command == "SEARCH":
            unseen = [uid for uid in sorted(self.messages) if uid not in self.seen]
            return "OK", [b" ".join(unseen)]
        if command == "FETCH":
            uid = args[0]
            raw = self.messages[uid]
            return "OK", [(b"1 (UID " + uid + b" BODY[] {" + str(len(raw)).encode() + b"}", raw), b")"]
        if command == "STORE":
            self.seen.add(args[0])
            return "OK", [b"1 (FLAGS (\\Seen))"]
        raise AssertionError(command)

    def logout(self):
        self.logged_out = True
        return "BYE", [b"LOGOUT"]


@pytest.fixture
def imap_settings(settings):
    settings.IMAP_HOST = "imap.example.com"
    settings.IMAP_USER = "support@supportdesk.local"
    settings.IMAP_PASSWORD = "secret"
    settings.IMAP_FOLDER = "Support"
    return settings


def test_it_imports_unseen_mail_and_marks_it_seen(db, imap_settings, mail_fixture):
    server = FakeIMAP(
        {
            b"7": mail_fixture("02_gbk_base64.eml"),
            b"8": mail_fixture("16_no_sender.eml"),
            b"9": mail_fixture("13_duplicate_of_01.eml"),
            b"10": mail_fixture("01_new_utf8_qp.eml"),
        }
    )

    result = imap.poll_mailbox(connect=lambda: server)

    assert (result.fetched, result.created) == (4, 3)
    assert server.seen == {b"7", b"8", b"9", b"10"}
    assert server.selected == "Support"
    assert server.logged_out
    assert set(InboundEmail.objects.values_list("source", "status")) == {
        (InboundSource.IMAP, InboundStatus.PROCESSED),
        (InboundSource.IMAP, InboundStatus.QUARANTINED),
    }
    assert Ticket.objects.get(customer__email="liming@example.cn").subject == "转账没有到账 镕"
    assert imap.poll_mailbox(connect=lambda: server).fetched == 0


def test_it_fetches_at_most_a_batch_per_poll(db, imap_settings, mail_fixture):
    imap_settings.IMAP_BATCH_SIZE = 1
    server = FakeIMAP({b"1": mail_fixture("02_gbk_base64.eml"), b"2": mail_fixture("03_big5_8bit.eml")})

    assert imap.poll_mailbox(connect=lambda: server).fetched == 1
    assert imap.poll_mailbox(connect=lambda: server).fetched == 1
    assert Ticket.objects.count() == 2


def test_a_message_that_could_not_be_stored_stays_unseen(db, imap_settings, mail_fixture, monkeypatch):
    server = FakeIMAP({b"1": mail_fixture("02_gbk_base64.eml")})

    def database_down(**kwargs):
        raise ConnectionError("database is down")

    monkeypatch.setattr(imap, "inbound_email_receive", database_down)
    with pytest.raises(ConnectionError):
        imap.poll_mailbox(connect=lambda: server)

    assert server.seen == set()
    assert server.logged_out


def test_a_refused_login_raises_and_logs_out(db, imap_settings):
    server = FakeIMAP({}, password="other")

    with pytest.raises(imap.IMAPError, match="LOGIN failed"):
        imap.poll_mailbox(connect=lambda: server)

    assert server.logged_out


def test_the_scheduled_task_polls_the_configured_mailbox(db, imap_settings, mail_fixture, monkeypatch):
    server = FakeIMAP({b"1": mail_fixture("03_big5_8bit.eml")})
    monkeypatch.setattr(imap, "connect_imaps", lambda: server)

    assert tasks.poll_imap_mailbox() == 1
    assert Ticket.objects.get().customer.email == "chan@example.hk"
