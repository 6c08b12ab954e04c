"""Inline SVG pictures of a feature's reference and current distributions.

A histogram draws each sample's density (its share of a bin divided by the bin's width) on the
stored bins, so the unequal quantile bins still show the shape; categories are drawn as pairs of
horizontal bars of each sample's share, new and missing categories marked. Both are plain SVG
markup with a ``<title>`` per bar, so a report needs no script or external asset to show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from aumos_drift_detector.core.detections.model import FeatureDistribution

REFERENCE_COLOUR = "#8a94a6"
CURRENT_COLOUR = "#d9480f"


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _shares(counts: list[int]) -> list[float]:
    total = sum(counts)
    return [count / total if total else 0.0 for count in counts]


@dataclass(frozen=True, slots=True)
class _Bins:
    """Where the bins of a histogram are drawn."""

    edges: list[float]
    width: int
    bottom: float
    top_density: float

    def x(self, value: float) -> float:
        span = (self.edges[-1] - self.edges[0]) or 1.0
        return 2 + (value - self.edges[0]) / span * (self.width - 4)

    def bars(self, kind: str, densities: list[float], counts: list[int]) -> list[str]:
        """One bar per bin of one sample, its height the sample's density there."""
        bars = []
        for k, (density, count) in enumerate(zip(densities, counts, strict=True)):
            h = density / self.top_density * (self.bottom - 4)
            label = f"{kind} [{_fmt(self.edges[k])}, {_fmt(self.edges[k + 1])}): {count}"
            left, right = self.x(self.edges[k]), self.x(self.edges[k + 1])
            bars.append(
                f"<rect class='{kind[:3]}' x='{left:.1f}' y='{self.bottom - h:.1f}' "
                f"width='{max(right - left, 0.5):.1f}' height='{h:.1f}'><title>{escape(label)}</title></rect>"
            )
        return bars


def _densities(counts: list[int], edges: list[float]) -> list[float]:
    """Each bin's share of the sample divided by the bin's width."""
    span = (edges[-1] - edges[0]) or 1.0
    widths = [(edges[k + 1] - edges[k]) or span / 1000 for k in range(len(edges) - 1)]
    return [share / width for share, width in zip(_shares(counts), widths, strict=True)]


def histogram_svg(distribution: FeatureDistribution, *, width: int = 360, height: int = 140, axis: bool = True) -> str:
    """Both samples' densities on the stored bins, reference filled grey and current outlined in colour.

    >>> picture = FeatureDistribution(kind="histogram", reference_counts=[5, 5], current_counts=[0, 10],
    ...     edges=[0.0, 1.0, 3.0])
    >>> svg = histogram_svg(picture)
    >>> svg.count("<rect class='ref'"), svg.count("<rect class='cur'")
    (2, 2)
    """
    edges = distribution.edges
    if len(edges) < 2 or not distribution.reference_counts:
        return "<svg class='chart empty' width='0' height='0'></svg>"
    reference = _densities(distribution.reference_counts, edges)
    current = _densities(distribution.current_counts, edges)
    bins = _Bins(edges, width, height - (18 if axis else 2), max([*reference, *current]) or 1.0)
    parts = bins.bars("reference", reference, distribution.reference_counts)
    parts += bins.bars("current", current, distribution.current_counts)
    if axis:
        parts += [
            f"<line x1='2' x2='{width - 2}' y1='{bins.bottom}' y2='{bins.bottom}' class='axis'/>",
            f"<text x='2' y='{height - 4}' class='tick'>{escape(_fmt(edges[0]))}</text>",
            f"<text x='{width - 2}' y='{height - 4}' class='tick' text-anchor='end'>{escape(_fmt(edges[-1]))}</text>",
        ]
    return (
        f"<svg class='chart histogram' role='img' viewBox='0 0 {width} {height}' width='{width}' height='{height}'>"
        f"<title>reference (grey) and current (orange) density</title>{''.join(parts)}</svg>"
    )


def _category_row(y: int, label: str, shares: tuple[float, float], counts: tuple[int, int] | None, width: int) -> str:
    """One category's pair of bars; ``counts`` ``None`` for the missing-values row."""
    reference, current = shares
    room = width - 170
    marks = ""
    tip = f"{label}: reference {reference:.1%}, current {current:.1%}"
    if counts is not None:
        marks = " (new)" if counts[0] == 0 and counts[1] else " (missing)" if counts[1] == 0 and counts[0] else ""
        tip = f"{label}{marks}: reference {counts[0]} ({reference:.1%}), current {counts[1]} ({current:.1%})"
    shown = label if len(label) <= 18 else label[:17] + "…"
    return (
        f"<g><title>{escape(tip)}</title>"
        f"<text x='0' y='{y + 11}' class='label{' flag' if marks else ''}'>{escape(shown + marks)}</text>"
        f"<rect class='ref' x='150' y='{y}' width='{max(reference * room, 0.5):.1f}' height='7'/>"
        f"<rect class='cur' x='150' y='{y + 7}' width='{max(current * room, 0.5):.1f}' height='7'/>"
        f"<text x='{width - 2}' y='{y + 11}' class='tick' text-anchor='end'>{reference:.0%} → {current:.0%}</text></g>"
    )


def categories_svg(
    distribution: FeatureDistribution, *, missing: tuple[float, float] | None = None, width: int = 420
) -> str:
    """Paired bars of each category's share in the reference (grey) and current (colour) data.

    Args:
        distribution: The stored category counts.
        missing: The missing-value shares of the two samples, drawn as a last row when given.
        width: Width of the picture in pixels.

    >>> picture = FeatureDistribution(kind="categories", reference_counts=[4, 0], current_counts=[2, 2],
    ...     labels=["a", "b"])
    >>> "b (new)" in categories_svg(picture)
    True
    """
    reference = _shares(distribution.reference_counts)
    current = _shares(distribution.current_counts)
    rows = []
    for index, label in enumerate(distribution.labels):
        if label == "other" and distribution.other_categories and index == len(distribution.labels) - 1:
            label = f"other ({distribution.other_categories})"
        counts = (distribution.reference_counts[index], distribution.current_counts[index])
        rows.append(_category_row(index * 18, label, (reference[index], current[index]), counts, width))
    if missing is not None:
        row = len(rows) * 18
        rows.append(_category_row(row, "missing values", missing, None, width))
    height = len(rows) * 18 + 2
    return (
        f"<svg class='chart categories' role='img' viewBox='0 0 {width} {height}' width='{width}' height='{height}'>"
        f"<title>category shares: reference (grey) and current (orange)</title>{''.join(rows)}</svg>"
    )


def mini_svg(distribution: FeatureDistribution | None) -> str:
    """A small picture for a feature's summary row: the histogram without axis, or the category bars' shares."""
    if distribution is None:
        return ""
    if distribution.kind == "histogram":
        return histogram_svg(distribution, width=120, height=34, axis=False)
    reference = _shares(distribution.reference_counts)[:8]
    current = _shares(distribution.current_counts)[:8]
    top = max([*reference, *current, 1e-9])
    bars = []
    for index, (ref, cur) in enumerate(zip(reference, current, strict=True)):
        left = 2 + index * 14
        bars.append(
            f"<rect class='ref' x='{left}' y='{32 - ref / top * 28:.1f}' width='6' height='{ref / top * 28:.1f}'/>"
        )
        bars.append(
            f"<rect class='cur' x='{left + 6}' y='{32 - cur / top * 28:.1f}' width='6' height='{cur / top * 28:.1f}'/>"
        )
    return f"<svg class='chart mini' viewBox='0 0 120 34' width='120' height='34'>{''.join(bars)}</svg>"
