"""Recovery phrases written as separate words: Latin, Cyrillic, Japanese kana and Korean words
between spaces, commas, newlines or numbering ("1. abandon 2. ability", "あいこくしん　あいさつ").

A run is a sequence of wordlist words joined only by separators (one or two typos allowed inside
it). Inside a run, any 12/15/18/21/24 consecutive words with a valid checksum in one list are a
certain phrase; so are 12 or 13 words that carry an Electrum seed version. What is left of a run
of twelve or more words is suspected: a phrase with a typo still opens most of the wallet.
(Chinese characters are single-character words and have their own rules, in `han`.)
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from tickets.safety.detect.findings import CERTAIN, MIN_PHRASE_WORDS, MNEMONIC, PHRASE_LENGTHS, SUSPECTED, SecretFinding
from tickets.safety.detect.wordlists import (
    Places,
    is_electrum_seed,
    is_one_edit_from_a_word,
    lookup,
    valid_language,
    word_key,
    wordlists,
)

# Latin and Cyrillic words, hiragana words, Hangul words (Han characters are handled apart). One
# character class is twice as fast as one per script; a word glued to a particle of another script
# ("はabandon") is taken apart by `_without_particle`.
_WORD_SPLIT = re.compile(r"([A-Za-z\u00c0-\u024f\u0400-\u04ff\u3041-\u3096\uac00-\ud7a3]+)")
# Over one flag per word (1: in a wordlist): stretches with a single unknown word here and there.
_NEARLY_ALL_KNOWN = re.compile(r"1+(?:01+){0,2}")
# What may stand between two words of a phrase: spaces, punctuation, numbering ("1. ", "(2) ", "3、").
WORD_GAP = re.compile(r"[\s,;:.、。()\[\]#\-–—_|/\"'“”‘’「」・0-9]{1,16}")
MAX_FUZZY_WORDS = 2
ELECTRUM_LENGTHS = (13, 12)
# A typo is only looked for next to this many wordlist words (prose rarely has them in a row).
_TYPO_EVIDENCE = 6


@dataclass(slots=True)
class Token:
    start: int
    end: int
    key: str
    places: Places | None  # None: a typo of a wordlist word
    joined: bool = True  # only separators between this token and the previous one


def _pieces(tokens: list[Token]) -> list[tuple[int, int]]:
    """[start, end) index ranges of joined wordlist words."""
    pieces, start = [], None
    for i, token in enumerate(tokens):
        if token.places is None or (start is not None and not token.joined):
            if start is not None:
                pieces.append((start, i))
            start = i if token.places is not None else None
        elif start is None:
            start = i
    if start is not None:
        pieces.append((start, len(tokens)))
    return pieces


def _is_typo(tokens: list[Token], i: int) -> bool:
    return 0 <= i < len(tokens) and tokens[i].places is None and is_one_edit_from_a_word(tokens[i].key)


def runs(tokens: list[Token]) -> list[list[Token]]:
    """Runs of twelve or more words: pieces bridged by single typo'd words, at most two per run."""
    result: list[list[Token]] = []
    current: tuple[int, int, int] | None = None  # start, end, typos
    for start, end in _pieces(tokens):
        if current is not None:
            gap_is_one_word = start == current[1] + 1 and tokens[start].joined and tokens[current[1]].joined
            evidence = (current[1] - current[0]) + (end - start) >= _TYPO_EVIDENCE
            if gap_is_one_word and current[2] < MAX_FUZZY_WORDS and evidence and _is_typo(tokens, current[1]):
                current = (current[0], end, current[2] + 1)
                continue
            result.append(_with_edge_typos(tokens, *current))
        current = (start, end, 0)
    if current is not None:
        result.append(_with_edge_typos(tokens, *current))
    return [run for run in result if len(run) >= MIN_PHRASE_WORDS]


