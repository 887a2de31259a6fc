"""English left in a translated rendering: shared by the page (tests/e2e) and mail (tests/supportdesk) checks.

A line that comes out the same in English and in another language, and still has an English word once brand
names, codes, addresses and the tests' own data are taken out, is English the customer would meet.
"""

from __future__ import annotations

import re

ALLOWED = re.compile(
    r"SupportDesk|SD-\d+|\bSD\b|[\w.+-]+@[\w.-]+|USDT|0x[0-9a-f]+|TxID|DApp|App|PDF|Telegram|WhatsApp|\bX\b|"
    r"TRON|Ethereum|Bitcoin|BNB|Solana|Keystore|UTC|Linh|agent_mai|https?://\S+|t\.me/\S+"
)
# Words that are spelt the same in a language (e.g. "Email" in Indonesian), per language.
SAME_WORDS = {
    "id": {"Email", "Login", "Status", "Chat"},
    "vi": {"Email"},
    "fr": {"Transaction", "Transactions", "Suggestion"},
}
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def english_leftovers(english: list[str], translated: list[str], language: str) -> list[str]:
    """Lines shown identically in English and in `language` that still contain an English word."""
    same = set(english) & set(translated)
    words = SAME_WORDS.get(language, set())
    return sorted(
        line for line in same if any(word not in words for word in ENGLISH_WORD.findall(ALLOWED.sub(" ", line)))
    )
