"""Finding wallet secrets in text: recovery phrases, private keys, WIF, xprv, keystore files.

`find_secrets` reports what it finds with a confidence:

- ``certain``: a BIP39 phrase with a valid checksum, a 64-hex key that the
  text calls a key, a WIF or extended private key with a valid base58check
  checksum, an Ethereum keystore JSON. These are removed before storage.
- ``suspected``: twelve or more wordlist words without a valid checksum (a
  typo'd phrase still opens most of the wallet), or a bare 64-hex string with
  no context. These are flagged, never removed: a transaction hash looks the same.
  Chinese characters written without separators are the exception: the
  Chinese wordlists are the commonest characters, so such runs are reported
  only with a valid checksum (see _unspaced_findings).

The BIP39 wordlists come from the `mnemonic` package (trezor's reference
implementation), not copies.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from dataclasses import dataclass
from functools import cache

import base58
from django.utils.translation import gettext as _
from mnemonic import Mnemonic

MNEMONIC = "mnemonic"
PRIVATE_KEY = "private_key"
WIF = "wif"
XPRV = "xprv"
KEYSTORE = "keystore"
KINDS = (MNEMONIC, PRIVATE_KEY, WIF, XPRV, KEYSTORE)

CERTAIN = "certain"
SUSPECTED = "suspected"

PHRASE_LENGTHS = (24, 21, 18, 15, 12)
MIN_PHRASE_WORDS = 12
# A typo'd phrase with more unknown words than this is more likely ordinary prose.
MAX_FUZZY_WORDS = 2
# Characters allowed between two words of a phrase: spaces, commas, numbering ("1. ", "2) ").
_WORD_GAP = re.compile(r"[\s,;:.、，；：。()\[\]#\-–—_|/\"'“”‘’0-9]{1,16}")
_HAN_GAP = re.compile(r"[\s,;:、，；：()\[\]#\-–—|/0-9.]{0,16}")
_TOKEN = re.compile(r"[A-Za-z]+|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_PHRASE_CONTEXT = re.compile(
    r"助记词|助记符|记忆词|助記詞|恢复短语|恢復短語|种子短语|種子短語|种子词|備份|备份短语|"
    r"mnemonic|recovery\s+phrase|seed\s+phrase|secret\s+phrase|seed\s+words|backup\s+phrase|\b(?:12|24)\s+words",
    re.IGNORECASE,
)
# "my phrase is: …" — the words that introduce a phrase are themselves wordlist characters.
_PHRASE_INTRO = re.compile(r"(?:助记词|助记符|记忆词|助記詞|短语|短語|种子词)(?:是|为|為|如下)?")

_HEX64 = re.compile(r"(?<![0-9A-Za-z])(?:0x)?[0-9a-fA-F]{64}(?![0-9A-Za-z])")
_KEY_CONTEXT = re.compile(
    r"private\s*key|priv\s*key|privkey|secret\s*key|\bkey\b|私钥|私鑰|密钥|密鑰|秘钥", re.IGNORECASE
)
_NOT_KEY_CONTEXT = re.compile(
    r"\btx|txid|transaction|\bhash|交易|哈希|区块|區塊|\bblock|public\s*key|公钥|公鑰|\border\b|订单", re.IGNORECASE
)
_CONTEXT_BEFORE = 60
_CONTEXT_AFTER = 40

_BASE58 = "1-9A-HJ-NP-Za-km-z"
_WIF = re.compile(rf"(?<![{_BASE58}])[5KL][{_BASE58}]{{50,51}}(?![{_BASE58}])")
_XPRV = re.compile(rf"(?<![{_BASE58}])[xyztuvYZUV]prv[{_BASE58}]{{100,112}}(?![{_BASE58}])")
_KEYSTORE_MARKERS = ("ciphertext", "kdf")


@dataclass(frozen=True)
class SecretFinding:
    kind: str
    confidence: str
    start: int
    end: int

    @property
    def is_certain(self) -> bool:
        return self.confidence == CERTAIN


# Wordlists -----------------------------------------------------------------


@dataclass(frozen=True)
class _Wordlist:
    language: str
    index: dict[str, int]


@cache
def _wordlists() -> tuple[_Wordlist, ...]:
    return tuple(
        _Wordlist(language, {word: i for i, word in enumerate(Mnemonic(language).wordlist)})
        for language in ("english", "chinese_simplified", "chinese_traditional")
    )


@cache
def _english_lookup() -> tuple[dict[str, str], dict[str, set[str]]]:
    """Unique four-letter prefixes (BIP39 words are unique in their first four letters, and
    wallets accept the abbreviation) and the one-deletion neighbourhood used to spot typos."""
    words = Mnemonic("english").wordlist
    prefixes = {word[:4]: word for word in words if len(word) > 4}
    deletions: dict[str, set[str]] = {}
    for word in words:
        for i in range(len(word)):
            deletions.setdefault(word[:i] + word[i + 1 :], set()).add(word)
    return prefixes, deletions


def _english_word(token: str) -> str | None:
    """The wordlist word a Latin token stands for (exact or abbreviated), "" for a likely typo of
    one, None for any other word."""
    english = _wordlists()[0].index
    lowered = token.lower()
    if lowered in english:
        return lowered
    prefixes, deletions = _english_lookup()
    if len(lowered) >= 4 and lowered[:4] in prefixes and prefixes[lowered[:4]].startswith(lowered):
        return prefixes[lowered[:4]]
    if len(lowered) >= 4 and _is_one_edit_from_wordlist(lowered, english, deletions):
        return ""
    return None


def _is_one_edit_from_wordlist(token: str, words: dict[str, int], deletions: dict[str, set[str]]) -> bool:
    if token in deletions:  # a letter missing
        return True
    for i in range(len(token)):
        shorter = token[:i] + token[i + 1 :]
        if shorter in words or shorter in deletions:  # a letter too many, or one substituted
            return True
    return False


def checksum_valid(words: list[str | None], index: dict[str, int]) -> bool:
    """BIP39: the last ENT/32 bits of the word indices are the first bits of SHA-256(entropy)."""
    if len(words) not in PHRASE_LENGTHS or any(word not in index for word in words):
        return False
    bits = "".join(format(index[word], "011b") for word in words)
    checksum_length = len(bits) // 33
    entropy_bits, checksum = bits[:-checksum_length], bits[-checksum_length:]
    entropy = int(entropy_bits, 2).to_bytes(len(entropy_bits) // 8, "big")
    digest = format(hashlib.sha256(entropy).digest()[0], "08b")
    return digest[:checksum_length] == checksum


# Mnemonics -----------------------------------------------------------------


@dataclass
class _Token:
    start: int
    end: int
    text: str
    word: str | None  # the wordlist word (English: expanded), None for a typo
    han: bool
    adjacent: bool  # Han character written right after the previous one, no separator


def _tokens(text: str) -> list[_Token]:
    """Latin words and single Han characters; `text` is empty for a word that breaks a phrase."""
    chinese = set(_wordlists()[1].index) | set(_wordlists()[2].index)
    tokens = []
    for match in _TOKEN.finditer(text):
        raw = match.group()
        han = not raw.isascii()
        word = (raw if raw in chinese else None) if han else _english_word(raw)
        breaks = word is None
        tokens.append(_Token(match.start(), match.end(), "" if breaks else raw, word or None, han, False))
    return tokens


def _runs(text: str) -> list[list[_Token]]:
    """Maximal sequences of wordlist (or typo'd wordlist) words joined only by separators."""
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    for token in _tokens(text):
        if not token.text:
            if current:
                runs.append(current)
            current = []
            continue
        if current:
            previous = current[-1]
            gap = text[previous.end : token.start]
            joined = previous.han == token.han and (_HAN_GAP.fullmatch(gap) if token.han else _WORD_GAP.fullmatch(gap))
            if not joined:
                runs.append(current)
                current = []
            else:
                token.adjacent = token.han and gap == ""
        current.append(token)
    if current:
        runs.append(current)
    return [run for run in runs if len(run) >= MIN_PHRASE_WORDS]


def _valid_in_some_list(words: list[str | None]) -> bool:
    return any(checksum_valid(words, wordlist.index) for wordlist in _wordlists())


def _spaced_findings(run: list[_Token]) -> list[SecretFinding]:
    """Words separated by spaces, commas or numbering: a valid checksum anywhere in the run is certain."""
    findings: list[SecretFinding] = []
    used = [False] * len(run)
    for length in PHRASE_LENGTHS:
        for i in range(len(run) - length + 1):
            if any(used[i : i + length]):
                continue
            if _valid_in_some_list([token.word for token in run[i : i + length]]):
                findings.append(SecretFinding(MNEMONIC, CERTAIN, run[i].start, run[i + length - 1].end))
                used[i : i + length] = [True] * length
    for segment in _unused_segments(run, used):
        fuzzy = sum(1 for token in segment if token.word is None)
        if len(segment) >= MIN_PHRASE_WORDS and fuzzy <= MAX_FUZZY_WORDS:
            findings.append(SecretFinding(MNEMONIC, SUSPECTED, segment[0].start, segment[-1].end))
    return findings


def _unused_segments(run: list[_Token], used: list[bool]) -> list[list[_Token]]:
    segments, current = [], []
    for token, is_used in zip(run, used, strict=True):
        if is_used:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(token)
    if current:
        segments.append(current)
    return segments


def _fills_its_line(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    filler = " \t0123456789.、:：-—\"'“”「」。，,"
    return not text[line_start:start].strip(filler) and not text[end:line_end].strip(filler)


def _unspaced_findings(text: str, run: list[_Token]) -> list[SecretFinding]:
    """Chinese characters written without separators.

    The Chinese wordlists are the 2048 commonest characters, so ordinary
    sentences are all wordlist words and a 12-character one passes the 4-bit
    checksum one time in sixteen. So, unlike spaced words: only a valid
    checksum counts (a typo'd unspaced phrase cannot be told from prose, so
    there is no "suspected" here), candidates stop at punctuation, and the
    phrase must fill its line or the text must talk about a phrase.
    """
    in_context = bool(_PHRASE_CONTEXT.search(text))
    candidates, segment = [], []
    for token in run:
        if segment and not token.adjacent:
            candidates.append(segment)
            segment = []
        segment.append(token)
    candidates.append(segment)
    if all(not text[a.end : b.start] or text[a.end : b.start].isspace() for a, b in itertools.pairwise(run)):
        candidates.append(run)  # groups of characters separated by spaces ("的一是在 不了有和 …")
    for candidate in candidates:
        candidate = _after_intro(text, candidate)
        words = [token.word for token in candidate]
        if len(words) not in PHRASE_LENGTHS or not _valid_in_some_list(words):
            continue
        start, end = candidate[0].start, candidate[-1].end
        if in_context or _fills_its_line(text, start, end):
            return [SecretFinding(MNEMONIC, CERTAIN, start, end)]
    return []


def _after_intro(text: str, candidate: list[_Token]) -> list[_Token]:
    chars = "".join(token.text for token in candidate)
    intro_end = 0
    for match in _PHRASE_INTRO.finditer(chars):
        intro_end = match.end()
    return candidate[intro_end:] if len(candidate) - intro_end >= MIN_PHRASE_WORDS else candidate


def _mnemonic_findings(text: str) -> list[SecretFinding]:
    findings = []
    for run in _runs(text):
        if run[0].han and any(token.adjacent for token in run):
            findings += _unspaced_findings(text, run)
        else:
            findings += _spaced_findings(run)
    return findings


# Keys ----------------------------------------------------------------------


def _nearest(pattern: re.Pattern, text: str, start: int, end: int) -> int | None:
    """Distance from the hex string to the closest match of `pattern` around it (same text only)."""
    before = text[max(0, start - _CONTEXT_BEFORE) : start]
    after = text[end : end + _CONTEXT_AFTER]
    distances = [len(before) - match.end() for match in pattern.finditer(before)]
    distances += [match.start() for match in pattern.finditer(after)]
    return min(distances) if distances else None


def _hex_key_findings(text: str) -> list[SecretFinding]:
    findings = []
    for match in _HEX64.finditer(text):
        key = _nearest(_KEY_CONTEXT, text, match.start(), match.end())
        not_key = _nearest(_NOT_KEY_CONTEXT, text, match.start(), match.end())
        if not_key is not None and (key is None or not_key <= key):
            continue
        confidence = CERTAIN if key is not None else SUSPECTED
        findings.append(SecretFinding(PRIVATE_KEY, confidence, match.start(), match.end()))
    return findings


def _base58check(value: str) -> bytes | None:
    try:
        return base58.b58decode_check(value)
    except ValueError:
        return None


def _wif_findings(text: str) -> list[SecretFinding]:
    findings = []
    for match in _WIF.finditer(text):
        payload = _base58check(match.group())
        if payload and payload[0] == 0x80 and (len(payload) == 33 or (len(payload) == 34 and payload[-1] == 1)):
            findings.append(SecretFinding(WIF, CERTAIN, match.start(), match.end()))
    return findings


def _xprv_findings(text: str) -> list[SecretFinding]:
    findings = []
    for match in _XPRV.finditer(text):
        payload = _base58check(match.group())
        # 78 bytes: version, depth, fingerprint, child number, chain code, 0x00 + 32-byte key.
        if payload is not None and len(payload) == 78 and payload[45] == 0:
            findings.append(SecretFinding(XPRV, CERTAIN, match.start(), match.end()))
    return findings


def _json_objects(text: str) -> list[tuple[int, int]]:
    """Spans of the outermost balanced {...} blocks (string-aware)."""
    spans, depth, start, in_string, escaped = [], 0, 0, False, False
    for i, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"' and depth:
            in_string = True
        elif char == "{":
            if depth == 0:
                start = i
            depth += 1
        elif char == "}" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


def _is_keystore(fragment: str) -> bool:
    lowered = fragment.lower()
    if not all(f'"{marker}"' in lowered for marker in _KEYSTORE_MARKERS):
        return False
    try:
        document = json.loads(fragment)
    except ValueError:
        # Truncated or hand-edited: the markers are enough to treat it as a keystore.
        return True
    crypto = document.get("crypto") or document.get("Crypto") if isinstance(document, dict) else None
    return isinstance(crypto, dict) and "ciphertext" in crypto


def _keystore_findings(text: str) -> list[SecretFinding]:
    if "ciphertext" not in text.lower():
        return []
    return [
        SecretFinding(KEYSTORE, CERTAIN, start, end)
        for start, end in _json_objects(text)
        if _is_keystore(text[start:end])
    ]


# Public API ----------------------------------------------------------------


def find_secrets(text: str) -> list[SecretFinding]:
    """Every secret in `text`, in order; findings inside a certain one (a keystore's hex) are dropped."""
    if not text:
        return []
    found = [
        *_keystore_findings(text),
        *_xprv_findings(text),
        *_wif_findings(text),
        *_hex_key_findings(text),
        *_mnemonic_findings(text),
    ]
    certain = [finding for finding in found if finding.is_certain]
    kept = []
    for finding in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
        inside = any(
            other is not finding and other.start <= finding.start and finding.end <= other.end for other in certain
        )
        overlaps_kept = any(finding.start < other.end and other.start < finding.end for other in kept)
        if not inside and not overlaps_kept:
            kept.append(finding)
    return kept


def placeholder(kind: str) -> str:
    labels = {
        MNEMONIC: _("[recovery phrase removed]"),
        PRIVATE_KEY: _("[private key removed]"),
        WIF: _("[private key removed]"),
        XPRV: _("[extended private key removed]"),
        KEYSTORE: _("[keystore file removed]"),
    }
    return labels[kind]


def redact_secrets(text: str) -> str:
    """`text` with every certain finding replaced by a visible placeholder; suspected ones stay."""
    return redact_findings(text, find_secrets(text))


def redact_findings(text: str, findings: list[SecretFinding]) -> str:
    pieces, position = [], 0
    for finding in sorted((f for f in findings if f.is_certain), key=lambda f: f.start):
        pieces += [text[position : finding.start], placeholder(finding.kind)]
        position = finding.end
    pieces.append(text[position:])
    return "".join(pieces)
