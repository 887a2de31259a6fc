"""NFKC before detection, with a map back to the caller's offsets.

Full-width digits, letters and punctuation (０-９, ｂ, ，, ：) and the ideographic space are one
character each in NFKC too, so the common case keeps every offset and costs two C-level passes.
Only text that still is not NFKC after that (ligatures, circled numbers, decomposed accents or
Hangul) takes the slow path, line by line, and records where each normalised character came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_FULL_WIDTH = re.compile("[\u3000\uff01-\uff5e]")
_FULL_WIDTH_OFFSET = 0xFEE0
# A character and the marks that NFKC may compose with it (accents, dakuten, Hangul vowel/final jamo).
_CLUSTER = re.compile("(?s).[\u0300-\u036f\u1160-\u11ff\u3099\u309a\u20d0-\u20ff]*")


@dataclass(frozen=True)
class Normalised:
    text: str
    # For each character of `text`: the span of the original characters it came from (None: same offsets).
    origins: list[tuple[int, int]] | None = None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if self.origins is None:
            return start, end
        return self.origins[start][0], self.origins[end - 1][1]


def _full_width_to_ascii(text: str) -> str:
    for char in set(_FULL_WIDTH.findall(text)):
        text = text.replace(char, " " if char == "\u3000" else chr(ord(char) - _FULL_WIDTH_OFFSET))
    return text


def normalise(text: str) -> Normalised:
    if text.isascii():
        return Normalised(text)
    text = _full_width_to_ascii(text)
    if unicodedata.is_normalized("NFKC", text):
        return Normalised(text)
    pieces: list[str] = []
    origins: list[tuple[int, int]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if unicodedata.is_normalized("NFKC", line):
            pieces.append(line)
            origins += [(offset + i, offset + i + 1) for i in range(len(line))]
        else:
            for cluster in _CLUSTER.finditer(line):
                normal = unicodedata.normalize("NFKC", cluster.group())
                pieces.append(normal)
                origins += [(offset + cluster.start(), offset + cluster.end())] * len(normal)
        offset += len(line)
    return Normalised("".join(pieces), origins)
