"""Polling the support mailbox over IMAPS; each fetched mail goes through the same path as `import_email`.

A message is flagged \\Seen only after its raw bytes are stored, so a crash or
a database outage in between means it is fetched again next time (and the
Message-ID check makes that harmless).
"""

from __future__ import annotations

import imaplib
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from tickets.email.models import InboundSource
from tickets.email.services import inbound_email_receive

logger = logging.getLogger(__name__)


class IMAPError(RuntimeError):
    """The server refused a command."""


@dataclass(frozen=True)
class PollResult:
    fetched: int
    created: int


def connect_imaps() -> imaplib.IMAP4:
    return imaplib.IMAP4_SSL(settings.IMAP_HOST, settings.IMAP_PORT, ssl_context=ssl.create_default_context())


def _check(response: tuple[str, list], command: str) -> list:
    status, data = response
    if status != "OK":
        raise IMAPError(f"IMAP {command} failed: {status} {data!r}")
    return data


def _message_bytes(data: list) -> bytes:
    """The literal of a FETCH (BODY.PEEK[]) response: [(b'1 (UID 7 BODY[] {123}', b'...'), b')']."""
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    raise IMAPError("IMAP FETCH returned no message body")


def poll_mailbox(*, connect: Callable[[], imaplib.IMAP4] | None = None) -> PollResult:
    """Import up to IMAP_BATCH_SIZE unseen messages from IMAP_FOLDER (`connect` is replaceable in tests)."""
    client = (connect or connect_imaps)()
    fetched = created = 0
    try:
        _check(client.login(settings.IMAP_USER, settings.IMAP_PASSWORD), "LOGIN")
        _check(client.select(settings.IMAP_FOLDER), "SELECT")
        uids = _check(client.uid("SEARCH", None, "UNSEEN"), "SEARCH")[0].split()
        for uid in uids[: settings.IMAP_BATCH_SIZE]:
            raw = _message_bytes(_check(client.uid("FETCH", uid, "(BODY.PEEK[])"), "FETCH"))
            _inbound, was_new = inbound_email_receive(raw=raw, source=InboundSource.IMAP)
            _check(client.uid("STORE", uid, "+FLAGS", "(\\Seen)"), "STORE")
            fetched += 1
            created += was_new
    finally:
        try:
            client.logout()
        except (imaplib.IMAP4.error, OSError) as error:
            logger.info("IMAP logout failed: %s", error)
    logger.info("IMAP poll: %s fetched, %s new", fetched, created)
    return PollResult(fetched=fetched, created=created)
