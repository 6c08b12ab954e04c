"""Protobuf ingest records built the way a producer would: rows turned into typed columns, outcome values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aumos_drift_detector.adapters.messaging import ingest_schema

#: The header a producer puts on a Protobuf record.
PROTOBUF_HEADERS = (("content-type", b"application/x-protobuf"),)
_LIST_OF_TYPE = {bool: "booleans", int: "integers", float: "doubles", str: "strings"}


def observation(address: Mapping[str, str], rows: Sequence[Mapping[str, object]]) -> bytes:
    """An ``ObservationRecord`` of the rows, each column typed by its non-null values (one type per column)."""
    message = ingest_schema.message_class(ingest_schema.OBSERVATION_RECORD)(**address)
    for name in dict.fromkeys(key for row in rows for key in row):
        column = message.columns.add(name=name)
        cells = [row.get(name) for row in rows]
        kinds = {type(cell) for cell in cells if cell is not None}
        assert len(kinds) <= 1, f"column {name} mixes {kinds}"
        if kinds:
            getattr(column, _LIST_OF_TYPE[kinds.pop()]).extend(cell for cell in cells if cell is not None)
        column.null_rows.extend(number for number, cell in enumerate(cells) if cell is None)
    payload: bytes = message.SerializeToString()
    return payload


def outcome(address: Mapping[str, str], values: Sequence[float], labels: Sequence[tuple[str, object]] = ()) -> bytes:
    """An ``OutcomeRecord`` of the values (and labels, each ``(inference_id, value)``)."""
    message = ingest_schema.message_class(ingest_schema.OUTCOME_RECORD)(**address, values=values)
    for inference_id, value in labels:
        field = "flag" if isinstance(value, bool) else "text" if isinstance(value, str) else "number"
        message.labels.add(inference_id=inference_id, **{field: value})
    payload: bytes = message.SerializeToString()
    return payload
