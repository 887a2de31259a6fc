"""Chinese recovery phrases: every character is a word, and Chinese has no spaces.

Three shapes are recognised (the text is already NFKC, so "，" is "," and the ideographic space is " "):

- separated: characters each set apart by spaces, commas, 、, ;, newlines or numbering
  ("的 一 是", "的、一、是", "1. 的\\n2. 一", "(1)的(2)一"). Ordinary prose never does that to twelve
  characters in a row, so these runs are judged like Latin words (checksum: certain; else suspected);
- after a label: "助记词：的一是…。请帮我" or "助记词是的一是…请帮我" — the characters that follow a
  phrase label (助记词, 助記詞, mnemonic, シードフレーズ …), unspaced or in space-separated groups, up
  to the first punctuation or text that is not a wordlist character. When text follows directly,
  the longest valid phrase is taken (it covers the whole phrase);
- lines of their own: a line, or consecutive lines of equal length ("的一是在\\n不了有和\\n…"), made
  only of wordlist characters.

The Chinese lists are the 2048 commonest characters in frequency order, so ordinary sentences are
all wordlist words and pass a 4-bit checksum one time in sixteen. Unspaced candidates therefore
also have to look random: a phrase draws its characters evenly from the whole list (mean index
≈ 1024), prose from the top of it (mean index of twelve characters of support text ≈ 300, p99 ≈
620 in our UI strings) and repeats characters. The price: about one random phrase in 400 written
without any separator is missed (measured by `manage.py detector_bench`).
"""

from __future__ import annotations

import itertools
import re
from functools import cache

from tickets.safety.detect.findings import (
    CERTAIN,
    MIN_PHRASE_WORDS,
    MNEMONIC,
    PHRASE_LENGTHS,
    SUSPECTED,
    SecretFinding,
)
from tickets.safety.detect.phrases import Token, run_findings
from tickets.safety.detect.wordlists import valid_language, wordlists

_NUMBERING = r"\(\d{1,2}\)|\d{1,2}[.)、:]?"
_SEPARATOR = rf"[ \t\r\n,;:、/|·・\-]|{_NUMBERING}"
_SEPARATOR_START = r"[ \t\r\n,;:、/|·・\-(\d]"
# Between groups of characters after a label: spaces and numbering on the same line, never a comma
# or a line break (prose goes on like that; lines of their own are `_line_findings`' business).
_GROUP_GAP = rf"(?:[ \t]|{_NUMBERING}){{0,8}}"
_LINE_FILLER = r"[ \t\r\d.、:()\-\"'“”「」『』。,!?]"
_LABEL = re.compile(
    r"助记词|助記詞|助记符|助記符|记忆词|記憶詞|恢复短语|恢復短語|恢复词|恢復詞|种子短语|種子短語|种子词|種子詞|"
    r"备份短语|備份短語|钱包短语|錢包短語|短语|短語"
)
# Labels in other scripts, found with str.find on the lower-cased text: a regex alternation of Latin
# words costs ten times the scan of the Chinese one.
_OTHER_LABELS = (
    "mnemonic",
    "recovery phrase",
    "seed phrase",
    "seed words",
    "secret phrase",
    "backup phrase",
    "ニーモニック",
    "リカバリーフレーズ",
    "復元フレーズ",
    "シードフレーズ",
    "니모닉",
    "복구 문구",
    "시드 문구",
)
_INTRO = re.compile(r"(?:\s*(?:是|为|為|如下所示|如下|:|-|—|は|은|는))*\s*")
_ANY_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
# Below this mean wordlist index, unspaced characters read like prose (see the module docstring).
MIN_RANDOM_MEAN_INDEX = 560
# Twenty-four draws from 2048 characters repeat more than two of them about once in 2,500 phrases.
MAX_RANDOM_REPEATS = 2


@cache
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    han = f"[{wordlists().han_characters}]"
    separated = re.compile(rf"{han}(?={_SEPARATOR_START})(?:(?:{_SEPARATOR}){{1,8}}{han}){{11,}}")
    # The last line of a phrase may go on with a sentence of prose ("…立。请尽快帮我处理").
    line = re.compile(rf"{_LINE_FILLER}*((?:{han}[ \t]*)+){_LINE_FILLER}*(?:[。!?;][^\n]*)?$", re.MULTILINE)
    after = re.compile(rf"(?:{_GROUP_GAP}{han}){{1,{PHRASE_LENGTHS[0]}}}")
    return re.compile(han), separated, line, after


def _token(match: re.Match) -> Token:
    return Token(match.start(), match.end(), match.group(), wordlists().places[match.group()])


def _in_groups(text: str, tokens: list[Token]) -> bool:
    """Written in equal groups on one line ("的一是在 不了有和 人这中大"): Chinese prose has no spaces.
    (Short lines of equal length do happen in prose, so groups on lines of their own still have to
    look random.)"""
    sizes = [1]
    for previous, token in itertools.pairwise(tokens):
        if token.start == previous.end:
            sizes[-1] += 1
        elif "\n" in text[previous.end : token.start]:
            return False
        else:
            sizes.append(1)
    return len(sizes) >= 2 and len(set(sizes[:-1])) == 1 and sizes[-1] <= sizes[0]


def _looks_random(tokens: list[Token]) -> bool:
    return _random_characters("".join(token.key for token in tokens))


