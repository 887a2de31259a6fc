"""Private keys in their usual shapes.

- 64 hex digits (Ethereum, TRON, BSC …), with or without 0x, also split over lines or groups:
  certain when the text calls it a key, suspected when nothing says what it is, ignored when the
  text calls it a transaction hash, an address, a block or an order (a hash looks the same);
- a Solana key pair: 64 bytes whose second half is the Ed25519 public key of the first, written in
  base58 (wallet export), as a JSON array of 64 numbers (id.json) or as 128 hex digits. A verified
  pair is certain; 64 unverified bytes follow the context rule above (a signature looks the same);
- WIF (mainnet and testnet) and BIP32 extended private keys (xprv, yprv, zprv, tprv …) with a valid
  base58check checksum;
- an encrypted keystore file (JSON with "crypto"/"ciphertext"/"kdf").
"""

from __future__ import annotations

import json
import re

import base58
from Crypto.PublicKey import ECC

from tickets.safety.detect.findings import CERTAIN, KEYSTORE, PRIVATE_KEY, SUSPECTED, WIF, XPRV, SecretFinding

_HEX_CHUNK = re.compile(r"[0-9a-fA-F]{8,}")
# Between the chunks of one key: a few spaces, one line break, a 0x prefix.
_HEX_CHUNK_GAP = re.compile(r"[ \t]{0,3}\r?\n?[ \t]{0,3}(?:0x)?")
_KEY_CONTEXT = re.compile(
    r"private\s*key|priv\s*key|privkey|secret\s*key|\bkey\b|私钥|私鑰|密钥|密鑰|秘钥|秘密鍵|개인\s*키|"
    r"clave\s+privada|llave\s+privada|cl[ée]\s+priv[ée]e|kunci\s+pri(?:badi|vat)|kh[óo]a\s+(?:ri[êe]ng|b[íi]\s+m[ậa]t)",
    re.IGNORECASE,
)
_NOT_KEY_CONTEXT = re.compile(
    r"\btx|txid|txn|transaction|\bhash|signature|交易|哈希|签名|簽名|区块|區塊|\bblock|public\s*key|公钥|公鑰|"
    r"\baddress|地址|\border\b|订单|訂單|transacci[óo]n|giao\s+d[ịi]ch|transaksi",
    re.IGNORECASE,
)
_CONTEXT_BEFORE = 60
_CONTEXT_AFTER = 40

_BASE58 = "1-9A-HJ-NP-Za-km-z"
# The leftmost match of a run is the whole run, so no look-behind is needed (and none is paid for).
_BASE58_RUN = re.compile(rf"[{_BASE58}]{{50,}}")
_WIF_LENGTHS = (51, 52)
_WIF_VERSIONS = (0x80, 0xEF)  # mainnet, testnet
_XPRV = re.compile(r"[xyztuvYZUV]prv")
_XPRV_LENGTHS = range(104, 117)
_KEYPAIR_LENGTHS = range(86, 91)
_BYTE_ARRAY = re.compile(r"\[\s*\d{1,3}(?:\s*,\s*\d{1,3}){63}\s*\]")
_KEYSTORE_MARKERS = ("ciphertext", "kdf")
_KEY_BYTES = 32
_PARTIAL_KEY_DIGITS = (40, 63)


def _nearest(pattern: re.Pattern, text: str, start: int, end: int) -> int | None:
    """Distance from the candidate to the closest match of `pattern` around it."""
    before = text[max(0, start - _CONTEXT_BEFORE) : start]
    after = text[end : end + _CONTEXT_AFTER]
    distances = [len(before) - match.end() for match in pattern.finditer(before)]
    distances += [match.start() for match in pattern.finditer(after)]
    return min(distances) if distances else None


def _by_context(kind: str, text: str, start: int, end: int, context_start: int | None = None) -> SecretFinding | None:
    """`context_start`: where the words that describe it are looked for (the first of several keys)."""
    context_start = start if context_start is None else context_start
    key = _nearest(_KEY_CONTEXT, text, context_start, end)
    not_key = _nearest(_NOT_KEY_CONTEXT, text, context_start, end)
    if not_key is not None and (key is None or not_key <= key):
        return None
    return SecretFinding(kind, CERTAIN if key is not None else SUSPECTED, start, end)


def is_ed25519_keypair(pair: bytes) -> bool:
    if len(pair) != 2 * _KEY_BYTES:
        return False
    public = ECC.construct(curve="Ed25519", seed=pair[:_KEY_BYTES]).public_key().export_key(format="raw")
    return public == pair[_KEY_BYTES:]


def _key_bytes_finding(pair: bytes, text: str, start: int, end: int) -> SecretFinding | None:
    if is_ed25519_keypair(pair):
        return SecretFinding(PRIVATE_KEY, CERTAIN, start, end)
    return _by_context(PRIVATE_KEY, text, start, end)


