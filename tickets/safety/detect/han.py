"""Chinese recovery phrases: every character is a word, and Chinese has no spaces.

Three shapes are recognised (the text is already NFKC, so "，" is "," and the ideographic space is " "):

- separated: characters each set apart by spaces, commas, 、, ;, newlines or numbering
  ("的 一 是", "的、一、是", "1. 的\\n2. 一", "(1)的(2)一"). Ordinary prose never does that to twelve
  characters in a row, so these runs are judged like Latin words (checksum: certain; else suspected);
- after a label: "助记词：的一是…。请帮我" — the characters that follow a phrase label (助记词, 助記詞,
  mnemonic, シードフレーズ …), unspaced or in space-separated groups, up to the first punctuation;
- lines of their own: a line, or consecutive lines of equal length ("的一是在\\n不了有和\\n…"), made
  only of wordlist characters.

The Chinese lists are the 2048 commonest characters in frequency order, so ordinary sentences are
all wordlist words and pass a 4-bit checksum one time in sixteen. Unspaced candidates therefore
also have to look random: a phrase draws its characters evenly from the whole list (mean index
≈ 1024), prose from the top of it (mean index of twelve prose characters ≈ 250, p99 ≈ 510).
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from statistics import fmean

from tickets.safety.detect.findings import CERTAIN, MNEMONIC, PHRASE_LENGTHS, SUSPECTED, SecretFinding
from tickets.safety.detect.phrases import Token, run_findings
from tickets.safety.detect.wordlists import valid_language, wordlists

_NUMBERING = r"\(\d{1,2}\)|\d{1,2}[.)、:]?"
_SEPARATOR = rf"[ \t\r\n,;:、/|·・\-]|{_NUMBERING}"
_SEPARATOR_START = r"[ \t\r\n,;:、/|·・\-(\d]"
# Between groups of characters after a label: whitespace and numbering, never a comma (that is prose).
_GROUP_GAP = re.compile(rf"(?:\s|{_NUMBERING}){{0,8}}")
_LINE_FILLER = r"[ \t\r\d.、:()\-\"'“”「」『』。,!?]"
_LABEL = re.compile(
    r"助记词|助記詞|助记符|助記符|记忆词|記憶詞|恢复短语|恢復短語|恢复词|恢復詞|种子短语|種子短語|种子词|種子詞|"
    r"备份短语|備份短語|钱包短语|錢包短語|短语|短語"
)
# Labels in other scripts, scanned only when a literal hint is present: an alternation of
# Latin words costs ten times the scan of the Chinese one.
_OTHER_LABEL = re.compile(
    r"(?:mnemonic|recovery\s+phrase|seed\s+phrase|seed\s+words|secret\s+phrase|backup\s+phrase|ニーモニック|"
    r"リカバリーフレーズ|復元フレーズ|シードフレーズ|니모닉|복구\s*문구|시드\s*문구)",
    re.IGNORECASE,
)
_OTHER_LABEL_HINTS = (
    "hrase",
    "HRASE",
    "nemonic",
    "NEMONIC",
    "ords",
    "ORDS",
    "ニーモニック",
    "フレーズ",
    "니모닉",
    "문구",
)
_INTRO = re.compile(r"(?:\s*(?:是|为|為|如下所示|如下|:|-|—|は|은|는))*\s*")
_ANY_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
# Below this mean wordlist index, unspaced characters read like prose (see the module docstring).
MIN_RANDOM_MEAN_INDEX = 560


@cache
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    han = f"[{wordlists().han_characters}]"
    separated = re.compile(rf"{han}(?={_SEPARATOR_START})(?:(?:{_SEPARATOR}){{1,8}}{han}){{11,}}")
    line = re.compile(rf"^{_LINE_FILLER}*((?:{han}[ \t]*)+){_LINE_FILLER}*$", re.MULTILINE)
    return re.compile(han), separated, line


def _token(match: re.Match) -> Token:
    return Token(match.start(), match.end(), match.group(), wordlists().places[match.group()])


def _in_groups(tokens: list[Token]) -> bool:
    """Written in equal groups ("的一是在 不了有和 人这中大", one group per line): prose is not."""
    sizes = [1]
    for previous, token in itertools.pairwise(tokens):
        if token.start == previous.end:
            sizes[-1] += 1
        else:
            sizes.append(1)
    return len(sizes) >= 2 and len(set(sizes[:-1])) == 1 and sizes[-1] <= sizes[0]


def _looks_random(tokens: list[Token]) -> bool:
    return fmean(min(token.places.values()) for token in tokens) >= MIN_RANDOM_MEAN_INDEX


def _is_phrase(tokens: list[Token]) -> bool:
    """A valid phrase that is either written in groups or spread over the list like a random draw."""
    valid = valid_language([token.places for token in tokens]) is not None
    return valid and (_in_groups(tokens) or _looks_random(tokens))


def _separated_findings(text: str) -> list[SecretFinding]:
    character, separated, _line = _patterns()
    findings = []
    for match in separated.finditer(text):
        findings += run_findings([_token(char) for char in character.finditer(text, match.start(), match.end())])
    return findings


def _read_after(text: str, position: int) -> tuple[list[Token], list[bool]]:
    """Up to 24 characters from `position`, and for each whether the phrase may end after it."""
    character = _patterns()[0]
    tokens: list[Token] = []
    ends: list[bool] = []
    while len(tokens) < PHRASE_LENGTHS[0]:
        next_start = _GROUP_GAP.match(text, position).end()
        match = character.match(text, next_start)
        if tokens:
            ends.append(next_start > position or match is None)
        if match is None:
            break
        tokens.append(_token(match))
        position = match.end()
    if len(ends) < len(tokens):
        ends.append(character.match(text, position) is None)
    return tokens, ends


def _labelled_findings(text: str) -> list[SecretFinding]:
    """After a label: the longest valid phrase, preferring one that ends where the characters do.
    An exact-length run that ends there but fails the checksum, or reads like prose, is suspected."""
    findings = []
    labels = list(_LABEL.finditer(text))
    if any(hint in text for hint in _OTHER_LABEL_HINTS):
        labels += _OTHER_LABEL.finditer(text)
    for label in labels:
        after_intro = _INTRO.match(text, label.end()).end()
        candidates, suspected = [], None
        for start in dict.fromkeys((after_intro, label.end())):
            tokens, ends = _read_after(text, start)
            candidates += [
                (ends[length - 1], length, tokens[:length])
                for length in PHRASE_LENGTHS
                if length <= len(tokens) and _is_phrase(tokens[:length])
            ]
            exact = suspected is None and len(tokens) in PHRASE_LENGTHS and ends[-1]
            if exact and (_looks_random(tokens) or valid_language([token.places for token in tokens]) is not None):
                suspected = SecretFinding(MNEMONIC, SUSPECTED, tokens[0].start, tokens[-1].end)
        if candidates:
            _ends, _length, tokens = max(candidates, key=lambda candidate: candidate[:2])
            findings.append(SecretFinding(MNEMONIC, CERTAIN, tokens[0].start, tokens[-1].end))
        elif suspected is not None:
            findings.append(suspected)
    return findings


def _line_findings(text: str) -> list[SecretFinding]:
    """Lines of nothing but wordlist characters; consecutive lines count together if all but the last
    are equally long (a phrase copied in groups)."""
    character, _separated, line = _patterns()
    lines = [(match.start(), match.end(), [_token(char) for char in character.finditer(text, *match.span(1))])
             for match in line.finditer(text)]  # fmt: skip
    findings = []
    i = 0
    while i < len(lines):
        best: list[Token] | None = None
        tokens: list[Token] = []
        for j in range(i, len(lines)):
            consecutive = j == i or lines[j][0] == lines[j - 1][1] + 1
            if not consecutive or (j > i + 1 and len(lines[j - 1][2]) != len(lines[i][2])):
                break
            tokens = tokens + lines[j][2]
            if len(tokens) > PHRASE_LENGTHS[0]:
                break
            if len(tokens) in PHRASE_LENGTHS and _is_phrase(tokens):
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
    return [*_separated_findings(text), *_labelled_findings(text), *_line_findings(text)]
