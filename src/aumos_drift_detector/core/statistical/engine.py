"""One pass over the current data: every feature tested once against its reference profile.

:func:`evaluate` reads each current column once. A numerical column is cleaned (missing values
dropped and counted) and sorted once, then handed with the profile's pre-sorted reference values to
the test's sorted kernel and to the effect size (:mod:`.effect_size`). For the tests that merge the
two sorted samples (KS, Wasserstein, energy distance, :mod:`.merge_pass`) the engine makes that merge
once and the test and the effect size share it. Numerical features run on a thread pool, since
numpy's sort and the compiled kernels release the GIL. A categorical column is counted once (through
integer codes where the container has them) and aligned with the profile's counts, which give both
the test and the effect size. The per-feature results then go through the multiple-testing
correction and the dataset rule of :mod:`.verdict`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.catalogue import StatTestSpec
from aumos_drift_detector.core.statistical.columns import ColumnSource, as_columns
from aumos_drift_detector.core.statistical.distribution import (
    Distribution,
    categorical_distribution,
    numerical_distribution,
)
from aumos_drift_detector.core.statistical.drift_result import DatasetDriftResult, FeatureDriftResult
from aumos_drift_detector.core.statistical.effect_size import (
    CATEGORICAL_UNIT,
    NUMERICAL_UNIT,
    EffectUnit,
    categorical_effect_size,
    numerical_effect_size,
)
from aumos_drift_detector.core.statistical.feature_profile import CategoricalProfile, FeatureProfile, NumericalProfile
from aumos_drift_detector.core.statistical.features import FeatureSpec
from aumos_drift_detector.core.statistical.kernels import resolve_test, run_counts, run_sorted
from aumos_drift_detector.core.statistical.merge_pass import MergeResult, merge_pass
from aumos_drift_detector.core.statistical.missing import DEFAULT_MAX_MISSING_SHIFT, MissingShare, check_max_shift
from aumos_drift_detector.core.statistical.profile import ReferenceProfile
from aumos_drift_detector.core.statistical.result import StatTestResult
from aumos_drift_detector.core.statistical.samples import require_min_samples
from aumos_drift_detector.core.statistical.verdict import (
    DEFAULT_DRIFT_SHARE,
    Correction,
    adjust_p_values,
    check_correction,
    check_drift_share,
    p_value_drifts,
    strength,
)


@dataclass(frozen=True, slots=True)
class _Task:
    """One feature to check: its profile, the test to run, its threshold and weight."""

    profile: FeatureProfile
    test: StatTestSpec
    threshold: float
    weight: float


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What checking one feature measured, before the dataset's correction."""

    result: StatTestResult
    missing: MissingShare
    effect_size: float
    effect_unit: EffectUnit
    distribution: Distribution


def _plan(profile: ReferenceProfile, features: Iterable[FeatureSpec | str] | None, source: ColumnSource) -> list[_Task]:
    specs = [FeatureSpec(item) if isinstance(item, str) else item for item in features or profile.names]
    present = set(source.names)
    tasks = []
    for spec in specs:
        reference = profile.feature(spec.name)
        if spec.kind not in ("auto", reference.kind):
            raise ValidationError(
                f"feature {spec.name!r} was profiled as {reference.kind}, not {spec.kind}",
                details={"feature": spec.name, "kind": reference.kind},
            )
        if spec.name not in present:
            raise ValidationError(f"current data has no column {spec.name!r}", details={"column": spec.name})
        if isinstance(reference, NumericalProfile) and reference.counted:
            raise ValidationError(
                f"feature {spec.name!r}: the reference kept counts, not values; check it from counts",
                details={"feature": spec.name},
            )
        test = resolve_test(spec.test or reference.test, kind=reference.kind, feature=spec.name)
        threshold = spec.threshold if spec.threshold is not None else (
            reference.threshold if spec.test in (None, reference.test) else test.default_threshold
        )  # fmt: skip
        weight = spec.weight if spec.weight is not None else reference.weight
        tasks.append(_Task(reference, test, threshold, weight))
    if len({task.profile.name for task in tasks}) != len(tasks):
        raise ValidationError("a feature is listed twice", details={})
    return tasks


