"""The registry of two-sample drift tests: every test's :class:`StatTestSpec` by canonical name.

The engine reads this table to choose and call tests; it never hard-codes a test's threshold or
whether a small or a large number means drift (see :mod:`.stat_test_spec`). Each test module
declares its own ``SPEC``; this module imports them by name, so every call can be followed.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.anderson_darling import SPEC as ANDERSON_DARLING
from aumos_drift_detector.core.statistical.chi_squared import SPEC as CHI_SQUARED
from aumos_drift_detector.core.statistical.cramer_von_mises import SPEC as CRAMER_VON_MISES
from aumos_drift_detector.core.statistical.energy_distance import SPEC as ENERGY_DISTANCE
from aumos_drift_detector.core.statistical.features import FeatureKind
from aumos_drift_detector.core.statistical.hellinger import SPEC as HELLINGER
from aumos_drift_detector.core.statistical.jensen_shannon import SPEC as JENSEN_SHANNON
from aumos_drift_detector.core.statistical.ks_test import SPEC as KS_TEST
from aumos_drift_detector.core.statistical.l_infinity import SPEC as L_INFINITY
from aumos_drift_detector.core.statistical.psi import SPEC as PSI
from aumos_drift_detector.core.statistical.stat_test_spec import StatTestFunction, StatTestSpec, TestKind
from aumos_drift_detector.core.statistical.wasserstein import SPEC as WASSERSTEIN
from aumos_drift_detector.core.statistical.z_test import SPEC as Z_TEST

__all__ = ["CATALOGUE", "FeatureKind", "StatTestFunction", "StatTestSpec", "TestKind", "get_test"]

CATALOGUE: Mapping[str, StatTestSpec] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            KS_TEST,
            PSI,
            CHI_SQUARED,
            Z_TEST,
            ANDERSON_DARLING,
            CRAMER_VON_MISES,
            WASSERSTEIN,
            ENERGY_DISTANCE,
            JENSEN_SHANNON,
            HELLINGER,
            L_INFINITY,
        )
    }
)
"""Every available test by canonical name."""


def get_test(name: str) -> StatTestSpec:
    """Look a test up by its canonical name.

    Args:
        name: A key of :data:`CATALOGUE`, e.g. ``"ks"``.

    Returns:
        The test's specification.

    Raises:
        ValidationError: For an unknown name; ``details`` list the known ones.

    Example:
        >>> spec = get_test("ks")
        >>> spec.kind, spec.default_threshold, sorted(spec.feature_kinds)
        ('p_value', 0.05, ['numerical'])
    """
    try:
        return CATALOGUE[name]
    except KeyError:
        raise ValidationError(
            f"unknown statistical test {name!r}", details={"test": name, "known": sorted(CATALOGUE)}
        ) from None
