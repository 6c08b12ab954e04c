"""Monitors: configuration, reference data, production observations and on-demand runs."""

from __future__ import annotations

import uuid
from contextlib import closing

from fastapi import APIRouter, Request, Response, status

from aumos_drift_detector.adapters.api.auth import Admin, Operator, Viewer
from aumos_drift_detector.adapters.api.deps import Context
from aumos_drift_detector.adapters.api.media_types import JsonMediaType
from aumos_drift_detector.adapters.api.params import IdempotencyKey, ModelIdFilter, PageCursor, PageLimit
from aumos_drift_detector.adapters.api.schemas.backtest import BacktestIn, BacktestOut
from aumos_drift_detector.adapters.api.schemas.detections import (
    ConceptStatusOut,
    DetectionOut,
    IngestOut,
    OutcomesIn,
    OutcomesOut,
    ReferenceOut,
)
from aumos_drift_detector.adapters.api.schemas.errors import AUTHENTICATED, error_responses
from aumos_drift_detector.adapters.api.schemas.labels import JoinOut, LabelStatusOut, PredictionsIn
from aumos_drift_detector.adapters.api.schemas.monitors import MonitorCreate, MonitorOut, MonitorPage, MonitorUpdate
from aumos_drift_detector.adapters.api.uploads import UPLOAD_BODY, receive_upload

router = APIRouter(prefix="/monitors", tags=["monitors"], responses=error_responses(*AUTHENTICATED))

#: Error statuses of the routes that name one monitor; writes may also conflict with stored state.
ONE = error_responses(404)
WRITE = error_responses(404, 409, 415)
UPLOAD = error_responses(404, 409, 413, 415)


@router.post(
    "", status_code=status.HTTP_201_CREATED, summary="Create a monitor (admin)", responses=error_responses(409, 415)
)
async def create_monitor(body: MonitorCreate, principal: Admin, context: Context, _json: JsonMediaType) -> MonitorOut:
    """Create a monitor for a deployed model."""
    return MonitorOut.of(await context.services.monitors.create(principal, body.draft()))


@router.get("", summary="List monitors (viewer)")
async def list_monitors(
    principal: Viewer,
    context: Context,
    model_id: ModelIdFilter = None,
    limit: PageLimit = 50,
    cursor: PageCursor = None,
) -> MonitorPage:
    """List the tenant's monitors, newest first."""
    page = await context.services.monitors.list(principal, model_id=model_id, limit=limit, cursor=cursor)
    return MonitorPage(items=[MonitorOut.of(item) for item in page.items], next_cursor=page.next_cursor)


@router.get("/{monitor_id}", summary="Get a monitor (viewer)", responses=ONE)
async def get_monitor(monitor_id: uuid.UUID, principal: Viewer, context: Context) -> MonitorOut:
    """Return one monitor."""
    return MonitorOut.of(await context.services.monitors.get(principal, monitor_id))


@router.patch("/{monitor_id}", summary="Change a monitor (admin)", responses=WRITE)
async def update_monitor(
    monitor_id: uuid.UUID, body: MonitorUpdate, principal: Admin, context: Context, _json: JsonMediaType
) -> MonitorOut:
    """Change the fields given in the body; the rest stay."""
    return MonitorOut.of(await context.services.monitors.update(principal, monitor_id, body.changes()))


