"""Validation of on-chain identifiers: addresses and transaction hashes per chain.

Checksums are verified, not just shapes: an EIP-55 mixed-case Ethereum address
must match its keccak-256 checksum, Bitcoin and TRON base58 addresses carry a
double-SHA-256 checksum, and segwit addresses a bech32 (v0) or bech32m (v1+,
BIP350) checksum. Unknown chains validate nothing (False): the caller decides
whether free text is acceptable there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import base58
import bech32m
from Crypto.Hash import keccak
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EVM_CHAINS = ("ethereum", "bsc", "polygon", "arbitrum")

CHAIN_LABELS = {
    "ethereum": gettext_lazy("Ethereum"),
    "bsc": gettext_lazy("BNB Smart Chain"),
    "polygon": gettext_lazy("Polygon"),
    "arbitrum": gettext_lazy("Arbitrum"),
    "bitcoin": gettext_lazy("Bitcoin"),
    "tron": gettext_lazy("TRON"),
    "eos": gettext_lazy("EOS"),
}
CHAIN_CHOICES = list(CHAIN_LABELS.items())

_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_EVM_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_EOS_ACCOUNT = re.compile(r"[a-z1-5.]{1,12}")
_BITCOIN_BASE58_VERSIONS = (0x00, 0x05)  # P2PKH, P2SH (mainnet)
_TRON_VERSION = 0x41


def keccak256(data: bytes) -> bytes:
    # Ethereum's keccak-256 predates the final SHA-3 padding: hashlib.sha3_256 gives other digests.
    return keccak.new(digest_bits=256, data=data).digest()


def eip55_checksum(address: str) -> str:
    """The EIP-55 mixed-case form of a 0x-prefixed 40-hex address."""
    lower = address[2:].lower()
    digest = keccak256(lower.encode("ascii")).hex()
    return "0x" + "".join(char.upper() if int(digest[i], 16) >= 8 else char for i, char in enumerate(lower))


def _is_evm_address(value: str) -> bool:
    if not _EVM_ADDRESS.fullmatch(value):
        return False
    body = value[2:]
    if body == body.lower() or body == body.upper():
        return True
    return value == eip55_checksum(value)


def _base58check_payload(value: str) -> bytes | None:
    try:
        return base58.b58decode_check(value)
    except ValueError:
        return None


def _is_bitcoin_address(value: str) -> bool:
    if value[:3].lower() == "bc1":
        try:
            bech32m.decode("bc", value)
        except bech32m.DecodeError:
            return False
        return True
    payload = _base58check_payload(value)
    return payload is not None and len(payload) == 21 and payload[0] in _BITCOIN_BASE58_VERSIONS


def _is_tron_address(value: str) -> bool:
    if not value.startswith("T") or len(value) != 34:
        return False
    payload = _base58check_payload(value)
    return payload is not None and len(payload) == 21 and payload[0] == _TRON_VERSION


def _is_eos_account(value: str) -> bool:
    return bool(_EOS_ACCOUNT.fullmatch(value)) and not value.endswith(".")


def is_valid_address(chain: str, value: str) -> bool:
    """Whether `value` is a well-formed address (with a valid checksum) on `chain`."""
    chain, value = (chain or "").strip().lower(), (value or "").strip()
    if not value:
        return False
    if chain in EVM_CHAINS:
        return _is_evm_address(value)
    if chain == "bitcoin":
        return _is_bitcoin_address(value)
    if chain == "tron":
        return _is_tron_address(value)
    if chain == "eos":
        return _is_eos_account(value)
    return False


def is_valid_tx_hash(chain: str, value: str) -> bool:
    """Whether `value` is a transaction id on `chain`: 32 bytes of hex (EVM hashes with 0x)."""
    chain, value = (chain or "").strip().lower(), (value or "").strip()
    if chain in EVM_CHAINS:
        return value[:2].lower() == "0x" and bool(_HEX64.fullmatch(value[2:]))
    if chain in ("bitcoin", "tron", "eos"):
        return bool(_HEX64.fullmatch(value))
    return False


def address_chains(value: str) -> list[str]:
    """Chain families whose checksummed address format `value` matches.

    EOS is never guessed: its account names are short lower-case words, so
    nearly any word would be one.
    """
    value = (value or "").strip()
    checks = (("ethereum", _is_evm_address), ("bitcoin", _is_bitcoin_address), ("tron", _is_tron_address))
    return [family for family, check in checks if check(value)]


@dataclass(frozen=True)
class TransactionFields:
    chain: str
    tx_hash: str = ""
    from_address: str = ""
    to_address: str = ""


def transaction_field_errors(fields: TransactionFields) -> dict[str, str]:
    """Field-level messages for a chain, a transaction hash and two addresses (empty dict = all fine).

    Used by every form that takes transaction details (admin, portal, API) so
    the wording is the same everywhere.
    """
    chain = (fields.chain or "").strip().lower()
    errors: dict[str, str] = {}
    values = {"tx_hash": fields.tx_hash, "from_address": fields.from_address, "to_address": fields.to_address}
    if not chain:
        if any((value or "").strip() for value in values.values()):
            errors["chain"] = _("Choose the chain the transaction was made on.")
        return errors
    if chain not in CHAIN_LABELS:
        return errors
    label = CHAIN_LABELS[chain]
    tx_hash = (fields.tx_hash or "").strip()
    if tx_hash and not is_valid_tx_hash(chain, tx_hash):
        if chain in EVM_CHAINS and _HEX64.fullmatch(tx_hash):
            errors["tx_hash"] = _("%(chain)s transaction hashes start with 0x: 0x%(hash)s") % {
                "chain": label,
                "hash": tx_hash,
            }
        elif _is_evm_address(tx_hash) or address_chains(tx_hash):
            errors["tx_hash"] = _("This is an address, not a transaction hash.")
        else:
            errors["tx_hash"] = _("This is not a valid %(chain)s transaction hash (64 hexadecimal characters).") % {
                "chain": label
            }
    for field in ("from_address", "to_address"):
        value = (values[field] or "").strip()
        if value and not is_valid_address(chain, value):
            errors[field] = _address_error(chain, value)
    return errors


def _address_error(chain: str, value: str) -> str:
    label = CHAIN_LABELS[chain]
    family = chain if chain not in EVM_CHAINS else "ethereum"
    others = [other for other in address_chains(value) if other != family]
    if others:
        return _("This looks like a %(found)s address, but the chain is %(chain)s.") % {
            "found": CHAIN_LABELS[others[0]],
            "chain": label,
        }
    if chain in EVM_CHAINS and _EVM_ADDRESS.fullmatch(value):
        return _("The mixed-case checksum of this address is wrong (EIP-55): check for a typo.")
    if _HEX64.fullmatch(value.removeprefix("0x")):
        return _("This looks like a transaction hash, not an address.")
    return _("This is not a valid %(chain)s address.") % {"chain": label}
