"""Synthetic help-centre articles for the benchmarks (`knowledge_bench`, `make bench`).

Articles are bulk-created with the same derived search columns as
knowledge.services.article_translation_save, so search sees what it sees in production.
"""

from __future__ import annotations

import random

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from knowledge.models import Article, ArticleStatus, ArticleTranslation, HelpCategory
from knowledge.search import search_vectors_from_text
from knowledge.text import render_markdown, searchable_text

ENGLISH = (
    "wallet", "backup", "recovery", "phrase", "transfer", "pending", "fee", "network", "token", "swap", "bridge",
    "staking", "reward", "address", "exchange", "deposit", "withdraw", "ledger", "hardware", "import", "export",
    "account", "security", "scam", "phishing", "gas", "nonce", "confirmation", "explorer", "contract", "approval",
    "allowance", "chain", "tron", "ethereum", "bitcoin", "solana", "update", "version", "device", "android",
    "iphone", "crash", "login", "password", "biometric", "notification", "price", "chart", "nft", "collectible",
)  # fmt: skip
CHINESE = (
    "钱包", "备份", "助记词", "转账", "手续费", "网络", "代币", "兑换", "跨链", "质押", "奖励", "地址",
    "交易所", "充值", "提现", "硬件", "导入", "导出", "账户", "安全", "诈骗", "钓鱼", "确认", "浏览器",
    "合约", "授权", "波场", "以太坊", "比特币", "更新", "版本", "设备", "闪退", "登录", "密码", "通知",
)  # fmt: skip
QUERIES = [
    ("en", "recovery phrase backup"),
    ("en", "transfer pending fee"),
    ("en", "how do I import my wallet on a new device"),
    ("en", "staking reward"),
    ("zh-hans", "助记词"),
    ("zh-hans", "转账一直未到账"),
    ("zh-hans", "怎么备份钱包"),
    ("zh-hans", "手续费"),
]


def build_articles(count: int, *, slug_prefix: str = "bench") -> None:
    """Published articles (English, every other one also in Chinese), in bulk; slugs are `<slug_prefix>-<n>`."""
    rng = random.Random(9)
    author = get_user_model().objects.filter(is_staff=True).order_by("id").first() or get_user_model().objects.create(
        username="bench-author", is_staff=True
    )
    category = HelpCategory.objects.create(name="Bench", slug=f"{slug_prefix}-{rng.random():.8f}")
    now = timezone.now()
    batch = Article.objects.bulk_create(
        (
            Article(
                slug=f"{slug_prefix}-{number}",
                category=category,
                author=author,
                status=ArticleStatus.PUBLISHED,
                published_at=now,
            )
            for number in range(count)
        ),
        batch_size=2000,
    )
    # Realistic spread: a few product words per article among many ordinary ones, so a query
    # matches a few percent of the articles (the common-word worst case is measured too).
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "xe", "zu", "pe", "do", "gi", "ha", "by"]
    filler = sorted({"".join(rng.choice(syllables) for _part in range(3)) for _word in range(6000)})
    han_filler = [chr(rng.randrange(0x4E00, 0x9FA5)) for _char in range(3000)]
    translations = []
    for number, article in enumerate(batch):
        words = [rng.choice(filler) for _word in range(55)] + [rng.choice(ENGLISH) for _word in range(5)]
        rng.shuffle(words)
        translations.append(_translation(article, "en", " ".join(words[:6]).capitalize(), " ".join(words)))
        if number % 2 == 0:
            phrases = ["".join(rng.choices(han_filler, k=3)) for _phrase in range(36)]
            phrases += [rng.choice(CHINESE) for _phrase in range(4)]
            rng.shuffle(phrases)
            translations.append(_translation(article, "zh-hans", "".join(phrases[:4]), "，".join(phrases)))
    ArticleTranslation.objects.bulk_create(translations, batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE knowledge_article")
            cursor.execute("ANALYZE knowledge_articletranslation")


def _translation(article: Article, language: str, title: str, body: str) -> ArticleTranslation:
    # Same derived columns as knowledge.services.article_translation_save, built in bulk.
    search_title, search_body = searchable_text(title), searchable_text(body)
    return ArticleTranslation(
        article=article,
        language=language,
        title=title,
        body=body,
        body_html=render_markdown(body),
        search_title=search_title,
        search_body=search_body,
        **search_vectors_from_text(search_title, search_body),
    )