@router.delete(
    "/{monitor_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a monitor (admin)", responses=ONE
)
async def delete_monitor(monitor_id: uuid.UUID, principal: Admin, context: Context) -> Response:
    """Delete a monitor; it stops running, and its detections and alerts stay readable."""
    await context.services.monitors.delete(principal, monitor_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put(
    "/{monitor_id}/reference",
    status_code=status.HTTP_201_CREATED,
    summary="Upload reference data (operator)",
    openapi_extra=UPLOAD_BODY,
    responses=UPLOAD,
)
async def put_reference(monitor_id: uuid.UUID, request: Request, principal: Operator, context: Context) -> ReferenceOut:
    """Store the body as the monitor's newest reference version; earlier versions are kept.

    A monitor with a ``reference_window`` builds its references from its own observations: an upload
    is refused (409 naming ``reference_window``) until the option is removed.
    """
    upload = await receive_upload(
        request, limit=context.settings.max_upload_bytes, name="reference", opener=context.open_upload
    )
    with closing(upload):
        reference = await context.services.datasets.replace_reference(principal, monitor_id, upload)
    return ReferenceOut.of(reference, missing_values=dict(upload.missing_values))


@router.get("/{monitor_id}/reference", summary="Describe the current reference data (viewer)", responses=ONE)
async def get_reference(monitor_id: uuid.UUID, principal: Viewer, context: Context) -> ReferenceOut:
    """Return the metadata of the newest reference version."""
    return ReferenceOut.of(await context.services.datasets.current_reference(principal, monitor_id))


@router.post(
    "/{monitor_id}/observations",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Send production rows (operator)",
    openapi_extra=UPLOAD_BODY,
    responses=UPLOAD,
)
async def post_observations(
    monitor_id: uuid.UUID,
    request: Request,
    principal: Operator,
    context: Context,
    idempotency_key: IdempotencyKey = None,
) -> IngestOut:
    """Store a batch of production rows; a retried batch with the same ``Idempotency-Key`` counts once."""
    upload = await receive_upload(
        request, limit=context.settings.max_upload_bytes, name="observations", opener=context.open_upload
    )
    with closing(upload):
        result = await context.services.datasets.ingest(principal, monitor_id, upload, idempotency_key=idempotency_key)
    return IngestOut.of(result)


@router.post(
    "/{monitor_id}/runs",
    status_code=status.HTTP_201_CREATED,
    summary="Run a drift check now (operator)",
    responses=error_responses(404, 409),
)
async def run_monitor(monitor_id: uuid.UUID, principal: Operator, context: Context) -> DetectionOut:
    """Check the current window against the reference now and return the stored detection."""
    return DetectionOut.of(await context.services.runs.run_now(principal, monitor_id))


@router.post(
    "/{monitor_id}/backtest",
    summary="Replay the stored history through the monitor's decision rules (viewer)",
    responses=error_responses(404, 409, 415),
)
async def backtest_monitor(
    monitor_id: uuid.UUID, body: BacktestIn, principal: Viewer, context: Context, _json: JsonMediaType
) -> BacktestOut:
    """Replay the monitor's stored observations through its decision rules and report what they decide.

    The observations are grouped by receipt time into periods of ``every`` and checked at the end of each
    against the monitor's current reference and configuration. Nothing is stored: the replay runs on its
    own in-memory storage, so viewers may run it. The detectors start from zero. At most 1,000 periods and
    500,000 stored rows per backtest (422 naming ``every`` or ``since``); a monitor without reference data
    answers 409.
    """
    return BacktestOut.of(await context.services.backtests.backtest(principal, monitor_id, body.request()))


@router.post(
    "/{monitor_id}/outcomes",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Send prediction outcomes (operator)",
    responses=WRITE,
)
async def post_outcomes(
    monitor_id: uuid.UUID,
    body: OutcomesIn,
    principal: Operator,
    context: Context,
    _json: JsonMediaType,
    idempotency_key: IdempotencyKey = None,
) -> OutcomesOut | JoinOut:
    """Feed outcomes to the monitor's concept-drift detector; each drift becomes a concept detection.

    With ``labels``, each label joins its stored prediction and the errors are fed in prediction order
    (the ``Idempotency-Key`` does not apply: a repeated label is counted as a duplicate while its
    prediction is stored).
    """
    if body.labels is not None:
        labels = [item.model_dump() for item in body.labels]
        return JoinOut.of(await context.services.labels.ingest_labels(principal, monitor_id, labels))
    values = body.values or []
    result = await context.services.concept.ingest(principal, monitor_id, values, idempotency_key=idempotency_key)
    return OutcomesOut.of(result)


@router.post(
    "/{monitor_id}/predictions",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Send predictions awaiting delayed labels (operator)",
    responses=WRITE,
)
async def post_predictions(
    monitor_id: uuid.UUID, body: PredictionsIn, principal: Operator, context: Context, _json: JsonMediaType
) -> JoinOut:
    """Store predictions in prediction order for a monitor whose concept configuration names an ``error``."""
    predictions = [item.model_dump() for item in body.predictions]
    return JoinOut.of(await context.services.labels.ingest_predictions(principal, monitor_id, predictions))


@router.get("/{monitor_id}/labels", summary="Delayed-label join counters (viewer)", responses=error_responses(404, 409))
async def get_labels(monitor_id: uuid.UUID, principal: Viewer, context: Context) -> LabelStatusOut:
    """Return the join's totals: predictions, joins, unknown and expired labels, expired predictions, watermark."""
    return LabelStatusOut.of(await context.services.labels.status(principal, monitor_id))


@router.get(
    "/{monitor_id}/concept", summary="Concept-drift detector state (viewer)", responses=error_responses(404, 409)
)
async def get_concept(monitor_id: uuid.UUID, principal: Viewer, context: Context) -> ConceptStatusOut:
    """Return the detector's counters, warning flag and last drift."""
    return ConceptStatusOut.of(await context.services.concept.status(principal, monitor_id))
