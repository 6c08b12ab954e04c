"""The share of missing values per feature, and when its change counts as drift.

Missing values (``None``, NaN, Arrow nulls) never enter a distribution test; they are counted
instead. A feature whose share of missing values moves by more than ``max_shift`` (an absolute
difference of shares, default 0.1 = ten percentage points) between reference and current is
flagged as drifted even if the distribution of its present values did not change:

    missing drift  <=>  |current_missing / current_total - reference_missing / reference_total| > max_shift

``max_shift=None`` switches the rule off (the shares are still reported).

>>> share = MissingShare.compare(reference_missing=5, reference_total=100,
...                              current_missing=30, current_total=100, max_shift=0.1)
>>> round(share.shift, 2), share.drift_detected
(0.25, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

from aumos_drift_detector.core.errors import ValidationError

DEFAULT_MAX_MISSING_SHIFT: Final[float] = 0.1


def _share(missing: int, total: int) -> float:
    return missing / total if total else 0.0


def check_max_shift(max_shift: float | None) -> None:
    """Reject a ``max_shift`` outside (0, 1].

    Raises:
        ValidationError: If ``max_shift`` is not ``None`` and not in (0, 1].
    """
    if max_shift is not None and not (math.isfinite(max_shift) and 0 < max_shift <= 1):
        raise ValidationError(
            f"max_missing_shift must be in (0, 1], got {max_shift!r}", details={"max_missing_shift": max_shift}
        )


@dataclass(frozen=True, slots=True)
class MissingShare:
    """Missing values of one feature in the reference and current data.

    Attributes:
        reference_missing: Missing values in the reference column.
        reference_total: Rows in the reference column.
        current_missing: Missing values in the current column.
        current_total: Rows in the current column.
        max_shift: Largest tolerated absolute change of the missing share; ``None`` disables the rule.
        drift_detected: Whether the change of the share exceeded ``max_shift``.
    """

    reference_missing: int
    reference_total: int
    current_missing: int
    current_total: int
    max_shift: float | None
    drift_detected: bool

    @classmethod
    def compare(
        cls,
        *,
        reference_missing: int,
        reference_total: int,
        current_missing: int,
        current_total: int,
        max_shift: float | None = DEFAULT_MAX_MISSING_SHIFT,
    ) -> MissingShare:
        """Apply the missing-share rule to the four counts."""
        check_max_shift(max_shift)
        shift = _share(current_missing, current_total) - _share(reference_missing, reference_total)
        detected = max_shift is not None and abs(shift) > max_shift
        return cls(reference_missing, reference_total, current_missing, current_total, max_shift, detected)

    @property
    def reference_share(self) -> float:
        """Share of missing values in the reference column (0 for an empty column)."""
        return _share(self.reference_missing, self.reference_total)

    @property
    def current_share(self) -> float:
        """Share of missing values in the current column (0 for an empty column)."""
        return _share(self.current_missing, self.current_total)

    @property
    def shift(self) -> float:
        """``current_share - reference_share``: positive when more values are missing now."""
        return self.current_share - self.reference_share

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping of counts, shares and the decision."""
        return {
            "reference_missing": self.reference_missing,
            "reference_total": self.reference_total,
            "current_missing": self.current_missing,
            "current_total": self.current_total,
            "reference_share": self.reference_share,
            "current_share": self.current_share,
            "shift": self.shift,
            "max_shift": self.max_shift,
            "drift_detected": self.drift_detected,
        }
