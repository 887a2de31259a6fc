"""`make bench-knowledge`: help-centre search p50/p95 and bot answer latency at scale.

Builds N published articles (English, half also in Chinese) inside a
transaction that is rolled back at the end, so the database is left as it was.
On PostgreSQL it also prints EXPLAIN ANALYZE of one search to show the GIN index at work.
"""

from __future__ import annotations

import statistics
import time

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from knowledge import selectors, services
from knowledge.bench import QUERIES, build_articles
from knowledge.models import ArticleTranslation
from knowledge.search import matching_translations
from knowledge.text import query_terms


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
        build_articles(count)
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
