"""`manage.py import_email`: .eml files, mbox, Maildir, folders and stdin, on the whole fixture corpus."""

import io
import mailbox
import shutil
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from tests.conftest import MAIL_FIXTURES
from tickets.email.models import InboundEmail, InboundKind, InboundResult, InboundSource, InboundStatus
from tickets.models import Ticket


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_email", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_folder_of_mixed_real_world_mail(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        out, err = run(str(MAIL_FIXTURES))

    assert out.strip() == "Imported: 1 duplicate, 3 ignored, 12 processed, 1 quarantined."
    assert "14_broken_mime.eml" not in err, "a broken multipart is read as a human would"
    assert "16_no_sender.eml: quarantined" in err and "no usable sender address" in err
    wei = Ticket.objects.filter(customer__email="wei.zhang@customer.example").order_by("id")
    first = wei.first()
    followup = InboundEmail.objects.get(message_id="new-1-followup@customer.example")
    assert (followup.ticket, followup.result) == (first, InboundResult.REPLY)
    assert followup.ticket_message.body == "It is still pending, now 5 hours."
    results = dict(InboundEmail.objects.values_list("message_id", "result"))
    # The out-of-office answers none of our mail: it opens no ticket and gets no answer.
    assert results["ooo-1@customer.example"] == InboundResult.NONE
    assert InboundEmail.objects.get(message_id="ooo-1@customer.example").kind == InboundKind.AUTO_REPLY
    # Every new ticket is acknowledged; nothing goes to our own address.
    new_tickets = InboundEmail.objects.filter(result=InboundResult.NEW_TICKET).count()
    acknowledged = {message.to[0] for message in mail.outbox}
    assert len(mail.outbox) == new_tickets
    assert "support@supportdesk.local" not in acknowledged


def test_running_the_import_twice_creates_nothing_new(db):
    run(str(MAIL_FIXTURES))
    counts = (InboundEmail.objects.count(), Ticket.objects.count())

    out, _err = run(str(MAIL_FIXTURES))

    assert out.strip() == "Imported: 17 duplicate."
    assert (InboundEmail.objects.count(), Ticket.objects.count()) == counts


def test_an_mbox_file(db, tmp_path):
    box = mailbox.mbox(tmp_path / "export.mbox")
    for name in ("02_gbk_base64.eml", "03_big5_8bit.eml"):
        box.add((MAIL_FIXTURES / name).read_bytes())
    box.flush()

    out, _err = run(str(tmp_path / "export.mbox"))

    assert out.strip() == "Imported: 2 processed."
    assert set(Ticket.objects.values_list("customer__email", flat=True)) == {"liming@example.cn", "chan@example.hk"}


def test_a_maildir(db, tmp_path):
    box = mailbox.Maildir(tmp_path / "Maildir")
    box.add((MAIL_FIXTURES / "07_attachments.eml").read_bytes())
    box.flush()

    out, _err = run(str(tmp_path / "Maildir"))

    assert out.strip() == "Imported: 1 processed."
    assert Ticket.objects.get().messages.get().attachments.count() == 2


def test_single_files_and_verbose_output(db, tmp_path):
    shutil.copy(MAIL_FIXTURES / "06_html_only.eml", tmp_path / "a.eml")

    out, _err = run(str(tmp_path / "a.eml"), "--verbosity", "2")

    ticket = Ticket.objects.get()
    assert f"a.eml: processed New ticket {ticket.reference}" in out


def test_standard_input(db, monkeypatch):
    raw = (MAIL_FIXTURES / "03_big5_8bit.eml").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))

    out, _err = run("-")

    assert out.strip() == "Imported: 1 processed."
    assert InboundEmail.objects.get().source == InboundSource.STDIN
    assert InboundEmail.objects.get().status == InboundStatus.PROCESSED


def test_a_missing_path_is_a_clear_error(db):
    with pytest.raises(CommandError, match=r"No such file or folder: /nowhere\.eml"):
        run(str(Path("/nowhere.eml")))
