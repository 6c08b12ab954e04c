"""Time the per-segment reference profiles against the global profile of the same upload.

Usage: .venv/bin/python scripts/measure_segment_profiles.py [--rows 1000000] [--segments 30]

One seeded table of a numerical and a categorical feature and a segment column, read in batches of
65,536 rows as an upload is; prints the seconds each builder took and the size of what it stores.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pyarrow as pa

from aumos_drift_detector.core.ingest.segment_profiles import SegmentProfileBuilder
from aumos_drift_detector.core.monitors.segments import SegmentsConfig
from aumos_drift_detector.core.statistical import FeatureSpec
from aumos_drift_detector.core.statistical.profile_builder import ProfileBuilder


def main() -> None:
    """Build both and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--segments", type=int, default=30)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    table = pa.table({
        "age": rng.normal(40, 10, args.rows),
        "plan": rng.choice(["basic", "pro", "team"], args.rows),
        "country": rng.choice([f"c{index}" for index in range(args.segments)], args.rows),
    })  # fmt: skip
    specs = [FeatureSpec("age", kind="numerical"), FeatureSpec("plan", kind="categorical")]
    whole = ProfileBuilder(specs)
    per_segment = SegmentProfileBuilder(SegmentsConfig(by=["country"]), specs)
    for name, builder in (("global profile", whole), ("segment profiles", per_segment)):
        started = time.perf_counter()
        builder.start(table.column_names)
        for batch in table.to_batches(max_chunksize=65_536):
            builder.add(batch)
        stored = whole.payload() if builder is whole else per_segment.finish().to_bytes()
        print(f"{name}: {time.perf_counter() - started:.2f} s, {len(stored):,} bytes")


if __name__ == "__main__":
    main()
