"""Benchmark output: a table for the terminal and a JSON file for the record."""

from __future__ import annotations

import json
import os
import platform
from datetime import datetime
from pathlib import Path

import django
from django.db import connection
from django.utils import timezone

from devdata.bench.runner import Result


def database_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        return str(cursor.fetchone()[0])


def machine() -> dict:
    return {
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database_version(),
    }


def table(results: list[Result]) -> str:
    columns = ("median", "p95", "max", "cpu")
    header = f"{'measurement':<30} {'mode':<6} " + " ".join(f"{column:>9}" for column in columns)
    header += f" {'queries':>7} {'target':>8}  ok"
    lines = [header, "-" * len(header)]
    for result in results:
        target = f"{result.target_p95_ms:.0f}" if result.target_p95_ms is not None else "-"
        verdict = {True: "yes", False: "NO", None: ""}[result.meets_target]
        queries = "-" if result.queries is None else str(result.queries)
        cpu = "-" if result.cpu_median_ms is None else f"{result.cpu_median_ms:.1f}ms"
        lines.append(
            f"{result.name:<30} {result.mode:<6} {result.median_ms:>7.1f}ms {result.p95_ms:>7.1f}ms "
            f"{result.max_ms:>7.1f}ms {cpu:>9} {queries:>7} {target:>8}  {verdict}"
        )
    for result in results:
        if "memory" in result.extra:
            memory, outcome = result.extra["memory"], result.extra.get("outcome", {})
            lines.append(
                f"{result.name}: peak RSS {memory['rss_peak_mb']} MB (before {memory['rss_before_mb']} MB, "
                f"+{memory['rss_growth_mb']} MB) for {outcome.get('rows', '?')} rows"
            )
    return "\n".join(lines)


def write_json(
    results: list[Result], *, directory: Path, tickets: int, counts: dict, options: dict, now: datetime | None = None
) -> Path:
    now = now or timezone.now()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{now:%Y-%m-%d}-{connection.vendor}-{tickets}.json"
    payload = {
        "date": now.isoformat(),
        "database": connection.vendor,
        "tickets": tickets,
        "rows": counts,
        "machine": machine(),
        "options": options,
        "results": [result.as_dict() for result in results],
    }
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
