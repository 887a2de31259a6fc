"""Bulk-loading tools: a progress bar, a fast table writer, chunking and fast weighted random picks.

Rows go straight into the tables (PostgreSQL `COPY`, batched `executemany` elsewhere)
because a million tickets through the services would take hours.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Iterable

from django.db import connection, models

CHUNK = 10_000


class Progress:
    """A one-line progress bar on stderr (seeding takes minutes at 1M)."""

    def __init__(self, label: str, total: int, *, stream=None, width: int = 30) -> None:
        self.label, self.total, self.width = label, max(total, 1), width
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.done = 0

    def advance(self, amount: int) -> None:
        self.done += amount
        filled = int(self.width * min(self.done, self.total) / self.total)
        elapsed = time.monotonic() - self.started
        self.stream.write(
            f"\r{self.label:<10} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{self.done:>11,}/{self.total:,} {elapsed:6.1f}s"
        )
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


class RowWriter:
    """Appends rows to one table: COPY on PostgreSQL, executemany in batches elsewhere."""

    def __init__(self, model: type[models.Model], fields: list[str]) -> None:
        meta = model._meta
        self.table = connection.ops.quote_name(meta.db_table)
        # Columns the seed does not generate get their model default, so fields added by later
        # features (flags, preferences, SLA clocks) never break seeding.
        given = {meta.get_field(name).column for name in fields}
        self.constants = tuple(
            field.get_db_prep_save(field.get_default(), connection)
            for field in meta.concrete_fields
            if field.column not in given and not field.primary_key
        )
        fields = [*fields, *(f.attname for f in meta.concrete_fields if f.column not in given and not f.primary_key)]
        self.columns = [meta.get_field(name).column for name in fields]
        quoted = ", ".join(connection.ops.quote_name(column) for column in self.columns)
        self.copy_sql = f"COPY {self.table} ({quoted}) FROM STDIN"
        placeholders = ", ".join(["%s"] * len(fields))
        self.insert_sql = f"INSERT INTO {self.table} ({quoted}) VALUES ({placeholders})"  # noqa: S608
        # SQLite stores datetimes as naive UTC text: convert exactly as Django does.
        self.adapters = [
            connection.ops.adapt_datetimefield_value
            if isinstance(meta.get_field(name), models.DateTimeField)
            and connection.vendor != "postgresql"
            and meta.get_field(name).column in given
            else None
            for name in fields
        ]

    def _adapt(self, row: tuple) -> tuple:
        return tuple(
            value if adapt is None or value is None else adapt(value)
            for adapt, value in zip(self.adapters, row, strict=True)
        )

    def write(self, rows: list[tuple]) -> None:
        if self.constants:
            rows = [(*row, *self.constants) for row in rows]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(self.copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            if any(self.adapters):
                rows = [self._adapt(row) for row in rows]
            cursor.executemany(self.insert_sql, rows)


def chunks(first: int, last: int, size: int) -> Iterable[tuple[int, int]]:
    for start in range(first, last + 1, size):
        yield start, min(start + size - 1, last)


def weighted(weights: dict) -> Callable[[random.Random], object]:
    """A picker by integer weights: one random() and an index into a table (fast at millions of calls)."""
    table = [value for value, weight in weights.items() for _copy in range(weight)]
    size = len(table)

    def pick(rng: random.Random) -> object:
        return table[int(rng.random() * size)]

    return pick


def pick_one(values: list, rng: random.Random):
    """rng.choice without its per-call overhead (called tens of millions of times at 1M tickets)."""
    return values[int(rng.random() * len(values))]
