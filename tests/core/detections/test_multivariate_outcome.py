"""multivariate_outcome with an in-memory sample codec: which tests run, at which level, and why none ran."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from typing import Any

import numpy as np

from aumos_drift_detector.core.detections.multivariate_run import multivariate_outcome
from aumos_drift_detector.core.ingest.model import ReferenceDataset
from aumos_drift_detector.core.ingest.samples import MultivariateSample
from aumos_drift_detector.core.ingest.table import Table
from aumos_drift_detector.core.monitors.multivariate import MultivariateConfig
from aumos_drift_detector.core.validation import parse
from tests.core.builders import T0, make_monitor
from tests.core.multivariate.scenarios import mixed_table, mixture_embeddings, shifted_weights


class FakeSampleCodec:
    """Hands out fixed samples: ``reference`` for a stored payload, ``current`` for a window."""

    def __init__(self, reference: MultivariateSample, current: MultivariateSample | Exception) -> None:
        self.reference, self.current = reference, current
        self.drawn: list[dict[str, Any]] = []

    def writer(self, columns: Sequence[str], *, capacity: int, seed: int) -> Any:
        raise NotImplementedError

    def read(self, payload: bytes, *, columns: Sequence[str], embeddings: Sequence[str]) -> MultivariateSample:
        return self.reference

    def draw(
        self, table: Table, *, columns: Sequence[str], embeddings: Sequence[str], capacity: int, seed: int
    ) -> MultivariateSample:
        self.drawn.append({"columns": list(columns), "embeddings": list(embeddings), "capacity": capacity})
        if isinstance(self.current, Exception):
            raise self.current
        return self.current


def _sample(seed: int, n: int, rho: float = 0.6, weights: np.ndarray | None = None) -> MultivariateSample:
    rng = np.random.default_rng(seed)
    table = mixed_table(rng, n, rho=rho)
    columns = {"age": table["a"], "income": table["b"], "tenure": table["c"], "plan": table["d"]}  # all numerical
    vectors = mixture_embeddings(rng, n) if weights is None else mixture_embeddings(rng, n, weights)
    return MultivariateSample(columns=columns, embeddings={"vec": vectors}, rows=n)


def _reference(sample: bytes | None = b"stored") -> ReferenceDataset:
    return ReferenceDataset(
        id=uuid.uuid4(), tenant_id="acme", monitor_id=uuid.uuid4(), version=2, rows=600, checksum="0" * 64,
        content_type="text/csv", columns=("age",), profile=b"", uploaded_by="alice", created_at=T0, sample=sample,
    )  # fmt: skip


def _monitor(option: dict[str, Any]):
    return dataclasses.replace(make_monitor(), multivariate=parse(MultivariateConfig, option))


def test_every_configured_test_runs_at_alpha_over_their_number_on_the_drawn_window() -> None:
    monitor = _monitor({"tests": ["classifier"], "embeddings": [{"name": "vec", "tests": ["cosine"]}],
                        "sample_size": 600, "alpha": 0.02})  # fmt: skip
    codec = FakeSampleCodec(_sample(1, 600), _sample(2, 600, weights=shifted_weights(0.15)))
    outcome = multivariate_outcome(monitor, _reference(), object(), codec)  # type: ignore[arg-type]
    assert outcome is not None
    assert [(test.method, test.embedding, test.threshold) for test in outcome.tests] == [
        ("domain_classifier", None, 0.01),
        ("centroid_cosine", "vec", 0.01),
    ]
    assert [test.drift_detected for test in outcome.tests] == [False, True]
    assert codec.drawn == [{"columns": ["age", "income", "tenure", "plan"], "embeddings": ["vec"], "capacity": 600}]


def test_without_the_option_nothing_runs_and_without_a_sample_the_reason_is_given() -> None:
    codec = FakeSampleCodec(_sample(1, 100), _sample(2, 100))
    assert multivariate_outcome(make_monitor(), _reference(), object(), codec) is None  # type: ignore[arg-type]
    monitor = _monitor({"tests": ["pca"]})
    outcome = multivariate_outcome(monitor, _reference(None), object(), codec)  # type: ignore[arg-type]
    assert outcome is not None
    assert outcome.skipped is not None
    assert outcome.skipped.startswith("reference version 2 has no row sample")
    assert codec.drawn == []


def test_too_few_rows_and_samples_the_estimators_refuse_are_reasons_not_failures() -> None:
    monitor = _monitor({"tests": ["classifier"]})
    few = multivariate_outcome(monitor, _reference(), object(), FakeSampleCodec(_sample(1, 600), _sample(2, 40)))  # type: ignore[arg-type]
    assert few is not None
    assert (
        few.skipped == "the domain classifier needs at least 50 rows in each sample, got 600 reference and 40 current"
    )
    refused = FakeSampleCodec(_sample(1, 600), ValueError("degenerate"))
    outcome = multivariate_outcome(monitor, _reference(), object(), refused)  # type: ignore[arg-type]
    assert outcome is not None
    assert outcome.skipped == "the multivariate tests could not run: degenerate"
