"""The retraining policy of a monitor: when drift means the model must be retrained.

Every field is optional and defaults to the value documented on :class:`RetrainingPolicy`.

>>> RetrainingPolicy.model_validate({"consecutive_runs": None, "min_severity": "critical"}).combine
'any'
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

from aumos_drift_detector.core.severity import Severity
from aumos_drift_detector.core.validation import ByValue, DomainModel


class RetrainingPolicy(DomainModel):
    """When a drifted detection triggers retraining of its model."""

    enabled: bool = Field(default=True, description="Whether the policy fires at all")
    min_severity: Annotated[Severity, ByValue] | None = Field(
        default=Severity.HIGH,
        description="Severity floor: a drifted detection at least this severe fires; null disables the rule",
    )
    consecutive_runs: int | None = Field(
        default=3,
        ge=1,
        le=100,
        description="Persistence rule: drift in this many consecutive runs fires; null disables the rule",
    )
    combine: Literal["any", "all"] = Field(
        default="any", description="'any' fires when either enabled rule holds, 'all' only when every one holds"
    )
    cooldown_seconds: int = Field(
        default=24 * 3600, ge=0, le=10 * 366 * 24 * 3600, description="At most one trigger per model this often"
    )

    @field_validator("min_severity")
    @classmethod
    def _a_level(cls, value: Severity | None) -> Severity | None:
        if value is Severity.NONE:
            msg = "must be one of low, medium, high, critical"
            raise ValueError(msg)
        return value

    @field_validator("consecutive_runs")
    @classmethod
    def _some_rule(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is None and info.data.get("enabled", True) and info.data.get("min_severity") is None:
            msg = "an enabled policy needs min_severity or consecutive_runs"
            raise ValueError(msg)
        return value

    def reasons(self, severity: Severity, drift_streak: int) -> list[str] | None:
        """Return why this detection fires the policy, or ``None`` when it does not.

        Args:
            severity: Severity of the drifted detection.
            drift_streak: Consecutive drifted runs of the monitor, this one included.
        """
        if not self.enabled:
            return None
        rules: list[tuple[bool, str]] = []
        if self.min_severity is not None:
            floor = self.min_severity
            rules.append((severity.rank >= floor.rank, f"severity {severity.value} reached the floor {floor.value}"))
        if self.consecutive_runs is not None:
            rules.append(
                (
                    drift_streak >= self.consecutive_runs,
                    f"drift persisted for {drift_streak} consecutive runs (rule: {self.consecutive_runs})",
                )
            )
        held = [reason for holds, reason in rules if holds]
        fires = bool(held) if self.combine == "any" else len(held) == len(rules)
        return held if fires else None
