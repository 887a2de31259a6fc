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
