"""`manage.py import_email PATH [PATH...]`: .eml files, mbox files, Maildir folders, folders of .eml, `-` for stdin."""

from __future__ import annotations

import mailbox
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tickets.email.models import InboundSource, InboundStatus
from tickets.email.services import inbound_email_receive


def _is_maildir(path: Path) -> bool:
    return all((path / sub).is_dir() for sub in ("cur", "new", "tmp"))


def _is_mbox(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


def _messages(path: Path) -> Iterator[tuple[str, bytes]]:
    """(label, raw bytes) for every message under `path`."""
    if path.is_dir() and _is_maildir(path):
        box = mailbox.Maildir(path, factory=None, create=False)
        for key in sorted(box.keys()):
            yield f"{path}:{key}", box.get_bytes(key)
    elif path.is_dir():
        for child in sorted(p for p in path.iterdir() if not p.name.startswith(".")):
            yield from _messages(child)
    elif _is_mbox(path):
        box = mailbox.mbox(path, create=False)
        for key in box.iterkeys():
            yield f"{path}#{key}", box.get_bytes(key)
    else:
        yield str(path), path.read_bytes()


class Command(BaseCommand):
    help = "Import raw mail into tickets (same path as IMAP polling). Duplicates (same Message-ID) are skipped."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help=".eml file, mbox file, Maildir or folder; '-' reads stdin")

    def handle(self, *args, paths: list[str], **options):
        counts: Counter[str] = Counter()
        for label, raw, source in self._sources(paths):
            inbound, created = inbound_email_receive(raw=raw, source=source)
            outcome = inbound.status if created else "duplicate"
            counts[outcome] += 1
            if outcome == InboundStatus.QUARANTINED:
                self.stderr.write(f"{label}: quarantined (#{inbound.pk}): {inbound.error}")
            elif options["verbosity"] >= 2:
                ticket = inbound.ticket.reference if inbound.ticket_id else "-"
                self.stdout.write(f"{label}: {outcome} {inbound.get_result_display()} {ticket}")
        summary = ", ".join(f"{counts[key]} {key}" for key in sorted(counts)) or "no messages"
        self.stdout.write(self.style.SUCCESS(f"Imported: {summary}."))

    def _sources(self, paths: list[str]) -> Iterator[tuple[str, bytes, str]]:
        for name in paths:
            if name == "-":
                yield "stdin", sys.stdin.buffer.read(), InboundSource.STDIN
                continue
            path = Path(name)
            if not path.exists():
                raise CommandError(f"No such file or folder: {name}")
            for label, raw in _messages(path):
                yield label, raw, InboundSource.FILE
