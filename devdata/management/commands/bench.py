"""`make bench`: seed the benchmark database, measure the pages, report the figures."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from devdata.bench import report
from devdata.bench.measurements import MEASUREMENTS, BenchContext
from devdata.bench.plan import SeedPlan
from devdata.bench.runner import BenchServer, Runner
from devdata.bench.seed_features import seed_all
from feedback.models import SurveyResponse
from knowledge.models import Article
from tickets.models import Customer, Ticket, TicketEvent, TicketMessage


class Command(BaseCommand):
    help = (
        "Seed the benchmark database (unless --reuse) and measure admin, portal and API pages, the SLA sweep, "
        "the survey export and KB search: median, p95, max, SQL queries."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tickets", type=int, default=100_000, help="Tickets to seed (default 100,000).")
        parser.add_argument(
            "--only", action="append", default=[], metavar="NAME", help="Run only this measurement (repeatable)."
        )
        parser.add_argument("--reuse", action="store_true", help="Keep the data seeded by a previous run.")
        parser.add_argument("--seed-only", action="store_true", help="Seed, then stop without measuring.")
        parser.add_argument("--repetitions", type=int, default=20, help="Timed requests per measurement (≥ 20).")
        parser.add_argument("--warmup", type=int, default=3, help="Untimed requests before timing.")
        parser.add_argument("--http", action="store_true", help="Also measure over HTTP against runserver.")
        parser.add_argument("--port", type=int, default=8004, help="Loopback port of the --http server.")
        parser.add_argument("--base-url", help="Measure over HTTP against this already running loopback server.")
        parser.add_argument("--output", type=Path, help="Results folder (default bench/results).")
        parser.add_argument(
            "--explain", action="store_true", help="Also record the query plans of each page's slowest statements."
        )
        parser.add_argument("--list", action="store_true", help="List the measurements and exit.")

    def handle(self, *args, **options) -> None:
        if options["list"]:
            for measurement in MEASUREMENTS.values():
                self.stdout.write(f"{measurement.name:<32} {measurement.description}")
            return
        if not getattr(settings, "BENCH_ALLOWED", False):
            raise CommandError(
                "The benchmark wipes its database: run it with `make bench` "
                "(--settings=supportdesk.settings.bench), never on the development database."
            )
        if options["tickets"] < 1:
            raise CommandError("--tickets must be at least 1.")
        selected = self._selected(options["only"])
        plan = SeedPlan(tickets=options["tickets"])

        if options["reuse"]:
            self._check_reusable(plan)
        else:
            started = time.monotonic()
            seed_all(plan, stream=self.stderr)
            self.stdout.write(f"Seeded {plan.tickets:,} tickets in {time.monotonic() - started:.1f}s.")
        if options["seed_only"]:
            return

        context = BenchContext.load(plan)
        runner = Runner(context, repetitions=options["repetitions"], warmup=options["warmup"])
        results = self._run(runner, selected)
        if options["explain"]:
            for result, measurement in zip(results, selected, strict=True):
                result.extra["explain"] = runner.explain(measurement)
                for explained in result.extra["explain"]:
                    self.stdout.write(
                        f"\n-- {measurement.name} ({explained['ms']} ms)\n{explained['sql']}\n{explained['plan']}"
                    )
        if options["base_url"]:
            results += self._run_http(context, options, selected, options["base_url"])
        elif options["http"]:
            with BenchServer(options["port"], settings_module=os.environ["DJANGO_SETTINGS_MODULE"]) as server:
                results += self._run_http(context, options, selected, server.base_url)

        self.stdout.write(report.table(results))
        counts = {
            "tickets": Ticket.objects.count(),
            "customers": Customer.objects.count(),
            "messages": TicketMessage.objects.count(),
            "events": TicketEvent.objects.count(),
            "survey_responses": SurveyResponse.objects.count(),
            "articles": Article.objects.count(),
        }
        path = report.write_json(
            results,
            directory=options["output"] or settings.BASE_DIR / "bench" / "results",
            tickets=plan.tickets,
            counts=counts,
            options={key: options[key] for key in ("repetitions", "warmup", "http", "only", "reuse", "explain")},
        )
        self.stdout.write(self.style.SUCCESS(f"Results written to {path}"))

    def _selected(self, only: list[str]) -> list:
        names = [name.strip() for value in only for name in value.split(",") if name.strip()]
        unknown = sorted(set(names) - set(MEASUREMENTS))
        if unknown:
            raise CommandError(f"Unknown measurement(s): {', '.join(unknown)}. Known: {', '.join(MEASUREMENTS)}")
        return [MEASUREMENTS[name] for name in names] if names else list(MEASUREMENTS.values())

    def _check_reusable(self, plan: SeedPlan) -> None:
        newest = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first()
        if newest != plan.tickets:
            raise CommandError(
                f"--reuse: the benchmark database holds tickets up to id {newest}, not {plan.tickets:,}: "
                "seed again (drop --reuse) or pass the --tickets it was seeded with."
            )

    def _run(self, runner: Runner, selected: list) -> list:
        results = []
        for measurement in selected:
            self.stderr.write(f"measuring {measurement.name} ({runner.base_url or 'in-process'})")
            results.append(runner.measure(measurement))
        return results

    def _run_http(self, context: BenchContext, options: dict, selected: list, base_url: str) -> list:
        runner = Runner(context, repetitions=options["repetitions"], warmup=options["warmup"], base_url=base_url)
        return self._run(runner, [measurement for measurement in selected if measurement.path is not None])
