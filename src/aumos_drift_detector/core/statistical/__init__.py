"""Statistical drift: two-sample tests, reference profiles and the one-pass engine.

Public API (everything in ``__all__``):

* **Tests**, each a pure function ``test(reference, current, *, threshold, ...) -> StatTestResult``:
  ``ks_test``, ``anderson_darling``, ``cramer_von_mises``, ``wasserstein``, ``energy_distance``
  (numerical), ``chi_squared``, ``z_test``, ``l_infinity`` (categorical or binary), ``psi``,
  ``jensen_shannon``, ``hellinger`` (both). :class:`StatTestResult` is what they return.
* **Catalogue**: :data:`CATALOGUE` maps each test's name to its :class:`StatTestSpec` (declared by
  the test's own module as ``SPEC``); :func:`get_test` looks one up.
* **Engine**: :meth:`ReferenceProfile.from_data` profiles reference data once (a
  :class:`NumericalProfile` or :class:`CategoricalProfile`, together :data:`FeatureProfile`, per
  feature, configured by :class:`FeatureSpec` with a :data:`RequestedKind`, resolved to a
  :data:`FeatureKind`), and :func:`evaluate` checks current data against it and returns a
  :class:`DatasetDriftResult` of :class:`FeatureDriftResult`. Input: numpy arrays, mappings of
  arrays, pandas DataFrames or pyarrow Tables, read without importing pandas or pyarrow.
* **Choices and rules**: :func:`choose_test` and :func:`resolve_kind` (automatic test and kind),
  :data:`CORRECTIONS` / :data:`Correction` (multiple-testing corrections), :class:`MissingShare`,
  and the defaults :data:`DEFAULT_DRIFT_SHARE`, :data:`DEFAULT_MAX_MISSING_SHIFT`,
  :data:`DEFAULT_MIN_SAMPLES`.

The numerical kernels are compiled through :mod:`aumos_drift_detector.core.compilation`.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> profile = ReferenceProfile.from_data({"x": rng.normal(0, 1, 500), "y": rng.normal(0, 1, 500)})
>>> result = evaluate(profile, {"x": rng.normal(2, 1, 500), "y": rng.normal(0, 1, 500)})
>>> result.drift_detected, [item.name for item in result.features if item.drift_detected]
(True, ['x'])
"""

from aumos_drift_detector.core.statistical.anderson_darling import anderson_darling
from aumos_drift_detector.core.statistical.catalogue import CATALOGUE, StatTestSpec, get_test
from aumos_drift_detector.core.statistical.chi_squared import chi_squared
from aumos_drift_detector.core.statistical.cramer_von_mises import cramer_von_mises
from aumos_drift_detector.core.statistical.drift_result import DatasetDriftResult, FeatureDriftResult
from aumos_drift_detector.core.statistical.energy_distance import energy_distance
from aumos_drift_detector.core.statistical.engine import evaluate
from aumos_drift_detector.core.statistical.feature_profile import CategoricalProfile, FeatureProfile, NumericalProfile
from aumos_drift_detector.core.statistical.features import FeatureKind, FeatureSpec, RequestedKind
from aumos_drift_detector.core.statistical.hellinger import hellinger
from aumos_drift_detector.core.statistical.jensen_shannon import jensen_shannon
from aumos_drift_detector.core.statistical.ks_test import ks_test
from aumos_drift_detector.core.statistical.l_infinity import l_infinity
from aumos_drift_detector.core.statistical.missing import DEFAULT_MAX_MISSING_SHIFT, MissingShare
from aumos_drift_detector.core.statistical.profile import ReferenceProfile
from aumos_drift_detector.core.statistical.psi import psi
from aumos_drift_detector.core.statistical.result import StatTestResult
from aumos_drift_detector.core.statistical.samples import DEFAULT_MIN_SAMPLES
from aumos_drift_detector.core.statistical.selection import choose_test, resolve_kind
from aumos_drift_detector.core.statistical.verdict import CORRECTIONS, DEFAULT_DRIFT_SHARE, Correction
from aumos_drift_detector.core.statistical.wasserstein import wasserstein
from aumos_drift_detector.core.statistical.z_test import z_test

__all__ = [
    "CATALOGUE",
    "CORRECTIONS",
    "DEFAULT_DRIFT_SHARE",
    "DEFAULT_MAX_MISSING_SHIFT",
    "DEFAULT_MIN_SAMPLES",
    "CategoricalProfile",
    "Correction",
    "DatasetDriftResult",
    "FeatureDriftResult",
    "FeatureKind",
    "FeatureProfile",
    "FeatureSpec",
    "MissingShare",
    "NumericalProfile",
    "ReferenceProfile",
    "RequestedKind",
    "StatTestResult",
    "StatTestSpec",
    "anderson_darling",
    "chi_squared",
    "choose_test",
    "cramer_von_mises",
    "energy_distance",
    "evaluate",
    "get_test",
    "hellinger",
    "jensen_shannon",
    "ks_test",
    "l_infinity",
    "psi",
    "resolve_kind",
    "wasserstein",
    "z_test",
]
