"""Find (and with --redact remove) wallet secrets already stored in ticket messages and subjects.

Reports counts per kind and the affected ticket references, never the secrets.
Works in primary-key batches so memory stays flat on large tables.
"""

from collections import Counter

from django.core.management.base import BaseCommand

from tickets.models import Ticket, TicketMessage, ticket_reference
from tickets.safety import find_secrets
from tickets.safety.services import message_redact_secrets, ticket_subject_redact_secrets


class Command(BaseCommand):
    help = "Report recovery phrases, private keys and keystores stored in ticket messages; --redact removes them."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--redact", action="store_true", help="Replace certain findings with placeholders.")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, redact: bool, batch_size: int, **options) -> None:
        counts: Counter[tuple[str, str]] = Counter()
        tickets: set[int] = set()
        redacted = 0
        for message in self._batches(TicketMessage.objects.only("id", "ticket_id", "body", "body_html"), batch_size):
            findings = find_secrets(message.body) + find_secrets(message.body_html)
            if not findings:
                continue
            counts.update((finding.kind, finding.confidence) for finding in findings)
            tickets.add(message.ticket_id)
            if redact and any(finding.is_certain for finding in findings) and message_redact_secrets(message=message):
                redacted += 1
        for ticket in self._batches(Ticket.objects.only("id", "subject"), batch_size):
            findings = find_secrets(ticket.subject)
            if not findings:
                continue
            counts.update((finding.kind, finding.confidence) for finding in findings)
            tickets.add(ticket.pk)
            if redact and ticket_subject_redact_secrets(ticket=ticket):
                redacted += 1
        for (kind, confidence), count in sorted(counts.items()):
            self.stdout.write(f"{kind} ({confidence}): {count}")
        self.stdout.write(f"tickets affected: {', '.join(ticket_reference(pk) for pk in sorted(tickets)) or 'none'}")
        if redact:
            self.stdout.write(self.style.SUCCESS(f"redacted {redacted} messages or subjects"))

    @staticmethod
    def _batches(queryset, batch_size: int):
        last_id = 0
        while True:
            batch = list(queryset.filter(pk__gt=last_id).order_by("pk")[:batch_size])
            if not batch:
                return
            yield from batch
            last_id = batch[-1].pk
