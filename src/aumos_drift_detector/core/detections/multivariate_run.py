"""A run's multivariate tests: the reference version's row sample against a sample of the current window.

:func:`multivariate_outcome` reads the sample kept with the reference
(:mod:`~aumos_drift_detector.core.ingest.samples`), draws one of the same bound from the window,
and runs the monitor's tests, each at ``alpha / k`` for ``k`` tests (Bonferroni, as
``aumos-drift check`` does). When the tests cannot run (a reference uploaded before samples were
kept, a column the sample lacks, too few rows, an unusable embedding column) the outcome says why in
``skipped``, and the per-feature part of the run stands alone.
It blocks for seconds on large samples: run it in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import structlog

from aumos_drift_detector.core.detections.multivariate import (
    Attribution,
    MultivariateOutcome,
    MultivariateTestResult,
)
from aumos_drift_detector.core.detections.results import finite, json_value
from aumos_drift_detector.core.errors import InsufficientDataError, ValidationError
from aumos_drift_detector.core.ingest.model import ReferenceDataset
from aumos_drift_detector.core.ingest.samples import MultivariateSample, SampleCodec
from aumos_drift_detector.core.ingest.table import Table
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.multivariate import MultivariateConfig

if TYPE_CHECKING:  # the library loads scikit-learn: imported when a monitor runs the tests
    from aumos_drift_detector.core.multivariate import MultivariateResult

log = structlog.get_logger(__name__)

#: What a user does about a reference without a usable sample.
REUPLOAD = "re-upload the reference to enable multivariate tests"


def _result(found: MultivariateResult, embedding: str | None) -> MultivariateTestResult:
    return MultivariateTestResult(
        method=found.method, embedding=embedding, columns=list(found.columns),
        statistic=finite(found.statistic), p_value=finite(found.p_value), threshold=found.threshold,
        drift_detected=found.drift_detected, n_reference=found.n_reference, n_current=found.n_current,
        score=finite(found.score),
        attribution=[Attribution.model_validate(item.to_dict()) for item in found.attribution],
        details={str(key): json_value(value) for key, value in found.details.items()},
    )  # fmt: skip


def _tabular(
    config: MultivariateConfig, categorical: frozenset[str], reference: MultivariateSample, current: MultivariateSample
) -> list[MultivariateTestResult]:
    from aumos_drift_detector.core.multivariate import domain_classifier, pca_reconstruction

    ref, cur, bound, level, seed = reference.columns, current.columns, config.sample_size, config.level, config.seed
    tests: dict[str, Callable[[], MultivariateResult]] = {
        "classifier": lambda: domain_classifier(
            ref, cur, categorical=categorical, alpha=level, max_rows=bound, seed=seed
        ),
        "pca": lambda: pca_reconstruction(ref, cur, categorical=categorical, alpha=level, max_rows=bound, seed=seed),
    }
    return [_result(tests[name](), None) for name in config.tests]


def _embedding(
    config: MultivariateConfig, column: str, reference: MultivariateSample, current: MultivariateSample
) -> list[MultivariateTestResult]:
    from aumos_drift_detector.core.multivariate import (
        DEFAULT_MAX_POINTS,
        centroid_cosine,
        embedding_classifier,
        mmd,
    )

    ref, cur, level, seed = reference.embeddings[column], current.embeddings[column], config.level, config.seed
    points = min(config.sample_size, DEFAULT_MAX_POINTS)  # the permutation tests' Gram matrix grows as points²
    tests: dict[str, Callable[[], MultivariateResult]] = {
        "mmd": lambda: mmd(ref, cur, column=column, alpha=level, max_points=points, seed=seed),
        "classifier": lambda: embedding_classifier(
            ref, cur, column=column, alpha=level, max_rows=config.sample_size, seed=seed
        ),
        "cosine": lambda: centroid_cosine(ref, cur, column=column, alpha=level, max_points=points, seed=seed),
    }
    spec = next(item for item in config.embeddings if item.name == column)
    return [_result(tests[name](), column) for name in spec.tests]


def _samples(
    monitor: Monitor, config: MultivariateConfig, payload: bytes, window: Table, codec: SampleCodec
) -> tuple[MultivariateSample, MultivariateSample]:
    columns = monitor.feature_names if config.tests else []
    embeddings = config.embedding_names
    try:
        reference = codec.read(payload, columns=columns, embeddings=embeddings)
    except ValidationError as exc:
        raise ValidationError(f"{exc.message}; {REUPLOAD}", details=exc.details) from None
    current = codec.draw(window, columns=columns, embeddings=embeddings, capacity=config.sample_size, seed=config.seed)
    return reference, current


def multivariate_outcome(
    monitor: Monitor, reference: ReferenceDataset, window: Table, codec: SampleCodec | None
) -> MultivariateOutcome | None:
    """The monitor's multivariate tests on the reference's sample and the window (``None`` without the option).

    Args:
        monitor: The monitor; its ``multivariate`` option says which tests run.
        reference: The reference version the run compares with, with its row sample.
        window: The current window's rows (the monitored and embedding columns).
        codec: Reads and draws samples; ``None`` when the service keeps none.
    """
    config = monitor.multivariate
    if config is None:
        return None
    if reference.sample is None or codec is None:
        reason = f"reference version {reference.version} has no row sample (uploaded before samples were kept)"
        return MultivariateOutcome(alpha=config.alpha, skipped=f"{reason}; {REUPLOAD}")
    try:
        ref, cur = _samples(monitor, config, reference.sample, window, codec)
        categorical = frozenset(feature.name for feature in monitor.features if feature.kind == "categorical")
        tests = _tabular(config, categorical, ref, cur) if config.tests else []
        for column in config.embedding_names:
            tests.extend(_embedding(config, column, ref, cur))
    except (ValidationError, InsufficientDataError) as exc:
        return MultivariateOutcome(alpha=config.alpha, skipped=exc.message)
    except ValueError as exc:  # a degenerate sample the estimators refuse; the per-feature run stands
        log.warning("multivariate_tests_failed", monitor_id=str(monitor.id), error=str(exc))
        return MultivariateOutcome(alpha=config.alpha, skipped=f"the multivariate tests could not run: {exc}")
    return MultivariateOutcome(alpha=config.alpha, tests=tests)
