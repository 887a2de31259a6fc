"""Private keys: hex split over lines or groups, Solana key pairs (base58, id.json, 128 hex), testnet WIF;
hashes, signatures, addresses and order numbers are never certain."""

import json
import random

import base58
import pytest

from devdata.bench.secret_texts import key_samples, lookalikes, solana_keypair
from tickets.safety.detect import CERTAIN, PRIVATE_KEY, SUSPECTED, WIF, find_secrets, redact_secrets
from tickets.safety.detect.keys import is_ed25519_keypair

RNG = random.Random(5)
HEX = RNG.randbytes(32).hex()
PAIR = solana_keypair(RNG)


def kinds(text: str) -> list[tuple[str, str]]:
    return [(finding.kind, finding.confidence) for finding in find_secrets(text)]


def test_a_generated_pair_verifies_and_a_signature_does_not():
    assert is_ed25519_keypair(PAIR)
    assert not is_ed25519_keypair(PAIR[:32] + bytes(32))


@pytest.mark.parametrize("sample", key_samples(random.Random(9)), ids=lambda sample: sample.name)
def test_every_key_shape_is_certain_and_removed(sample):
    findings = find_secrets(sample.text)

    assert [finding.confidence for finding in findings] == [CERTAIN]
    assert sample.secret not in redact_secrets(sample.text)


@pytest.mark.parametrize(
    "layout",
    [
        lambda key: f"{key[:32]}\n{key[32:]}",
        lambda key: f"{key[:32]}\r\n{key[32:]}",
        lambda key: " ".join(key[i : i + 8] for i in range(0, 64, 8)),
        lambda key: f"0x{key[:40]}\n  {key[40:]}",
    ],
    ids=["two lines", "crlf", "groups of eight", "0x and indent"],
)
def test_a_split_hex_key_is_one_key(layout):
    split = layout(HEX)
    text = f"private key:\n{split}\nthanks"

    [finding] = find_secrets(text)

    assert (finding.kind, finding.confidence) == (PRIVATE_KEY, CERTAIN)
    assert text[finding.start : finding.end] == split.removeprefix("0x") or text[finding.start : finding.end] == split


def test_two_keys_on_consecutive_lines_are_two_findings():
    other = RNG.randbytes(32).hex()

    assert kinds(f"private keys:\n{HEX}\n{other}") == [(PRIVATE_KEY, CERTAIN), (PRIVATE_KEY, CERTAIN)]


def test_solana_shapes_verify_without_context_but_unverified_bytes_need_it():
    unverified = base58.b58encode(PAIR[:32] + bytes(range(32))).decode()

    assert kinds(json.dumps(list(PAIR))) == [(PRIVATE_KEY, CERTAIN)]
    assert kinds(base58.b58encode(PAIR).decode()) == [(PRIVATE_KEY, CERTAIN)]
    assert kinds(f"secret key {unverified}") == [(PRIVATE_KEY, CERTAIN)]
    assert kinds(unverified) == [(PRIVATE_KEY, SUSPECTED)]
    assert kinds(f"tx signature {unverified}") == []
    assert kinds(json.dumps(list(range(64)))) == [(PRIVATE_KEY, SUSPECTED)]


def test_testnet_wif_is_certain():
    testnet = base58.b58encode_check(b"\xef" + RNG.randbytes(32) + b"\x01").decode()

    assert kinds(f"testnet key {testnet}") == [(WIF, CERTAIN)]


def test_decimal_numbers_never_join_a_hex_key():
    order = "2026112300012345 2026112300012346 2026112300012347 2026112300012348"

    assert find_secrets(f"key order {order}") == []


@pytest.mark.parametrize("text", lookalikes(random.Random(3)))
def test_lookalikes_are_never_certain(text):
    assert not any(finding.is_certain for finding in find_secrets(text))


def test_the_0x_prefix_is_removed_with_the_key():
    assert redact_secrets(f"key 0x{HEX}") == "key [private key removed]"


@pytest.mark.parametrize("digits", [40, 62, 63])
def test_a_key_cut_short_is_still_removed_when_called_a_key(digits):
    """A subject cut at its length limit kept 62 digits of a customer's key (found by the canary)."""
    key = random.Random(digits).randbytes(32).hex()
    text = f"Help, my private key is 0x{key[:digits]}"

    assert key[:digits] not in redact_secrets(text)
    assert [finding.kind for finding in find_secrets(text)] == [PRIVATE_KEY]


@pytest.mark.parametrize("label", ["tx hash", "order", ""])
def test_a_short_hex_run_without_the_word_key_is_left_alone(label):
    assert find_secrets(f"{label} 0x{random.Random(7).randbytes(31).hex()}") == []
