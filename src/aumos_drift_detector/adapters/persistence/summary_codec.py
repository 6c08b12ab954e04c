"""The stored form of a window summary: a JSON header, then its numbers as raw little-endian arrays, compressed.

A reference summary carries its layout (edges and labels) and its facts; a batch, hour or day summary
carries only its counts and moments and is read back against its reference's layout. Floats are
written exactly (JSON of Python floats round-trips; the arrays are raw float64), so a decoded summary
equals the one encoded, and sums of decoded summaries equal sums of the originals.

Layout: ``b"AWS1"``, the header's length (uint32), the header, the arrays' length before compression
(uint64), then the arrays compressed with zstd: the counts of every feature end to end, in the narrowest
unsigned type that holds them (named in the header), preceded, in a reference summary, by the float64
edges of every numeric feature.
"""

from __future__ import annotations

import json
import math
import struct
from typing import Any, Final

import numpy as np
import pyarrow as pa

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.features import FeatureKind
from aumos_drift_detector.core.summaries.feature_counts import FeatureCounts, NumericCounts
from aumos_drift_detector.core.summaries.layout import CategoricalBins, FeatureBins, NumericBins, SummaryLayout
from aumos_drift_detector.core.summaries.moments import Moments
from aumos_drift_detector.core.summaries.stored import ReferenceFacts, SegmentFacts
from aumos_drift_detector.core.summaries.window_summary import WindowSummary

MAGIC: Final[bytes] = b"AWS1"
_LENGTH = struct.Struct("<I")
_RAW = struct.Struct("<Q")


def _moments(moments: Moments) -> list[float | int]:
    return [
        moments.count, moments.total, moments.total_squares, moments.minimum, moments.maximum, moments.missing
    ]  # fmt: skip


def _feature_header(bins: FeatureBins, counts: FeatureCounts, with_layout: bool) -> dict[str, Any]:
    if isinstance(counts, NumericCounts):
        entry: dict[str, Any] = {"name": counts.name, "kind": "n", "bins": bins.n_bins, "m": _moments(counts.moments)}
    else:
        entry = {"name": counts.name, "kind": "c", "bins": bins.n_bins, "missing": counts.missing}
        if with_layout and isinstance(bins, CategoricalBins):
            entry["labels"] = list(bins.labels)
    return entry


def _count_type(counts: np.ndarray) -> str:
    """The narrowest little-endian type holding every count (counts are never negative)."""
    largest = int(counts.max()) if counts.size else 0
    for width in ("<u1", "<u2", "<u4"):
        if largest <= np.iinfo(width).max:
            return width
    return "<i8"


def encode_summary(summary: WindowSummary, *, with_layout: bool = False, facts: ReferenceFacts | None = None) -> bytes:
    """The stored form of ``summary`` (with its layout and facts, for a reference summary)."""
    pairs = zip(summary.layout.features, summary.features, strict=True)
    header: dict[str, Any] = {
        "rows": summary.rows,
        "fingerprint": summary.layout.fingerprint,
        "features": [_feature_header(bins, counts, with_layout) for bins, counts in pairs],
    }
    if facts is not None:
        header["facts"] = {"kinds": dict(facts.kinds), "min_samples": facts.min_samples}
        if facts.segments is not None:
            found = facts.segments
            header["facts"]["segments"] = {"by": found.by, "rows": dict(found.rows), "skipped": dict(found.skipped)}
    parts: list[bytes] = []
    if with_layout:
        header["layout"] = True
        if summary.layout.segment:
            header["segment"], header["family"] = summary.layout.segment, summary.layout.family
        parts.extend(
            bins.edges.astype("<f8").tobytes() for bins in summary.layout.features if isinstance(bins, NumericBins)
        )
    width = _count_type(summary.flat_counts)
    header["counts"] = width
    parts.append(summary.flat_counts.astype(width).tobytes())
    raw = b"".join(parts)
    text = json.dumps(header, separators=(",", ":")).encode()
    body = pa.compress(raw, codec="zstd", asbytes=True) if raw else b""
    return b"".join((MAGIC, _LENGTH.pack(len(text)), text, _RAW.pack(len(raw)), body))


def _split(payload: bytes) -> tuple[dict[str, Any], memoryview]:
    if payload[:4] != MAGIC:
        raise ValidationError("not a stored window summary")
    (length,) = _LENGTH.unpack_from(payload, 4)
    header = json.loads(payload[8 : 8 + length])
    (raw_length,) = _RAW.unpack_from(payload, 8 + length)
    body = memoryview(payload)[8 + length + _RAW.size :]  # not copied
    raw = pa.decompress(body, decompressed_size=raw_length, codec="zstd") if raw_length else b""
    return header, memoryview(raw)


