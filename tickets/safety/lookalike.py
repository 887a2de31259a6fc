"""Is this contact one of ours? Exact matches, and the look-alikes impersonators register.

A pasted value (email address, phone number, website, social handle or group
link) is reduced to a canonical form and compared with the official list:

- official: the same canonical value (a website also covers its subdomains);
- look-alike: the same "skeleton" once confusable characters are folded
  (Unicode TR39 data from `confusable-homoglyphs`, plus 0→o, 1→l, rn→m …),
  the same name under another top-level domain, or the official name with a
  few characters added, removed or changed ("imtoken-support", "imtokken");
- unknown: nothing like any official channel.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlsplit

from confusable_homoglyphs.confusables import confusables_data

EMAIL = "email"
PHONE = "phone"
WEBSITE = "website"
SOCIAL = "social"

OFFICIAL = "official"
LOOKALIKE = "lookalike"
UNKNOWN = "unknown"

HOMOGLYPH = "homoglyph"
WRONG_TLD = "wrong_tld"
EXTRA_CHARACTERS = "extra_characters"
SIMILAR = "similar"
UNLISTED_ADDRESS = "unlisted_address"
_REASON_RANK = (HOMOGLYPH, WRONG_TLD, SIMILAR, EXTRA_CHARACTERS)

# Social hosts that mean the same network; the canonical host comes first.
_HOST_ALIASES = {
    "twitter.com": "x.com",
    "mobile.twitter.com": "x.com",
    "telegram.me": "t.me",
    "telegram.dog": "t.me",
    "m.facebook.com": "facebook.com",
    "discordapp.com": "discord.com",
    "discord.gg": "discord.com/invite",
}
SOCIAL_HOSTS = ("x.com", "t.me", "facebook.com", "discord.com", "weibo.com", "youtube.com", "instagram.com",
                "reddit.com", "medium.com", "github.com", "tiktok.com", "linkedin.com")  # fmt: skip
# ASCII characters that read alike in most fonts, and multi-letter tricks.
_ASCII_FOLDS = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("0", "o"), ("1", "l"), ("i", "l"), ("|", "l"), ("5", "s"))
_SEPARATORS = re.compile(r"[-_.]")
_PHONE = re.compile(r"^\+?[\d\s().\-]{7,20}$")
_EMAIL = re.compile(r"^[^@\s/]+@[^@\s/]+\.[^@\s/]+$")


@dataclass(frozen=True)
class Contact:
    """A contact in canonical form: kind, value, and (websites, emails) the host split for comparison."""

    kind: str
    value: str

    @property
    def host(self) -> str:
        if self.kind == EMAIL:
            return self.value.rsplit("@", 1)[1]
        if self.kind == WEBSITE:
            return self.value
        return ""

    @property
    def name(self) -> str:
        """The part an impersonator imitates: the domain's main label, the handle, the digits."""
        if self.host:
            labels = self.host.split(".")
            return labels[-2] if len(labels) >= 2 else labels[0]
        if self.kind == SOCIAL:
            return self.value.rsplit("/", 1)[-1]
        return self.value

    @property
    def tld(self) -> str:
        return self.host.rsplit(".", 1)[-1] if "." in self.host else ""


@dataclass
class Verdict:
    status: str
    contact: Contact | None
    match: object | None = None
    reasons: list[str] = field(default_factory=list)


def _idna_decode(host: str) -> str:
    try:
        return host.encode("ascii").decode("idna") if "xn--" in host else host
    except UnicodeError:
        return host


def _host_and_path(value: str) -> tuple[str, str]:
    parts = urlsplit(value if "://" in value else f"https://{value}")
    host = _idna_decode((parts.hostname or "").lower().rstrip("."))
    host = host.removeprefix("www.")
    return host, parts.path.strip("/").lower()


def canonical(value: str, kind: str | None = None) -> Contact | None:
    """The canonical contact for what a person pasted; `kind` forces the interpretation."""
    value = unicodedata.normalize("NFKC", (value or "").strip())
    if not value:
        return None
    if kind == EMAIL or (kind is None and _EMAIL.match(value)):
        local, _at, domain = value.rpartition("@")
        return Contact(EMAIL, f"{local.lower()}@{_host_and_path(domain)[0]}")
    if kind == PHONE or (kind is None and _PHONE.match(value) and sum(c.isdigit() for c in value) >= 7):
        digits = "".join(char for char in value if char.isdigit())
        return Contact(PHONE, "+" + (digits[2:] if digits.startswith("00") else digits))
    if kind == SOCIAL and "/" not in value and "." not in value:
        return Contact(SOCIAL, value.lstrip("@").lower())
    if kind is None and value.startswith("@"):
        return Contact(SOCIAL, value.lstrip("@").lower())
    host, path = _host_and_path(value)
    host = _HOST_ALIASES.get(host, host)
    if kind == SOCIAL or host.split("/")[0] in SOCIAL_HOSTS:
        return Contact(SOCIAL, f"{host}/{path}".rstrip("/"))
    if kind is None and "." not in host:
        return Contact(SOCIAL, value.lower())
    return Contact(WEBSITE, host)


