"""Small inline-SVG charts (line, vertical bars, horizontal bars) for self-contained HTML reports.

No scripts, no external fonts or styles: every chart is one <svg role="img"> with a <title> and a <desc>
for screen readers, black text and axes, and series told apart by dash pattern or fill so that they stay
readable when printed in grey. All text is escaped; the result is returned as Markup for Jinja.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

Number = float | int
Series = tuple[str, Sequence[Number | None]]
Formatter = Callable[[float], str]

WIDTH, HEIGHT = 640, 250
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 34, 48
COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7f6000")
DASHES = ("", "6 3", "2 3", "8 3 2 3")
FONT = 'font-family="Helvetica, Arial, sans-serif"'


def _plain(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.2g}"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round axis ticks (1, 2, 2.5, 5 x 10^n steps) covering [low, high]."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high <= low:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks, tick = [], start
    while tick < high + step * 0.999:
        ticks.append(round(tick, 10))
        tick += step
    return ticks


def _frame(chart_id: str, title: str, desc: str, body: list[str], legend: list[str],
           height: float = HEIGHT) -> Markup:
    head = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" {FONT} font-size="11">'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(desc)}</desc>'
        f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold" fill="#111">{escape(title)}</text>'
    )
    return Markup(head + "".join(body) + "".join(legend) + "</svg>")


def _legend(names: Sequence[str], marker: Callable[[int, float, float], str]) -> list[str]:
    parts, x = [], float(WIDTH - RIGHT)
    for i, name in reversed(list(enumerate(names))):
        x -= 7 * len(name) + 34
        parts.append(marker(i, x, 12) + f'<text x="{x + 24:.1f}" y="16" fill="#111">{escape(name)}</text>')
    return parts


def _y_axis(ticks: list[float], y_of: Callable[[float], float], fmt: Formatter, label: str) -> list[str]:
    parts = []
    for tick in ticks:
        y = y_of(tick)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#111">{escape(fmt(tick))}</text>')
    parts.append(f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" stroke="#111"/>')
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{HEIGHT - BOTTOM}" y2="{HEIGHT - BOTTOM}" stroke="#111"/>')
    if label:
        mid = (TOP + HEIGHT - BOTTOM) / 2
        parts.append(f'<text transform="translate(12 {mid:.1f}) rotate(-90)" text-anchor="middle" '
                     f'fill="#111">{escape(label)}</text>')
    return parts


def _x_labels(labels: Sequence[str], x_of: Callable[[int], float]) -> list[str]:
    every = max(1, math.ceil(len(labels) / 12))
    return [f'<text x="{x_of(i):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" fill="#111">{escape(lab)}</text>'
            for i, lab in enumerate(labels) if i % every == 0]


def _scale(series: Sequence[Series], y_min: float | None, y_max: float | None) -> tuple[list[float], float, float]:
    values = [float(v) for _, vals in series for v in vals if v is not None]
    # Lines zoom onto their data unless y_min is given; bars always start at zero (the caller passes 0).
    low = (min(values) if values else 0.0) if y_min is None else y_min
    high = (max(values) if values else 1.0) if y_max is None else y_max
    if y_min is not None and high <= y_min:
        high = y_min + 1.0
    ticks = nice_ticks(low, high)
    return ticks, ticks[0], ticks[-1]


def _summary(series: Sequence[Series], labels: Sequence[str], fmt: Formatter) -> str:
    parts = []
    for name, vals in series:
        points = [(lab, v) for lab, v in zip(labels, vals, strict=False) if v is not None]
        if points:
            lo, hi = min(points, key=lambda p: p[1]), max(points, key=lambda p: p[1])
            parts.append(f"{name}: {fmt(points[-1][1])} at {points[-1][0]} (lowest {fmt(lo[1])} at {lo[0]}, "
                         f"highest {fmt(hi[1])} at {hi[0]})")
    return "; ".join(parts) or "No data."


def line_chart(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series], *,
               y_label: str = "", fmt: Formatter = _plain, value_fmt: Formatter | None = None,
               y_min: float | None = None, y_max: float | None = None) -> Markup:
    """One line per series over the x labels; None values leave a gap. fmt labels the axis, value_fmt
    (default fmt) the values in tooltips and the description."""
    vfmt = value_fmt or fmt
    ticks, low, high = _scale(series, y_min, y_max)
    plot_w, plot_h, pad = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM, 20
    step = (plot_w - 2 * pad) / max(len(labels) - 1, 1)

    def x_of(i: int) -> float:
        return LEFT + pad + i * step if len(labels) > 1 else LEFT + plot_w / 2

    def y_of(v: float) -> float:
        return TOP + plot_h * (1 - (v - low) / ((high - low) or 1))

    body = _y_axis(ticks, y_of, fmt, y_label) + _x_labels(labels, x_of)
    for s, (name, vals) in enumerate(series):
        colour, dash = COLOURS[s % len(COLOURS)], DASHES[s % len(DASHES)]
        segments: list[list[str]] = [[]]
        for i, v in enumerate(vals):
            if v is None:
                segments.append([])
            else:
                segments[-1].append(f"{x_of(i):.1f},{y_of(float(v)):.1f}")
                body.append(f'<circle cx="{x_of(i):.1f}" cy="{y_of(float(v)):.1f}" r="2.2" fill="{colour}">'
                            f"<title>{escape(name)} {escape(labels[i])}: {escape(vfmt(float(v)))}</title></circle>")
        for seg in segments:
            if len(seg) > 1:
                body.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}" '
                            f'points="{" ".join(seg)}"/>')

    def marker(i: int, x: float, y: float) -> str:
        return (f'<line x1="{x:.1f}" x2="{x + 20:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="{COLOURS[i % 4]}" '
                f'stroke-width="2" stroke-dasharray="{DASHES[i % 4]}"/>')

    legend = _legend([n for n, _ in series], marker) if len(series) > 1 else []
    return _frame(chart_id, title, _summary(series, labels, vfmt), body, legend)


def _bar_fill(i: int) -> str:
    colour = COLOURS[i % len(COLOURS)]
    # Second series: white fill with a coloured outline, so the pair still reads in greyscale print.
    return f'fill="{colour}"' if i % 2 == 0 else f'fill="#fff" stroke="{colour}" stroke-width="1.5"'


def bar_chart(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series], *,
              y_label: str = "", fmt: Formatter = _plain) -> Markup:
    """Vertical bars, one group per label and one bar per series."""
    ticks, low, high = _scale(series, 0.0, None)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = plot_w / max(len(labels), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)

    def x_of(i: int) -> float:
        return LEFT + group_w * (i + 0.5)

    def y_of(v: float) -> float:
        return TOP + plot_h * (1 - (v - low) / ((high - low) or 1))

    body = _y_axis(ticks, y_of, fmt, y_label) + _x_labels(labels, x_of)
    for s, (name, vals) in enumerate(series):
        for i, v in enumerate(vals):
            if v is None:
                continue
            x = LEFT + group_w * i + group_w * 0.1 + s * bar_w
            y = y_of(float(v))
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(bar_w - 1, 1):.1f}" '
                        f'height="{max(HEIGHT - BOTTOM - y, 0):.1f}" {_bar_fill(s)}>'
                        f"<title>{escape(name)} {escape(labels[i])}: {escape(fmt(float(v)))}</title></rect>")

    def marker(i: int, x: float, y: float) -> str:
        return f'<rect x="{x + 4:.1f}" y="{y - 5:.1f}" width="12" height="10" {_bar_fill(i)}/>'

    legend = _legend([n for n, _ in series], marker) if len(series) > 1 else []
    return _frame(chart_id, title, _summary(series, labels, fmt), body, legend)


def hbar_chart(chart_id: str, title: str, labels: Sequence[str], values: Sequence[Number | None], *,
               fmt: Formatter = _plain, x_max: float | None = None, value_labels: Sequence[str] | None = None) -> Markup:
    """Horizontal bars with the value written at the end of each bar; None draws no bar ("n/a")."""
    row_h = 22
    height = TOP + row_h * len(labels) + 12
    texts = [value_labels[i] if value_labels is not None else ("n/a" if v is None else fmt(float(v)))
             for i, v in enumerate(values)]
    label_w = min(220, 12 + 6.5 * max((len(lab) for lab in labels), default=4))
    plot_w = max(WIDTH - label_w - 12 - 6.2 * max((len(t) for t in texts), default=4), 120)
    top_value = x_max if x_max is not None else max([float(v) for v in values if v is not None] + [1e-9])
    body = [f'<line x1="{label_w:.1f}" x2="{label_w:.1f}" y1="{TOP - 4}" y2="{height - 8}" stroke="#111"/>']
    for i, (lab, v, text) in enumerate(zip(labels, values, texts, strict=True)):
        y = TOP + i * row_h
        width = 0.0 if v is None else plot_w * max(float(v), 0.0) / (top_value or 1)
        body.append(f'<text x="{label_w - 6:.1f}" y="{y + 14}" text-anchor="end" fill="#111">{escape(lab)}</text>')
        if v is not None:
            body.append(f'<rect x="{label_w:.1f}" y="{y + 3}" width="{width:.1f}" height="{row_h - 7}" '
                        f'fill="{COLOURS[0]}"><title>{escape(lab)}: {escape(text)}</title></rect>')
        body.append(f'<text x="{label_w + width + 5:.1f}" y="{y + 14}" fill="#111">{escape(text)}</text>')
    desc = "; ".join(f"{lab}: {text}" for lab, text in zip(labels, texts, strict=True)) or "No data."
    return _frame(chart_id, title, desc, body, [], height)