def _layout_of(header: dict[str, Any], raw: memoryview) -> tuple[SummaryLayout, int]:
    features: list[FeatureBins] = []
    offset = 0
    for entry in header["features"]:
        if entry["kind"] == "n":
            size = int(entry["bins"]) - 1
            edges = np.frombuffer(raw, dtype="<f8", count=size, offset=offset)
            features.append(NumericBins(entry["name"], edges))
            offset += size * 8
        else:
            features.append(CategoricalBins(entry["name"], tuple(entry["labels"])))
    return SummaryLayout(tuple(features), str(header.get("segment", "")), str(header.get("family", ""))), offset


def _segment_facts(found: dict[str, Any] | None) -> SegmentFacts | None:
    if found is None:
        return None
    rows = {str(key): int(value) for key, value in found["rows"].items()}
    return SegmentFacts(tuple(found["by"]), rows, {str(key): str(value) for key, value in found["skipped"].items()})


def _extra(entry: dict[str, Any]) -> Moments | int:
    """A feature's moments (numeric) or missing count (categorical), from its header entry."""
    if entry["kind"] == "n":
        count, total, squares, minimum, maximum, missing = entry["m"]
        return Moments(int(count), float(total), float(squares), float(minimum), float(maximum), int(missing))
    return int(entry["missing"])


def decode_summary(payload: bytes, layout: SummaryLayout | None = None) -> tuple[WindowSummary, ReferenceFacts | None]:
    """A stored summary and its facts (for a reference summary); ``layout`` is required unless it carries its own.

    Raises:
        ValidationError: Not a stored summary, or counted on another layout than ``layout``.
    """
    header, raw = _split(payload)
    offset = 0
    if header.get("layout"):
        layout, offset = _layout_of(header, raw)
    if layout is None or layout.fingerprint != header["fingerprint"]:
        raise ValidationError("the stored summary was counted on other bins")
    flat = np.frombuffer(raw, dtype=header.get("counts", "<i8"), offset=offset).astype(np.int64)
    if np.any(flat < 0):
        raise ValidationError("a stored window summary holds negative counts")
    extras = [_extra(entry) for entry in header["features"]]
    facts = header.get("facts")
    kinds: dict[str, FeatureKind] = dict(facts["kinds"]) if facts else {}
    found = ReferenceFacts(kinds, int(facts["min_samples"]), _segment_facts(facts.get("segments"))) if facts else None
    return WindowSummary.from_flat(layout, flat, extras, int(header["rows"])), found


class SummaryAdder:
    """Adds stored window summaries on one layout straight from their stored form.

    Each payload's counts are added in their stored (narrow) type to one int64 total and its moments
    combined, so a month of summaries is added without building a summary object per payload; the
    result equals :func:`~aumos_drift_detector.core.summaries.window_summary.merge_all` of the decoded ones.

    Args:
        layout: The layout every payload was counted on.
    """

    def __init__(self, layout: SummaryLayout) -> None:
        self._layout = layout
        self._total = np.zeros(sum(bins.n_bins for bins in layout.features), dtype=np.int64)
        # per feature: [count, total, total_squares, minimum, maximum, missing] or [missing], folded left to
        # right from Moments.combine's start, so the floats equal merging the decoded summaries
        self._sums: list[list[float | int]] = [
            [0, 0, 0, math.inf, -math.inf, 0] if isinstance(bins, NumericBins) else [0] for bins in layout.features
        ]
        self._rows = 0

    def add(self, payload: bytes) -> None:
        """Add one stored summary.

        Raises:
            ValidationError: Not a stored window summary of this layout.
        """
        header, raw = _split(payload)
        if header["fingerprint"] != self._layout.fingerprint or header.get("layout"):
            raise ValidationError("the stored summary was counted on other bins")
        counts = np.frombuffer(raw, dtype=header.get("counts", "<i8"))
        if counts.size != self._total.size:
            raise ValidationError("the stored summary was counted on other bins")
        np.add(self._total, counts, out=self._total, casting="unsafe")
        for sums, entry in zip(self._sums, header["features"], strict=True):
            if len(sums) == 1:
                sums[0] += int(entry["missing"])
                continue
            count, total, squares, minimum, maximum, missing = entry["m"]
            sums[0] += int(count)
            sums[1] += float(total)
            sums[2] += float(squares)
            sums[3] = min(sums[3], float(minimum))
            sums[4] = max(sums[4], float(maximum))
            sums[5] += int(missing)
        self._rows += int(header["rows"])

    def total(self) -> WindowSummary:
        """The summary of every payload added (the empty summary when none was).

        Raises:
            ValidationError: Negative counts (a corrupted payload).
        """
        extras: list[Moments | int] = []
        for sums in self._sums:
            if len(sums) == 1:
                extras.append(int(sums[0]))
            else:
                count, total, squares, minimum, maximum, missing = sums
                extras.append(Moments(int(count), total, squares, minimum, maximum, int(missing)))
        return WindowSummary.from_flat(self._layout, self._total.copy(), extras, self._rows)
