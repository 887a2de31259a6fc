"""CSV and XLSX exports of survey responses and of the aggregated report.

Memory stays flat whatever the row count: rows come from a server-side cursor
(`.iterator(chunk_size=...)`), CSV is produced as a stream of chunks, and XLSX
uses openpyxl's write-only workbook (rows are written to a temporary file, then
streamed to the client by FileResponse: a zip file cannot be sent before it is
finished). CSV starts with a UTF-8 BOM so Excel reads Chinese text correctly.
Text cells starting with = + - @ (or a tab / carriage return) are prefixed with
an apostrophe so a spreadsheet never runs them as formulas.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from typing import IO

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from feedback.reports import DIMENSION_LABELS, SatisfactionReport, ScorecardRow
from supportdesk.kit.spreadsheets import EchoBuffer, escape_cell
from tickets.models import ticket_reference

BOM = "\ufeff"
CHUNK_SIZE = 2000
ROWS_PER_STREAM_CHUNK = 500

RESPONSE_COLUMNS = (
    "id", "invitation__ticket_id", "invitation__created_at", "submitted_at", "invitation__agent__username",
    "invitation__team__name", "invitation__category__name", "invitation__channel", "invitation__language",
    "overall", "attitude", "speed", "professionalism", "problem_solved", "comment",
)  # fmt: skip

Table = tuple[str, list[str], Iterable[list]]


def response_header() -> list[str]:
    return [
        _("Response"), _("Ticket"), _("Sent"), _("Submitted"), _("Agent"), _("Team"), _("Category"), _("Channel"),
        _("Language"), _("Overall"), _("Attitude"), _("Speed"), _("Professionalism"), _("Problem solved"),
        _("Comment"),
    ]  # fmt: skip


def response_rows(queryset: QuerySet) -> Iterator[tuple]:
    """Raw rows of RESPONSE_COLUMNS in id order, read in chunks (a server-side cursor on PostgreSQL)."""
    return queryset.order_by("id").values_list(*RESPONSE_COLUMNS).iterator(chunk_size=CHUNK_SIZE)


def response_row_formatter() -> Callable[[tuple], list]:
    """A function turning a raw row into export cells.

    The time zone and the yes/no words are looked up once per export, not once
    per row: on a million rows those lookups were most of the time.
    """
    zone = timezone.get_current_timezone()
    solved_labels = {True: _("yes"), False: _("no"), None: ""}

    def local(value: datetime | None) -> datetime | None:
        # Spreadsheets have no time zones: write the viewer's wall-clock time.
        return value.astimezone(zone).replace(tzinfo=None, microsecond=0) if value else None

    def format_row(row: tuple) -> list:
        (pk, ticket_id, sent, submitted, agent, team, category, channel, language,
         overall, attitude, speed, professionalism, solved, comment) = row  # fmt: skip
        return [
            pk, ticket_reference(ticket_id), local(sent), local(submitted), agent or "", team or "", category or "",
            channel, language, overall, attitude, speed, professionalism, solved_labels[solved], comment,
        ]  # fmt: skip

    return format_row


def csv_chunks(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """BOM + header, then rows joined in batches (one tiny chunk per row would slow the stream)."""
    writer = csv.writer(EchoBuffer())
    yield BOM + writer.writerow([str(cell) for cell in header])
    batch = []
    for row in rows:
        batch.append(writer.writerow([escape_cell(cell) for cell in row]))
        if len(batch) >= ROWS_PER_STREAM_CHUNK:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def export_responses_csv(rows_iter: Iterable[tuple], out: IO[str]) -> int:
    """Write raw response rows (see `response_rows`) as CSV to a text stream; returns the row count.

    The same code path as the download; `make bench` calls it on a million rows.
    """
    count = 0
    format_row = response_row_formatter()

    def counted() -> Iterator[list]:
        nonlocal count
        for row in rows_iter:
            count += 1
            yield format_row(row)

    for chunk in csv_chunks(response_header(), counted()):
        out.write(chunk)
    return count


def tables_csv_chunks(tables: list[Table]) -> Iterator[str]:
    """Several tables in one CSV file, each under its title and separated by a blank line."""
    writer = csv.writer(EchoBuffer())
    yield BOM
    for index, (title, header, rows) in enumerate(tables):
        if index:
            yield writer.writerow([])
        yield writer.writerow([title])
        yield writer.writerow([str(cell) for cell in header])
        for row in rows:
            yield writer.writerow([escape_cell(cell) for cell in row])


def write_xlsx(tables: list[Table], out: IO[bytes]) -> None:
    """One sheet per table, written row by row (openpyxl write-only mode)."""
    workbook = Workbook(write_only=True)
    for title, header, rows in tables:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([str(cell) for cell in header])
        for row in rows:
            sheet.append([escape_cell(cell) for cell in row])
    workbook.save(out)


def responses_csv_chunks(queryset: QuerySet) -> Iterator[str]:
    format_row = response_row_formatter()
    return csv_chunks(response_header(), (format_row(row) for row in response_rows(queryset)))


def responses_table(queryset: QuerySet) -> Table:
    format_row = response_row_formatter()
    return (_("Survey responses"), response_header(), (format_row(row) for row in response_rows(queryset)))


def _hours(value: timedelta | None) -> float | None:
    return round(value.total_seconds() / 3600, 2) if value is not None else None


def report_tables(report: SatisfactionReport, scorecard: list[ScorecardRow]) -> list[Table]:
    """The report page's numbers as tables, for the CSV/XLSX download and the weekly email."""
    filters = report.filters
    summary = [
        [_("From"), filters.date_from.isoformat() if filters.date_from else ""],
        [_("To"), filters.date_to.isoformat() if filters.date_to else ""],
        [_("Surveys sent"), report.sent],
        [_("Answered"), report.answered],
        [_("Response rate %"), report.response_rate],
        [_("Rated overall"), report.rated],
        [_("CSAT %"), report.csat],
        [_("Problem solved %"), report.solved_rate],
        *([_("Average: %(dimension)s") % {"dimension": label}, report.averages[dimension]]
          for dimension, label in DIMENSION_LABELS.items()),
    ]  # fmt: skip
    dimension_headers = [str(label) for label in DIMENSION_LABELS.values()]
    team_headers = [_("Team average: %(dimension)s") % {"dimension": label} for label in DIMENSION_LABELS.values()]
    agents = [
        [
            row.name, row.team_name, row.responses, row.csat,
            *(row.averages[dimension] for dimension in DIMENSION_LABELS),
            *(row.team_averages[dimension] for dimension in DIMENSION_LABELS),
            row.tickets, row.solved, _hours(row.median_first_response), _hours(row.median_resolution),
            _("yes") if row.top_performer else "",
            ", ".join(str(DIMENSION_LABELS[dimension]) for dimension in row.training_dimensions),
        ]
        for row in scorecard
    ]  # fmt: skip
    return [
        (_("Summary"), [_("Metric"), _("Value")], summary),
        (_("Distribution"), [_("Overall rating"), _("Answers")], [[k, v] for k, v in report.distribution.items()]),
        (
            _("By channel"),
            [_("Channel"), _("Tickets opened"), _("Surveys sent"), _("Answered"), _("CSAT %")],
            [[row.label, row.tickets, row.sent, row.answered, row.csat] for row in report.channels],
        ),
        (
            _("Hot topics"),
            [_("Category"), _("Tickets opened"), *(row.label for row in report.channels)],
            [
                [topic.category or _("(no category)"), topic.total,
                 *(topic.by_channel.get(row.channel, 0) for row in report.channels)]
                for topic in report.topics
            ],
        ),
        (
            _("Weekly trend"),
            [_("Week of"), _("Sent"), _("Answered"), _("CSAT %")],
            [[point.week.isoformat(), point.sent, point.answered, point.csat] for point in report.trend],
        ),
        (
            _("Agent scorecard"),
            [
                _("Agent"), _("Team"), _("Responses"), _("CSAT %"), *dimension_headers, *team_headers, _("Tickets"),
                _("Solved"), _("Median first response (h)"), _("Median resolution (h)"), _("Top performer"),
                _("Training on"),
            ],
            agents,
        ),
    ]  # fmt: skip
