"""Charts drawn at build time as inline SVG (no JavaScript). Colours come from CSS
classes so dark mode and print work; every chart has a text title for screen readers."""

from __future__ import annotations

from itertools import count
from typing import Sequence

from markupsafe import Markup, escape

_ids = count(1)


def bar_chart(rows: Sequence[tuple[int, dict[str, int]]], title: str, chart_id: str = "chart") -> Markup:
    """Stacked bars, one per year: overturned (bottom) and upheld items."""
    rows = [(y, c) for y, c in rows]
    if not rows:
        return Markup("")
    bar_w, gap, h, top, bottom, left = 34, 14, 150, 16, 26, 34
    n = len(rows)
    width = left + n * (bar_w + gap) + gap
    peak = max(c["overturned"] + c["upheld"] + c["undecided"] for _, c in rows) or 1
    scale = (h - top - bottom) / peak
    desc = "; ".join(f"{y or 'year unknown'}: {c['overturned']} overturned, {c['upheld']} upheld" for y, c in rows)
    tid = f"{chart_id}-t"
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {h}" width="{width}" height="{h}" role="img" '
        f'aria-labelledby="{tid}"><title id="{tid}">{escape(title)}: {escape(desc)}</title>',
        f'<line class="axis" x1="{left - 4}" y1="{h - bottom}" x2="{width}" y2="{h - bottom}"/>',
        f'<text class="tick" x="{left - 8}" y="{top + 4}" text-anchor="end">{peak}</text>',
        f'<text class="tick" x="{left - 8}" y="{h - bottom}" text-anchor="end">0</text>',
    ]
    for i, (year, c) in enumerate(rows):
        x = left + gap + i * (bar_w + gap)
        y = h - bottom
        for cls in ("overturned", "upheld", "undecided"):
            v = c[cls]
            if not v:
                continue
            bh = max(v * scale, 1)
            y -= bh
            parts.append(f'<rect class="bar-{cls}" x="{x}" y="{y:.1f}" width="{bar_w}" height="{bh:.1f}"/>')
        total = c["overturned"] + c["upheld"] + c["undecided"]
        parts.append(f'<text class="val" x="{x + bar_w / 2}" y="{y - 3:.1f}" text-anchor="middle">{total}</text>')
        parts.append(f'<text class="tick" x="{x + bar_w / 2}" y="{h - 8}" text-anchor="middle">{year or "n/a"}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def decision_donut(overturned: int, upheld: int, label: str = "Decisions") -> Markup:
    """A small ring showing the overturned share."""
    total = overturned + upheld
    if not total:
        return Markup("")
    r = 15.915  # circumference 100
    share = 100 * overturned / total
    return Markup(
        f'<svg class="donut" viewBox="0 0 42 42" width="84" height="84" role="img" aria-label="{escape(label)}: '
        f'{overturned} overturned of {total} decided ({share:.0f}%)">'
        f'<circle class="donut-up" cx="21" cy="21" r="{r}" fill="none" stroke-width="6"/>'
        f'<circle class="donut-over" cx="21" cy="21" r="{r}" fill="none" stroke-width="6" '
        f'stroke-dasharray="{share:.2f} {100 - share:.2f}" stroke-dashoffset="25"/>'
        f'<text x="21" y="24" text-anchor="middle" class="donut-text">{share:.0f}%</text></svg>'
    )
