"""Segments on in-memory storage: uploaded and rolling references keep per-segment profiles, runs test them.

Each country has its own ages; DE is small. A shift of DE's ages is found in segment DE and not in the
global mix; a monitor whose segments changed after its reference was uploaded says why it tests none.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import numpy as np

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.detections import segment_judging
from aumos_drift_detector.core.detections.model import StatisticalDetection
from aumos_drift_detector.core.events.model import EventType
from aumos_drift_detector.core.monitors.config import WindowSpec
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.reference_window import ReferenceWindow
from aumos_drift_detector.core.monitors.segments import SegmentsConfig
from aumos_drift_detector.core.monitors.service import MonitorChanges
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from aumos_drift_detector.core.validation import parse
from tests.core.builders import T0, make_feature
from tests.core.inputs import ADMIN, OPERATOR, draft, upload

COUNTRIES = {"DE": (200, 40.0), "FR": (1500, 70.0), "US": (1500, 10.0)}
OPTION = parse(SegmentsConfig, {"by": ["country"], "min_rows": 100})


def _rows(seed: int, *, de_shift: float = 0.0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    data: dict[str, list[Any]] = {"age": [], "plan": [], "country": [], "channel": []}
    for country, (n, mean) in COUNTRIES.items():
        data["age"] += rng.normal(mean + (de_shift if country == "DE" else 0.0), 10, n).round(1).tolist()
        data["plan"] += rng.choice(["basic", "pro", "team"], n).tolist()
        data["country"] += [country] * n
        data["channel"] += rng.choice(["web", "app"], n).tolist()
    return data


async def _run(services: Services, monitor: Monitor) -> StatisticalDetection:
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert isinstance(detection, StatisticalDetection)
    return detection


async def test_a_shift_of_one_segment_is_found_in_that_segment_only(
    services: Services, storage: InMemoryStorage
) -> None:
    monitor = await services.monitors.create(ADMIN, draft(segments=OPTION, window=WindowSpec(last_rows=None)))
    await services.datasets.replace_reference(OPERATOR, monitor.id, upload(_rows(1)))
    await services.datasets.ingest(OPERATOR, monitor.id, upload(_rows(2, de_shift=10.0)), idempotency_key=None)
    detection = await _run(services, monitor)
    assert not detection.drifted_features
    assert detection.segments is not None
    assert [item.segment for item in detection.segments.drifted] == ["country=DE"]
    assert detection.segments.drifted[0].drifted_features == ["age"]
    assert (detection.is_drift, detection.alarm) == (True, True)
    (alert,) = storage.alerts.values()
    assert alert.title.endswith("0 of 2 features drifted; segment country=DE: 1 of 2 features drifted")
    (event,) = [event for event in storage.outbox_store.events() if event.type is EventType.DRIFT_DETECTED]
    (published,) = event.data.segments  # type: ignore[union-attr]
    assert (published.segment, published.drifted_features, published.alarm) == ("country=DE", ("age",), True)
    assert await services.detections.get(OPERATOR, detection.id) == detection


async def test_a_rolling_reference_keeps_segment_profiles_too(services: Services, clock: FixedClock) -> None:
    window = parse(ReferenceWindow, {"last_seconds": 7 * 86_400, "ending_seconds_ago": 86_400, "min_rows": 200})
    current = WindowSpec(last_rows=None, last_seconds=86_400)
    created = draft(segments=OPTION, reference_window=window, window=current)
    monitor = await services.monitors.create(ADMIN, created)
    await services.datasets.ingest(OPERATOR, monitor.id, upload(_rows(1)), idempotency_key=None)
    clock.set(T0 + timedelta(days=5))
    await services.datasets.ingest(OPERATOR, monitor.id, upload(_rows(2, de_shift=10.0)), idempotency_key=None)
    detection = await _run(services, monitor)
    assert detection.segments is not None
    assert detection.segments.skipped is None
    assert [item.segment for item in detection.segments.drifted] == ["country=DE"]


async def test_segments_changed_after_the_upload_say_why_none_is_tested(services: Services) -> None:
    monitor = await services.monitors.create(ADMIN, draft(segments=OPTION))
    await services.datasets.replace_reference(OPERATOR, monitor.id, upload(_rows(1)))
    other = parse(SegmentsConfig, {"by": ["channel"]})
    await services.monitors.update(ADMIN, monitor.id, MonitorChanges(segments=other))
    await services.datasets.ingest(OPERATOR, monitor.id, upload(_rows(2)), idempotency_key=None)
    detection = await _run(services, monitor)
    assert detection.segments is not None
    assert detection.segments.skipped == (
        "reference version 1 was segmented by country, not channel; re-upload the reference to test segments"
    )


def _closed_holm(raw: list[float], alpha: float) -> list[bool]:
    """Holm's rejections by their definition: the closure of Bonferroni tests over every subset of the tests."""
    rejected = []
    for index in range(len(raw)):
        others = [other for other in range(len(raw)) if other != index]
        subsets = (
            (index, *chosen) for size in range(len(others) + 1) for chosen in itertools.combinations(others, size)
        )
        rejected.append(all(min(raw[test] for test in subset) * len(subset) < alpha for subset in subsets))
    return rejected


def test_the_p_values_of_all_segments_are_corrected_as_one_family() -> None:
    """Holm over every segment's p-value tests: its rejections are those of the closed Bonferroni tests."""
    rng = np.random.default_rng(9)
    found = [
        segment_judging._Found(
            f"country=C{index}", (500, 500), [make_feature(name, drift=False) for name in ("age", "plan")]
        )
        for index in range(5)
    ]
    raw = np.concatenate([rng.uniform(0, 0.01, size=4), rng.uniform(0, 0.2, size=6)]).tolist()
    for item, pair in zip(found, np.reshape(raw, (5, 2)).tolist(), strict=True):
        item.features = [
            feature.model_copy(update={"p_value": p}) for feature, p in zip(item.features, pair, strict=True)
        ]
    segment_judging._corrected(found)
    drifted = [feature.test_drift_detected for item in found for feature in item.features]
    expected = _closed_holm(raw, 0.05)
    assert drifted == expected
    assert 0 < sum(expected) < len(raw)
    adjusted = [feature.adjusted_p_value or 0.0 for item in found for feature in item.features]
    assert [value < 0.05 for value in adjusted] == expected
