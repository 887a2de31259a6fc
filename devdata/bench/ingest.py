"""Email ingestion throughput (`manage.py bench_ingest`, issue 22: >= 50 messages/s in one worker process).

Generates a realistic mix (plain English, Chinese in GB18030, HTML only, a screenshot attached, and replies that
thread onto the tickets the first mails opened), then times what the worker's IMAP poll does for each: store the
raw bytes, run the safety gate, parse, thread, create the ticket or reply, queue the acknowledgement, flag \\Seen.
With Dovecot installed the mail really goes through IMAPS from a local server (devdata/imapserver.py); without,
the same `inbound_email_receive` is called on the bytes. Everything it created is deleted afterwards.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from django.db import connection
from django.test import override_settings

from devdata import imapserver
from tickets.email import imap
from tickets.email.models import InboundEmail, InboundSource, InboundStatus
from tickets.email.services import inbound_email_receive
from tickets.models import AuthorKind, Customer, Ticket, TicketMessage

DOMAIN = "ingest-bench.example.net"
# A valid 1x1 PNG: attachments go through the real upload checks.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e5273de50000000049454e44ae426082"
)


@dataclass
class IngestResult:
    vendor: str
    mode: str
    messages: int
    new_tickets: int
    replies: int
    quarantined: int
    seconds: float
    cpu_seconds: float

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    @property
    def per_cpu_second(self) -> float:
        """Throughput per second of this process's CPU: what one dedicated core does on a shared machine."""
        return self.messages / self.cpu_seconds if self.cpu_seconds else 0.0


def _mail(number: int, *, subject: str | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = f"Customer {number} <customer{number}@{DOMAIN}>"
    message["To"] = "support@supportdesk.local"
    message["Message-ID"] = f"<bench-{number}-{time.time_ns()}@{DOMAIN}>"
    kind = number % 10
    if kind in (0, 1):
        message["Subject"] = subject or f"提现 {number} 还没到账"
        message.set_content(
            f"你好，我的提现 {number} 已经两个小时了还没到账，交易哈希在下面。\n" * 3, charset="gb18030"
        )
    elif kind == 2:
        message["Subject"] = subject or f"Swap {number} failed"
        message.set_content(
            f"<html><body><p>My swap <b>{number}</b> failed.</p><p>Please help.</p></body></html>", subtype="html"
        )
    elif kind == 3:
        message["Subject"] = subject or f"Screenshot of the error {number}"
        message.set_content("The app shows this error, screenshot attached.")
        message.add_attachment(PNG, maintype="image", subtype="png", filename="error.png")
    else:
        message["Subject"] = subject or f"Withdrawal {number} is stuck"
        message.set_content(f"Hello, my withdrawal {number} has been pending for two hours.\nThanks.\n" * 3)
    return message.as_bytes()


def _replies(count: int) -> list[bytes]:
    tickets = Ticket.objects.filter(customer__email__endswith=f"@{DOMAIN}").select_related("customer")[:count]
    return [
        _mail(
            int(ticket.customer.email.split("@")[0].removeprefix("customer")),
            subject=f"Re: [{ticket.reference}] more details",
        )
        for ticket in tickets
    ]


def remove() -> None:
    customers = Customer.objects.filter(email__endswith=f"@{DOMAIN}")
    Ticket.objects.filter(customer__in=customers).delete()
    InboundEmail.objects.filter(from_address__endswith=f"@{DOMAIN}").delete()
    customers.delete()


def run_ingest_bench(*, messages: int, use_imap: bool) -> IngestResult:
    """Ingest `messages` mails (80 % new tickets, then 20 % replies to them); the clock covers only ingestion."""
    remove()
    # Warm-up, not timed: URL resolver, language models, templates, the first connection.
    _direct_ingest([_mail(number) for number in range(-5, 0)])
    remove()
    first = [_mail(number) for number in range(int(messages * 0.8))]
    ingest = _imap_ingest if use_imap else _direct_ingest
    try:
        seconds, cpu_seconds = ingest(first)
        more_seconds, more_cpu_seconds = ingest(_replies(messages - len(first)))
        seconds, cpu_seconds = seconds + more_seconds, cpu_seconds + more_cpu_seconds
        received = InboundEmail.objects.filter(from_address__endswith=f"@{DOMAIN}")
        new_tickets = Ticket.objects.filter(customer__email__endswith=f"@{DOMAIN}").count()
        customer_messages = TicketMessage.objects.filter(
            ticket__customer__email__endswith=f"@{DOMAIN}", author_kind=AuthorKind.CUSTOMER
        ).count()
        return IngestResult(
            vendor=connection.vendor,
            mode="IMAPS from a local Dovecot" if use_imap else "inbound_email_receive on the bytes",
            messages=received.count(),
            new_tickets=new_tickets,
            replies=customer_messages - new_tickets,
            quarantined=received.filter(status=InboundStatus.QUARANTINED).count(),
            seconds=seconds,
            cpu_seconds=cpu_seconds,
        )
    finally:
        remove()


def _timed(action: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of `action` (the CPU of this process: parsing, the ORM, SQLite itself)."""
    started, cpu_started = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - started, time.process_time() - cpu_started


def _direct_ingest(raws: list[bytes]) -> tuple[float, float]:
    return _timed(lambda: [inbound_email_receive(raw=raw, source=InboundSource.FILE) for raw in raws])


def _imap_ingest(raws: list[bytes]) -> tuple[float, float]:
    directory = Path(tempfile.mkdtemp(prefix="bench-dovecot-"))
    directory.chmod(0o755)
    try:
        with imapserver.Dovecot(directory) as server:
            server.append(*raws)
            with override_settings(
                IMAP_USER=imapserver.USER,
                IMAP_PASSWORD=imapserver.PASSWORD,
                IMAP_FOLDER="INBOX",
                IMAP_BATCH_SIZE=len(raws),
            ):
                return _timed(lambda: imap.poll_mailbox(connect=server.connect))
    finally:
        shutil.rmtree(directory, ignore_errors=True)
