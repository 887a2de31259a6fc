"""Help-centre content the API and portal tests share: a category, a translated article, an English-only one."""

import pytest

from tests import factories


@pytest.fixture
def category(db):
    return factories.HelpCategoryFactory(slug="security", name="Security", translations={"zh-hans": "安全"})


@pytest.fixture
def article(editor, category):
    return factories.kb_article(
        author=editor,
        slug="backup",
        category=category,
        translations={
            "en": ("How to back up your recovery phrase", "Write it **down**."),
            "zh-hans": ("如何备份助记词", "把助记词**抄写**下来。"),
        },
    )


@pytest.fixture
def english_only(editor, category):
    return factories.kb_article(
        author=editor, slug="dapp", category=category, translations={"en": ("Connecting to a DApp", "Open it.")}
    )
