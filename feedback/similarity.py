"""Near-duplicate grouping of short texts (suggestions), in any of the desk's languages.

A text becomes a set of features: each word of a space-separated script (casefolded,
NFKC-normalised, short stop words dropped) and each pair of adjacent characters of a
Han/kana/Hangul run (those scripts do not separate words, so character bigrams stand
in for words: "希望增加深色模式" and "请增加深色模式" share 增加, 加深, 深色, 色模, 模式).
Two texts are alike when the Jaccard index of their feature sets reaches a threshold.

Grouping is single-pass leader clustering in a fixed order (oldest first, then id):
each text joins the group whose leader it is most like, at or above the threshold,
else it leads a new group. Only leaders sharing at least one feature are compared
(an inverted index), so the cost is O(n · g) set comparisons at worst for n texts and
g groups (at most n² / 2), each O(f) for f features, and far less when texts differ;
callers cap n. The result depends only
on the texts and their order, never on hashing or timing, so it is deterministic.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

# Characters of scripts written without spaces between words.
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[^\W{_CJK}_]+")
_CJK_RUN = re.compile(rf"^[{_CJK}]+$")
# Words that carry no topic in a suggestion; dropping them keeps short texts from matching on "please add the".
_STOP_WORDS_TEXT = (
    "a an and are be but can could for from have i in is it its me my of on or our please should "
    "that the this to us we would you your"
)
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
# Enough to tell two suggestions apart; the rest of a long body adds cost, not signal.
TEXT_LIMIT = 1000


def normalise(text: str) -> str:
    """NFKC (full-width to half-width, compatibility forms), casefolded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text[:TEXT_LIMIT]).casefold().split())


def features(text: str) -> frozenset[str]:
    found: set[str] = set()
    for token in _TOKEN.findall(normalise(text)):
        if _CJK_RUN.match(token):
            bigrams = [token[i : i + 2] for i in range(len(token) - 1)]
            found.update(bigrams or [token])
        elif token not in STOP_WORDS and (len(token) > 1 or token.isdigit()):
            found.add(token)
    return frozenset(found)


def jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    if not first or not second:
        return 0.0
    shared = len(first & second)
    return shared / (len(first) + len(second) - shared)


@dataclass
class Cluster:
    """Indexes (into the grouped sequence) of one group's members; the first is its leader."""

    members: list[int]
    leader_features: frozenset[str]


def cluster(texts: Sequence[str], *, threshold: float) -> list[list[int]]:
    """Groups of indexes into `texts` (already in the order that decides leaders), each in input order.

    Only leaders sharing a feature with the text are compared (an inverted index of leader features),
    in the order the groups were opened, so ties go to the older group. An empty text (no features)
    is alike to nothing and stays alone.
    """
    clusters: list[Cluster] = []
    leaders_with: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        own = features(text)
        candidates = sorted({position for feature in own for position in leaders_with.get(feature, ())})
        best, best_score = None, threshold
        for position in candidates:
            score = jaccard(own, clusters[position].leader_features)
            if score >= best_score and (best is None or score > best_score):
                best, best_score = position, score
        if best is None:
            for feature in own:
                leaders_with.setdefault(feature, []).append(len(clusters))
            clusters.append(Cluster(members=[index], leader_features=own))
        else:
            clusters[best].members.append(index)
    return [group.members for group in clusters]


def representative(texts: Sequence[str], members: Sequence[int], *, limit: int = 50) -> int:
    """The member most like the rest (the highest summed similarity), ties to the earliest.

    Only the first `limit` members are compared (O(limit²)), so a very large group stays cheap.
    """
    considered = list(members[:limit])
    if len(considered) <= 2:
        return considered[0]
    sets = {index: features(texts[index]) for index in considered}
    scores = [(sum(jaccard(sets[index], sets[other]) for other in considered if other != index), -position)
              for position, index in enumerate(considered)]  # fmt: skip
    best_position = -max(scores)[1]
    return considered[best_position]