def _hex_runs(text: str) -> list[list[re.Match]]:
    """Chunks of eight or more hex digits that stand alone and follow each other across spaces or
    one line break. A chunk of decimal digits only is an order or phone number and is left out."""
    runs: list[list[re.Match]] = []
    previous_end = -1
    for chunk in _HEX_CHUNK.finditer(text):
        start, end = chunk.span()
        if start and text[start - 1].isalnum() and text[start - 2 : start] != "0x":
            continue
        if end < len(text) and text[end].isalnum():
            continue
        if chunk.group().isdigit():
            continue
        if runs and _HEX_CHUNK_GAP.fullmatch(text, previous_end, start):
            runs[-1].append(chunk)
        else:
            runs.append([chunk])
        previous_end = end
    return runs


def _hex_groups(chunks: list[re.Match]) -> list[tuple[int, int, str]]:
    """The 64-digit keys (or 128-digit Solana pairs) in a run of chunks: one key per line, a key
    split over lines or groups, several keys in a row."""
    groups = []
    i = 0
    while i < len(chunks):
        j, digits = _take_digits(chunks, i, 64)
        if len(digits) == 64:
            k, more = _take_digits(chunks, j + 1, 64)
            if len(more) == 64 and is_ed25519_keypair(bytes.fromhex(digits + more)):
                j, digits = k, digits + more
        if len(digits) in (64, 128):
            start = chunks[i].start()
            start -= 2 if chunks[i].string[start - 2 : start] == "0x" else 0  # the prefix goes with the key
            groups.append((start, chunks[j].end(), digits))
            i = j + 1
        else:
            i += 1
    return groups


def _take_digits(chunks: list[re.Match], first: int, wanted: int) -> tuple[int, str]:
    """Chunks from `first` until at least `wanted` digits: index of the last one and the digits."""
    digits, last = "", first
    for last in range(first, len(chunks)):
        digits += chunks[last].group()
        if len(digits) >= wanted:
            break
    return last, digits


def _partial_key_finding(text: str, run: list[re.Match]) -> SecretFinding | None:
    """A key cut short (a field's length limit, a paste that missed the end) still gives away most of
    it: 40 to 63 digits are a secret when the words around them call them a key, never without."""
    start, end = run[0].start(), run[-1].end()
    start -= 2 if text[start - 2 : start] == "0x" else 0
    if not _PARTIAL_KEY_DIGITS[0] <= sum(len(chunk.group()) for chunk in run) <= _PARTIAL_KEY_DIGITS[1]:
        return None
    finding = _by_context(PRIVATE_KEY, text, start, end)
    return finding if finding is not None and finding.confidence == CERTAIN else None


def _hex_findings(text: str) -> list[SecretFinding]:
    findings = []
    for run in _hex_runs(text):
        groups = _hex_groups(run)
        if not groups and (partial := _partial_key_finding(text, run)) is not None:
            findings.append(partial)
        for start, end, digits in groups:
            if len(digits) == 64:
                finding = _by_context(PRIVATE_KEY, text, start, end, context_start=run[0].start())
            elif is_ed25519_keypair(bytes.fromhex(digits)):
                finding = SecretFinding(PRIVATE_KEY, CERTAIN, start, end)
            else:
                finding = None
            if finding is not None:
                findings.append(finding)
    return findings


def _base58check(value: str) -> bytes | None:
    try:
        return base58.b58decode_check(value)
    except ValueError:
        return None


def _wif_finding(match: re.Match) -> SecretFinding | None:
    payload = _base58check(match.group())
    if payload and payload[0] in _WIF_VERSIONS and (len(payload) == 33 or (len(payload) == 34 and payload[-1] == 1)):
        return SecretFinding(WIF, CERTAIN, match.start(), match.end())
    return None


def _xprv_finding(match: re.Match) -> SecretFinding | None:
    payload = _base58check(match.group())
    # 78 bytes: version, depth, fingerprint, child number, chain code, 0x00 + 32-byte key.
    if payload is not None and len(payload) == 78 and payload[45] == 0:
        return SecretFinding(XPRV, CERTAIN, match.start(), match.end())
    return None


def _base58_findings(text: str) -> list[SecretFinding]:
    findings = []
    for match in _BASE58_RUN.finditer(text):
        length = len(match.group())
        finding = None
        if length in _WIF_LENGTHS:
            finding = _wif_finding(match)
        elif length in _XPRV_LENGTHS and _XPRV.match(match.group()):
            finding = _xprv_finding(match)
        elif length in _KEYPAIR_LENGTHS:
            pair = base58.b58decode(match.group())
            if len(pair) == 2 * _KEY_BYTES:
                finding = _key_bytes_finding(pair, text, match.start(), match.end())
        if finding is not None:
            findings.append(finding)
    return findings


def _byte_array_findings(text: str) -> list[SecretFinding]:
    """A key pair file (Solana's id.json): a JSON array of 64 numbers."""
    findings = []
    for match in _BYTE_ARRAY.finditer(text):
        numbers = [int(number) for number in re.findall(r"\d+", match.group())]
        if max(numbers) <= 255 and (finding := _key_bytes_finding(bytes(numbers), text, match.start(), match.end())):
            findings.append(finding)
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


def key_findings(text: str) -> list[SecretFinding]:
    return [
        *_keystore_findings(text),
        *_base58_findings(text),
        *_byte_array_findings(text),
        *_hex_findings(text),
    ]
