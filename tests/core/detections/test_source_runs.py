"""Runs of monitors with a source, on in-memory storage: the source is a fake that counts columns in memory."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.detections.model import DetectionStatus, StatisticalDetection
from aumos_drift_detector.core.errors import ConflictError, ValidationError
from aumos_drift_detector.core.monitors.config import FeatureConfig
from aumos_drift_detector.core.monitors.reference_window import ReferenceWindow
from aumos_drift_detector.core.monitors.segments import SegmentsConfig
from aumos_drift_detector.core.monitors.source import SourceOption
from aumos_drift_detector.core.summaries.source import InMemorySummarySource, SummarySource
from aumos_drift_detector.core.validation import parse
from tests.core.inputs import ADMIN, OPERATOR, churn_rows, draft, upload
from tests.core.scenarios import REFERENCE_ROWS

OPTION = parse(SourceOption, {"engine": "duckdb", "paths": ["/lake/scores/*.parquet"]})


class FakeOpener:
    """Opens every option as the same in-memory columns, or refuses with ``error``."""

    def __init__(self, columns: dict[str, Any] | None = None, error: str | None = None) -> None:
        self.columns, self.error = columns or {}, error
        self.opened: list[SourceOption] = []

    def open(self, option: SourceOption) -> SummarySource:
        self.opened.append(option)
        if self.error is not None:
            raise ValidationError(self.error)
        return InMemorySummarySource(self.columns)


async def _run(container: Container, opener: FakeOpener, **fields: Any) -> StatisticalDetection:
    container.sources = opener
    services = container.services()
    monitor = await services.monitors.create(ADMIN, draft(source=OPTION, **fields))
    await services.datasets.replace_reference(ADMIN, monitor.id, upload(churn_rows(1, REFERENCE_ROWS)))
    return await services.runs.run_now(OPERATOR, monitor.id)


async def test_a_drifted_source_drifts_in_the_drifting_feature_from_counts_only(container: Container) -> None:
    opener = FakeOpener(churn_rows(2, 5000, age_shift=6.0))
    detection = await _run(container, opener)
    assert opener.opened == [OPTION]
    assert (detection.status, detection.is_drift) == (DetectionStatus.SUCCEEDED, True)
    drifted = {feature.name for feature in detection.features if feature.drift_detected}
    assert drifted == {"age"}
    age = next(feature for feature in detection.features if feature.name == "age")
    assert age.test == "ks"
    assert age.details["binning"] == "summary"
    upper = age.details["statistic_upper"]
    assert isinstance(upper, float)
    assert age.statistic is not None
    assert age.statistic <= upper
    assert age.effect_size is not None
    assert 0.4 < age.effect_size < 0.8  # 6 years in a 10-year SD
    assert (detection.summary.source, detection.summary.current_rows) == ("duckdb", 5000)


async def test_the_detection_keeps_a_picture_of_both_summaries_for_reports(container: Container) -> None:
    rows = churn_rows(2, 5000, age_shift=6.0)
    detection = await _run(container, FakeOpener(rows))
    age, plan = (next(f for f in detection.features if f.name == name).distribution for name in ("age", "plan"))
    assert age is not None
    assert plan is not None
    assert (age.kind, sum(age.reference_counts), sum(age.current_counts)) == ("histogram", REFERENCE_ROWS, 5000)
    assert age.edges == sorted(age.edges)
    assert len(age.edges) == len(age.reference_counts) + 1
    both = np.concatenate([churn_rows(1, REFERENCE_ROWS)["age"], rows["age"]])  # the reference, and the source
    assert (age.edges[0], age.edges[-1]) == (both.min(), both.max())
    assert plan.kind == "categories"
    assert sorted(plan.labels) == ["basic", "pro", "team"]
    assert dict(zip(plan.labels, plan.current_counts, strict=True))["pro"] == int((rows["plan"] == "pro").sum())


async def test_an_undrifted_source_does_not_drift(container: Container) -> None:
    detection = await _run(container, FakeOpener(churn_rows(3, 5000)))
    assert (detection.status, detection.is_drift) == (DetectionStatus.SUCCEEDED, False)
    assert not any(feature.drift_detected for feature in detection.features)


async def test_an_unreadable_source_is_a_failed_detection_naming_the_engine(container: Container) -> None:
    detection = await _run(container, FakeOpener(error="cannot read the source ['/lake/scores/*.parquet']"))
    assert detection.status is DetectionStatus.FAILED
    assert detection.error == "source duckdb: cannot read the source ['/lake/scores/*.parquet']"
    assert detection.features == ()


async def test_a_source_with_fewer_rows_than_min_rows_is_insufficient_data(container: Container) -> None:
    detection = await _run(container, FakeOpener(churn_rows(3, 20)))
    assert detection.status is DetectionStatus.INSUFFICIENT_DATA
    assert detection.error == "the source has 20 rows; the monitor needs at least 30"


async def test_a_test_that_does_not_run_on_counts_is_replaced_and_said_so(container: Container) -> None:
    features = (FeatureConfig(name="age", kind="numerical", test="anderson_darling"), FeatureConfig(name="plan"))
    detection = await _run(container, FakeOpener(churn_rows(2, 3000, age_shift=6.0)), features=features)
    age = next(feature for feature in detection.features if feature.name == "age")
    assert (age.test, age.details["requested_test"], age.drift_detected) == ("ks", "anderson_darling", True)


@pytest.mark.parametrize(("shift", "pro_share"), [(0.0, 0.3), (6.0, 0.3), (0.0, 0.6), (8.0, 0.6)])
async def test_the_summary_path_agrees_with_the_raw_path_on_clear_cases(
    container: Container, shift: float, pro_share: float
) -> None:
    rows = churn_rows(4, 4000, age_shift=shift, pro_share=pro_share)
    counted = await _run(container, FakeOpener(rows))
    services = container.services()
    raw = await services.monitors.create(ADMIN, draft())
    await services.datasets.replace_reference(ADMIN, raw.id, upload(churn_rows(1, REFERENCE_ROWS)))
    await services.datasets.ingest(ADMIN, raw.id, upload(rows), idempotency_key=None)
    loaded = await services.runs.run_now(OPERATOR, raw.id)
    assert counted.is_drift == loaded.is_drift == (shift > 0 or pro_share > 0.3)
    assert {f.name: f.drift_detected for f in counted.features} == {f.name: f.drift_detected for f in loaded.features}


async def test_observations_for_a_monitor_with_a_source_are_refused_naming_source(services: Services) -> None:
    monitor = await services.monitors.create(ADMIN, draft(source=OPTION))
    with pytest.raises(ConflictError, match=r"^source: ") as caught:
        await services.datasets.ingest(OPERATOR, monitor.id, upload(churn_rows(1, 50)), idempotency_key=None)
    assert caught.value.details["field"] == "source"


async def test_a_source_beside_a_rolling_reference_is_refused_naming_source(services: Services) -> None:
    window = ReferenceWindow(last_seconds=86_400, ending_seconds_ago=0)
    with pytest.raises(ValidationError, match=r"^source: .*reference_window"):
        await services.monitors.create(ADMIN, draft(source=OPTION, reference_window=window))


async def test_a_source_beside_segments_is_refused_naming_source(services: Services) -> None:
    # Segments compare each segment's rows with its own reference profile; a source only returns counts.
    with pytest.raises(ValidationError, match=r"^source: .*segments"):
        await services.monitors.create(ADMIN, draft(source=OPTION, segments=SegmentsConfig(by=["region"])))