def _with_edge_typos(tokens: list[Token], start: int, end: int, typos: int) -> list[Token]:
    """Eleven words and a typo'd first or last one are still a phrase."""
    if end - start == MIN_PHRASE_WORDS - 1 and typos < MAX_FUZZY_WORDS:
        if start > 0 and tokens[start].joined and _is_typo(tokens, start - 1):
            start -= 1
        elif end < len(tokens) and tokens[end].joined and _is_typo(tokens, end):
            end += 1
    return tokens[start:end]


def run_findings(run: list[Token]) -> list[SecretFinding]:
    """Certain phrases inside one run, then the suspected rest."""
    findings: list[SecretFinding] = []
    used = [False] * len(run)

    def claim(i: int, length: int) -> None:
        findings.append(SecretFinding(MNEMONIC, CERTAIN, run[i].start, run[i + length - 1].end))
        used[i : i + length] = [True] * length

    for length in PHRASE_LENGTHS:
        for i in range(len(run) - length + 1):
            window = run[i : i + length]
            if not any(used[i : i + length]) and valid_language([token.places for token in window]) is not None:
                claim(i, length)
    for length in ELECTRUM_LENGTHS:
        for i in range(len(run) - length + 1):
            window = run[i : i + length]
            complete = not any(used[i : i + length]) and all(token.places is not None for token in window)
            if complete and is_electrum_seed([token.key for token in window]):
                claim(i, length)
    for segment in _unused_segments(run, used):
        typos = sum(1 for token in segment if token.places is None)
        if len(segment) >= MIN_PHRASE_WORDS and typos <= MAX_FUZZY_WORDS:
            findings.append(SecretFinding(MNEMONIC, SUSPECTED, segment[0].start, segment[-1].end))
    return findings


def _unused_segments(run: list[Token], used: list[bool]) -> list[list[Token]]:
    segments: list[list[Token]] = [[]]
    for token, is_used in zip(run, used, strict=True):
        if is_used:
            segments.append([])
        else:
            segments[-1].append(token)
    return [segment for segment in segments if segment]


def _key(word: str) -> str:
    if word.isascii():
        return word.lower()
    return word_key(word) if word[0] < "\u3000" else word  # kana and Hangul are matched as written


def _without_particle(key: str, start: int, end: int, before: bool) -> tuple[int, int, str, Places | None]:
    """Japanese and Korean write particles onto the word next to them ("私のきどう", "가격입니다",
    "はabandon"): the first word of a phrase may end a longer word, the last may begin one."""
    for length in range(len(key) - 1, 1, -1):
        part = key[-length:] if before else key[:length]
        places = lookup(part)
        if places is not None:
            return (end - length, end, part, places) if before else (start, start + length, part, places)
    return start, end, key, None


def word_phrase_findings(text: str) -> list[SecretFinding]:
    """One C-level split and a set test per word rule out almost all prose; tokens are only built
    for stretches where at least ten of twelve words are in a list."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer: offsets would shift
        lowered = text
    parts = _WORD_SPLIT.split(lowered)
    words = parts[1::2]
    if len(words) < MIN_PHRASE_WORDS:
        return []
    known = wordlists().known
    flags = "".join(["1" if word in known or (not word.isascii() and _key(word) in known) else "0" for word in words])
    findings: list[SecretFinding] = []
    ends: list[int] = []
    for region in _NEARLY_ALL_KNOWN.finditer(flags):
        if region.group().count("1") < MIN_PHRASE_WORDS - MAX_FUZZY_WORDS:
            continue
        ends = ends or list(itertools.accumulate(map(len, parts)))
        tokens: list[Token] = []
        for i in range(max(region.start() - 1, 0), min(region.end() + 1, len(words))):
            end = ends[2 * i + 1]
            start = end - len(words[i])
            gap = text[tokens[-1].end : start] if tokens else None
            joined = gap is not None and (gap == " " or WORD_GAP.fullmatch(gap) is not None)
            key = _key(words[i])
            places = lookup(key)
            if places is None and not key.isascii():
                start, end, key, places = _without_particle(key, start, end, before=i < region.start())
            tokens.append(Token(start, end, key, places, joined))
        for run in runs(tokens):
            findings += run_findings(run)
    return findings
