"""ArrowIpcTableWriter: batches compressed as they come decode to the table of the kept columns."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from aumos_drift_detector.adapters.persistence.arrow_codec import (
    ArrowIpcTableWriter,
    EncodedTable,
    decode_table,
    encode_table,
)


def _table(rows: int) -> pa.Table:
    rng = np.random.default_rng(1)
    return pa.table(
        {
            "age": rng.normal(40, 10, rows),
            "note": pa.array([f"n{i}" for i in range(rows)]),
            "plan": pa.array(rng.choice(["basic", "pro"], rows)).dictionary_encode(),
        }
    )


def test_batches_written_as_they_come_decode_to_the_kept_columns_in_order() -> None:
    table = _table(10_000)
    writer = ArrowIpcTableWriter(["plan", "age"])
    assert writer.start(table.column_names)
    for batch in table.to_batches(max_chunksize=1_500):
        writer.add(batch)
    encoded = writer.finish()
    assert (encoded.num_rows, encoded.column_names) == (10_000, ["plan", "age"])
    assert decode_table(encoded.payload).equals(table.select(["plan", "age"]))
    assert encode_table(encoded) is encoded.payload
    assert encoded.to_pydict() == table.select(["plan", "age"]).to_pydict()


def test_start_forgets_an_earlier_pass_and_checks_the_columns() -> None:
    writer = ArrowIpcTableWriter(["age"])
    writer.start(["age"])
    writer.add(pa.table({"age": [1.0, 2.0]}))
    assert not writer.start(["plan"])
    assert writer.start(["age", "plan"])
    writer.add(pa.table({"age": [3.0], "plan": ["pro"]}))
    assert decode_table(writer.finish().payload).to_pydict() == {"age": [3.0]}


def test_a_writer_without_batches_gives_an_empty_table_of_its_columns() -> None:
    writer = ArrowIpcTableWriter(["age", "plan"])
    writer.start(["age", "plan"])
    encoded = writer.finish()
    assert isinstance(encoded, EncodedTable)
    assert (encoded.num_rows, decode_table(encoded.payload).column_names) == (0, ["age", "plan"])
