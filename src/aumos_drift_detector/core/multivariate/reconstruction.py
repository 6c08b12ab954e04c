"""PCA reconstruction error: does the current data still lie where the reference's structure says?

The data-reconstruction method NannyML popularised: encode and standardise the rows
(:mod:`.numeric_design`), keep the principal components that explain ``variance`` of the reference's
variance, and measure each row's reconstruction error (the Euclidean distance between the row and
its projection back from the kept components). Rows from the reference's joint distribution are
reconstructed about as well as the reference was; a change in how features move together (a
correlation that flips while every marginal stays put) raises the error.

Two decisions are reported. The one used, which can be calibrated: the reference sample is split at
random into a *fit* half (encoding and PCA) and a *calibration* half, whose errors, like the current
rows' errors, come from rows the PCA never saw; Welch's two-sided t-test of the mean error of the
current rows against the calibration rows gives the p-value (under no drift both are independent
draws of one error distribution). The other, NannyML's: a band of mean ± 3 standard deviations of
the mean error of reference chunks (non-overlapping chunks of the calibration rows, the spread
rescaled to the current sample's size); ``details["outside_band"]`` says whether the current mean
error falls outside it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.multivariate.bounds import DEFAULT_ALPHA, DEFAULT_MAX_ROWS, require_rows
from aumos_drift_detector.core.multivariate.encoding import Columns, EncodedPair, encode_columns
from aumos_drift_detector.core.multivariate.numeric_design import NumericDesign
from aumos_drift_detector.core.multivariate.reservoir import bounded_rows
from aumos_drift_detector.core.multivariate.result import MultivariateResult

if TYPE_CHECKING:  # scikit-learn and SciPy are imported by the test, not with the package
    from sklearn.decomposition import PCA

FloatArray = npt.NDArray[np.float64]
DEFAULT_VARIANCE = 0.65
#: Chunks of the calibration rows the band is learned from.
BAND_CHUNKS = 10


def _errors(pca: PCA, design: FloatArray) -> FloatArray:
    restored = pca.inverse_transform(pca.transform(design))
    return np.asarray(np.linalg.norm(design - restored, axis=1), dtype=np.float64)


def _band(calibration: FloatArray, n_current: int) -> tuple[float, float]:
    size = max(len(calibration) // BAND_CHUNKS, 1)
    means = calibration[: size * BAND_CHUNKS].reshape(BAND_CHUNKS, size).mean(axis=1)
    spread = 3.0 * float(means.std(ddof=1)) * np.sqrt(size / n_current)
    centre = float(calibration.mean())
    return float(centre - spread), float(centre + spread)


def reconstruct_encoded(
    pair: EncodedPair,
    *,
    alpha: float = DEFAULT_ALPHA,
    variance: float = DEFAULT_VARIANCE,
    max_rows: int = DEFAULT_MAX_ROWS,
    seed: int = 0,
) -> MultivariateResult:
    """Run the PCA reconstruction test on encoded samples (see :func:`pca_reconstruction`)."""
    rng = np.random.default_rng(seed)
    reference = bounded_rows(pair.reference, 2 * max_rows, rng)
    current = bounded_rows(pair.current, max_rows, rng)
    require_rows("the PCA reconstruction", len(reference) // 2, len(current))
    order = rng.permutation(len(reference))
    fit_rows, calibration_rows = reference[order[: len(order) // 2]], reference[order[len(order) // 2 :]]
    design = NumericDesign.fit(fit_rows, pair.categorical)
    fitted = design.transform(fit_rows)
    from scipy import stats
    from sklearn.decomposition import PCA

    pca = PCA(n_components=variance if fitted.shape[1] > 1 else None, svd_solver="full").fit(fitted)
    calibration, drifted = _errors(pca, design.transform(calibration_rows)), _errors(pca, design.transform(current))
    p_value = float(stats.ttest_ind(drifted, calibration, equal_var=False).pvalue)
    lower, upper = _band(calibration, len(current))
    mean_error, reference_error = float(drifted.mean()), float(calibration.mean())
    return MultivariateResult(
        method="pca_reconstruction", columns=pair.names, statistic=mean_error, p_value=p_value, threshold=alpha,
        drift_detected=p_value < alpha, n_reference=len(reference), n_current=len(current),
        score=mean_error / reference_error - 1.0 if reference_error > 0 else 0.0,
        details={"reference_error": reference_error, "band_lower": lower, "band_upper": upper,
                 "outside_band": not lower <= mean_error <= upper, "components": int(pca.n_components_),
                 "design_columns": int(fitted.shape[1]), "variance": variance, "seed": seed},
    )  # fmt: skip


def pca_reconstruction(
    reference: Columns,
    current: Columns,
    *,
    categorical: Collection[str] = (),
    alpha: float = DEFAULT_ALPHA,
    variance: float = DEFAULT_VARIANCE,
    max_rows: int = DEFAULT_MAX_ROWS,
    seed: int = 0,
) -> MultivariateResult:
    """Test whether the current rows' mean PCA reconstruction error differs from the reference's.

    Args:
        reference: Column name → 1-D values of the reference sample.
        current: The same columns of the current sample.
        categorical: Columns to treat as categorical even when they hold numbers.
        alpha: Significance level of Welch's two-sided t-test.
        variance: Share of the reference's variance the kept components explain.
        max_rows: Current rows used at most; the reference keeps up to twice as many (half fit the
            PCA, half calibrate).
        seed: Seeds the samples and the fit/calibration split.

    Returns:
        The current mean error as the statistic, its p-value, the relative change of the mean error
        as the score, and NannyML's band in the details.

    Raises:
        ValidationError: A column missing or unusable, named in the message.
        InsufficientDataError: Fewer than 100 reference or 50 current rows.
    """
    pair = encode_columns(reference, current, categorical=categorical)
    return reconstruct_encoded(pair, alpha=alpha, variance=variance, max_rows=max_rows, seed=seed)
