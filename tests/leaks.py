"""Finding a secret wherever the desk could have kept it: every text and binary column of every table,
log output, sent mail and the file storage.

Reusable by any test that must prove some value is never stored (the wallet-safety canary, privacy
tests): build the needles once with `needles_for_phrase` / `needles_for_hex_key` (or your own),
then `leaks(needles, logs=..., outbox=..., folders=...)` returns where each one was found, as
readable places ("tickets.TicketMessage.body #12", "mail[0]", "file …/x.txt"); an empty list
means nothing leaked.

Encrypted columns (supportdesk.kit.crypto) are read decrypted, and a searchable one is also matched
by its blind index, so a value whose plaintext went but whose keyed hash stayed is still found;
encrypted files (supportdesk.kit.encrypted_storage) are read decrypted.

Matching is done on a normalised copy of every haystack: NFKC, lower case, and once more with all
whitespace removed, so a phrase joined by spaces, by newlines or by nothing, full-width letters or
an upper-case key all count. Mail (stored raw sources and sent messages) is also decoded part by
part (base64, quoted-printable, any charset, encoded headers) before matching.
"""

from __future__ import annotations

import email
import json
import re
import unicodedata
from collections.abc import Iterable
from email.header import decode_header, make_header
from pathlib import Path

from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.db import models

from supportdesk.kit.crypto import EncryptedTextField
from supportdesk.kit.encrypted_storage import DecryptingReader, read_header

_WHITESPACE = re.compile(r"\s+")
_STORED_TYPES = (models.CharField, models.TextField, models.JSONField, models.BinaryField)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def needles_for_phrase(phrase: str) -> set[str]:
    """The whole phrase (any separator) and its first half: a truncated copy is a leak too."""
    words = normalise(phrase).split()
    return {"".join(words), "".join(words[: len(words) // 2])}


def needles_for_hex_key(key: str) -> set[str]:
    """The key without 0x (so with or without it matches) and each half of it."""
    digits = normalise(key).removeprefix("0x")
    return {digits, digits[: len(digits) // 2], digits[len(digits) // 2 :]}


def _found(needles: set[str], text: str) -> bool:
    folded = _WHITESPACE.sub("", normalise(text))
    return any(needle in folded for needle in needles)


def _mail_text(raw: bytes) -> str:
    """Headers and every decoded part of a raw mail (best effort: whatever the library can split out)."""
    message = email.message_from_bytes(raw)
    texts = []
    for name, value in message.items():
        try:
            texts.append(f"{name}: {make_header(decode_header(str(value)))}")
        except (ValueError, LookupError, UnicodeError):
            texts.append(f"{name}: {value}")
    for part in message.walk():
        payload = None if part.is_multipart() else part.get_payload(decode=True)
        if payload:
            texts.append(payload.decode(part.get_content_charset() or "utf-8", errors="replace"))
    return "\n".join(texts)


def _as_text(value) -> str:
    if isinstance(value, bytes | memoryview | bytearray):
        raw = bytes(value)
        return raw.decode("utf-8", errors="replace") + "\n" + _mail_text(raw)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def stored_columns() -> list[tuple[type[models.Model], list[str]]]:
    """Every concrete model with its text, JSON and binary columns."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [field.attname for field in model._meta.concrete_fields if isinstance(field, _STORED_TYPES)]
        if names:
            found.append((model, names))
    return found


def _column_text(model, name: str, value) -> str:
    if model._meta.label == "sessions.Session" and name == "session_data":
        # Sessions are stored signed and compressed: what they hold is what counts.
        return _as_text(SessionStore().decode(value))
    return _as_text(value)


def database_leaks(needles: set[str]) -> list[str]:
    places = []
    for model, names in stored_columns():
        for row in model._base_manager.values_list("pk", *names).iterator():
            for name, value in zip(names, row[1:], strict=True):
                if value not in (None, "", b"") and _found(needles, _column_text(model, name, value)):
                    places.append(f"{model._meta.label}.{name} #{row[0]}")
    return places + blind_index_leaks(needles)


def blind_index_leaks(needles: set[str]) -> list[str]:
    """Rows whose stored keyed hash is that of a needle (the plaintext may be gone, the hash finds the person)."""
    places = []
    for model, _names in stored_columns():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField) and field.searchable:
                for needle in needles:
                    for pk in model._base_manager.filter(**{f"{field.name}__blind": needle}).values_list(
                        "pk", flat=True
                    ):
                        places.append(f"{model._meta.label}.{field.name} #{pk} (blind index)")
    return places


def mail_leaks(needles: set[str], outbox: Iterable) -> list[str]:
    places = []
    for index, message in enumerate(outbox):
        if _found(needles, _mail_text(message.message().as_bytes())):
            places.append(f"mail[{index}] {message.subject!r}")
    return places


def _file_bytes(path: Path) -> bytes:
    """The contents, decrypted when the file is one of the encrypted storage's."""
    with path.open("rb") as raw:
        header = read_header(raw)
        if header is None:
            return path.read_bytes()
        with DecryptingReader(raw, *header) as plain:
            return plain.read()


def file_leaks(needles: set[str], folders: Iterable[Path]) -> list[str]:
    return [
        f"file {path}"
        for folder in folders
        for path in sorted(Path(folder).rglob("*"))
        if path.is_file() and _found(needles, _as_text(_file_bytes(path)))
    ]


def leaks(needles: set[str], *, logs: str = "", outbox: Iterable = (), folders: Iterable[Path] = ()) -> list[str]:
    """Every place any needle was found: database, log text, sent mail, files."""
    places = database_leaks(needles) + mail_leaks(needles, outbox) + file_leaks(needles, folders)
    if logs and _found(needles, logs):
        places.append("log output")
    return places
