"""Inline SVG of a concept drift: the error rate (mean outcome) along the stream, before and after the change.

What a concept detection stores is drawn as it is: the mean outcome of the stretch before the change
and of the stretch from the change to the drift, each a level with its confidence band, a line where
the stream was split (the change point), and marks where the warning zone began and where the
detector raised the drift.
"""

from __future__ import annotations

from html import escape

from aumos_drift_detector.core.detections.model import ConceptStream, OutcomeMean

BEFORE_COLOUR = "#8a94a6"
AFTER_COLOUR = "#d9480f"


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3g}"


def _stretches(stream: ConceptStream) -> list[tuple[str, OutcomeMean]]:
    return [(name, mean) for name, mean in (("before", stream.before), ("after", stream.after)) if mean is not None]


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
    left, right, top, bottom = 44, width - 10, 12, height - 28
    end = max(stream.stream_index, *(mean.start + mean.n for _, mean in stretches), 1)
    highs = [value for _, mean in stretches for value in (mean.high, mean.mean) if value is not None]
    ceiling = max(max(highs, default=1.0) * 1.15, 0.05)

    def x(index: float) -> float:
        return left + index / end * (right - left)

    def y(rate: float) -> float:
        return bottom - rate / ceiling * (bottom - top)

    parts = [
        f"<line class='axis' x1='{left}' x2='{right}' y1='{bottom}' y2='{bottom}'/>",
        f"<line class='axis' x1='{left}' x2='{left}' y1='{top}' y2='{bottom}'/>",
    ]
    for tick in (0.0, ceiling / 2, ceiling):
        parts.append(f"<text class='tick' x='{left - 4}' y='{y(tick) + 4:.1f}' text-anchor='end'>{tick:.2g}</text>")
    parts.append(f"<text class='tick' x='{left}' y='{height - 10}'>0</text>")
    parts.append(f"<text class='tick' x='{right}' y='{height - 10}' text-anchor='end'>{end}</text>")
    for name, mean in stretches:
        colour = BEFORE_COLOUR if name == "before" else AFTER_COLOUR
        x1, x2 = x(mean.start), x(mean.start + mean.n)
        if mean.low is not None and mean.high is not None:
            parts.append(
                f"<rect class='band' x='{x1:.1f}' y='{y(mean.high):.1f}' width='{max(x2 - x1, 1):.1f}' "
                f"height='{max(y(mean.low) - y(mean.high), 1):.1f}' fill='{colour}' fill-opacity='0.18'/>"
            )
        if mean.mean is not None:
            label = f"{name}: {_fmt(mean.mean)} over {mean.n} outcomes from {mean.start}"
            parts.append(
                f"<line class='level {name}' x1='{x1:.1f}' x2='{x2:.1f}' y1='{y(mean.mean):.1f}' "
                f"y2='{y(mean.mean):.1f}' stroke='{colour}' stroke-width='3'><title>{escape(label)}</title></line>"
            )
    parts += _marks(stream, x, top, bottom, right)
    return (
        f"<svg class='chart concept' role='img' viewBox='0 0 {width} {height}' width='{width}' height='{height}'>"
        f"<title>mean outcome along the stream</title>{''.join(parts)}</svg>"
    )


def _marks(stream: ConceptStream, x: object, top: int, bottom: int, right: int) -> list[str]:
    """Vertical marks: the warning start, the change point and the drift, their labels on separate rows."""
    assert callable(x)
    marks = []
    split = stream.after.start if stream.after is not None else stream.change_start
    for row, (index, label, css) in enumerate(
        (
            (stream.warning_start, "warning from", "warning"),
            (split, "change point at", "change"),
            (stream.stream_index, "drift detected at", "drift"),
        )
    ):
        if index is None:
            continue
        at = x(index)
        # Labels right of the middle end at their line, so they stay inside the picture.
        anchor, text_x = ("end", at - 3) if at > (right + 44) / 2 else ("start", at + 3)
        marks.append(
            f"<line class='mark {css}' x1='{at:.1f}' x2='{at:.1f}' y1='{top}' y2='{bottom}'>"
            f"<title>{label} {index}</title></line>"
            f"<text class='tick {css}' x='{text_x:.1f}' y='{top + 10 + 14 * row}' text-anchor='{anchor}'>"
            f"{escape(f'{label} {index}')}</text>"
        )
    return marks