def _shared_merge(task: _Task, current_sorted: npt.NDArray[np.float64]) -> MergeResult | None:
    """The merge with integrals that a merging test and the effect size share, or ``None``.

    ``None`` when the test does not merge the samples (the effect size then walks the quantile
    functions, which is cheaper than a merge) or when a value is infinite: KS merges the samples
    infinities included, Wasserstein, energy distance and the effect size their finite parts.
    """
    reference = task.profile
    assert isinstance(reference, NumericalProfile)
    if not task.test.merges or reference.n_neg_inf or reference.n_pos_inf:
        return None
    if np.isinf(current_sorted[0]) or np.isinf(current_sorted[-1]):
        return None
    return merge_pass(reference.sorted_values, current_sorted)


def _check_numerical(task: _Task, source: ColumnSource, min_samples: int, max_shift: float | None) -> _Outcome:
    reference = task.profile
    assert isinstance(reference, NumericalProfile)
    values = source.numeric(reference.name)
    missing = np.isnan(values)
    n_missing = int(np.count_nonzero(missing))
    current_sorted = values[~missing] if n_missing else np.array(values, dtype=np.float64, copy=True)
    current_sorted.sort()
    require_min_samples(
        reference.n_values, current_sorted.size, min_samples=min_samples, feature=reference.name, test=task.test.name
    )
    merged = _shared_merge(task, current_sorted)
    result = run_sorted(
        task.test, reference.sorted_values, current_sorted, threshold=task.threshold, bins=reference.bins,
        edges=reference.edges, reference_std=reference.summary.get("population_std"), merged=merged,
    )  # fmt: skip
    effect = numerical_effect_size(
        reference.sorted_values, current_sorted, reference_sd=reference.summary.get("std"), merged=merged
    )
    share = MissingShare.compare(
        reference_missing=reference.n_missing, reference_total=reference.n_total,
        current_missing=n_missing, current_total=int(values.size), max_shift=max_shift,
    )  # fmt: skip
    picture = numerical_distribution(reference.sorted_values, current_sorted)
    return _Outcome(result, share, effect, NUMERICAL_UNIT, picture)


def _check_categorical(task: _Task, source: ColumnSource, min_samples: int, max_shift: float | None) -> _Outcome:
    reference = task.profile
    assert isinstance(reference, CategoricalProfile)
    found = source.category_counts(reference.name)
    current_by_label = dict(zip(found.labels, found.counts.tolist(), strict=True))
    categories = sorted(set(reference.labels) | set(found.labels))
    position = {label: index for index, label in enumerate(categories)}
    reference_counts = np.zeros(len(categories), dtype=np.int64)
    reference_counts[[position[label] for label in reference.labels]] = reference.counts
    current_counts = np.array([current_by_label.get(label, 0) for label in categories], dtype=np.int64)
    n_current = int(current_counts.sum())
    require_min_samples(
        reference.n_values, n_current, min_samples=min_samples, feature=reference.name, test=task.test.name
    )
    test = _counts_test(task, categories)
    result = run_counts(test, reference_counts, current_counts, categories, threshold=task.threshold)
    share = MissingShare.compare(
        reference_missing=reference.n_missing, reference_total=reference.n_total,
        current_missing=found.n_missing, current_total=n_current + found.n_missing, max_shift=max_shift,
    )  # fmt: skip
    effect = categorical_effect_size(reference_counts, current_counts)
    picture = categorical_distribution(categories, reference_counts, current_counts)
    return _Outcome(result, share, effect, CATEGORICAL_UNIT, picture)


def _counts_test(task: _Task, categories: Sequence[str]) -> StatTestSpec:
    """The task's test, unless a binary feature gained a category: two proportions cannot say so, chi² can."""
    if task.test.name == "z_test" and len(categories) > 2:
        return resolve_test("chi_squared", kind="categorical", feature=task.profile.name)
    return task.test