def _random_characters(characters: str) -> bool:
    if len(characters) - len(set(characters)) > MAX_RANDOM_REPEATS:
        return False
    rank = wordlists().han_rank
    return sum(rank[character] for character in characters) >= MIN_RANDOM_MEAN_INDEX * len(characters)


def _is_phrase(text: str, tokens: list[Token]) -> bool:
    """A valid phrase that is either written in groups or spread over the list like a random draw."""
    shaped = _in_groups(text, tokens) or _looks_random(tokens)  # cheaper than the checksum, so first
    return shaped and valid_language([token.places for token in tokens]) is not None


def _separated_findings(text: str) -> list[SecretFinding]:
    character, separated, _line, _after = _patterns()
    findings = []
    for match in separated.finditer(text):
        findings += run_findings([_token(char) for char in character.finditer(text, match.start(), match.end())])
    return findings


def _read_after(text: str, position: int) -> tuple[list[Token], list[bool]]:
    """Up to 24 characters from `position` (none if fewer than twelve), and for each whether the
    phrase may end after it (a gap or the end of the characters follows)."""
    character, _separated, _line, after = _patterns()
    match = after.match(text, position)
    if match is None or match.end() - match.start() < MIN_PHRASE_WORDS:
        return [], []
    characters = match.group()
    if characters.isalpha() and not any(_random_characters(characters[:length]) for length in PHRASE_LENGTHS):
        return [], []  # unspaced prose: no phrase starts here (the common case, so no tokens are built)
    tokens = [_token(char) for char in character.finditer(text, match.start(), match.end())]
    if len(tokens) < MIN_PHRASE_WORDS:
        return [], []
    ends = [following.start > token.end for token, following in itertools.pairwise(tokens)]
    ends.append(character.match(text, tokens[-1].end) is None)
    return tokens, ends


def _label_ends(text: str) -> list[tuple[int, int]]:
    """Where each phrase label ends, before and after its intro ("是", "如下", ":")."""
    ends = [label.end() for label in _LABEL.finditer(text)]
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer: offsets would shift
        lowered = text
    for label in _OTHER_LABELS:
        position = lowered.find(label)
        while position >= 0:
            ends.append(position + len(label))
            position = lowered.find(label, position + 1)
    return sorted((end, _INTRO.match(text, end).end()) for end in ends)


def _labelled_findings(text: str, label_ends: list[tuple[int, int]]) -> list[SecretFinding]:
    """After a label: the longest valid phrase, preferring one that ends where the characters do.
    An exact-length run that ends there and looks random but fails the checksum is suspected."""
    findings = []
    for label_end, after_intro in label_ends:
        candidates, suspected = [], None
        for start in dict.fromkeys((after_intro, label_end)):
            tokens, ends = _read_after(text, start)
            candidates += [
                (ends[length - 1], length, tokens[:length])
                for length in PHRASE_LENGTHS
                if length <= len(tokens) and _is_phrase(text, tokens[:length])
            ]
            if suspected is None and len(tokens) in PHRASE_LENGTHS and ends[-1] and _looks_random(tokens):
                suspected = SecretFinding(MNEMONIC, SUSPECTED, tokens[0].start, tokens[-1].end)
        if candidates:
            _ends, _length, tokens = max(candidates, key=lambda candidate: candidate[:2])
            findings.append(SecretFinding(MNEMONIC, CERTAIN, tokens[0].start, tokens[-1].end))
        elif suspected is not None:
            findings.append(suspected)
    return findings


def _line_findings(text: str, label_ends: list[tuple[int, int]]) -> list[SecretFinding]:
    """Lines of nothing but wordlist characters; consecutive lines count together if all but the last
    are equally long (a phrase copied in groups). The first group often sits on the label's line
    ("…助记词：齐捕婚"), so the rest of a label's line counts as a line too."""
    character, _separated, line, _after = _patterns()
    starts = [0] + [match.end() for match in re.finditer("\n", text)]
    starts += [after_intro for label_end, after_intro in label_ends if "\n" not in text[label_end:after_intro]]
    lines = []  # (start, end, characters span, number of characters)
    for start in sorted(set(starts)):
        match = line.match(text, start)
        if match is not None:
            characters = match.group(1).replace(" ", "").replace("\t", "")
            lines.append((start, match.end(), match.span(1), len(characters)))
    findings = []
    i = 0
    while i < len(lines):
        best, last, total = None, i, 0
        for j in range(i, len(lines)):
            consecutive = j == i or text.count("\n", lines[j - 1][1], lines[j][0]) == 1
            if not consecutive or (j > i + 1 and lines[j - 1][3] != lines[i][3]):
                break
            total += lines[j][3]
            if total > PHRASE_LENGTHS[0]:
                break
            if total in PHRASE_LENGTHS:
                tokens = [_token(char) for k in range(i, j + 1) for char in character.finditer(text, *lines[k][2])]
                if _is_phrase(text, tokens):
                    best, last = tokens, j
        if best is None:
            i += 1
            continue
        findings.append(SecretFinding(MNEMONIC, CERTAIN, best[0].start, best[-1].end))
        i = last + 1
    return findings


def han_phrase_findings(text: str) -> list[SecretFinding]:
    if not _ANY_HAN.search(text):
        return []
    label_ends = _label_ends(text)
    return [*_separated_findings(text), *_labelled_findings(text, label_ends), *_line_findings(text, label_ends)]
