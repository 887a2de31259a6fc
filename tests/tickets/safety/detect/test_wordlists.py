"""The wordlists and the checks on them agree with the reference implementation (trezor's `mnemonic`)."""

import random
import unicodedata

import pytest
from mnemonic import Mnemonic

from tickets.safety.detect import checksum_valid
from tickets.safety.detect.wordlists import (
    LANGUAGES,
    checksum_valid_indices,
    is_one_edit_from_a_word,
    lookup,
    valid_language,
    word_key,
    wordlists,
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_checksum_agrees_with_the_reference_on_valid_and_broken_phrases(language):
    rng = random.Random(language)
    reference = Mnemonic(language)
    for strength in (16, 20, 24, 28, 32):
        words = reference.to_mnemonic(rng.randbytes(strength)).split("\u3000" if language == "japanese" else " ")
        broken = [*words[:-1], reference.wordlist[(reference.wordlist.index(words[-1]) + 1) % 2048]]
        indices = [reference.wordlist.index(word) for word in words]
        broken_indices = [reference.wordlist.index(word) for word in broken]

        assert checksum_valid_indices(indices)
        assert checksum_valid_indices(broken_indices) == reference.check(" ".join(broken))
        typed = [unicodedata.normalize("NFKC", word) for word in words]  # the detector normalises text first
        keys = (
            typed
            if language in ("japanese", "korean", "chinese_simplified", "chinese_traditional")
            else map(word_key, typed)
        )
        assert valid_language([lookup(key) for key in keys]) is not None


def test_the_public_checksum_function_keeps_its_signature():
    index = {word: i for i, word in enumerate(Mnemonic("english").wordlist)}
    phrase = [
        "legal",
        "winner",
        "thank",
        "year",
        "wave",
        "sausage",
        "worth",
        "useful",
        "legal",
        "winner",
        "thank",
        "yellow",
    ]

    assert checksum_valid(phrase, index)
    assert not checksum_valid([*phrase[:-1], "thank"], index)
    assert not checksum_valid(phrase[:11], index)


def test_lookup_finds_every_word_of_every_list_and_english_abbreviations():
    lists = wordlists()

    assert len(lists.han_characters) > 2048
    assert lookup("abandon") == {LANGUAGES.index("english"): 0, LANGUAGES.index("french"): 1}
    assert lookup("aban") == {LANGUAGES.index("english"): 0}  # abbreviations are English only
    assert lookup(word_key("Ábaco")) == {LANGUAGES.index("spanish"): 0, LANGUAGES.index("italian"): 0}
    assert lookup("的") == {LANGUAGES.index("chinese_simplified"): 0, LANGUAGES.index("chinese_traditional"): 0}
    assert lookup("window") is not None
    assert lookup("blockchain") is None


@pytest.mark.parametrize(
    ("key", "typo"),
    [("abandn", True), ("abanddon", True), ("abnadon", True), ("xbandon", True), ("blockchain", False), ("ok", False)],
)
def test_one_edit_typos(key, typo):
    assert is_one_edit_from_a_word(key) is typo