def _check(task: _Task, source: ColumnSource, min_samples: int, max_shift: float | None) -> _Outcome:
    if isinstance(task.profile, CategoricalProfile):
        return _check_categorical(task, source, min_samples, max_shift)
    return _check_numerical(task, source, min_samples, max_shift)


def _feature_result(task: _Task, outcome: _Outcome, p_adjusted: float | None) -> FeatureDriftResult:
    result, share = outcome.result, outcome.missing
    test_drift = result.drift_detected if p_adjusted is None else p_value_drifts(p_adjusted, result.threshold)
    p_used = p_adjusted if p_adjusted is not None else result.p_value
    return FeatureDriftResult(
        name=task.profile.name,
        kind=task.profile.kind,
        result=result,
        missing=share,
        adjusted_p_value=p_adjusted,
        test_drift_detected=test_drift,
        drift_detected=bool(test_drift or share.drift_detected),
        strength=strength(result.statistic, p_used if task.test.kind == "p_value" else None, result.threshold),
        weight=task.weight,
        effect_size=outcome.effect_size,
        effect_unit=outcome.effect_unit,
        distribution=outcome.distribution,
    )


def _assemble(
    tasks: Sequence[_Task],
    outcomes: Sequence[_Outcome],
    correction: Correction,
    drift_share: float,
) -> DatasetDriftResult:
    tested = [
        index
        for index, task in enumerate(tasks)
        if task.test.kind == "p_value" and outcomes[index].result.p_value is not None
    ]
    adjusted: dict[int, float] = {}
    if correction != "none":
        raw = [float(outcomes[index].result.p_value or 0.0) for index in tested]
        adjusted = {index: float(p) for index, p in zip(tested, adjust_p_values(raw, correction), strict=True)}
    features = [
        _feature_result(task, outcome, adjusted.get(index))
        for index, (task, outcome) in enumerate(zip(tasks, outcomes, strict=True))
    ]
    return DatasetDriftResult.of(features, correction, drift_share)


def evaluate(
    profile: ReferenceProfile,
    current: Any,
    *,
    columns: Sequence[str] | None = None,
    features: Iterable[FeatureSpec | str] | None = None,
    drift_share: float = DEFAULT_DRIFT_SHARE,
    correction: str = "none",
    max_missing_shift: float | None = DEFAULT_MAX_MISSING_SHIFT,
    min_samples: int | None = None,
    max_workers: int | None = None,
) -> DatasetDriftResult:
    """Check current data against a reference profile and decide whether the dataset drifted.

    Args:
        profile: The reference profile.
        current: pandas DataFrame, pyarrow Table/RecordBatch, mapping of name to 1-D array, or a
            2-D numpy array with ``columns``.
        columns: Column names of a 2-D numpy array.
        features: Subset of the profiled features to check (names or :class:`FeatureSpec` whose
            ``test``, ``threshold`` and ``weight`` override the profile's); default: all.
        drift_share: Share of drifted features at which the dataset drifts (evidently's rule).
        correction: ``"none"``, ``"bonferroni"`` or ``"bh"``, applied across p-value tests.
        max_missing_shift: Largest tolerated change of a feature's missing share (``None``: off).
        min_samples: Fewest usable values per sample (default: the profile's).
        max_workers: Threads for the numerical features (default: one per CPU).

    Returns:
        The dataset verdict with per-feature results, strongest drift first.

    Raises:
        ValidationError: Unsupported data, a missing or non-numeric column, a bad parameter.
        InsufficientDataError: A feature with too few usable current values.
    """
    checked_correction = check_correction(correction)
    check_drift_share(drift_share)
    check_max_shift(max_missing_shift)
    min_samples = profile.min_samples if min_samples is None else min_samples
    source = as_columns(current, columns)
    tasks = _plan(profile, features, source)
    if not tasks:
        raise ValidationError("no features to check", details={})
    workers = max_workers or min(len(tasks), os.cpu_count() or 1)
    if workers == 1:
        outcomes = [_check(task, source, min_samples, max_missing_shift) for task in tasks]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(lambda task: _check(task, source, min_samples, max_missing_shift), tasks))
    return _assemble(tasks, outcomes, checked_correction, drift_share)
