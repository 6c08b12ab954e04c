"""The registry of two-sample drift tests: name -> functions, default threshold, kind, applicable features.

The engine reads this table to choose and call tests; it never hard-codes a test's threshold or
whether a small or a large number means drift:

* ``kind == "p_value"``: drift when ``p_value < threshold`` (a significance level);
* ``kind == "distance"``: drift when ``statistic >= threshold`` (or the test's documented rule).

Every entry has a public function ``(reference, current, *, threshold, ...)`` and at least one kernel:
``sorted_kernel(reference_sorted, current_sorted, *, threshold, ...)`` for numeric features and/or
``counts_kernel(reference_counts, current_counts, categories, *, threshold, ...)`` for categorical ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import import_module
from types import MappingProxyType
from typing import Final, Literal

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.result import StatTestResult

TestKind = Literal["p_value", "distance"]
FeatureKind = Literal["numerical", "categorical", "binary"]
StatTestFunction = Callable[..., StatTestResult]


@dataclass(frozen=True, slots=True)
class StatTestSpec:
    """How to call one test and how to read its result.

    Attributes:
        name: Canonical name, equal to ``StatTestResult.test``.
        function: The public function taking raw array-likes.
        sorted_kernel: Kernel on clean sorted float64 arrays, or ``None`` for categorical-only tests.
        counts_kernel: Kernel on aligned int64 count vectors, or ``None`` for numeric-only tests.
        default_threshold: The threshold used when a monitor does not configure one.
        kind: ``"p_value"`` or ``"distance"``.
        feature_kinds: The feature kinds the test applies to.
    """

    name: str
    function: StatTestFunction
    sorted_kernel: StatTestFunction | None
    counts_kernel: StatTestFunction | None
    default_threshold: float
    kind: TestKind
    feature_kinds: frozenset[FeatureKind]


_TESTS_PACKAGE: Final[str] = "aumos_drift_detector.core.statistical"


def _spec(public_name: str, kind: TestKind, *feature_kinds: FeatureKind) -> StatTestSpec:
    """Read the test module ``<package>.<public_name>`` that defines ``<public_name>`` and its kernels.

    The module is imported by its full dotted path, which ``import_module`` resolves through
    ``sys.modules``, never through an attribute of the package: the package exports functions under
    the same names as these modules, so ``package.ks_test`` is the function, not the module.
    """
    module = import_module(f"{_TESTS_PACKAGE}.{public_name}")
    return StatTestSpec(
        name=module.TEST_NAME,
        function=getattr(module, public_name),
        sorted_kernel=getattr(module, f"{public_name}_sorted", None),
        counts_kernel=getattr(module, f"{public_name}_counts", None),
        default_threshold=module.DEFAULT_THRESHOLD,
        kind=kind,
        feature_kinds=frozenset(feature_kinds),
    )


CATALOGUE: Mapping[str, StatTestSpec] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            _spec("ks_test", "p_value", "numerical"),
            _spec("psi", "distance", "numerical", "categorical", "binary"),
            _spec("chi_squared", "p_value", "categorical", "binary"),
            _spec("z_test", "p_value", "binary"),
            _spec("anderson_darling", "p_value", "numerical"),
            _spec("cramer_von_mises", "p_value", "numerical"),
            _spec("wasserstein", "distance", "numerical"),
            _spec("energy_distance", "distance", "numerical"),
            _spec("jensen_shannon", "distance", "numerical", "categorical", "binary"),
            _spec("hellinger", "distance", "numerical", "categorical", "binary"),
            _spec("l_infinity", "distance", "categorical", "binary"),
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
