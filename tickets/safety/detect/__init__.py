"""Finding wallet secrets in text: recovery phrases in every BIP39 language, private keys, WIF,
xprv, Solana key pairs, keystore files, Electrum seeds.

`find_secrets` reports what it finds with a confidence:

- ``certain``: a BIP39 phrase with a valid checksum in any wordlist, an Electrum seed, a 64-hex key
  that the text calls a key, a WIF or extended private key with a valid base58check checksum, a
  verified Solana key pair, a keystore JSON. These are removed before storage;
- ``suspected``: twelve or more wordlist words without a valid checksum (a typo'd phrase still opens
  most of the wallet), a bare 64-hex string with no context. Flagged, never removed: a
  transaction hash looks the same.

The text is NFKC-normalised first (full-width digits, letters and punctuation); offsets in the
findings are offsets in the text the caller passed. The parts: `normalise`, `wordlists`,
`phrases` (words between separators), `han` (Chinese, where every character is a word), `keys`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from tickets.safety.detect.findings import (
    CERTAIN,
    KEYSTORE,
    KINDS,
    MIN_PHRASE_WORDS,
    MNEMONIC,
    PHRASE_LENGTHS,
    PRIVATE_KEY,
    SUSPECTED,
    WIF,
    XPRV,
    SecretFinding,
)
from tickets.safety.detect.han import han_phrase_findings
from tickets.safety.detect.keys import key_findings
from tickets.safety.detect.normalise import normalise
from tickets.safety.detect.phrases import MAX_FUZZY_WORDS, word_phrase_findings
from tickets.safety.detect.wordlists import checksum_valid_indices

__all__ = [
    "CERTAIN",
    "KEYSTORE",
    "KINDS",
    "MAX_FUZZY_WORDS",
    "MIN_PHRASE_WORDS",
    "MNEMONIC",
    "PHRASE_LENGTHS",
    "PRIVATE_KEY",
    "SUSPECTED",
    "WIF",
    "XPRV",
    "SecretFinding",
    "checksum_valid",
    "find_secrets",
    "placeholder",
    "redact_findings",
    "redact_secrets",
]


def checksum_valid(words: list[str | None], index: dict[str, int]) -> bool:
    """BIP39: whether `words` form a phrase with a valid checksum in the list `index` (word → position)."""
    if len(words) not in PHRASE_LENGTHS or any(word not in index for word in words):
        return False
    return checksum_valid_indices([index[word] for word in words])


def find_secrets(text: str) -> list[SecretFinding]:
    """Every secret in `text`, in order, without overlaps; findings inside a certain one (a
    keystore's hex, a phrase's characters seen twice) are dropped."""
    if not text:
        return []
    normalised = normalise(text)
    body = normalised.text
    found = [*key_findings(body), *word_phrase_findings(body), *han_phrase_findings(body)]
    found.sort(key=lambda finding: (not finding.is_certain, -(finding.end - finding.start), finding.start))
    kept: list[SecretFinding] = []
    for finding in found:
        if not any(finding.start < other.end and other.start < finding.end for other in kept):
            kept.append(finding)
    return sorted(
        (SecretFinding(f.kind, f.confidence, *normalised.original_span(f.start, f.end)) for f in kept),
        key=lambda finding: finding.start,
    )


def placeholder(kind: str) -> str:
    labels = {
        MNEMONIC: _("[recovery phrase removed]"),
        PRIVATE_KEY: _("[private key removed]"),
        WIF: _("[private key removed]"),
        XPRV: _("[extended private key removed]"),
        KEYSTORE: _("[keystore file removed]"),
    }
    return labels[kind]


def redact_secrets(text: str) -> str:
    """`text` with every certain finding replaced by a visible placeholder; suspected ones stay."""
    return redact_findings(text, find_secrets(text))


def redact_findings(text: str, findings: list[SecretFinding]) -> str:
    pieces, position = [], 0
    for finding in sorted((f for f in findings if f.is_certain), key=lambda f: f.start):
        pieces += [text[position : finding.start], placeholder(finding.kind)]
        position = finding.end
    pieces.append(text[position:])
    return "".join(pieces)
