"""`make bench-knowledge`: help-centre search p50/p95 and bot answer latency at scale.

Builds N published articles (English, half also in Chinese) inside a
transaction that is rolled back at the end, so the database is left as it was.
On PostgreSQL it also prints EXPLAIN ANALYZE of one search to show the GIN index at work.
"""

from __future__ import annotations

import random
import statistics
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from knowledge import selectors, services
from knowledge.models import Article, ArticleStatus, ArticleTranslation, HelpCategory
from knowledge.search import matching_translations, search_vector_from_text
from knowledge.text import query_terms, render_markdown, searchable_text

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


class _Rollback(Exception):
    """Raised to leave the benchmark transaction without committing."""


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Benchmark help-centre search and the FAQ bot on N articles (rolled back afterwards)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--articles", type=int, default=20_000)
        parser.add_argument("--rounds", type=int, default=25, help="times each query is run")

    def handle(self, *args, articles: int, rounds: int, **options) -> None:
        try:
            with transaction.atomic():
                self._run(articles, rounds)
                raise _Rollback
        except _Rollback:
            self.stdout.write("(benchmark data rolled back)")

    def _run(self, count: int, rounds: int) -> None:
        started = time.perf_counter()
        self._build(count)
        self.stdout.write(f"{connection.vendor}: built {count} articles in {time.perf_counter() - started:.1f} s")
        timings = []
        for language, query in QUERIES:
            samples = []
            for _round in range(rounds):
                begin = time.perf_counter()
                selectors.article_search(query, language, limit=10)
                samples.append((time.perf_counter() - begin) * 1000)
            timings += samples
            self.stdout.write(f"  search [{language}] {query!r}: p50 {statistics.median(samples):.1f} ms")
        self.stdout.write(
            f"search over {len(timings)} runs: p50 {_percentile(timings, 0.5):.1f} ms, "
            f"p95 {_percentile(timings, 0.95):.1f} ms, max {max(timings):.1f} ms"
        )
        bot = []
        for language, query in QUERIES * 3:
            conversation = services.bot_conversation_for(token=None, user=AnonymousUser(), language=language)
            begin = time.perf_counter()
            services.bot_ask(conversation=conversation, text=query)
            bot.append((time.perf_counter() - begin) * 1000)
        self.stdout.write(f"bot answer over {len(bot)} questions: p50 {_percentile(bot, 0.5):.1f} ms, "
                          f"p95 {_percentile(bot, 0.95):.1f} ms")  # fmt: skip
        if connection.vendor == "postgresql":
            plan = matching_translations(
                ArticleTranslation.objects.filter(language="zh-hans"), query_terms("转账一直未到账")
            ).explain(analyze=True)
            self.stdout.write("EXPLAIN ANALYZE (zh search):\n" + plan)

    def _build(self, count: int) -> None:
        rng = random.Random(9)  # noqa: S311 - reproducible sample text, not security
        author = get_user_model().objects.filter(is_staff=True).order_by(
            "id"
        ).first() or get_user_model().objects.create(username="bench-author", is_staff=True)
        category = HelpCategory.objects.create(name="Bench", slug=f"bench-{rng.random():.8f}")
        now = timezone.now()
        batch = Article.objects.bulk_create(
            (
                Article(
                    slug=f"bench-{number}",
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
    # Same derived columns as services.article_translation_save, built in bulk.
    search_title, search_body = searchable_text(title), searchable_text(body)
    return ArticleTranslation(
        article=article,
        language=language,
        title=title,
        body=body,
        body_html=render_markdown(body),
        search_title=search_title,
        search_body=search_body,
        search_vector=search_vector_from_text(search_title, search_body),
    )
