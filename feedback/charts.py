"""Server-rendered SVG bar charts for the report pages: no JavaScript, no CDN, readable in email too."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join

WIDTH, HEIGHT = 640, 220
TOP, BOTTOM, LEFT, RIGHT = 24, 36, 8, 8
BAR_FILL = "#417690"
EMPTY_LABEL = "—"


def _number(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


def bar_chart(items: list[tuple[str, float | None]], *, title: str, max_value: float | None = None, unit: str = ""):
    """One bar per (label, value); a None value draws no bar and reads "—" (no data, not zero)."""
    values = [value for _label, value in items if value is not None]
    scale_max = max_value or max(values, default=0) or 1
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(items), 1)
    bar_width = max(slot * 0.7, 1)
    bars = []
    for index, (label, value) in enumerate(items):
        x = LEFT + index * slot + (slot - bar_width) / 2
        centre = x + bar_width / 2
        height = 0 if value is None else plot_height * min(value, scale_max) / scale_max
        y = TOP + plot_height - height
        shown = EMPTY_LABEL if value is None else f"{_number(value)}{unit}"
        bars.append(
            (
                f"{x:.1f}", f"{y:.1f}", f"{bar_width:.1f}", f"{height:.1f}", BAR_FILL, f"{label}: {shown}",
                f"{centre:.1f}", f"{y - 6:.1f}", shown, f"{centre:.1f}", f"{HEIGHT - BOTTOM + 16:.1f}", label,
            )
        )  # fmt: skip
    body = format_html_join(
        "",
        '<g><rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>'
        '<text x="{}" y="{}" text-anchor="middle" class="sd-chart-value">{}</text>'
        '<text x="{}" y="{}" text-anchor="middle" class="sd-chart-label">{}</text></g>',
        bars,
    )
    baseline = HEIGHT - BOTTOM
    return format_html(
        '<svg class="sd-chart" viewBox="0 0 {} {}" role="img" aria-label="{}" preserveAspectRatio="xMidYMid meet">'
        '<title>{}</title><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999" stroke-width="1"/>{}</svg>',
        WIDTH, HEIGHT, title, title, LEFT, baseline, WIDTH - RIGHT, baseline, body,
    )  # fmt: skip


# Colour-blind-safe (Okabe–Ito) hues that read on the admin's light and dark backgrounds alike.
SERIES_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#b8a400", "#8c8c8c")
LINE_LEFT, LINE_BOTTOM, LINE_HEIGHT = 40, 28, 260


def series_colour(index: int) -> str:
    return SERIES_COLOURS[index % len(SERIES_COLOURS)]


def _nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 3, 4, 5, 6, 8 × 10^k at or above value: an axis top whose half is a round tick."""
    step = 1
    while True:
        for factor in (1, 2, 3, 4, 5, 6, 8):
            if value <= step * factor:
                return step * factor
        step *= 10


def line_chart(labels: list[str], series: list[tuple[str, list[int]]], *, title: str):
    """One polyline per (name, counts), counts aligned with `labels` (the x axis); colours by position.

    Text and grid take the admin's CSS colours (classes sd-chart-*), so the chart follows dark mode;
    only presentation attributes are used (no style attributes), which the CSP allows.
    """
    plot_width = WIDTH - LINE_LEFT - RIGHT
    plot_height = LINE_HEIGHT - TOP - LINE_BOTTOM
    top_value = _nice_ceiling(max((max(counts, default=0) for _name, counts in series), default=0) or 1)
    step = plot_width / max(len(labels) - 1, 1)

    # Coordinates as strings: format_html escapes its arguments first, so format specs cannot apply.
    def x(index: int) -> str:
        return f"{LINE_LEFT + index * step:.1f}"

    def y(value: float) -> str:
        return f"{TOP + plot_height - plot_height * value / top_value:.1f}"

    grid = format_html_join(
        "",
        '<line class="sd-chart-grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
        '<text class="sd-chart-label" x="{}" y="{}" text-anchor="end">{}</text>',
        ((LINE_LEFT, y(tick), WIDTH - RIGHT, y(tick), LINE_LEFT - 6, f"{float(y(tick)) + 4:.1f}", _number(tick))
         for tick in (0, top_value / 2, top_value)),
    )  # fmt: skip
    every = max(1, round(len(labels) / 8))  # at most ~8 week labels, so they never overlap
    axis = format_html_join(
        "",
        '<text class="sd-chart-label" x="{}" y="{}" text-anchor="middle">{}</text>',
        ((x(index), LINE_HEIGHT - 8, label) for index, label in enumerate(labels)
         if (len(labels) - 1 - index) % every == 0),  # counted back from the last week, which is always labelled
    )  # fmt: skip
    lines = []
    for position, (name, counts) in enumerate(series):
        colour = series_colour(position)
        points = " ".join(f"{x(index)},{y(value)}" for index, value in enumerate(counts))
        dots = format_html_join(
            "",
            '<circle cx="{}" cy="{}" r="3" fill="{}"><title>{} · {}: {}</title></circle>',
            ((x(index), y(value), colour, name, labels[index], value) for index, value in enumerate(counts)),
        )
        lines.append(
            format_html(
                '<g class="sd-chart-series"><polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>{}</g>',
                points,
                colour,
                dots,
            )
        )
    return format_html(
        '<svg class="sd-chart sd-line-chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'preserveAspectRatio="xMidYMid meet"><title>{}</title>{}{}{}</svg>',
        WIDTH, LINE_HEIGHT, title, title, grid, axis, format_html_join("", "{}", ((line,) for line in lines)),
    )  # fmt: skip


def swatch(index: int):
    """A small square of the series' colour for a legend or a table row."""
    return format_html(
        '<svg class="sd-swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">'
        '<rect width="12" height="12" rx="2" fill="{}"/></svg>',
        series_colour(index),
    )
