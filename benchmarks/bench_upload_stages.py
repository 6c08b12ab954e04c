"""Where the time of a reference upload goes: each stage of ``PUT /reference`` timed on its own.

The stages are the ones the service runs for a Parquet upload of ``--rows`` x 20 numeric columns:
the body spooled from the request stream (64 KiB chunks, hashed), the scan into the profile builder
and the row sample, the profile's serialisation (sorting every column, the summaries, the bin
edges), the sample's, and the storage of the version in SQLite and in PostgreSQL (a fresh database
each, migrated). A process-wide first use is timed apart: importing the multivariate sample. Each
stage prints its wall time and the CPU time the process spent in it (all threads; on PostgreSQL the
server's own work is not in it), which a busy machine inflates less than the wall time.

Run: ``.venv/bin/python benchmarks/bench_upload_stages.py [--rows 1000000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

N_FEATURES = 20
CHUNK = 1 << 16


class _Body:
    """A request stand-in whose body arrives in chunks, as the server hands it over."""

    def __init__(self, body: bytes) -> None:
        self.headers = {"content-type": "application/vnd.apache.parquet", "content-length": str(len(body))}
        self._body = body

    async def stream(self) -> AsyncIterator[bytes]:
        view = memoryview(self._body)
        for start in range(0, len(view), CHUNK):
            yield bytes(view[start : start + CHUNK])


def _timed(stages: dict[str, tuple[float, float]], name: str, function: Callable[[], Any]) -> Any:
    """Run ``function``, keeping its wall time and the CPU time of the process (all threads) it took."""
    started, cpu = time.perf_counter(), time.process_time()
    result = function()
    stages[name] = (time.perf_counter() - started, time.process_time() - cpu)
    return result


async def _stages(body: bytes) -> tuple[dict[str, tuple[float, float]], Any]:
    from aumos_drift_detector.adapters.api.uploads import receive_upload
    from aumos_drift_detector.adapters.files.row_samples import ArrowSampleCodec
    from aumos_drift_detector.adapters.files.spooled_upload import SpooledTableFile
    from aumos_drift_detector.core.ingest.tee import tee
    from aumos_drift_detector.core.statistical import FeatureSpec
    from aumos_drift_detector.core.statistical.profile_builder import ProfileBuilder

    stages: dict[str, tuple[float, float]] = {}
    started, cpu = time.perf_counter(), time.process_time()
    upload = await receive_upload(_Body(body), limit=1 << 31, name="reference", opener=SpooledTableFile)  # type: ignore[arg-type]
    stages["spool"] = (time.perf_counter() - started, time.process_time() - cpu)
    names = [f"f{i}" for i in range(N_FEATURES)]
    builder = ProfileBuilder([FeatureSpec(name, kind="numerical") for name in names])
    sampler = ArrowSampleCodec().writer(names, capacity=5000, seed=0)
    scanned = _timed(stages, "scan+builder+sampler", lambda: upload.scan(tee(builder, sampler)))
    assert scanned.rows > 0
    payload = _timed(stages, "payload (sort+profile+serialise)", builder.payload)
    sample = _timed(stages, "sample finish", sampler.finish)
    return stages, (payload, sample, scanned.rows, upload.checksum)


async def _store(url: str, parts: Any) -> tuple[float, float]:
    from tests.adapters.persistence.test_repositories import T0, make_monitor

    from aumos_drift_detector.adapters.persistence import migrator
    from aumos_drift_detector.adapters.persistence.database import create_engine, create_session_factory
    from aumos_drift_detector.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
    from aumos_drift_detector.core.ingest.model import ReferenceDataset

    payload, sample, rows, checksum = parts
    engine = create_engine(url)
    await migrator.upgrade(engine)
    factory = create_session_factory(engine)
    monitor = make_monitor()
    async with SqlAlchemyUnitOfWork(factory) as uow:
        await uow.monitors.add(monitor)
        await uow.commit()
    reference = ReferenceDataset(
        id=uuid.uuid4(), tenant_id="acme", monitor_id=monitor.id, version=1, rows=rows, checksum=checksum,
        content_type="application/vnd.apache.parquet", columns=("age", "plan"), profile=payload,
        uploaded_by="bench", created_at=T0, sample=sample,
    )  # fmt: skip
    started, cpu = time.perf_counter(), time.process_time()
    async with SqlAlchemyUnitOfWork(factory) as uow:
        await uow.references.add(reference)
        await uow.commit()
    seconds = (time.perf_counter() - started, time.process_time() - cpu)
    await engine.dispose()
    return seconds


def _body(rows: int) -> bytes:
    rng = np.random.default_rng(20261126)
    table = pa.table({f"f{i}": rng.normal(0.0, 1.0, rows) for i in range(N_FEATURES)})
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-db", action="store_true", help="skip the storage stages")
    args = parser.parse_args()
    from tests import servers

    started = time.perf_counter()
    import aumos_drift_detector.adapters.files.row_samples  # noqa: F401

    first = time.perf_counter() - started
    started = time.perf_counter()
    from aumos_drift_detector.adapters.files.row_samples import ArrowSampleCodec

    ArrowSampleCodec().writer(["x"], capacity=1, seed=0).start(["x"])
    print(f"first use: import row samples {first:.2f} s, start a sample writer {time.perf_counter() - started:.2f} s")
    body = _body(args.rows)
    print(f"body: {len(body) / 1e6:.1f} MB of Parquet, {args.rows:,} x {N_FEATURES}")
    for _ in range(args.repeat):
        stages, parts = asyncio.run(_stages(body))
        print(f"profile: {len(parts[0]) / 1e6:.1f} MB, sample: {len(parts[1]) / 1e6:.2f} MB")
        if not args.no_db:
            with tempfile.TemporaryDirectory() as directory:
                stages["store sqlite"] = asyncio.run(_store(f"sqlite+aiosqlite:///{directory}/bench.db", parts))
            with servers.postgres_database() as url:
                stages["store postgresql"] = asyncio.run(_store(url, parts))
        print("  ".join(f"{name} {wall:.2f} s (cpu {cpu:.2f})" for name, (wall, cpu) in stages.items()))


if __name__ == "__main__":
    main()
