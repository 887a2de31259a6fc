"""Secret detection and redaction (tickets.safety).

Published vectors used:
- BIP39 phrases: trezor/python-mnemonic ``vectors.json`` (the reference vectors of BIP-0039), English entries
  for entropy 00…00, 7f…7f, 80…80, ff…ff (12 words), 00…00 (18 and 24 words) and 9e885d95…; and the master
  key derived from "abandon … about" with passphrase "TREZOR" (xprv9s21ZrQH143K3h3fDYiay8mo…).
- BIP32 test vector 1, chain m: xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3j… (BIP-0032 text).
- WIF: the Bitcoin wiki "Wallet import format" example (key 0C28FCA3…AA1D → 5HueCGU8rMjxEXxiPuD5BDku4MkF…).
- Keystore: the scrypt test vector of the Web3 Secret Storage Definition (Ethereum wiki / ethereum.org docs).
Chinese phrases are built with the `mnemonic` package from fixed entropy (its own wordlists), plus
benign look-alikes of our own: transaction hashes in context, ordinary sentences, addresses, UUIDs, order numbers.
"""

import itertools
import random

import base58
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mnemonic import Mnemonic

from devdata.bench.secret_texts import key_samples, lookalikes, phrase_samples
from tickets.safety import SecretFinding, find_secrets, redact_secrets
from tickets.safety.detect import CERTAIN, KEYSTORE, MNEMONIC, PRIVATE_KEY, SUSPECTED, WIF, XPRV

BIP39_VECTORS = [
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
    "legal winner thank year wave sausage worth useful legal winner thank yellow",
    "letter advice cage absurd amount doctor acoustic avoid letter advice cage above",
    "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong",
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
    "abandon abandon abandon abandon abandon agent",
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art",
    "ozone drill grab fiber curtain grace pudding thank cruise elder eight picnic",
]
XPRV_BIP32_VECTOR_1 = (
    "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi"
)
XPRV_TREZOR_VECTOR = (
    "xprv9s21ZrQH143K3h3fDYiay8mocZ3afhfULfb5GX8kCBdno77K4HiA15Tg23wpbeF1pLfs1c5SPmYHrEpTuuRhxMwvKDwqdKiGJS9XFKzUsAF"
)
WIF_WIKI = "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ"
WIF_WIKI_KEY = bytes.fromhex("0C28FCA386C7A227600B2FE50B7CAE11EC86D3BF1FBE471BE89827E19D72AA1D")
KEYSTORE_V3 = (
    '{"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"83dbcc02d8ccb40e466191a123791e0e"},'
    '"ciphertext":"d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c","kdf":"scrypt",'
    '"kdfparams":{"dklen":32,"n":262144,"r":1,"p":8,'
    '"salt":"ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"},'
    '"mac":"2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"},'
    '"id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}'
)
HEX = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"


def kinds(text: str) -> list[tuple[str, str]]:
    return [(finding.kind, finding.confidence) for finding in find_secrets(text)]


@pytest.mark.parametrize("phrase", BIP39_VECTORS)
def test_published_bip39_phrases_are_certain_and_span_the_phrase(phrase):
    text = f"Hi, my wallet words are: {phrase}. Please help!"

    [finding] = find_secrets(text)

    assert finding == SecretFinding(MNEMONIC, CERTAIN, text.index(phrase), text.index(phrase) + len(phrase))
    assert redact_secrets(text) == "Hi, my wallet words are: [recovery phrase removed]. Please help!"


def test_trezor_vector_master_key_matches_the_published_xprv():
    seed = Mnemonic.to_seed(BIP39_VECTORS[0], passphrase="TREZOR")

    assert Mnemonic.to_hd_master_key(seed) == XPRV_TREZOR_VECTOR


@pytest.mark.parametrize(
    "layout",
    [
        lambda words: "\n".join(words),
        lambda words: ", ".join(words),
        lambda words: " ".join(f"{i}. {word}" for i, word in enumerate(words, 1)),
        lambda words: "\n".join(f"{i}) {word.capitalize()}" for i, word in enumerate(words, 1)),
        lambda words: " ".join(word[:4] for word in words),  # wallets accept the 4-letter abbreviation
    ],
    ids=["newlines", "commas", "numbered", "numbered-capitalised", "abbreviated"],
)
def test_phrases_are_found_however_they_are_separated(layout):
    words = BIP39_VECTORS[1].split()

    assert kinds(f"Words:\n{layout(words)}\nthanks") == [(MNEMONIC, CERTAIN)]


@pytest.mark.parametrize("language", ["chinese_simplified", "chinese_traditional"])
@pytest.mark.parametrize("strength", [16, 20, 24, 28, 32])
def test_chinese_phrases_with_and_without_spaces(language, strength):
    phrase = Mnemonic(language).to_mnemonic(bytes(range(40, 40 + strength)))
    unspaced = phrase.replace(" ", "")

    assert kinds(phrase) == [(MNEMONIC, CERTAIN)]
    assert kinds(f"你好，我的助记词是{unspaced}，请帮我找回资产") == [(MNEMONIC, CERTAIN)]
    assert kinds(f"你好\n{unspaced}\n谢谢") == [(MNEMONIC, CERTAIN)]
    assert "[recovery phrase removed]" in redact_secrets(f"助记词：{unspaced}")
    assert unspaced not in redact_secrets(f"助记词：{unspaced}")


def test_a_typo_in_a_phrase_is_suspected_and_left_in_place():
    typo = BIP39_VECTORS[1].replace("yellow", "yelow")
    wrong_checksum = BIP39_VECTORS[1].replace("yellow", "thank")

    assert kinds(typo) == [(MNEMONIC, SUSPECTED)]
    assert kinds(wrong_checksum) == [(MNEMONIC, SUSPECTED)]
    assert redact_secrets(typo) == typo


