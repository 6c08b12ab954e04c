"""The retraining policy of a monitor: when drift means the model must be retrained.

A policy lives in ``monitor.settings["retraining_policy"]`` as a JSON object; absent fields take the
defaults documented on :class:`RetrainingPolicy`.

>>> RetrainingPolicy.from_dict({"consecutive_runs": None, "min_severity": "critical"}).combine
'any'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aumos_drift_detector.core import policy_fields as fields
from aumos_drift_detector.core.severity import Severity

_PATH = "retraining_policy"


@dataclass(frozen=True, slots=True)
class RetrainingPolicy:
    """When a drifted detection triggers retraining of its model.

    Attributes:
        enabled: Whether the policy fires at all (default true).
        min_severity: Severity floor: a drifted detection at least this severe fires (default ``high``;
            ``null`` disables the floor rule).
        consecutive_runs: Persistence rule: drift in this many consecutive runs of the monitor fires
            (default 3; ``null`` disables the persistence rule).
        combine: ``any`` fires when either enabled rule holds, ``all`` only when every enabled rule holds
            (default ``any``).
        cooldown_seconds: At most one trigger per model within this many seconds (default 24 hours).
    """

    enabled: bool = True
    min_severity: Severity | None = Severity.HIGH
    consecutive_runs: int | None = 3
    combine: str = "any"
    cooldown_seconds: int = 24 * 3600

    @classmethod
    def from_dict(cls, data: object) -> RetrainingPolicy:
        """Read a policy from JSON data.

        Raises:
            ValidationError: A field is unknown or has a bad value; the message names it.
        """
        data = fields.require_object({} if data is None else data, _PATH)
        fields.reject_unknown(data, _PATH, set(cls.__dataclass_fields__))
        default = cls()
        policy = cls(
            enabled=fields.read_bool(data, "enabled", _PATH, default.enabled),
            min_severity=fields.read_severity(data, "min_severity", _PATH, default.min_severity),
            consecutive_runs=fields.read_optional_int(data, "consecutive_runs", _PATH, default.consecutive_runs, low=1),
            combine=fields.read_choice(data, "combine", _PATH, default.combine, ("any", "all")),
            cooldown_seconds=fields.read_int(data, "cooldown_seconds", _PATH, default.cooldown_seconds, low=0),
        )
        if policy.consecutive_runs is not None and policy.consecutive_runs > 100:
            raise fields.fail(f"{_PATH}.consecutive_runs", f"must be <= 100, got {policy.consecutive_runs}")
        if policy.enabled and policy.min_severity is None and policy.consecutive_runs is None:
            raise fields.fail(f"{_PATH}.min_severity", "an enabled policy needs min_severity or consecutive_runs")
        return policy

    @classmethod
    def of(cls, settings: dict[str, Any]) -> RetrainingPolicy:
        """The policy stored in a monitor's settings (defaults when absent)."""
        return cls.from_dict(settings.get("retraining_policy"))

    def to_dict(self) -> dict[str, Any]:
        """Return the policy as JSON data that :meth:`from_dict` reads back."""
        return {
            "enabled": self.enabled,
            "min_severity": self.min_severity.value if self.min_severity else None,
            "consecutive_runs": self.consecutive_runs,
            "combine": self.combine,
            "cooldown_seconds": self.cooldown_seconds,
        }

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
            rules.append(
                (
                    severity.rank >= self.min_severity.rank,
                    f"severity {severity.value} reached the floor {self.min_severity.value}",
                )
            )
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
