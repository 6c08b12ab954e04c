"""The result every two-sample statistical test returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class StatTestResult:
    """Outcome of one two-sample drift test on one feature.

    Attributes:
        test: Canonical test name, e.g. ``"ks"`` or ``"psi"``.
        statistic: The test statistic or distance.
        p_value: The p-value for hypothesis tests; ``None`` for pure distances.
        threshold: The decision threshold: a significance level when ``p_value`` is set,
            otherwise a distance above which drift is declared.
        drift_detected: Whether the decision rule fired.
        n_reference: Number of reference values the test used (after cleaning).
        n_current: Number of current values the test used (after cleaning).
        details: Test-specific extras (bins, categories, bands), JSON-serialisable.
    """

    test: str
    statistic: float
    p_value: float | None
    threshold: float
    drift_detected: bool
    n_reference: int
    n_current: int
    details: dict[str, Any] = field(default_factory=dict)
