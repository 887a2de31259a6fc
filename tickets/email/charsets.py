"""Text from mail bytes in whatever charset they really are.

Text is decoded with the declared charset where it works and with fallbacks
where mail lies: strict UTF-8 first (mail labelled iso-8859-1 or gb2312 is often
really UTF-8), the declared charset through a table of supersets (gb2312 →
gb18030, big5 → big5hkscs, iso-8859-1 → windows-1252), then GB18030 or Big5 when
the result reads as CJK, then windows-1252. Header values carrying raw 8-bit
bytes are repaired the same way, and RFC 2047 encoded words are decoded.
"""

from __future__ import annotations

import contextlib
import re
from email import errors
from email.header import decode_header

# Labels whose real encoding is a superset (what the sending software actually produced).
_CHARSET_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "iso-8859-8-i": "iso-8859-8",
    "tis-620": "cp874",
    "windows-874": "cp874",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
}
# Labels that say nothing about 8-bit bytes: such bytes mean the label is wrong.
_NO_LABEL = {"", "us-ascii", "ascii", "unknown-8bit", "x-unknown", "default"}
# Encodings whose bytes may happen to be valid UTF-8 (7-bit ISO-2022 text always is): trust the label first.
_TRUST_LABEL_FIRST = ("utf-16", "utf-32", "utf-7", "iso-2022", "hz-gb")
# Unlabelled CJK text decodes as these only if nearly every non-ASCII character is CJK.
_CJK_GUESSES = ("gb18030", "big5hkscs")
_CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")

_WHITESPACE = re.compile(r"\s+")
# Control characters no header or text should carry (PostgreSQL refuses NUL in text columns).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CHARSET_NAME = re.compile(r"[a-z0-9][a-z0-9._:+-]{0,39}")
_SURROGATE = re.compile("[\udc80-\udcff]")


def _looks_cjk(text: str) -> bool:
    """At least two CJK characters, and almost nothing else outside ASCII (mis-decoded bytes scatter)."""
    non_ascii = [char for char in text if ord(char) > 127]
    cjk = sum(1 for char in non_ascii if _CJK.match(char))
    return cjk >= 2 and cjk >= 0.9 * len(non_ascii)


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Text from bytes in whatever charset they really are (see the module docstring)."""
    label = (declared or "").strip().strip('"').lower()
    if not _CHARSET_NAME.fullmatch(label):
        # A damaged label (8-bit bytes, NUL) names no codec; Python's lookup would raise on it.
        label = ""
    if label.startswith(_TRUST_LABEL_FIRST):
        try:
            return data.decode(_CHARSET_SUPERSETS.get(label, label))
        except (UnicodeDecodeError, LookupError):
            label = ""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared_text = None
    if label not in _NO_LABEL:
        charset = _CHARSET_SUPERSETS.get(label, label)
        with contextlib.suppress(UnicodeDecodeError, LookupError):
            declared_text = data.decode(charset)
        # A Chinese label on bytes that decode to non-Chinese is the other Chinese encoding.
        if declared_text is not None and (charset not in _CJK_GUESSES or _looks_cjk(declared_text)):
            return declared_text
    for charset in _CJK_GUESSES:
        try:
            text = data.decode(charset)
        except UnicodeDecodeError:
            continue
        if _looks_cjk(text):
            return text
    if declared_text is not None:
        return declared_text
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def repair_header(value: str) -> str:
    """Undo the parser's surrogateescape of raw 8-bit header bytes."""
    if not _SURROGATE.search(value):
        return value
    return decode_bytes(value.encode("utf-8", "surrogateescape"))


def decode_header_value(value: str | None) -> str:
    """A header as one clean line of text: encoded words decoded, raw 8-bit bytes repaired, no CR/LF."""
    if not value:
        return ""
    value = str(value)
    try:
        chunks = decode_header(value)
    except errors.HeaderParseError:
        chunks = [(value, None)]
    decoded, previous_charset = [], "start"
    for chunk, charset in chunks:
        # decode_header drops the space between plain text and an encoded word (as make_header re-adds it).
        if previous_charset != "start" and None in (charset, previous_charset):
            decoded.append(" ")
        previous_charset = charset
        if isinstance(chunk, str):
            decoded.append(repair_header(chunk))
        elif charset is None:
            # Unencoded text between encoded words comes back as raw-unicode-escape bytes.
            decoded.append(repair_header(chunk.decode("raw-unicode-escape")))
        else:
            decoded.append(decode_bytes(chunk, charset))
    return _WHITESPACE.sub(" ", CONTROL_CHARACTERS.sub("", "".join(decoded))).strip()
