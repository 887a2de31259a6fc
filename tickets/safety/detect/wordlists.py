"""The BIP39 wordlists, loaded once from the `mnemonic` package (trezor's reference implementation).

Every list the package ships is used: the ten of BIP-0039 (English, Simplified and Traditional
Chinese, Japanese, Korean, Spanish, French, Italian, Czech, Portuguese) plus Russian and Turkish.
One dictionary maps a typed word to its index in each list it belongs to; Latin-script words are
matched without accents and case ("ábaco" = "abaco"), as wallets accept them.
"""

from __future__ import annotations

import hashlib
import hmac
import string
import unicodedata
from dataclasses import dataclass
from functools import cache

from mnemonic import Mnemonic

# Fixed order: a language's number is its position here.
LANGUAGES = (
    "english",
    "chinese_simplified",
    "chinese_traditional",
    "japanese",
    "korean",
    "spanish",
    "french",
    "italian",
    "czech",
    "portuguese",
    "russian",
    "turkish",
)
ENGLISH = 0
_UNACCENTED = frozenset({"japanese", "korean", "chinese_simplified", "chinese_traditional"})
_CYRILLIC = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
_ELECTRUM_PREFIXES = ("01", "100", "101", "102")  # standard, segwit, 2FA, 2FA segwit

# A word's places: {language number: index in that list}.
Places = dict[int, int]


def word_key(word: str) -> str:
    """How a typed Latin or Cyrillic word is looked up: lower case, accents dropped."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


@dataclass(frozen=True)
class Wordlists:
    places: dict[str, Places]
    # Wallets accept the first four letters of an English word (unique in the list).
    english_prefixes: dict[str, str]
    han_characters: str  # every character of the two Chinese lists, for a regex class
    han_rank: dict[str, int]  # a Chinese character's lowest index in the two lists (its frequency rank)
    # Every lower-cased word `lookup` finds, with and without its accents, and the English abbreviations.
    known: frozenset[str]


@cache
def wordlists() -> Wordlists:
    places: dict[str, Places] = {}
    accented = set()
    for number, language in enumerate(LANGUAGES):
        for index, word in enumerate(Mnemonic(language).wordlist):
            word = unicodedata.normalize("NFKC", word)
            key = word if language in _UNACCENTED else word_key(word)
            places.setdefault(key, {})[number] = index
            accented.add(word.lower())
    english = Mnemonic("english").wordlist
    han = set(Mnemonic("chinese_simplified").wordlist) | set(Mnemonic("chinese_traditional").wordlist)
    abbreviations = {word[:length] for word in english for length in range(4, len(word))}
    return Wordlists(
        places=places,
        english_prefixes={word[:4]: word for word in english if len(word) > 4},
        han_characters="".join(sorted(han)),
        han_rank={char: min(places[char].values()) for char in han},
        known=frozenset(places) | abbreviations | accented,
    )


def lookup(key: str) -> Places | None:
    """The places of a typed word, or of the English word it abbreviates ("aban" → "abandon")."""
    lists = wordlists()
    places = lists.places.get(key)
    if places is None and len(key) >= 4 and key.isascii():
        word = lists.english_prefixes.get(key[:4])
        if word is not None and word.startswith(key):
            return {ENGLISH: lists.places[word][ENGLISH]}
    return places


def is_one_edit_from_a_word(key: str) -> bool:
    """A typo: one letter missing, added, swapped for another or two letters transposed."""
    if len(key) < 3:
        return False
    places = wordlists().places
    alphabet = _CYRILLIC if any(char in _CYRILLIC for char in key) else string.ascii_lowercase
    splits = [(key[:i], key[i:]) for i in range(len(key) + 1)]
    for left, right in splits:
        if right and left + right[1:] in places:
            return True
        if len(right) > 1 and left + right[1] + right[0] + right[2:] in places:
            return True
        for char in alphabet:
            if (right and left + char + right[1:] in places) or left + char + right in places:
                return True
    return False


def checksum_valid_indices(indices: list[int]) -> bool:
    """BIP39: the last ENT/32 bits of the word indices are the first bits of SHA-256(entropy)."""
    if len(indices) % 3:
        return False
    value = 0
    for index in indices:
        value = value << 11 | index
    checksum_bits = len(indices) * 11 // 33
    entropy_bits = len(indices) * 11 - checksum_bits
    entropy = (value >> checksum_bits).to_bytes(entropy_bits // 8, "big")
    return hashlib.sha256(entropy).digest()[0] >> (8 - checksum_bits) == value & ((1 << checksum_bits) - 1)


def valid_language(words: list[Places | None]) -> int | None:
    """The language in whose list these words form a phrase with a valid checksum, if any."""
    if not words or words[0] is None:
        return None
    for language in words[0]:
        indices = [places.get(language) if places is not None else None for places in words]
        if None not in indices and checksum_valid_indices(indices):
            return language
    return None


def is_electrum_seed(keys: list[str]) -> bool:
    """Electrum's own seeds (version in HMAC-SHA512 of the words, not a BIP39 checksum)."""
    digest = hmac.new(b"Seed version", " ".join(keys).encode(), hashlib.sha512).hexdigest()
    return digest.startswith(_ELECTRUM_PREFIXES)
