"""Inline SVG line charts of a monitor's history: values over time, one line per series, a point per run.

The charts are drawn on the server as plain SVG (no script, no charting library to ship), each point
with a ``<title>`` that the browser shows on hover, so they render offline and in any browser.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

#: Colours of the series, in order (distinguishable, also in grey scale by their order in the legend).
PALETTE = ("#d9480f", "#1c7ed6", "#2b8a3e", "#ae3ec9", "#e67700", "#0b7285", "#5c940d", "#c2255c")


@dataclass(frozen=True, slots=True)
class Series:
    """One line: a name and its points (time, value), oldest first; ``None`` values leave a gap."""

    name: str
    points: Sequence[tuple[datetime, float | None]]


@dataclass(frozen=True, slots=True)
class _Frame:
    left: float
    right: float
    top: float
    bottom: float
    start: float
    end: float
    ceiling: float

    def x(self, at: datetime) -> float:
        span = (self.end - self.start) or 1.0
        return self.left + (at.timestamp() - self.start) / span * (self.right - self.left)

    def y(self, value: float) -> float:
        return self.bottom - value / self.ceiling * (self.bottom - self.top)


def _frame(series: Sequence[Series], width: int, height: int, floor: float) -> _Frame | None:
    times = [at.timestamp() for line in series for at, _ in line.points]
    values = [value for line in series for _, value in line.points if value is not None]
    if not times:
        return None
    ceiling = max([*values, floor]) * 1.1 or 1.0
    return _Frame(48, width - 12, 12, height - 26, min(times), max(times), ceiling)


def _line(frame: _Frame, line: Series, colour: str, unit: str) -> str:
    segments: list[list[str]] = [[]]
    dots = []
    for at, value in line.points:
        if value is None:
            segments.append([])
            continue
        x, y = frame.x(at), frame.y(value)
        segments[-1].append(f"{x:.1f},{y:.1f}")
        tip = f"{line.name}: {value:.3g}{unit} at {at.strftime('%Y-%m-%d %H:%M')}"
        dots.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3' fill='{colour}'><title>{escape(tip)}</title></circle>")
    paths = [
        f"<polyline points='{' '.join(points)}' fill='none' stroke='{colour}' stroke-width='2'/>"
        for points in segments
        if len(points) > 1
    ]
    return f"<g class='series' data-name='{escape(line.name)}'>{''.join(paths)}{''.join(dots)}</g>"


def _axes(frame: _Frame, height: int, first: datetime, last: datetime) -> list[str]:
    parts = [
        f"<line class='axis' x1='{frame.left}' x2='{frame.right}' y1='{frame.bottom}' y2='{frame.bottom}'/>",
        f"<line class='axis' x1='{frame.left}' x2='{frame.left}' y1='{frame.top}' y2='{frame.bottom}'/>",
    ]
    for value in (0.0, frame.ceiling / 2, frame.ceiling):
        parts.append(
            f"<text class='tick' x='{frame.left - 5}' y='{frame.y(value) + 4:.1f}' text-anchor='end'>{value:.2g}</text>"
        )
    start, end = first.strftime("%Y-%m-%d %H:%M"), last.strftime("%Y-%m-%d %H:%M")
    parts.append(f"<text class='tick' x='{frame.left}' y='{height - 8}'>{start}</text>")
    parts.append(f"<text class='tick' x='{frame.right}' y='{height - 8}' text-anchor='end'>{end}</text>")
    return parts


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    threshold: float | None = None,
    unit: str = "",
    width: int = 720,
    height: int = 220,
) -> str:
    """An SVG line chart of the series over time, with a dashed threshold line when given.

    >>> from datetime import UTC
    >>> points = [(datetime(2026, 1, day, tzinfo=UTC), share) for day, share in ((1, 0.0), (2, 0.5), (3, 1.0))]
    >>> svg = line_chart([Series("drift share", points)], title="drift share", threshold=0.5)
    >>> svg.count("<circle"), "class='threshold'" in svg
    (3, True)
    """
    frame = _frame(series, width, height, threshold or 0.0)
    if frame is None:
        return "<p class='muted'>No runs yet.</p>"
    times = sorted(at for line in series for at, _ in line.points)
    parts = _axes(frame, height, times[0], times[-1])
    if threshold is not None:
        y = frame.y(threshold)
        parts.append(
            f"<line class='threshold' x1='{frame.left}' x2='{frame.right}' y1='{y:.1f}' y2='{y:.1f}'>"
            f"<title>threshold {threshold:g}</title></line>"
        )
    for index, line in enumerate(series):
        parts.append(_line(frame, line, PALETTE[index % len(PALETTE)], unit))
    return (
        f"<svg class='chart line' role='img' viewBox='0 0 {width} {height}' width='100%' "
        f"preserveAspectRatio='xMinYMin meet'><title>{escape(title)}</title>{''.join(parts)}</svg>"
    )


def legend(series: Sequence[Series]) -> list[tuple[str, str]]:
    """The ``(colour, name)`` of each series, as :func:`line_chart` draws them."""
    return [(PALETTE[index % len(PALETTE)], line.name) for index, line in enumerate(series)]
