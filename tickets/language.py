"""Which of the desk's languages a customer's text is written in (email, web form, chat, bot).

lingua (lingua-language-detector) is restricted to the languages of settings.LANGUAGES, which makes it
reliable on the short and mixed messages support gets. It knows one Chinese: Simplified or Traditional
is decided by the script, counting the characters OpenCC converts one way but not the other.
Mixed Chinese/English ("我的USDT转账一直pending") is Chinese as soon as Han characters carry a fair
share of the text: a Han character says as much as a short English word.

The models load once per process, on the first call (about 150 MB and 2-3 s).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from lingua import Language, LanguageDetector, LanguageDetectorBuilder
from opencc import OpenCC

# The desk's language codes → lingua's languages. Chinese is split afterwards by script.
_LINGUA = {
    "en": Language.ENGLISH,
    "es": Language.SPANISH,
    "fr": Language.FRENCH,
    "id": Language.INDONESIAN,
    "vi": Language.VIETNAMESE,
    "zh-hans": Language.CHINESE,
    "zh-hant": Language.CHINESE,
}
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[^\W\d_]")
# Below this many letters a guess is noise ("ok" looks Indonesian).
MIN_LETTERS = 4
MIN_CONFIDENCE = 0.5
# Share of Han characters among the letters from which a mixed text is Chinese.
HAN_SHARE = 0.2
# Enough text to be sure of the language (lingua's accuracy levels off well below this); cost grows with it.
_SAMPLE = 600


@dataclass(frozen=True)
class Detection:
    language: str  # a code of settings.LANGUAGES
    confidence: float


def supported_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code in _LINGUA]


@functools.cache
def _detector(languages: tuple[str, ...]) -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*{_LINGUA[code] for code in languages}).build()


@functools.cache
def _converters() -> tuple[OpenCC, OpenCC]:
    return OpenCC("s2t"), OpenCC("t2s")


def chinese_script(text: str) -> str:
    """zh-hant when the text has more Traditional-only than Simplified-only characters, else zh-hans."""
    to_traditional, to_simplified = _converters()
    counts = Counter(_HAN.findall(text))
    traditional = sum(count for char, count in counts.items() if to_simplified.convert(char) != char)
    simplified = sum(count for char, count in counts.items() if to_traditional.convert(char) != char)
    return "zh-hant" if traditional > simplified else "zh-hans"


def _chinese(text: str, languages: tuple[str, ...]) -> str | None:
    script = chinese_script(text)
    if script in languages:
        return script
    other = "zh-hans" if script == "zh-hant" else "zh-hant"
    return other if other in languages else None


def detect_language(text: str) -> Detection | None:
    """The supported language `text` is written in, or None when it is too short or too uncertain to say."""
    sample = (text or "")[:_SAMPLE]
    letters = len(_LETTER.findall(sample))
    han = len(_HAN.findall(sample))
    languages = tuple(supported_languages())
    if han >= 2 and han >= HAN_SHARE * letters:
        language = _chinese(sample, languages)
        return Detection(language, 1.0) if language else None
    if letters < MIN_LETTERS:
        return None
    best = _detector(languages).compute_language_confidence_values(sample)[0]
    if best.value < MIN_CONFIDENCE:
        return None
    if best.language == Language.CHINESE:
        language = _chinese(sample, languages)
        return Detection(language, best.value) if language else None
    code = next(code for code in languages if _LINGUA[code] == best.language)
    return Detection(code, best.value)


def detected_language(text: str) -> str | None:
    detection = detect_language(text)
    return detection.language if detection else None
