"""RunService with a monitor's multivariate option, on in-memory storage: samples, tests, decision and alerts."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.core.detections.model import DetectionStatus
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.events.model import EventType
from aumos_drift_detector.core.monitors.config import FeatureConfig
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.multivariate import MultivariateConfig
from aumos_drift_detector.core.monitors.service import MonitorChanges
from aumos_drift_detector.core.severity import Severity
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from aumos_drift_detector.core.validation import parse
from tests.core.inputs import ADMIN, OPERATOR, draft, upload
from tests.core.multivariate.scenarios import mixed_table, mixture_embeddings, shifted_weights

FEATURES = (FeatureConfig(name="a", kind="numerical"), FeatureConfig(name="b", kind="numerical"),
            FeatureConfig(name="c", kind="numerical"))  # fmt: skip
ROWS = 800


def _columns(seed: int, rho: float) -> dict[str, Any]:
    table = mixed_table(np.random.default_rng(seed), ROWS, rho=rho)
    return {name: table[name] for name in ("a", "b", "c")}


async def _flip_monitor(services: Services, *, rho: float, **option: Any) -> Monitor:
    config = parse(MultivariateConfig, {"tests": ["classifier"], "sample_size": ROWS, **option})
    monitor = await services.monitors.create(ADMIN, draft(features=FEATURES, multivariate=config))
    await services.datasets.replace_reference(ADMIN, monitor.id, upload(_columns(1, 0.6)))
    await services.datasets.ingest(OPERATOR, monitor.id, upload(_columns(2, rho)), idempotency_key=None)
    return monitor


async def test_a_correlation_flip_drifts_by_the_classifier_naming_both_features_and_alerts(
    services: Services, storage: InMemoryStorage
) -> None:
    monitor = await _flip_monitor(services, rho=-0.6)
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert detection.status is DetectionStatus.SUCCEEDED
    assert not any(feature.drift_detected for feature in detection.features)  # every marginal stayed put
    assert detection.multivariate is not None
    assert detection.multivariate.skipped is None
    (test,) = detection.multivariate.tests
    assert (test.method, test.drift_detected, test.threshold) == ("domain_classifier", True, 0.05)
    assert {item.feature for item in test.attribution[:2]} == {"a", "b"}
    assert (detection.is_drift, detection.alarm, detection.severity) == (True, True, Severity.HIGH)
    (alert,) = storage.alerts.values()
    assert "multivariate drift by domain_classifier" in alert.title
    (event,) = [event for event in storage.outbox_store.events() if event.type is EventType.DRIFT_DETECTED]
    (published,) = event.data.multivariate  # type: ignore[union-attr]
    assert (published.method, published.drift_detected) == ("domain_classifier", True)
    assert set(published.most_moved[:2]) == {"a", "b"}
    assert await services.detections.get(OPERATOR, detection.id) == detection


async def test_unchanged_data_neither_drifts_nor_alerts(services: Services, storage: InMemoryStorage) -> None:
    monitor = await _flip_monitor(services, rho=0.6, tests=["classifier", "pca"])
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert detection.multivariate is not None
    assert [(test.method, test.drift_detected) for test in detection.multivariate.tests] == [
        ("domain_classifier", False),
        ("pca_reconstruction", False),
    ]
    assert {test.threshold for test in detection.multivariate.tests} == {0.025}  # Bonferroni over two tests
    assert (detection.is_drift, detection.alarm, storage.alerts) == (False, False, {})


async def test_an_embedding_mixture_shift_sent_as_arrays_drifts(services: Services) -> None:
    config = parse(
        MultivariateConfig, {"embeddings": [{"name": "vec", "tests": ["mmd", "cosine"]}], "sample_size": 400}
    )
    monitor = await services.monitors.create(ADMIN, draft(features=FEATURES[:1], multivariate=config))
    rng = np.random.default_rng(5)
    reference = {"a": rng.normal(0, 1, 400), "vec": mixture_embeddings(rng, 400).tolist()}
    current = {"a": rng.normal(0, 1, 400), "vec": mixture_embeddings(rng, 400, shifted_weights(0.15)).tolist()}
    await services.datasets.replace_reference(ADMIN, monitor.id, upload(reference))
    await services.datasets.ingest(OPERATOR, monitor.id, upload(current), idempotency_key=None)
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert detection.multivariate is not None, detection
    assert [(t.method, t.embedding, t.drift_detected) for t in detection.multivariate.tests] == [
        ("mmd", "vec", True),
        ("centroid_cosine", "vec", True),
    ]
    assert detection.is_drift


async def test_a_reference_without_a_sample_says_to_upload_it_again(
    services: Services, storage: InMemoryStorage
) -> None:
    monitor = await _flip_monitor(services, rho=-0.6)
    (reference,) = storage.references.values()
    storage.references[reference.id] = dataclasses.replace(reference, sample=None)
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert detection.status is DetectionStatus.SUCCEEDED
    assert detection.multivariate is not None
    assert detection.multivariate.tests == []
    assert detection.multivariate.skipped == (
        "reference version 1 has no row sample (uploaded before samples were kept); "
        "re-upload the reference to enable multivariate tests"
    )
    assert not detection.is_drift


async def test_an_embedding_column_added_after_the_upload_is_missing_from_the_sample(services: Services) -> None:
    monitor = await _flip_monitor(services, rho=0.6)
    option = parse(MultivariateConfig, {"tests": ["classifier"], "embeddings": [{"name": "vec"}], "sample_size": ROWS})
    await services.monitors.update(ADMIN, monitor.id, MonitorChanges(multivariate=option))
    vectors = np.random.default_rng(4).normal(0, 1, (ROWS, 8)).tolist()
    rows = {**_columns(3, 0.6), "vec": vectors}
    await services.datasets.ingest(OPERATOR, monitor.id, upload(rows), idempotency_key=None)
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert detection.multivariate is not None
    assert detection.multivariate.skipped == (
        "the reference sample has no column 'vec'; re-upload the reference to enable multivariate tests"
    )


async def test_an_embedding_column_that_is_a_feature_is_refused_naming_the_field(services: Services) -> None:
    config = parse(MultivariateConfig, {"embeddings": [{"name": "a"}]})
    with pytest.raises(ValidationError, match=r"multivariate\.embeddings\[0\]\.name: column 'a' is also a monitored"):
        await services.monitors.create(ADMIN, draft(features=FEATURES, multivariate=config))


async def test_uploads_without_the_embedding_column_are_refused_naming_it(services: Services) -> None:
    config = parse(MultivariateConfig, {"embeddings": [{"name": "vec"}]})
    monitor = await services.monitors.create(ADMIN, draft(features=FEATURES, multivariate=config))
    message = r"column 'vec' is missing \(declared as an embedding column of the multivariate tests\)"
    with pytest.raises(ValidationError, match=f"reference: {message}"):
        await services.datasets.replace_reference(ADMIN, monitor.id, upload(_columns(1, 0.6)))
    with pytest.raises(ValidationError, match=f"observations: {message}"):
        await services.datasets.ingest(OPERATOR, monitor.id, upload(_columns(1, 0.6)), idempotency_key=None)
