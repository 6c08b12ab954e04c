"""Seeded calibration of the segments option: how often a check names a segment, and how often it alarms.

Usage: .venv/bin/python scripts/simulate_segments.py [--segments 10] [--rows 1000] [--checks 500]
       [--reference fresh|fixed] [--reference-seed 0] [--reference-rows ROWS] [--shift 0.0]

Each segment has its own distribution (``age`` normal around a mean of its own, ``plan`` of three
categories with shares of its own); the reference and every current window are drawn from the same
distributions, so nothing drifted unless ``--shift`` moves the ages of segment ``s0`` in every window by
that many standard deviations. Every check runs the segments of a monitor with two features and the
default rules (``core/detections/segment_run.py``) and judges them with a budget of one false alert a
year at 365 checks a year (``core/decisions/judge.py``).

With ``--reference fresh`` (the default) check ``i`` draws its own reference (seed ``100000 + i``), so the
share of checks naming a segment estimates the per-check error rate the segments' correction controls.
With ``--reference fixed`` every check compares with one reference (seed ``--reference-seed``): the rate
then depends on that reference's own chance deviations, higher for some references and lower for others.
A reference of ``--reference-rows`` rows per segment (default: as many as a window) deviates less
from its distributions. Check ``i`` draws its window from seed ``1 + i``. It prints the share of checks
that named a segment (with a shift: that found ``s0``, and that named another segment) and that
alarmed, each with its Wilson 95% interval, and the alarm level.
"""

from __future__ import annotations

import argparse
import math
import uuid
from datetime import UTC, datetime
from typing import Any

import numpy as np

from aumos_drift_detector.core.decisions.judge import judged_segments
from aumos_drift_detector.core.decisions.sequential import share_level
from aumos_drift_detector.core.detections.segment_run import segments_outcome
from aumos_drift_detector.core.ingest.column_table import ColumnTable
from aumos_drift_detector.core.ingest.model import ReferenceDataset
from aumos_drift_detector.core.ingest.segment_profiles import SegmentProfileBuilder
from aumos_drift_detector.core.ingest.service import feature_specs
from aumos_drift_detector.core.monitors.config import FeatureConfig
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.segments import SegmentsConfig


def _rows(rng: np.random.Generator, segments: int, rows: int, shift: float = 0.0) -> ColumnTable:
    data: dict[str, list[Any]] = {"age": [], "plan": [], "segment": []}
    for index in range(segments):
        shares = np.array([1.0 + index % 3, 1.0, 1.0 + index % 2])
        data["age"] += rng.normal(20 + 5 * index + (10 * shift if index == 0 else 0.0), 10, rows).round(1).tolist()
        data["plan"] += rng.choice(["basic", "pro", "team"], rows, p=shares / shares.sum()).tolist()
        data["segment"] += [f"s{index}"] * rows
    return ColumnTable(data)


def _monitor(segments: int) -> Monitor:
    features = (FeatureConfig(name="age", kind="numerical"), FeatureConfig(name="plan", kind="categorical"))
    now = datetime(2026, 11, 30, tzinfo=UTC)
    option = SegmentsConfig(by=["segment"], max_segments=segments, min_rows=100)
    return Monitor(
        id=uuid.uuid4(), tenant_id="sim", name="sim", model_id="sim", model_version="1", features=features,
        created_at=now, updated_at=now, segments=option,
    )  # fmt: skip


def _wilson(hits: int, n: int) -> str:
    z, p = 1.959964, hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return f"{hits}/{n} = {p:.3f} [{max(0.0, centre - half):.3f}, {min(1.0, centre + half):.3f}]"


def _reference(monitor: Monitor, seed: int, segments: int, rows: int) -> ReferenceDataset:
    assert monitor.segments is not None
    builder = SegmentProfileBuilder(monitor.segments, feature_specs(monitor))
    reference_rows = _rows(np.random.default_rng(seed), segments, rows)
    builder.start(reference_rows.column_names)
    builder.add(reference_rows)
    return ReferenceDataset(
        id=uuid.uuid4(), tenant_id="sim", monitor_id=monitor.id, version=1, rows=reference_rows.num_rows,
        checksum="", content_type="text/csv", columns=tuple(reference_rows.column_names), profile=b"",
        uploaded_by="sim", created_at=monitor.created_at, segments=builder.finish().to_bytes(),
    )  # fmt: skip


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=10)
    parser.add_argument("--rows", type=int, default=1000, help="rows per segment, in the reference and each window")
    parser.add_argument("--checks", type=int, default=500)
    parser.add_argument("--reference", choices=["fresh", "fixed"], default="fresh", help="a reference per check or one")
    parser.add_argument("--reference-seed", type=int, default=0, help="the seed of the fixed reference")
    parser.add_argument("--reference-rows", type=int, default=None, help="rows per segment in the reference")
    parser.add_argument("--shift", type=float, default=0.0, help="shift of s0's ages, in standard deviations")
    return parser.parse_args()


def main() -> None:
    """Run the simulation and print its figures."""
    args = _arguments()
    monitor = _monitor(args.segments)
    reference_rows = args.reference_rows or args.rows
    fixed = _reference(monitor, args.reference_seed, args.segments, reference_rows)
    share = share_level(1.0, 3.0, checks_per_year=365, budget=1.0)  # two features of importance 1 and the segments
    named = found = others = alarmed = 0
    level = math.nan
    for check in range(args.checks):
        reference = (
            fixed if args.reference == "fixed" else _reference(monitor, 100_000 + check, args.segments, reference_rows)
        )
        window = _rows(np.random.default_rng(1 + check), args.segments, args.rows, args.shift)
        judged = judged_segments(segments_outcome(monitor, reference, window), share)
        assert judged is not None
        labels = {segment.segment for segment in judged.drifted}
        named += bool(labels)
        found += "segment=s0" in labels
        others += bool(labels - {"segment=s0"})
        alarmed += judged.alarmed
        level = judged.alarm_level or math.nan
    which = "a fresh reference each" if args.reference == "fresh" else f"one reference (seed {args.reference_seed})"
    data = "unchanged data" if args.shift == 0 else f"s0's ages shifted by {args.shift:g} sd"
    sizes = f"{args.segments} segments x {args.rows} rows ({reference_rows} in the reference)"
    print(f"{sizes}, {args.checks} checks of {data}, {which}")
    print(f"checks with a drifted segment: {_wilson(named, args.checks)}")
    if args.shift != 0:
        print(f"checks that found s0: {_wilson(found, args.checks)}")
        print(f"checks that named another segment: {_wilson(others, args.checks)}")
    print(f"checks that alarmed: {_wilson(alarmed, args.checks)}; alarm level {level:.3g}")


if __name__ == "__main__":
    main()
