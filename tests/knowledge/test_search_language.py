"""Search and the bot answer in the customer's language first: the page's, or the one the question is plainly
written in (Traditional Chinese, a sentence in another desk language)."""

import pytest

from knowledge import selectors
from tests import factories


@pytest.fixture
def backup(editor):
    return factories.kb_article(
        author=editor,
        slug="backup",
        translations={
            "en": ("How to back up your recovery phrase", "Write the words on paper and keep them offline."),
            "es": ("Cómo hacer una copia de su frase de recuperación", "Escriba las palabras en papel."),
            "zh-hans": ("如何备份助记词", "把单词抄写在纸上，离线保存。"),
            "zh-hant": ("如何備份助記詞", "把單字抄寫在紙上，離線保存。"),
        },
    )


@pytest.mark.parametrize(
    ("query", "page", "language"),
    [
        ("如何備份助記詞", "en", "zh-hant"),
        ("如何备份助记词", "en", "zh-hans"),
        ("備份助記詞", "zh-hant", "zh-hant"),
        ("cómo hacer una copia de mi frase de recuperación", "en", "es"),
        ("recovery phrase", "es", "es"),
        ("how do I back up my recovery phrase", "en", "en"),
    ],
)
def test_the_article_comes_in_the_language_of_the_page_or_of_the_question(backup, query, page, language):
    cards = selectors.article_search(query, page)

    assert [card.article.slug for card in cards] == ["backup"]
    assert cards[0].translation.language == language
    assert cards[0].is_fallback is False


def test_a_short_query_in_latin_letters_is_searched_in_the_pages_language(backup):
    assert selectors.search_language(["usdt", "fee"], "vi") == "vi"
