"""Rolling reference versions keep the observation window they were built from, on every storage."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from aumos_drift_detector.core.ingest.model import ReferenceDataset, ReferenceInfo, ReferenceKind, SourceWindow
from tests.adapters.persistence.conftest import Storage
from tests.adapters.persistence.test_repositories import T0, _add, make_monitor

pytestmark = pytest.mark.integration


def _reference(monitor_id: uuid.UUID, version: int, window: SourceWindow | None) -> ReferenceDataset:
    return ReferenceDataset(
        id=uuid.uuid4(),
        tenant_id="acme",
        monitor_id=monitor_id,
        version=version,
        rows=10,
        checksum="0" * 64,
        content_type="text/csv",
        columns=("age", "plan"),
        profile=b"profile",
        uploaded_by="olga",
        created_at=T0 + timedelta(hours=version),
        sample=b"sample",
        window=window,
    )


async def test_a_rolling_version_reads_back_with_its_window_and_an_upload_without(storage: Storage) -> None:
    monitor = make_monitor()
    await _add(storage, monitor)
    window = SourceWindow(T0 - timedelta(days=8, microseconds=250), T0 - timedelta(days=1))
    uploaded, rolling = _reference(monitor.id, 1, None), _reference(monitor.id, 2, window)
    async with storage.unit_of_work() as uow:
        await uow.references.add(uploaded)
        await uow.references.add(rolling)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        latest = await uow.references.latest("acme", monitor.id)
        first = await uow.references.get_version("acme", monitor.id, 1)
        info = await uow.references.latest_info("acme", monitor.id)
        none = await uow.references.latest_info("acme", uuid.uuid4())
    assert latest == rolling
    assert latest is not None
    assert (latest.kind, latest.window) == (ReferenceKind.ROLLING, window)
    assert latest.window.start.tzinfo is not None
    assert first == uploaded
    assert first.kind is ReferenceKind.UPLOAD
    assert (info, none) == (ReferenceInfo(2, T0 + timedelta(hours=2), window, ("age", "plan")), None)


async def test_the_newest_info_of_an_upload_has_no_window(storage: Storage) -> None:
    monitor = make_monitor()
    await _add(storage, monitor)
    async with storage.unit_of_work() as uow:
        await uow.references.add(_reference(monitor.id, 1, None))
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert await uow.references.latest_info("acme", monitor.id) == ReferenceInfo(
            1, T0 + timedelta(hours=1), None, ("age", "plan")
        )
