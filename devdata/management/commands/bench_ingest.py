from django.core.management.base import BaseCommand

from devdata import imapserver
from devdata.bench.ingest import run_ingest_bench


class Command(BaseCommand):
    help = "Email ingestion throughput in one process: N generated mails polled over IMAPS (or read from bytes)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--messages", type=int, default=500)
        parser.add_argument("--no-imap", action="store_true", help="skip the local Dovecot, ingest the bytes")

    def handle(self, *args, messages: int, no_imap: bool, **options) -> None:
        use_imap = imapserver.available() and not no_imap
        result = run_ingest_bench(messages=messages, use_imap=use_imap)
        self.stdout.write(
            f"Email ingestion on {result.vendor} ({result.mode}): {result.messages} mails"
            f" ({result.new_tickets} new tickets, {result.replies} replies, {result.quarantined} quarantined)"
            f" in {result.seconds:.2f} s = {result.per_second:.1f} messages/s (target >= 50);"
            f" {result.cpu_seconds:.2f} s of this process's CPU = {result.per_cpu_second:.1f} messages per CPU-second"
        )