@cache
def _confusable_to_ascii(char: str) -> str:
    for homoglyph in confusables_data.get(char, []):
        candidate = homoglyph["c"].strip("\u200e")
        if candidate.isascii() and candidate.isalnum():
            return candidate.lower()
    return char


def skeleton(text: str) -> str:
    """A form in which look-alike strings coincide: ``іmt0ken`` and ``imtoken`` share one."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(
        _confusable_to_ascii(char) if not char.isascii() else char
        for char in decomposed
        if not unicodedata.combining(char)
    )
    for source, target in _ASCII_FOLDS:
        folded = folded.replace(source, target)
    return _SEPARATORS.sub("", folded)


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, capped at `limit`."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                best = min(best, previous2[j - 2] + 1)
            current.append(best)
        previous2, previous = previous, current
    return min(previous[-1], limit)


def _is_official(candidate: Contact, official: Contact) -> bool:
    if candidate.value == official.value and candidate.kind == official.kind:
        return True
    if candidate.kind == PHONE and official.kind == PHONE:
        # The same number written without (or with) its country code.
        shorter, longer = sorted((candidate.value[1:], official.value[1:]), key=len)
        return len(shorter) >= 7 and longer.endswith(shorter)
    # A subdomain of an official website is ours too (help.example.com).
    return (
        candidate.kind == WEBSITE and official.kind == WEBSITE and candidate.host.endswith("." + official.host)
    ) or (
        # A bare handle ("@example") matches the official account of that name on any network.
        candidate.kind == SOCIAL and official.kind == SOCIAL and "/" not in candidate.value
        and candidate.value == official.name
    )  # fmt: skip


def lookalike_reasons(candidate: Contact, official: Contact) -> list[str]:
    """Why `candidate` imitates `official` (empty: it does not)."""
    if candidate.kind == PHONE or official.kind == PHONE:
        same_kind = candidate.kind == official.kind
        return [SIMILAR] if same_kind and 0 < edit_distance(candidate.value, official.value) <= 2 else []
    name, official_name = candidate.name, official.name
    if not name or not official_name:
        return []
    reasons = []
    same_skeleton = skeleton(name) == skeleton(official_name)
    if same_skeleton and name != official_name:
        reasons.append(HOMOGLYPH)
    if official.tld and candidate.tld and same_skeleton and candidate.tld != official.tld:
        reasons.append(WRONG_TLD)
    if not same_skeleton and len(skeleton(official_name)) >= 4:
        if skeleton(official_name) in skeleton(name):
            reasons.append(EXTRA_CHARACTERS)
        elif edit_distance(skeleton(name), skeleton(official_name)) <= (1 if len(official_name) < 6 else 2):
            reasons.append(SIMILAR)
    return reasons


def check_contact(value: str, officials: Iterable[tuple[Contact, object]]) -> Verdict:
    """Compare a pasted value with the official list ((canonical contact, record) pairs)."""
    candidate = canonical(value)
    if candidate is None:
        return Verdict(UNKNOWN, None)
    officials = list(officials)
    for official, record in officials:
        if _is_official(candidate, official):
            return Verdict(OFFICIAL, candidate, record)
    for official, record in officials:
        if (
            candidate.kind == EMAIL
            and official.kind == WEBSITE
            and _is_official(Contact(WEBSITE, candidate.host), official)
        ):
            return Verdict(UNKNOWN, candidate, record, [UNLISTED_ADDRESS])
    matches = [
        (min(_REASON_RANK.index(reason) for reason in reasons), official.kind != candidate.kind, index, reasons, record)
        for index, (official, record) in enumerate(officials)
        if (reasons := lookalike_reasons(candidate, official))
    ]
    if matches:
        # Report the closest imitation (a homoglyph copy beats a name with words added), same kind first.
        *_rank, reasons, record = min(matches, key=lambda match: match[:3])
        return Verdict(LOOKALIKE, candidate, record, reasons)
    return Verdict(UNKNOWN, candidate)
