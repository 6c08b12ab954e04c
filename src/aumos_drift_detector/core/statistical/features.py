"""How one feature is to be checked: its name, its kind and optional overrides.

A :class:`FeatureSpec` is plain configuration. ``kind="auto"`` lets the reference data decide
(see :mod:`aumos_drift_detector.core.statistical.selection`); ``test`` and ``threshold`` override
the automatic choice; ``weight`` is the feature's importance in the dataset verdict.

>>> FeatureSpec("age").kind
'auto'
>>> FeatureSpec("plan", kind="categorical", test="chi_squared", threshold=0.01).test
'chi_squared'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias

from aumos_drift_detector.core.errors import ValidationError

FeatureKind: TypeAlias = Literal["numerical", "categorical", "binary"]
"""A resolved kind: what the profile and the engine actually use."""

RequestedKind: TypeAlias = Literal["numerical", "categorical", "binary", "auto"]
"""A kind as configured; ``"auto"`` is resolved from the reference data."""

FEATURE_KINDS: Final[tuple[FeatureKind, ...]] = ("numerical", "categorical", "binary")
REQUESTED_KINDS: Final[tuple[RequestedKind, ...]] = ("numerical", "categorical", "binary", "auto")


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """Configuration of one monitored feature.

    Attributes:
        name: Column name in the reference and current data.
        kind: ``"numerical"``, ``"categorical"``, ``"binary"`` or ``"auto"`` (decided from the
            reference data).
        test: Name of a test in the catalogue (e.g. ``"ks"``, ``"psi"``); ``None`` for the
            automatic choice.
        threshold: Decision threshold for the test; ``None`` for the test's default.
        weight: Importance of the feature in the weighted share of drifted features (> 0);
            ``None`` means 1 in a profile, and "keep the profile's weight" in a check.

    Raises:
        ValidationError: If the name is empty, the kind unknown, or the threshold or weight
            not a positive finite number.
    """

    name: str
    kind: RequestedKind = "auto"
    test: str | None = None
    threshold: float | None = None
    weight: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValidationError("feature name must be a non-empty string", details={"name": self.name})
        if self.kind not in REQUESTED_KINDS:
            raise ValidationError(
                f"feature {self.name!r}: unknown kind {self.kind!r} (expected one of {', '.join(REQUESTED_KINDS)})",
                details={"feature": self.name, "kind": self.kind},
            )
        if self.threshold is not None and not (math.isfinite(self.threshold) and self.threshold > 0):
            raise ValidationError(
                f"feature {self.name!r}: threshold must be a positive finite number, got {self.threshold!r}",
                details={"feature": self.name, "threshold": self.threshold},
            )
        if self.weight is not None and not (math.isfinite(self.weight) and self.weight > 0):
            raise ValidationError(
                f"feature {self.name!r}: weight must be a positive finite number, got {self.weight!r}",
                details={"feature": self.name, "weight": self.weight},
            )


def normalise_specs(features: Iterable[FeatureSpec | str] | None, available: Sequence[str]) -> list[FeatureSpec]:
    """Turn a mixed list of names and specs into specs, checking names against the data.

    Args:
        features: Feature names or specs; ``None`` means every available column with ``kind="auto"``.
        available: Column names present in the data.

    Returns:
        One spec per feature, in the given order.

    Raises:
        ValidationError: If a feature is named twice or is not among ``available``.

    >>> [s.name for s in normalise_specs(["b", FeatureSpec("a")], ["a", "b"])]
    ['b', 'a']
    """
    if features is None:
        return [FeatureSpec(name) for name in available]
    specs = [FeatureSpec(item) if isinstance(item, str) else item for item in features]
    present = set(available)
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            raise ValidationError(f"feature {spec.name!r} is listed twice", details={"feature": spec.name})
        if spec.name not in present:
            raise ValidationError(f"column {spec.name!r} not found in the data", details={"column": spec.name})
        seen.add(spec.name)
    return specs
