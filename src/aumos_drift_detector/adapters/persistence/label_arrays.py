"""Set-based statements of the label join on PostgreSQL: whole batches as array parameters joined with ``unnest``.

A batch of a few thousand inference ids or errors is one statement with one array per column instead of one
row of parameters per item. The lookups join the unnested array to the unique index on
``(tenant_id, monitor_id, inference_id)`` rather than filtering by ``inference_id = ANY(...)``: the filter form
scans every stored prediction of the monitor once the server switches the prepared statement to its generic
plan (after five executions), which made each lookup linear in the table's size.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, Float, String, bindparam, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from aumos_drift_detector.adapters.persistence.label_tables import PendingLabelRow
from aumos_drift_detector.adapters.persistence.types import UtcDateTime
from aumos_drift_detector.core.labels.model import JoinTarget, Prediction

_IDS = bindparam("ids", type_=postgresql.ARRAY(String))

#: The found predictions as one row of arrays, decoded by the driver; the predictions as JSON texts.
_PREDICTIONS_BY_ID = text(
    "SELECT array_agg(p.inference_id), array_agg(p.sequence), array_agg(CAST(p.prediction AS text)), "
    "array_agg(p.score), array_agg(p.received_at), array_agg(p.error) "
    "FROM unnest(:ids) AS wanted(inference_id) "
    "JOIN drf_predictions AS p ON p.tenant_id = :tenant_id AND p.monitor_id = :monitor_id "
    "AND p.inference_id = wanted.inference_id"
).bindparams(_IDS)

_KNOWN_IDS = text(
    "SELECT p.inference_id FROM unnest(:ids) AS wanted(inference_id) "
    "JOIN drf_predictions AS p ON p.tenant_id = :tenant_id AND p.monitor_id = :monitor_id "
    "AND p.inference_id = wanted.inference_id"
).bindparams(_IDS)

_TAKE_PENDING = (
    text(
        "DELETE FROM drf_pending_labels AS p USING unnest(:ids) AS wanted(inference_id) "
        "WHERE p.tenant_id = :tenant_id AND p.monitor_id = :monitor_id AND p.inference_id = wanted.inference_id "
        "RETURNING p.*"
    )
    .bindparams(_IDS)
    .columns(*PendingLabelRow.__table__.columns)
)

_SET_ERRORS = text(
    "UPDATE drf_predictions AS p SET error = joined.error "
    "FROM unnest(:sequences, :errors) AS joined(sequence, error) "
    "WHERE p.monitor_id = :monitor_id AND p.sequence = joined.sequence"
).bindparams(
    bindparam("sequences", type_=postgresql.ARRAY(BigInteger)),
    bindparam("errors", type_=postgresql.ARRAY(Float)),
)

_ADD_PREDICTIONS = text(
    "INSERT INTO drf_predictions "
    "(monitor_id, sequence, tenant_id, inference_id, prediction, score, received_at, error) "
    "SELECT :monitor_id, item.sequence, :tenant_id, item.inference_id, CAST(item.prediction AS jsonb), "
    "item.score, item.received_at, item.error "
    "FROM unnest(:sequences, :ids, :predictions, :scores, :received, :errors) "
    "AS item(sequence, inference_id, prediction, score, received_at, error)"
).bindparams(
    bindparam("sequences", type_=postgresql.ARRAY(BigInteger)),
    _IDS,
    bindparam("predictions", type_=postgresql.ARRAY(String)),
    bindparam("scores", type_=postgresql.ARRAY(Float)),
    bindparam("received", type_=postgresql.ARRAY(UtcDateTime())),
    bindparam("errors", type_=postgresql.ARRAY(Float)),
)


async def predictions_by_id(
    session: AsyncSession, tenant_id: str, monitor_id: uuid.UUID, inference_ids: Sequence[str]
) -> list[Prediction]:
    """The stored predictions of those inference ids (one statement, one row of arrays)."""
    parameters = {"ids": list(inference_ids), "tenant_id": tenant_id, "monitor_id": monitor_id}
    ids, sequences, predictions, scores, received, errors = (
        await session.execute(_PREDICTIONS_BY_ID, parameters)
    ).one()
    if not ids:
        return []
    values = json.loads("[" + ",".join(predictions) + "]")
    return [
        Prediction(
            tenant_id=tenant_id,
            monitor_id=monitor_id,
            sequence=sequence,
            inference_id=inference_id,
            prediction=value if isinstance(value, str) else float(value),
            score=score,
            received_at=at,
            error=error,
        )
        for inference_id, sequence, value, score, at, error in zip(
            ids, sequences, values, scores, received, errors, strict=True
        )
    ]


#: What a label needs of its stored prediction, as one row of arrays.
_JOIN_TARGETS = text(
    "SELECT array_agg(p.inference_id), array_agg(p.sequence), array_agg(CAST(p.prediction AS text)), "
    "array_agg(p.error) "
    "FROM unnest(:ids) AS wanted(inference_id) "
    "JOIN drf_predictions AS p ON p.tenant_id = :tenant_id AND p.monitor_id = :monitor_id "
    "AND p.inference_id = wanted.inference_id"
).bindparams(_IDS)


async def join_targets(
    session: AsyncSession, tenant_id: str, monitor_id: uuid.UUID, inference_ids: Sequence[str]
) -> dict[str, JoinTarget]:
    """The join targets of those inference ids (one statement; tuples built from the driver's arrays)."""
    parameters = {"ids": list(inference_ids), "tenant_id": tenant_id, "monitor_id": monitor_id}
    ids, sequences, predictions, errors = (await session.execute(_JOIN_TARGETS, parameters)).one()
    if not ids:
        return {}
    values = [
        value if isinstance(value, str) else float(value) for value in json.loads("[" + ",".join(predictions) + "]")
    ]
    return dict(zip(ids, map(JoinTarget._make, zip(sequences, values, errors, strict=True)), strict=True))


async def known_ids(
    session: AsyncSession, tenant_id: str, monitor_id: uuid.UUID, inference_ids: Sequence[str]
) -> list[str]:
    """Those of the inference ids that have a stored prediction (one statement)."""
    parameters = {"ids": list(inference_ids), "tenant_id": tenant_id, "monitor_id": monitor_id}
    return list((await session.execute(_KNOWN_IDS, parameters)).scalars())


async def take_pending(
    session: AsyncSession, tenant_id: str, monitor_id: uuid.UUID, inference_ids: Sequence[str]
) -> list[Any]:
    """Delete and return the pending label rows of those inference ids (one statement)."""
    parameters = {"ids": list(inference_ids), "tenant_id": tenant_id, "monitor_id": monitor_id}
    return list((await session.execute(_TAKE_PENDING, parameters)).all())


async def set_errors(session: AsyncSession, monitor_id: uuid.UUID, errors: dict[int, float]) -> None:
    """Set the joined error of each prediction, by sequence (one statement)."""
    parameters = {"monitor_id": monitor_id, "sequences": list(errors), "errors": list(errors.values())}
    await session.execute(_SET_ERRORS, parameters)


async def add_predictions(session: AsyncSession, predictions: Sequence[Prediction]) -> None:
    """Insert predictions of one monitor (one statement); their predictions are stored as JSON documents."""
    first = predictions[0]
    if any(item.monitor_id != first.monitor_id for item in predictions):
        raise ValueError("a batch of predictions belongs to one monitor")
    parameters: dict[str, Any] = {
        "monitor_id": first.monitor_id,
        "tenant_id": first.tenant_id,
        "sequences": [item.sequence for item in predictions],
        "ids": [item.inference_id for item in predictions],
        "predictions": [json.dumps(item.prediction) for item in predictions],
        "scores": [item.score for item in predictions],
        "received": [item.received_at for item in predictions],
        "errors": [item.error for item in predictions],
    }
    await session.execute(_ADD_PREDICTIONS, parameters)
