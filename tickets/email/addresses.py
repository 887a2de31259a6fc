"""Who sent a mail: the first usable address of From, then Sender, Reply-To and Return-Path.

Address headers are read as sent and, when that gives no valid address, again
after RFC 2047 decoding (some software encodes the whole `Name <address>`, or the
address itself, as encoded words), and finally by picking an address out of
whatever is left. Only an address Django's validator accepts is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from email.utils import getaddresses

from django.core.exceptions import ValidationError

from supportdesk.kit.text import normalise_email
from tickets.email.charsets import decode_header_value, repair_header

# In order of preference (RFC 5322 §3.6.2: Sender is the agent that sent on behalf of From).
SENDER_HEADERS = ("From", "Sender", "Reply-To", "Return-Path")
_LOOSE_ADDRESS = re.compile(r"[^\s<>()\[\]\\,;:\"']+@[^\s<>()\[\]\\,;:\"']+\.[^\s<>()\[\]\\,;:\"'.]+")


@dataclass(frozen=True)
class Sender:
    address: str
    name: str
    header: str


def raw_header_values(msg: Message, name: str) -> list[str]:
    """Every value of the header as stored (before policy parsing), so 8-bit bytes can still be repaired."""
    return [str(value) for key, value in msg.raw_items() if key.lower() == name.lower()]


def _usable(address: str) -> str:
    try:
        return normalise_email(repair_header(address))
    except ValidationError:
        return ""


def addresses_in(value: str) -> list[tuple[str, str]]:
    """(display name, valid address) pairs of an address header, decoding it when it is not readable as sent."""
    found = [(name, _usable(address)) for name, address in getaddresses([value])]
    found = [(decode_header_value(name), address) for name, address in found if address]
    if found:
        return found
    decoded = decode_header_value(value)
    found = [(name, _usable(address)) for name, address in getaddresses([decoded])]
    found = [(name.strip(), address) for name, address in found if address]
    if found:
        return found
    loose = [_usable(match) for match in _LOOSE_ADDRESS.findall(decoded)]
    name = decoded.split("<", 1)[0].strip().strip('"').strip()
    return [(name if "@" not in name else "", address) for address in loose if address]


def find_sender(msg: Message) -> Sender | None:
    """The first valid address in From, Sender, Reply-To, Return-Path (None: nobody to answer)."""
    for header in SENDER_HEADERS:
        for value in raw_header_values(msg, header):
            for name, address in addresses_in(value):
                return Sender(address=address, name=name, header=header)
    return None


# A customer first reached on a social or phone channel has no email address yet: it gets one under
# the reserved .invalid top-level domain (RFC 2606), which no mail is ever sent to.
PLACEHOLDER_DOMAIN_SUFFIX = ".invalid"


def placeholder_email(*, connector: str, handle: str) -> str:
    local = "".join(character for character in handle if character.isalnum()) or "unknown"
    return f"{connector}-{local}@{connector}{PLACEHOLDER_DOMAIN_SUFFIX}".lower()


def is_placeholder_email(address: str) -> bool:
    return address.lower().endswith(PLACEHOLDER_DOMAIN_SUFFIX)
