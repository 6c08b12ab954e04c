"""Our PCA reconstruction and domain classifier against NannyML's on the same seeded data.

The data, the settings and why they make the two comparable are in :mod:`tests.oracles.agreement`.
Runs 0 to 3 of each scenario (about 20 s); ``scripts/compare_nannyml.py`` runs more and
writes the agreement table of ``docs/multivariate.md``. NannyML missing is a failure, not a skip:
``make`` installs it.
"""

from __future__ import annotations

import math
import types

import numpy as np
import pandas as pd
import pytest

from aumos_drift_detector.core.multivariate import pca_reconstruction
from tests.core.multivariate.scenarios import mixed_table
from tests.oracles.agreement import NUMERICAL, SCENARIOS, RunComparison, columns_of, compare_run, fit_rows
from tests.oracles.nannyml_oracle import NANNYML_VERSION, load_nannyml, nannyml_reconstruction

pytestmark = pytest.mark.slow

RUNS = range(4)
DRIFTED = ("correlation flip", "mean shift")


@pytest.fixture(scope="module")
def nannyml() -> types.ModuleType:
    try:
        return load_nannyml()
    except ImportError as exc:
        pytest.fail(f"the NannyML oracle is not installed ({exc}); `make` installs it", pytrace=False)


@pytest.fixture(scope="module")
def comparisons(nannyml: types.ModuleType) -> list[RunComparison]:
    return [compare_run(scenario, run) for scenario in SCENARIOS for run in RUNS]


def _runs(comparisons: list[RunComparison], scenario: str) -> list[RunComparison]:
    return [item for item in comparisons if item.scenario == scenario]


def test_the_installed_nannyml_is_the_release_the_comparisons_were_made_with(nannyml):
    # The Makefile pins the same release; a new one may compute differently, so bump both together
    # and rerun scripts/compare_nannyml.py.
    assert nannyml.__version__ == NANNYML_VERSION


def test_reconstruction_error_equals_nannyml_fitted_on_the_same_rows(comparisons):
    # Same rows, mean imputation, standardisation, PCA keeping 65% of the variance and Euclidean
    # distance: only floating-point rounding may differ (two SVD routes; about 1e-15 is seen). A
    # different scaling, component count or distance moves the error by far more than 1e-9.
    for item in comparisons:
        assert item.error_ours == pytest.approx(item.error_nannyml_same_rows, rel=1e-9), item


def test_missing_values_are_imputed_as_nannyml_imputes_them(nannyml):
    # Both replace a missing number by the mean of the fitted rows before scaling; a fill of 0, or
    # a mean taken over other rows, moves the error by far more than rounding.
    rng = np.random.default_rng(7)
    reference, current = pd.DataFrame(mixed_table(rng, 2000)), pd.DataFrame(mixed_table(rng, 400, rho=-0.6))
    for frame in (reference, current):
        frame.loc[rng.random(len(frame)) < 0.1, "c"] = np.nan
        frame.loc[rng.random(len(frame)) < 0.2, "d"] = np.nan
    ours = pca_reconstruction(columns_of(reference, NUMERICAL), columns_of(current, NUMERICAL), seed=3)
    theirs = nannyml_reconstruction(fit_rows(reference, 3), current, NUMERICAL, variance=0.65)
    assert ours.statistic == pytest.approx(theirs.error, rel=1e-9)


def test_reconstruction_error_is_within_sampling_noise_of_nannyml_fitted_on_the_whole_reference(comparisons):
    # NannyML fits its PCA on all 5,000 reference rows, ours on a random half. The columns c, d and e
    # are independent with unit variance after scaling, so which of their directions the third
    # component keeps is decided by noise: the two errors measure the same 500 rows along partly
    # different directions. At most they are two independent measurements of the chunk's mean error,
    # whose standard error NannyML reports (the errors' standard deviation / sqrt(500), about 2.4% of
    # the error): they must differ by less than 3·sqrt(2) of those. A squared distance or unscaled
    # columns move the error by 20% or more; the same-rows test above catches smaller slips.
    for item in comparisons:
        assert item.components_ours == item.components_nannyml, item
        tolerance = 3 * math.sqrt(2) * item.sampling_error_nannyml
        assert abs(item.error_ours - item.error_nannyml) < tolerance, item


def test_reconstruction_band_is_as_wide_as_nannyml_within_the_noise_of_ten_chunks(comparisons):
    # Both bands are mean ± 3σ of ten chunk means, ours of held-out rows (σ rescaled to the current
    # size), NannyML's of the rows its PCA was fitted on. Each σ comes from ten chunks, a relative
    # standard error of 1/sqrt(2·9) = 0.24, so the log of the ratio of two widths has a standard
    # deviation of about sqrt(2)·0.24 = 0.33 (0.31 in scripts/compare_nannyml.py), and its mean over the four
    # runs' references (one per run: the scenarios share it) 0.17. It must lie within three of those
    # of 0; a band of ±1σ or one not rescaled to the current size would not.
    logs = [math.log(item.band_width_ours / item.band_width_nannyml) for item in _runs(comparisons, "no drift")]
    assert abs(sum(logs) / len(logs)) < 3 * math.sqrt(2) * 0.24 / math.sqrt(len(logs))


def test_reconstruction_alerts_agree_with_nannyml(comparisons):
    for scenario in DRIFTED:
        for item in _runs(comparisons, scenario):
            assert (item.alert_nannyml, item.band_ours, item.welch_ours) == (True, True, True), item
    quiet = _runs(comparisons, "no drift")
    # Under no drift each decision raises false alarms at its own small rate (our test at α = 5%),
    # so one of four runs may disagree with NannyML; two would be about a 1-in-70 event.
    assert sum(item.band_ours == item.alert_nannyml for item in quiet) >= 3
    assert sum(item.welch_ours == item.alert_nannyml for item in quiet) >= 3


def test_domain_classifier_auc_is_within_sampling_noise_of_nannyml(comparisons):
    # Both score every row out of fold with boosted trees and take the ROC AUC; the models
    # (scikit-learn's histogram boosting, 15 leaves; LightGBM, 31 leaves) and the folds differ. The
    # AUC of 500 against 1,000 rows has a standard error of sqrt((n + m + 1) / (12nm)) = 0.016 under no
    # drift (less at the drifted AUCs, about 0.75). Under no drift each model fits its own noise, so the
    # two AUCs are at most two independent estimates: they must differ by less than 3·sqrt(2)
    # standard errors, 0.067. Scoring rows the model was trained on, or swapping the classes, moves
    # the AUC by far more.
    tolerance = 3 * math.sqrt(2) * math.sqrt((1000 + 500 + 1) / (12 * 1000 * 500))
    for item in comparisons:
        assert abs(item.auc_ours - item.auc_nannyml) < tolerance, item


def test_domain_classifier_verdicts_agree_with_nannyml(comparisons):
    for scenario in DRIFTED:
        for item in _runs(comparisons, scenario):
            assert (item.classifier_ours, item.classifier_nannyml) == (True, True), item
    # NannyML alerts outside AUROC 0.45 – 0.65, three and nine standard errors from 0.5 at these
    # sizes; ours is a test at α = 5%: one disagreement in four undrifted runs is within that rate,
    # two would be about a 1-in-70 event.
    quiet = _runs(comparisons, "no drift")
    assert sum(item.classifier_ours == item.classifier_nannyml for item in quiet) >= 3
