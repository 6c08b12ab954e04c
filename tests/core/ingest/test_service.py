"""DatasetService on in-memory storage: reference versions, column checks, idempotent observation batches."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pyarrow as pa
import pytest

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from aumos_drift_detector.core.ingest.model import Upload
from aumos_drift_detector.core.statistical import ReferenceProfile
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from tests.core.builders import T0
from tests.core.inputs import ADMIN, OPERATOR, OTHER_TENANT, VIEWER, churn_rows, draft, upload


@pytest.fixture
async def monitor_id(services: Services) -> uuid.UUID:
    return (await services.monitors.create(ADMIN, draft())).id


async def test_each_reference_upload_is_a_new_version_and_old_ones_stay(
    services: Services, storage: InMemoryStorage, clock: FixedClock, monitor_id: uuid.UUID
) -> None:
    first = await services.datasets.replace_reference(OPERATOR, monitor_id, upload(churn_rows(1, 200), checksum="a"))
    clock.advance(timedelta(hours=1))
    second = await services.datasets.replace_reference(OPERATOR, monitor_id, upload(churn_rows(2, 300), checksum="b"))
    assert [(first.version, first.rows, first.checksum), (second.version, second.rows, second.checksum)] == [
        (1, 200, "a"),
        (2, 300, "b"),
    ]
    assert (second.uploaded_by, second.created_at, second.columns) == ("olga", T0 + timedelta(hours=1), ("age", "plan"))
    assert await services.datasets.current_reference(VIEWER, monitor_id) == second
    assert sorted(item.version for item in storage.references.values()) == [1, 2]
    assert ReferenceProfile.from_bytes(first.profile).names == ("age", "plan")


async def test_a_monitor_without_reference_data_has_no_current_reference(
    services: Services, monitor_id: uuid.UUID
) -> None:
    with pytest.raises(NotFoundError, match="no reference data"):
        await services.datasets.current_reference(VIEWER, monitor_id)


async def test_a_reference_without_a_declared_column_is_refused_naming_it(
    services: Services, storage: InMemoryStorage, monitor_id: uuid.UUID
) -> None:
    with pytest.raises(ValidationError) as caught:
        await services.datasets.replace_reference(OPERATOR, monitor_id, upload({"age": [31.0, 45.0, 52.0]}))
    assert caught.value.message == "reference: column 'plan' is missing (declared as a categorical feature)"
    assert caught.value.details == {"column": "plan", "problem": "missing"}
    assert storage.references == {}


async def test_nan_in_a_categorical_column_is_refused(services: Services, monitor_id: uuid.UUID) -> None:
    rows = {"age": [31.0, 45.0, 52.0], "plan": [1.0, float("nan"), 2.0]}
    with pytest.raises(ValidationError, match="column 'plan' holds NaN in a categorical feature") as caught:
        await services.datasets.replace_reference(OPERATOR, monitor_id, upload(rows))
    assert caught.value.details == {"column": "plan"}


async def test_text_in_a_numerical_column_is_refused(services: Services, monitor_id: uuid.UUID) -> None:
    rows = {"age": ["old", "young"], "plan": ["pro", "basic"]}
    with pytest.raises(ValidationError, match="column 'age' must be numeric"):
        await services.datasets.ingest(OPERATOR, monitor_id, upload(rows), idempotency_key=None)


async def test_uploads_without_rows_are_refused(services: Services, monitor_id: uuid.UUID) -> None:
    empty = upload({"age": pa.array([], pa.float64()), "plan": pa.array([], pa.string())})
    with pytest.raises(ValidationError, match=r"^reference: the upload has no rows"):
        await services.datasets.replace_reference(OPERATOR, monitor_id, empty)
    with pytest.raises(ValidationError, match=r"^observations: the batch has no rows"):
        await services.datasets.ingest(OPERATOR, monitor_id, empty, idempotency_key=None)


async def test_a_batch_stores_the_declared_columns_and_reports_the_ignored_ones(
    services: Services, storage: InMemoryStorage, monitor_id: uuid.UUID
) -> None:
    rows = {**churn_rows(3, 40), "zip": ["10115"] * 40, "country": ["DE"] * 40}
    table_upload = upload(rows)
    batch = Upload(table_upload.table, 40, "text/csv", table_upload.checksum, missing_values={"age": 2})
    result = await services.datasets.ingest(OPERATOR, monitor_id, batch, idempotency_key="batch-1")
    assert (result.accepted_rows, result.duplicate, result.ignored_columns) == (40, False, ("country", "zip"))
    assert result.missing_values == {"age": 2}
    (stored,) = storage.observations.values()
    assert sorted(stored.columns) == ["age", "plan"]
    assert (stored.rows, stored.received_at, stored.idempotency_key) == (40, T0, "batch-1")


async def test_a_batch_sent_again_under_its_key_is_stored_once(
    services: Services, storage: InMemoryStorage, monitor_id: uuid.UUID
) -> None:
    rows = churn_rows(4, 25)
    first = await services.datasets.ingest(OPERATOR, monitor_id, upload(rows, checksum="c1"), idempotency_key="k")
    again = await services.datasets.ingest(OPERATOR, monitor_id, upload(rows, checksum="c1"), idempotency_key="k")
    assert (first.accepted_rows, first.duplicate) == (25, False)
    assert (again.accepted_rows, again.duplicate) == (0, True)
    assert len(storage.observations) == 1


async def test_a_key_reused_for_another_body_is_a_conflict_naming_the_header(
    services: Services, storage: InMemoryStorage, monitor_id: uuid.UUID
) -> None:
    await services.datasets.ingest(OPERATOR, monitor_id, upload(churn_rows(5, 25), checksum="c1"), idempotency_key="k")
    with pytest.raises(ConflictError, match="Idempotency-Key 'k' was used for a different body") as caught:
        await services.datasets.ingest(
            OPERATOR, monitor_id, upload(churn_rows(6, 25), checksum="c2"), idempotency_key="k"
        )
    assert caught.value.details == {"field": "Idempotency-Key"}
    assert len(storage.observations) == 1


async def test_batches_without_a_key_are_all_stored(
    services: Services, storage: InMemoryStorage, monitor_id: uuid.UUID
) -> None:
    rows = upload(churn_rows(7, 10), checksum="same")
    for _ in range(3):
        assert (await services.datasets.ingest(OPERATOR, monitor_id, rows, idempotency_key=None)).accepted_rows == 10
    assert len(storage.observations) == 3


async def test_one_key_may_be_used_by_two_monitors(
    services: Services, storage: InMemoryStorage, monitor_id: uuid.UUID
) -> None:
    other = await services.monitors.create(ADMIN, draft())
    await services.datasets.ingest(OPERATOR, monitor_id, upload(churn_rows(8, 10), checksum="x"), idempotency_key="k")
    result = await services.datasets.ingest(
        OPERATOR, other.id, upload(churn_rows(9, 10), checksum="y"), idempotency_key="k"
    )
    assert (result.accepted_rows, len(storage.observations)) == (10, 2)


async def test_uploading_needs_an_operator_of_the_monitors_tenant(
    services: Services, storage: InMemoryStorage, monitor_id: uuid.UUID
) -> None:
    rows = upload(churn_rows(10, 50))
    with pytest.raises(PermissionDeniedError):
        await services.datasets.replace_reference(VIEWER, monitor_id, rows)
    with pytest.raises(PermissionDeniedError):
        await services.datasets.ingest(VIEWER, monitor_id, rows, idempotency_key=None)
    with pytest.raises(NotFoundError):
        await services.datasets.replace_reference(OTHER_TENANT, monitor_id, rows)
    with pytest.raises(NotFoundError):
        await services.datasets.ingest(OTHER_TENANT, monitor_id, rows, idempotency_key=None)
    assert (storage.references, storage.observations) == ({}, {})
