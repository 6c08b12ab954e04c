"""Which test checks a feature that names none: a hypothesis test, whatever the reference size.

The statistical library, like evidently, switches to distances with fixed thresholds (Wasserstein,
Jensen–Shannon) above 1,000 reference values, because on large samples every hypothesis test finds some
trivial difference significant. The service does not need that switch: a feature only drifts when its
effect also reaches a practical floor (:mod:`.verdict`), and only tests with p-values give the evidence
the alert budget accumulates over checks (:mod:`.sequential`). So a feature without a configured test is
checked by KS (numerical), chi-squared (categorical) or the two-proportion z-test (binary), at any size.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.statistical import FeatureKind, FeatureSpec, ReferenceProfile

HYPOTHESIS_TESTS: Final[dict[FeatureKind, str]] = {
    "numerical": "ks",
    "categorical": "chi_squared",
    "binary": "z_test",
}


def check_specs(monitor: Monitor, profile: ReferenceProfile) -> list[FeatureSpec]:
    """The engine's view of a monitor's features for a check against ``profile``.

    A feature that names a test keeps it (and its threshold); one that does not gets the hypothesis test
    of its profiled kind. Each feature's weight is its importance.
    """
    return specs_for_kinds(monitor, {item.name: item.kind for item in profile.features})


def specs_for_kinds(monitor: Monitor, kinds: Mapping[str, FeatureKind]) -> list[FeatureSpec]:
    """:func:`check_specs` given each reference feature's profiled kind, by name."""
    specs = []
    for feature in monitor.features:
        test = feature.test
        if test is None and feature.name in kinds:
            test = HYPOTHESIS_TESTS[kinds[feature.name]]
        specs.append(
            FeatureSpec(
                feature.name, kind=feature.kind, test=test, threshold=feature.threshold, weight=feature.importance
            )
        )
    return specs
