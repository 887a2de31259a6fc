"""`make bench-knowledge`: help-centre search p50/p95 and bot answer latency at scale.

Builds N published articles (English, half also in Chinese) and commits them, so
search runs against data in the state production keeps it (committed, vacuumed and
analysed: a rolled-back transaction would measure visibility checks of uncommitted
rows instead), then deletes them again, so the database is left as it was.
On PostgreSQL it also prints EXPLAIN ANALYZE of one search to show the GIN index at work.
"""

from __future__ import annotations

import statistics
import time

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand
from django.db import connection

from devdata.bench.articles import QUERIES, build_articles
from knowledge import selectors, services
from knowledge.models import Article, ArticleTranslation, BotConversation, HelpCategory
from knowledge.search import matching_translations
from knowledge.text import query_terms

SLUG_PREFIX = "kb-bench"


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Benchmark help-centre search and the FAQ bot on N articles (rolled back afterwards)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--articles", type=int, default=20_000)
        parser.add_argument("--rounds", type=int, default=25, help="times each query is run")

    def handle(self, *args, articles: int, rounds: int, **options) -> None:
        self._conversations: list[int] = []
        self._remove()  # what an interrupted earlier run left behind
        try:
            started = time.perf_counter()
            build_articles(articles, slug_prefix=SLUG_PREFIX)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE knowledge_article")
                    cursor.execute("VACUUM ANALYZE knowledge_articletranslation")
            self.stdout.write(
                f"{connection.vendor}: built {articles} articles in {time.perf_counter() - started:.1f} s"
            )
            self._run(rounds)
        finally:
            self._remove()
            self.stdout.write("(benchmark articles deleted)")

    def _remove(self) -> None:
        BotConversation.objects.filter(pk__in=self._conversations).delete()
        Article.objects.filter(slug__startswith=f"{SLUG_PREFIX}-").delete()
        HelpCategory.objects.filter(slug__startswith=f"{SLUG_PREFIX}-").delete()

    def _run(self, rounds: int) -> None:
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
            self._conversations.append(conversation.pk)
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
