"""Micro-benchmark: size and decoding speed of one observation record as JSON and as Protobuf.

Builds a seeded record of ``--rows`` rows (a float, an integer and a string column), encodes it both ways,
and times :func:`decode_record` (the consumer's decoder: bytes to the rows handed to the rows reader), best
of five rounds.

Run: ``.venv/bin/python benchmarks/bench_record_formats.py [--rows 200] [--records 2000]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.adapters.messaging.protobuf_records import observation

from aumos_drift_detector.adapters.messaging.record_decoder import decode_record
from aumos_drift_detector.core.streams.model import StreamKind, StreamRecord


def _rows(rows: int) -> list[dict[str, object]]:
    rng = np.random.default_rng(7)
    ages = np.round(rng.normal(40, 10, rows), 1)
    visits = rng.integers(0, 50, rows)
    plans = rng.choice(["basic", "pro", "team"], rows)
    return [{"age": float(a), "visits": int(v), "plan": str(p)} for a, v, p in zip(ages, visits, plans, strict=True)]


def _rows_per_second(record: StreamRecord, records: int, rows: int) -> float:
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(records):
            decode_record(record, StreamKind.OBSERVATIONS)
        best = min(best, time.perf_counter() - started)
    return records * rows / best


def main() -> None:
    """Print the size and decoding rate of each format."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--records", type=int, default=2000)
    args = parser.parse_args()
    rows = _rows(args.rows)
    address = {"tenant_id": "acme", "monitor_id": str(uuid.uuid4())}
    formats = {
        "json": StreamRecord("o", 0, 0, None, json.dumps({**address, "rows": rows}).encode()),
        "protobuf": StreamRecord("o", 0, 0, None, observation(address, rows), "application/x-protobuf"),
    }
    for name, record in formats.items():
        rate = _rows_per_second(record, args.records, args.rows)
        size = len(record.value or b"")
        sys.stdout.write(f"{name:9} {size:7,} bytes/record  {rate:12,.0f} rows/s decoded\n")


if __name__ == "__main__":
    main()
