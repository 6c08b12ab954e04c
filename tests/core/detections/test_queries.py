"""DetectionQueries on in-memory storage: filters, newest-first cursor pages, tenancy."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.core.detections.model import DriftDetection
from aumos_drift_detector.core.detections.ports import DetectionFilter
from aumos_drift_detector.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from aumos_drift_detector.core.principal import Principal
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from tests.core.builders import T0, make_detection, make_monitor
from tests.core.inputs import OTHER_TENANT, VIEWER

CHURN = make_monitor()
FRAUD = make_monitor(model_id="fraud-model")


@pytest.fixture
async def stored(storage: InMemoryStorage) -> list[DriftDetection]:
    """Six detections an hour apart, alternating churn and fraud, every third one drifted; oldest first."""
    detections: list[DriftDetection] = []
    for hour in range(6):
        monitor = CHURN if hour % 2 == 0 else FRAUD
        detections.append(make_detection(monitor, T0 + timedelta(hours=hour), drifted=4 if hour % 3 == 0 else 0))
    detections.append(make_detection(make_monitor("globex"), T0, drifted=4))
    async with storage.unit_of_work() as uow:
        for detection in detections:
            await uow.detections.add(detection)
        await uow.commit()
    return detections[:6]


async def found(services: Services, filters: DetectionFilter) -> list[uuid.UUID]:
    return [item.id for item in (await services.detections.list(VIEWER, filters, limit=100)).items]


def ids(detections: list[DriftDetection]) -> list[uuid.UUID]:
    """Newest first, as listings order them."""
    return [item.id for item in reversed(detections)]


async def test_without_filters_the_tenants_detections_are_listed_newest_first(
    services: Services, stored: list[DriftDetection]
) -> None:
    assert await found(services, DetectionFilter()) == ids(stored)


async def test_filters_by_monitor_model_and_verdict(services: Services, stored: list[DriftDetection]) -> None:
    assert await found(services, DetectionFilter(monitor_id=CHURN.id)) == ids(stored[0::2])
    assert await found(services, DetectionFilter(model_id="fraud-model")) == ids(stored[1::2])
    assert await found(services, DetectionFilter(is_drift=True)) == ids([stored[0], stored[3]])
    assert await found(services, DetectionFilter(is_drift=False)) == ids([stored[1], stored[2], stored[4], stored[5]])
    both = DetectionFilter(model_id="churn-model", is_drift=False)
    assert await found(services, both) == ids([stored[2], stored[4]])


async def test_since_is_inclusive_and_until_exclusive(services: Services, stored: list[DriftDetection]) -> None:
    window = DetectionFilter(since=T0 + timedelta(hours=1), until=T0 + timedelta(hours=4))
    assert await found(services, window) == ids(stored[1:4])
    assert await found(services, DetectionFilter(since=T0 + timedelta(hours=5))) == ids(stored[5:])
    assert await found(services, DetectionFilter(until=T0)) == []


async def collect_pages(services: Services, filters: DetectionFilter, limit: int) -> list[list[uuid.UUID]]:
    pages, cursor = [], None
    while True:
        page = await services.detections.list(VIEWER, filters, limit=limit, cursor=cursor)
        pages.append([item.id for item in page.items])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


async def test_cursor_pages_cover_every_match_once_newest_first(
    services: Services, stored: list[DriftDetection]
) -> None:
    newest_first = ids(stored)
    assert await collect_pages(services, DetectionFilter(), 4) == [newest_first[:4], newest_first[4:]]
    assert await collect_pages(services, DetectionFilter(monitor_id=CHURN.id), 2) == [
        ids(stored[0::2])[:2],
        ids(stored[0::2])[2:],
    ]


async def test_detections_of_one_instant_are_paged_without_loss(services: Services, storage: InMemoryStorage) -> None:
    same_time = [make_detection(CHURN, T0) for _ in range(5)]
    async with storage.unit_of_work() as uow:
        for detection in same_time:
            await uow.detections.add(detection)
        await uow.commit()
    pages = await collect_pages(services, DetectionFilter(), 2)
    assert [len(page) for page in pages] == [2, 2, 1]
    assert sorted(item for page in pages for item in page) == sorted(item.id for item in same_time)


async def test_a_cursor_not_issued_by_the_service_is_refused(services: Services, stored: list[DriftDetection]) -> None:
    with pytest.raises(ValidationError, match=r"^cursor: not a valid page cursor"):
        await services.detections.list(VIEWER, DetectionFilter(), cursor="bm90IGEgY3Vyc29y")


async def test_one_detection_is_read_by_its_tenant_only(services: Services, stored: list[DriftDetection]) -> None:
    assert await services.detections.get(VIEWER, stored[3].id) == stored[3]
    with pytest.raises(NotFoundError):
        await services.detections.get(OTHER_TENANT, stored[3].id)
    with pytest.raises(NotFoundError):
        await services.detections.get(VIEWER, uuid.uuid4())
    others = (await services.detections.list(OTHER_TENANT, DetectionFilter())).items
    assert [item.tenant_id for item in others] == ["globex"]


async def test_reading_needs_a_role(services: Services, stored: list[DriftDetection]) -> None:
    nobody = Principal("nobody", "acme", frozenset())
    with pytest.raises(PermissionDeniedError):
        await services.detections.list(nobody, DetectionFilter())
    with pytest.raises(PermissionDeniedError):
        await services.detections.get(nobody, stored[0].id)
