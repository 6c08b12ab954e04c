"""NannyML's data-reconstruction drift and domain classifier, run on the tests' data.

NannyML (Apache-2.0) is a development-only oracle: ``make`` installs it without its declared
requirements (``pip install --no-deps``; see the Makefile) next to the few packages these two
calculators import, which the ``dev`` extra lists. Importing it needs two stand-ins, installed here
before the import and only when the real module is not already loaded:

* ``segment.analytics``: NannyML's usage telemetry client. It is not installed, the stand-in has
  nothing to send with, and ``NML_DISABLE_USAGE_LOGGING`` is set too, so a run never reaches the
  network.
* ``flaml``: NannyML imports ``flaml.AutoML`` at module level for hyperparameter tuning, which the
  comparisons leave off (NannyML's default). FLAML's AutoML would bring XGBoost, and with it a
  proprietary CUDA library; the stand-in raises if it is ever used.

NannyML reads ``.env`` files into the process environment when it is imported; the environment is
restored afterwards so that the rest of the suite sees the environment it started with.
"""

from __future__ import annotations

import os
import sys
import types
import warnings
from dataclasses import dataclass
from typing import Any

import pandas as pd

#: The NannyML release the comparisons were written against (the Makefile installs it).
NANNYML_VERSION = "0.13.1"


class _NoAutoML:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("FLAML's AutoML is not installed: the oracle runs without hyperparameter tuning")


def _install_stand_ins() -> None:
    if "flaml" not in sys.modules:
        flaml = types.ModuleType("flaml")
        flaml.AutoML = _NoAutoML  # type: ignore[attr-defined]
        sys.modules["flaml"] = flaml
    if "segment" not in sys.modules:
        segment, analytics = types.ModuleType("segment"), types.ModuleType("segment.analytics")
        segment.analytics = analytics  # type: ignore[attr-defined]
        sys.modules["segment"], sys.modules["segment.analytics"] = segment, analytics


def load_nannyml() -> types.ModuleType:
    """Import NannyML with telemetry off and the environment left as it was.

    Raises:
        ImportError: NannyML or one of the packages it imports is not installed.
    """
    saved = dict(os.environ)
    _install_stand_ins()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import nannyml
    finally:
        os.environ.clear()
        os.environ.update(saved)
    os.environ["NML_DISABLE_USAGE_LOGGING"] = "1"
    return nannyml


@dataclass(frozen=True)
class ReconstructionOutcome:
    """NannyML's reconstruction error of the one analysis chunk, its sampling error, band and alert."""

    error: float
    sampling_error: float
    lower: float
    upper: float
    alert: bool
    components: int


def nannyml_reconstruction(
    reference: pd.DataFrame, current: pd.DataFrame, columns: list[str], *, variance: float
) -> ReconstructionOutcome:
    """Fit ``DataReconstructionDriftCalculator`` on ``reference``; the current sample is one chunk.

    The chunk size is the current sample's size, so the reference is cut into chunks of that size
    (their errors give NannyML's band: mean ± 3 standard deviations) and the current sample is
    exactly one analysis chunk.
    """
    nannyml = load_nannyml()
    calculator = nannyml.DataReconstructionDriftCalculator(
        column_names=columns, chunk_size=len(current), n_components=variance
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "the resulting number of chunks is too low": one chunk is meant
        calculator.fit(reference)
        row = calculator.calculate(current).filter(period="analysis").to_df().iloc[0]
    return ReconstructionOutcome(
        error=float(row[("reconstruction_error", "value")]),
        sampling_error=float(row[("reconstruction_error", "sampling_error")]),
        lower=float(row[("reconstruction_error", "lower_threshold")]),
        upper=float(row[("reconstruction_error", "upper_threshold")]),
        alert=bool(row[("reconstruction_error", "alert")]),
        components=int(calculator._pca.n_components_),
    )


@dataclass(frozen=True)
class ClassifierOutcome:
    """NannyML's cross-validated AUROC of the one analysis chunk against the reference, and its alert."""

    auc: float
    alert: bool


def nannyml_domain_classifier(
    reference: pd.DataFrame, current: pd.DataFrame, columns: list[str], *, leaves: int | None = None
) -> ClassifierOutcome:
    """Fit ``DomainClassifierCalculator`` on ``reference``; the current sample is one chunk.

    NannyML's default LightGBM settings and threshold (alert outside AUROC 0.45 – 0.65), except one
    thread (the suite shares its cores), LightGBM's own logging off and, when given, ``leaves``
    leaves per tree instead of 31. ``fit`` also scores the reference's chunks against the rest of
    the reference (NannyML always does); the reference must hold at least two chunks of the current
    sample's size for that to have two classes.
    """
    nannyml = load_nannyml()
    settings = dict(nannyml.drift.multivariate.domain_classifier.calculator.DEFAULT_LGBM_HYPERPARAMS)
    settings.pop("silent")  # not a LightGBM 4 parameter: it only makes LightGBM warn
    settings.update(n_jobs=1, verbose=-1)
    if leaves is not None:
        settings["num_leaves"] = leaves
    calculator = nannyml.DomainClassifierCalculator(
        feature_column_names=columns, chunk_size=len(current), hyperparameters=settings
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        calculator.fit(reference)
        row = calculator.calculate(current).filter(period="analysis").to_df().iloc[0]
    return ClassifierOutcome(
        auc=float(row[("domain_classifier_auroc", "value")]),
        alert=bool(row[("domain_classifier_auroc", "alert")]),
    )