def test_hex_private_key_is_certain_only_when_called_a_key():
    assert kinds(f"my private key is 0x{HEX}") == [(PRIVATE_KEY, CERTAIN)]
    assert kinds(f"私钥：{HEX}") == [(PRIVATE_KEY, CERTAIN)]
    assert kinds(f"key {HEX}") == [(PRIVATE_KEY, CERTAIN)]
    assert kinds(HEX) == [(PRIVATE_KEY, SUSPECTED)]
    assert redact_secrets(f"密钥 {HEX}") == "密钥 [private key removed]"


@pytest.mark.parametrize(
    "text",
    [
        f"tx hash: 0x{HEX}",
        f"txid {HEX} is stuck",
        f"交易哈希 {HEX}",
        f"https://etherscan.io/tx/0x{HEX}",
        f"The transaction 0x{HEX} failed",
        f"My private key is safe, the problem is the transaction hash 0x{HEX}",
    ],
)
def test_transaction_hashes_in_context_are_not_flagged(text):
    assert find_secrets(text) == []


def test_wif_and_extended_private_keys_with_valid_checksums_are_certain():
    compressed = base58.b58encode_check(b"\x80" + WIF_WIKI_KEY + b"\x01").decode()

    assert kinds(f"import this: {WIF_WIKI}") == [(WIF, CERTAIN)]
    assert kinds(compressed) == [(WIF, CERTAIN)]
    assert kinds(XPRV_BIP32_VECTOR_1) == [(XPRV, CERTAIN)]
    assert kinds(XPRV_TREZOR_VECTOR) == [(XPRV, CERTAIN)]
    assert kinds(WIF_WIKI[:-1] + "K") == []  # broken checksum
    assert kinds(XPRV_BIP32_VECTOR_1[:-1] + "j") == []


def test_keystore_json_is_certain_and_its_inner_hex_is_not_reported_twice():
    text = f"Here is my wallet file:\n{KEYSTORE_V3}\nthanks"

    assert kinds(text) == [(KEYSTORE, CERTAIN)]
    assert redact_secrets(text) == "Here is my wallet file:\n[keystore file removed]\nthanks"


@pytest.mark.parametrize(
    "text",
    [
        "I have a question about my wallet and the balance is wrong today.",
        "Please help me, I sent 0.5 ETH to the wrong address yesterday and it never arrived.",
        "Order number 2026112300012345, reference SD-000123",
        "550e8400-e29b-41d4-a716-446655440000",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 and 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
        "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7",
        "我的钱包转账一直没有到账，请问怎么办？",
        "请问助记词丢了怎么办",
        "We will never ask for your recovery phrase or private key.",
        "",
    ],
)
def test_benign_lookalikes_are_not_flagged(text):
    assert find_secrets(text) == []


@settings(max_examples=60, deadline=None)
@given(
    entropy=st.sampled_from([16, 20, 24, 28, 32]).flatmap(lambda n: st.binary(min_size=n, max_size=n)),
    language=st.sampled_from(["english", "chinese_simplified"]),
    before=st.text(alphabet=st.characters(categories=["Zs", "P", "Nd"]), max_size=20),
)
def test_property_any_generated_phrase_is_removed(entropy, language, before):
    phrase = Mnemonic(language).to_mnemonic(entropy)
    text = f"Subject {before} phrase: {phrase} .end"

    redacted = redact_secrets(text)

    assert phrase not in redacted
    assert "[recovery phrase removed]" in redacted


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_property_findings_are_ordered_in_bounds_and_redaction_never_grows_certain_findings(text):
    findings = find_secrets(text)

    assert all(0 <= f.start < f.end <= len(text) for f in findings)
    assert all(a.end <= b.start for a, b in itertools.pairwise(findings))
    assert not any(f.is_certain for f in find_secrets(redact_secrets(text)))


@pytest.mark.parametrize(
    "text",
    [
        "一个自称官方客服的人在电报上联系我，要我提供助记词。这是真的吗？",
        "我的助记词丢了，请问怎么才能找回钱包里的资产",
        "你好，我想问一下为什么我的转账到现在还没有到账，已经等了很久了",
    ],
)
def test_chinese_questions_about_phrases_are_not_flagged(text):
    assert find_secrets(text) == []


def test_chinese_phrase_in_groups_of_characters():
    phrase = Mnemonic("chinese_simplified").to_mnemonic(bytes(range(16))).split()
    grouped = " ".join("".join(phrase[i : i + 4]) for i in range(0, 12, 4))

    assert kinds(f"助记词 {grouped}") == [(MNEMONIC, CERTAIN)]


def test_the_generated_set_is_found_certain_and_removed_and_its_lookalikes_are_not():
    """The set `manage.py detector_bench` reports on: every language × length × separator, in prose."""
    rng = random.Random(1)
    samples = phrase_samples(rng, lengths=(12, 24)) + key_samples(rng)

    missed = [sample.name for sample in samples if sample.secret in redact_secrets(sample.text)]
    false_positives = [text for text in lookalikes(rng) if any(f.is_certain for f in find_secrets(text))]

    assert len(samples) > 300
    assert missed == []
    assert false_positives == []


def test_offsets_are_in_the_callers_text_when_normalisation_changes_its_length():
    phrase = BIP39_VECTORS[1]
    text = f"ﬁle ① 私钥：…  words: {phrase}"

    [finding] = find_secrets(text)

    assert text[finding.start : finding.end] == phrase
