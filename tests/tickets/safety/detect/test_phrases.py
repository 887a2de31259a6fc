"""Phrases written as separate words, in every wordlist the mnemonic package ships: checksum-valid
windows are certain, runs with a typo are suspected, Electrum seeds are certain."""

import hashlib
import hmac
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mnemonic import Mnemonic

from devdata.bench.secret_texts import SEPARATED, phrase_words
from tickets.safety.detect import CERTAIN, MNEMONIC, SUSPECTED, find_secrets, redact_secrets
from tickets.safety.detect.wordlists import LANGUAGES

SPACED_LANGUAGES = [language for language in LANGUAGES if not language.startswith("chinese")]


def kinds(text: str) -> list[tuple[str, str]]:
    return [(finding.kind, finding.confidence) for finding in find_secrets(text)]


def words(language: str, length: int = 12, seed: int = 7) -> list[str]:
    return phrase_words(language, length, random.Random(f"{seed}-{language}-{length}"))


def test_every_language_of_the_package_is_searched():
    assert set(LANGUAGES) == set(Mnemonic.list_languages())


@pytest.mark.parametrize("language", SPACED_LANGUAGES)
@pytest.mark.parametrize("layout", sorted(SEPARATED))
def test_every_language_and_separator_is_certain_and_removed(language, layout):
    phrase = words(language, 24)
    secret = SEPARATED[layout](phrase)
    text = f"Hello, my wallet is empty.\n{secret}\nPlease help."

    assert kinds(text) == [(MNEMONIC, CERTAIN)]
    assert phrase[0] not in redact_secrets(text).replace("Hello", "")
    assert phrase[-1] not in redact_secrets(text).replace("Please help", "")


@pytest.mark.parametrize("length", [12, 15, 18, 21, 24])
def test_japanese_phrase_between_particles_in_prose(length):
    phrase = words("japanese", length)
    text = f"私の{'、'.join(phrase)}です。よろしくお願いします。"

    [finding] = find_secrets(text)

    assert finding.is_certain
    assert text[finding.start : finding.end] == "、".join(phrase)


def test_korean_phrase_with_a_particle_on_the_last_word():
    phrase = words("korean", 12)
    text = f"제 니모닉은 {' '.join(phrase)}입니다. 도와주세요."

    assert kinds(text) == [(MNEMONIC, CERTAIN)]
    assert " ".join(phrase[1:-1]) not in redact_secrets(text)


def test_accents_and_case_do_not_matter_in_latin_wordlists():
    phrase = words("spanish", 12)
    stripped = " ".join(Mnemonic.normalize_string(word).encode("ascii", "ignore").decode().upper() for word in phrase)

    assert kinds(f"mi frase: {stripped}") == [(MNEMONIC, CERTAIN)]


def test_full_width_latin_letters_are_read_after_nfkc():
    phrase = " ".join(words("english"))
    full_width = "".join(chr(ord(char) + 0xFEE0) if char.isalpha() else char for char in phrase)
    text = f"助记词：{full_width}，谢谢"

    [finding] = find_secrets(text)

    assert finding.is_certain
    assert text[finding.start : finding.end] == full_width


@pytest.mark.parametrize("language", ["english", "french", "czech"])
def test_one_mistyped_word_makes_the_run_suspected_and_leaves_it_in_place(language):
    phrase = words(language)
    phrase[4] = phrase[4][:2] + phrase[4][3:]  # a letter missing
    text = " ".join(phrase)

    assert kinds(text) == [(MNEMONIC, SUSPECTED)]
    assert redact_secrets(text) == text


def test_a_mistyped_first_word_still_counts_towards_the_twelve():
    phrase = words("english")
    phrase[0] = phrase[0] + "x"
    text = "\n".join(phrase)

    [finding] = find_secrets(text)

    assert (finding.confidence, finding.start) == (SUSPECTED, 0)


def test_english_prose_made_of_many_wordlist_words_is_not_certain():
    text = (
        "I want to swap my token but the app shows an error when I open the wallet and check the balance, "
        "please help me find out why my account is empty after the last update of the system."
    )

    assert not any(finding.is_certain for finding in find_secrets(text))


def electrum_seed(rng: random.Random, prefix: str) -> str:
    wordlist = Mnemonic("english").wordlist
    while True:
        seed = " ".join(rng.choice(wordlist) for _ in range(12))
        if hmac.new(b"Seed version", seed.encode(), hashlib.sha512).hexdigest().startswith(prefix):
            return seed


@pytest.mark.parametrize("prefix", ["01", "100"])
def test_electrum_seeds_are_certain(prefix):
    seed = electrum_seed(random.Random(prefix), prefix)

    assert kinds(f"my electrum seed: {seed}") == [(MNEMONIC, CERTAIN)]


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    before=st.text(alphabet=st.characters(categories=["L", "Zs", "P", "Nd"]), max_size=30),
    after=st.text(alphabet=st.characters(categories=["L", "Zs", "P", "Nd"]), max_size=30),
    language=st.sampled_from(SPACED_LANGUAGES),
    layout=st.sampled_from(sorted(SEPARATED)),
    seed=st.integers(0, 10_000),
)
def test_property_a_phrase_in_any_surrounding_text_is_removed(before, after, language, layout, seed):
    phrase = words(language, 12, seed)
    secret = SEPARATED[layout](phrase)

    redacted = redact_secrets(f"{before}\n{secret}\n{after}")

    assert secret not in redacted
    assert "[recovery phrase removed]" in redacted


def test_an_english_phrase_glued_to_japanese_particles():
    phrase = " ".join(words("english"))
    text = f"ニーモニックは{phrase}です。"

    [finding] = find_secrets(text)

    assert finding.is_certain
    assert text[finding.start : finding.end] == phrase
