"""Server-rendered SVG charts (no JavaScript, fine under the strict CSP)."""

from __future__ import annotations

import datetime as dt

from django.utils.html import escape


def trend_svg(points: list[tuple[dt.date, float]], *, title: str, width: int = 480, height: int = 240) -> str:
    """A line chart of 0-100 scores over dates, as an accessible inline SVG.

    The returned markup contains only numbers and escaped text.
    """
    left, right, top, bottom = 40, 36, 14, 34
    w, h = width - left - right, height - top - bottom
    parts = [
        f'<svg class="trend-chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="trend-title" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="trend-title">{escape(title)}</title>'
    ]
    for v in (0, 25, 50, 75, 100):
        y = top + h - v / 100 * h
        parts.append(f'<line class="trend-chart__grid" x1="{left}" x2="{left + w}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="trend-chart__label" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{v}</text>')
    if points:
        d0 = points[0][0].toordinal()
        span = max(points[-1][0].toordinal() - d0, 1)
        coords = []
        for date, value in points:
            x = left + (w / 2 if len(points) == 1 else (date.toordinal() - d0) / span * w)
            y = top + h - max(0.0, min(100.0, value)) / 100 * h
            coords.append((x, y, date, value))
        path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y, _d, _v) in enumerate(coords))
        parts.append(f'<path class="trend-chart__line" d="{path}"/>')
        for x, y, date, value in coords:
            parts.append(
                f'<circle class="trend-chart__dot" cx="{x:.1f}" cy="{y:.1f}" r="4">'
                f"<title>{date:%d-%m-%Y}: {value:.1f}</title></circle>"
            )
        step = max(1, -(-len(coords) // 4))
        for x, _y, date, _v in coords[::step]:
            parts.append(
                f'<text class="trend-chart__label" x="{x:.1f}" y="{top + h + 18}" text-anchor="middle">{date:%d-%m-%y}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
