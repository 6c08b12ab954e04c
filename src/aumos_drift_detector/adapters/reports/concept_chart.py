"""Inline SVG of a concept drift: the error rate (mean outcome) along the stream, before and after the change.

What a concept detection stores is drawn as it is: the mean outcome of the stretch before the change
and of the stretch from the change to the drift, each a level with its confidence band, a line where
the stream was split (the change point), and marks where the warning zone began and where the
detector raised the drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from aumos_drift_detector.core.detections.model import ConceptStream, OutcomeMean

BEFORE_COLOUR = "#8a94a6"
AFTER_COLOUR = "#d9480f"


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3g}"


def _stretches(stream: ConceptStream) -> list[tuple[str, OutcomeMean]]:
    return [(name, mean) for name, mean in (("before", stream.before), ("after", stream.after)) if mean is not None]


@dataclass(frozen=True, slots=True)
class _Plot:
    """The drawing area: stream positions across, mean outcomes up."""

    left: float
    right: float
    top: float
    bottom: float
    end: int
    ceiling: float

    def x(self, index: float) -> float:
        return self.left + index / self.end * (self.right - self.left)

    def y(self, rate: float) -> float:
        return self.bottom - rate / self.ceiling * (self.bottom - self.top)


def _axes(plot: _Plot, height: int) -> list[str]:
    parts = [
        f"<line class='axis' x1='{plot.left}' x2='{plot.right}' y1='{plot.bottom}' y2='{plot.bottom}'/>",
        f"<line class='axis' x1='{plot.left}' x2='{plot.left}' y1='{plot.top}' y2='{plot.bottom}'/>",
        f"<text class='tick' x='{plot.left}' y='{height - 10}'>0</text>",
        f"<text class='tick' x='{plot.right}' y='{height - 10}' text-anchor='end'>{plot.end}</text>",
    ]
    for tick in (0.0, plot.ceiling / 2, plot.ceiling):
        parts.append(
            f"<text class='tick' x='{plot.left - 4}' y='{plot.y(tick) + 4:.1f}' text-anchor='end'>{tick:.2g}</text>"
        )
    return parts


def _stretch(plot: _Plot, name: str, mean: OutcomeMean) -> list[str]:
    """One stretch's mean outcome as a level line over its confidence band."""
    colour = BEFORE_COLOUR if name == "before" else AFTER_COLOUR
    x1, x2 = plot.x(mean.start), plot.x(mean.start + mean.n)
    parts = []
    if mean.low is not None and mean.high is not None:
        parts.append(
            f"<rect class='band' x='{x1:.1f}' y='{plot.y(mean.high):.1f}' width='{max(x2 - x1, 1):.1f}' "
            f"height='{max(plot.y(mean.low) - plot.y(mean.high), 1):.1f}' fill='{colour}' fill-opacity='0.18'/>"
        )
    if mean.mean is not None:
        label = f"{name}: {_fmt(mean.mean)} over {mean.n} outcomes from {mean.start}"
        level = plot.y(mean.mean)
        parts.append(
            f"<line class='level {name}' x1='{x1:.1f}' x2='{x2:.1f}' y1='{level:.1f}' y2='{level:.1f}' "
            f"stroke='{colour}' stroke-width='3'><title>{escape(label)}</title></line>"
        )
    return parts


def concept_svg(stream: ConceptStream, *, width: int = 640, height: int = 220) -> str:
    """The stream's mean outcome before and after the change, the change point and the drift.

    >>> rate = {"interval": "wilson", "confidence": 0.95, "low": 0.05, "high": 0.15}
    >>> stream = ConceptStream(detector="ADWIN", stream_index=900, change_start=480, warning_start=None,
    ...     n_detections=1, direction="degradation", before={"start": 0, "n": 500, "mean": 0.1, **rate},
    ...     after={"start": 500, "n": 400, "mean": 0.3, **rate | {"low": 0.25, "high": 0.35}})
    >>> svg = concept_svg(stream)
    >>> "change point at 500" in svg and "drift detected at 900" in svg
    True
    """
    stretches = _stretches(stream)
    if not stretches:
        return "<p class='muted'>This detection was recorded before the error rates were measured.</p>"
    end = max(stream.stream_index, *(mean.start + mean.n for _, mean in stretches), 1)
    highs = [value for _, mean in stretches for value in (mean.high, mean.mean) if value is not None]
    plot = _Plot(44, width - 10, 12, height - 28, end, max(max(highs, default=1.0) * 1.15, 0.05))
    parts = _axes(plot, height)
    for name, mean in stretches:
        parts += _stretch(plot, name, mean)
    parts += _marks(stream, plot)
    return (
        f"<svg class='chart concept' role='img' viewBox='0 0 {width} {height}' width='{width}' height='{height}'>"
        f"<title>mean outcome along the stream</title>{''.join(parts)}</svg>"
    )


def _marks(stream: ConceptStream, plot: _Plot) -> list[str]:
    """Vertical marks: the warning start, the change point and the drift, their labels on separate rows."""
    marks = []
    split = stream.after.start if stream.after is not None else stream.change_start
    rows = (
        (stream.warning_start, "warning from", "warning"),
        (split, "change point at", "change"),
        (stream.stream_index, "drift detected at", "drift"),
    )
    for row, (index, label, css) in enumerate(rows):
        if index is None:
            continue
        at = plot.x(index)
        # Labels right of the middle end at their line, so they stay inside the picture.
        anchor, text_x = ("end", at - 3) if at > (plot.right + plot.left) / 2 else ("start", at + 3)
        marks.append(
            f"<line class='mark {css}' x1='{at:.1f}' x2='{at:.1f}' y1='{plot.top}' y2='{plot.bottom}'>"
            f"<title>{label} {index}</title></line>"
            f"<text class='tick {css}' x='{text_x:.1f}' y='{plot.top + 10 + 14 * row}' text-anchor='{anchor}'>"
            f"{escape(f'{label} {index}')}</text>"
        )
    return marks
