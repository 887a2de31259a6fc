"""What the detector reports: the kinds of secret, the two confidences and one finding."""

from __future__ import annotations

from dataclasses import dataclass

MNEMONIC = "mnemonic"
PRIVATE_KEY = "private_key"
WIF = "wif"
XPRV = "xprv"
KEYSTORE = "keystore"
KINDS = (MNEMONIC, PRIVATE_KEY, WIF, XPRV, KEYSTORE)

# "certain" findings are removed before storage; "suspected" ones (the "likely": a phrase
# without a valid checksum, a bare 64-hex string) are flagged for a person and left in place.
CERTAIN = "certain"
SUSPECTED = "suspected"

PHRASE_LENGTHS = (24, 21, 18, 15, 12)
MIN_PHRASE_WORDS = 12


@dataclass(frozen=True)
class SecretFinding:
    kind: str
    confidence: str
    start: int
    end: int

    @property
    def is_certain(self) -> bool:
        return self.confidence == CERTAIN
