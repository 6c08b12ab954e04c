"""One seeded run of our PCA reconstruction and domain classifier beside NannyML's, on the same data.

Data: the mixed table of ``tests/core/multivariate/scenarios.py``. Three scenarios:

* ``no drift``: the current sample is drawn like the reference;
* ``correlation flip``: the correlation of ``a`` and ``b`` goes from 0.6 to −0.6, every marginal
  stays as it was;
* ``mean shift``: ``a`` moves by one standard deviation.

**Reconstruction.** The five numerical columns (``a`` … ``e``): on the categorical ones the two
encodings differ (ours: one indicator per frequent level; NannyML: the level's frequency), so their
errors are not on one scale. Reference 5,000 rows, current 500 rows; NannyML's chunk is the current
sample's size, so the current sample is one chunk and the reference ten (our band also comes from
ten chunks). Both keep the components explaining 65% of the variance. NannyML runs twice:

* on *the rows our PCA was fitted on* (our half of the reference): the same imputation, scaling,
  PCA and distance, so the current error must match ours to rounding;
* *as it runs by default*, fitted on the whole reference: the errors differ by the PCA's fitting
  noise, and its alert (outside mean ± 3σ of the reference chunks' errors) is compared with our
  band (``outside_band``) and our verdict (Welch's test, α = 0.05).

**Domain classifier.** All seven columns (``plan`` categorical in both, ``flag`` boolean).
Reference 1,000 rows (NannyML's fit scores each of its two chunks against the rest), current 500
rows, one chunk. Ours: ``HistGradientBoostingClassifier``, 5 seeded stratified folds, verdict
p < 0.05. NannyML: LightGBM with its defaults, 5 stratified folds, alert when the AUROC leaves
0.45 – 0.65.

Run ``i`` draws its data from seed ``SEED + i`` and seeds our tests with ``i``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aumos_drift_detector.core.multivariate import domain_classifier, pca_reconstruction
from aumos_drift_detector.core.multivariate.classifier_model import ClassifierSettings
from tests.core.multivariate.scenarios import mixed_table
from tests.oracles.nannyml_oracle import nannyml_domain_classifier, nannyml_reconstruction

SEED = 20261130
NUMERICAL = ["a", "b", "c", "d", "e"]
ALL_COLUMNS = [*NUMERICAL, "plan", "flag"]
REFERENCE_ROWS = 5_000
CLASSIFIER_REFERENCE_ROWS = 1_000
CURRENT_ROWS = 500
VARIANCE = 0.65


def _no_drift(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    return mixed_table(rng, n)


def _correlation_flip(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    return mixed_table(rng, n, rho=-0.6)


def _mean_shift(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    table = mixed_table(rng, n)
    table["a"] = table["a"] + 1.0
    return table


SCENARIOS: dict[str, Callable[[np.random.Generator, int], dict[str, np.ndarray]]] = {
    "no drift": _no_drift,
    "correlation flip": _correlation_flip,
    "mean shift": _mean_shift,
}


@dataclass(frozen=True)
class RunComparison:
    """Ours beside NannyML's for one scenario and run."""

    scenario: str
    run: int
    error_ours: float
    error_nannyml_same_rows: float
    error_nannyml: float
    sampling_error_nannyml: float
    band_width_ours: float
    band_width_nannyml: float
    components_ours: int
    components_nannyml: int
    welch_ours: bool
    band_ours: bool
    alert_nannyml: bool
    auc_ours: float
    auc_nannyml: float
    classifier_ours: bool
    classifier_nannyml: bool
    auc_nannyml_our_leaves: float | None = None


def fit_rows(reference: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The reference rows our PCA is fitted on.

    ``reconstruct_encoded`` samples nothing below its row bounds (10,000 reference, 5,000 current
    rows), then splits the reference by one seeded permutation: its first half fits. If that split
    changes, the same-rows comparison fails (by far more than rounding) until this is updated.
    """
    order = np.random.default_rng(seed).permutation(len(reference))
    return reference.iloc[order[: len(order) // 2]].reset_index(drop=True)


def columns_of(frame: pd.DataFrame, names: list[str]) -> dict[str, np.ndarray]:
    return {name: frame[name].to_numpy() for name in names}


def compare_run(scenario: str, run: int, *, our_leaves: bool = False) -> RunComparison:
    """Run both reconstructions and both classifiers on run ``run`` of ``scenario``.

    With ``our_leaves``, NannyML's classifier also runs with our trees' size (15 leaves) beside its
    default (31), to tell the models' difference from the rest.
    """
    rng = np.random.default_rng(SEED + run)
    reference = pd.DataFrame(mixed_table(rng, REFERENCE_ROWS))
    current = pd.DataFrame(SCENARIOS[scenario](rng, CURRENT_ROWS))
    ours = pca_reconstruction(columns_of(reference, NUMERICAL), columns_of(current, NUMERICAL), seed=run)
    same_rows = nannyml_reconstruction(fit_rows(reference, run), current, NUMERICAL, variance=VARIANCE)
    theirs = nannyml_reconstruction(reference, current, NUMERICAL, variance=VARIANCE)
    classifier_reference = reference.iloc[:CLASSIFIER_REFERENCE_ROWS]
    classifier = domain_classifier(
        columns_of(classifier_reference, ALL_COLUMNS), columns_of(current, ALL_COLUMNS), seed=run, attribution=False
    )
    their_classifier = nannyml_domain_classifier(classifier_reference, current, ALL_COLUMNS)
    leaves = ClassifierSettings().max_leaf_nodes
    matched = (
        nannyml_domain_classifier(classifier_reference, current, ALL_COLUMNS, leaves=leaves) if our_leaves else None
    )
    return RunComparison(
        scenario=scenario,
        run=run,
        error_ours=ours.statistic,
        error_nannyml_same_rows=same_rows.error,
        error_nannyml=theirs.error,
        sampling_error_nannyml=theirs.sampling_error,
        band_width_ours=float(ours.details["band_upper"]) - float(ours.details["band_lower"]),
        band_width_nannyml=theirs.upper - theirs.lower,
        components_ours=int(ours.details["components"]),
        components_nannyml=theirs.components,
        welch_ours=ours.drift_detected,
        band_ours=bool(ours.details["outside_band"]),
        alert_nannyml=theirs.alert,
        auc_ours=classifier.statistic,
        auc_nannyml=their_classifier.auc,
        classifier_ours=classifier.drift_detected,
        classifier_nannyml=their_classifier.alert,
        auc_nannyml_our_leaves=None if matched is None else matched.auc,
    )
