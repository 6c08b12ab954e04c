"""The alert policy of a monitor: how severe a detection is, and when it opens, renotifies or resolves an alert.

A policy lives in ``monitor.settings["alert_policy"]`` as a JSON object; every field is optional and
defaults to the value documented on :class:`AlertPolicy` (see ``docs/alerts-and-events.md``).

Severity of a detection (:meth:`AlertPolicy.assess`):

* a failed or insufficient-data run, or a concept detection without drift: ``none``;
* a concept detection with drift: ``severity.concept`` (default ``high``);
* a statistical detection whose dataset verdict is "no drift": ``low`` if some feature drifted, else ``none``;
* a drifted statistical detection: by drift share — ``critical`` from ``severity.critical_share`` (0.75),
  ``high`` from ``severity.high_share`` (0.5), ``medium`` from ``severity.medium_share`` (0.25), ``low``
  below — then one level higher (at most ``critical``) when any drifted feature is *strong*: a p-value
  test with ``p_value <= threshold * severity.strong_p_value_factor`` (0.001) or a distance test with
  ``statistic >= threshold * severity.strong_distance_factor`` (2.0).

>>> AlertPolicy.from_dict({"min_severity": "high", "m_of_n": {"m": 2, "n": 3}}).m_of_n
MOfN(m=2, n=3)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aumos_drift_detector.core import policy_fields as fields
from aumos_drift_detector.core.detections.model import DetectionKind, DetectionStatus, DriftDetection
from aumos_drift_detector.core.severity import Severity

_PATH = "alert_policy"


@dataclass(frozen=True, slots=True)
class SeverityBands:
    """How a detection's drift share and feature statistics map to a severity level.

    Attributes:
        medium_share: Drift share from which a drifted detection is ``medium``.
        high_share: Drift share from which it is ``high``.
        critical_share: Drift share from which it is ``critical``.
        strong_p_value_factor: A drifted p-value test is strong when ``p_value <= threshold * factor``.
        strong_distance_factor: A drifted distance test is strong when ``statistic >= threshold * factor``.
        concept: Severity of a concept-drift detection.
    """

    medium_share: float = 0.25
    high_share: float = 0.5
    critical_share: float = 0.75
    strong_p_value_factor: float = 0.001
    strong_distance_factor: float = 2.0
    concept: Severity = Severity.HIGH

    def is_strong(self, feature: dict[str, Any]) -> bool:
        """Whether a drifted feature's statistic is far past its threshold."""
        threshold = feature.get("threshold")
        if not feature.get("drift_detected") or threshold is None:
            return False
        p_value = feature.get("p_value")
        if p_value is not None:
            return float(p_value) <= float(threshold) * self.strong_p_value_factor
        statistic = feature.get("statistic")
        return statistic is not None and float(statistic) >= float(threshold) * self.strong_distance_factor

    @classmethod
    def from_dict(cls, data: object, path: str) -> SeverityBands:
        """Read the bands, checking ``medium_share <= high_share <= critical_share``."""
        data = fields.require_object(data, path)
        fields.reject_unknown(data, path, set(cls.__dataclass_fields__))
        default = cls()
        medium = fields.read_number(data, "medium_share", path, default.medium_share, low=0.0, high=1.0)
        high = fields.read_number(data, "high_share", path, default.high_share, low=0.0, high=1.0)
        critical = fields.read_number(data, "critical_share", path, default.critical_share, low=0.0, high=1.0)
        if high < medium:
            raise fields.fail(f"{path}.high_share", "must be >= medium_share")
        if critical < high:
            raise fields.fail(f"{path}.critical_share", "must be >= high_share")
        return cls(
            medium_share=medium,
            high_share=high,
            critical_share=critical,
            strong_p_value_factor=fields.read_number(
                data, "strong_p_value_factor", path, default.strong_p_value_factor, low=0.0, high=1.0
            ),
            strong_distance_factor=fields.read_number(
                data, "strong_distance_factor", path, default.strong_distance_factor, low=1.0
            ),
            concept=fields.read_severity(data, "concept", path, default.concept) or default.concept,
        )


@dataclass(frozen=True, slots=True)
class MOfN:
    """Open an alert only when at least ``m`` of the last ``n`` runs (this one included) drifted."""

    m: int = 1
    n: int = 1

    @classmethod
    def from_dict(cls, data: object, path: str) -> MOfN:
        """Read the rule, checking ``1 <= m <= n <= 100``."""
        data = fields.require_object(data, path)
        fields.reject_unknown(data, path, {"m", "n"})
        m = fields.read_int(data, "m", path, 1, low=1)
        n = fields.read_int(data, "n", path, max(m, 1), low=1)
        if n > 100:
            raise fields.fail(f"{path}.n", f"must be <= 100, got {n}")
        if m > n:
            raise fields.fail(f"{path}.m", "must be <= n")
        return cls(m=m, n=n)


@dataclass(frozen=True, slots=True)
class AlertPolicy:
    """When detections open, update, renotify and resolve alerts.

    Attributes:
        min_severity: The lowest detection severity that counts as a breach (default ``medium``).
        m_of_n: The breach must be backed by M drifted runs among the last N (default 1 of 1).
        renotify_interval_seconds: An open, unacknowledged alert that keeps breaching publishes
            ``drift.alert_raised`` again at most this often (default 4 hours; ``null`` never).
        auto_resolve_after: Resolve an alert after this many consecutive healthy runs (default 3; 0 never).
        reopen_within_seconds: A breach this soon after resolution reopens the same alert instead of
            opening a new one (default 1 hour; 0 never).
        severity: How severity is derived (:class:`SeverityBands`).
    """

    min_severity: Severity = Severity.MEDIUM
    m_of_n: MOfN = field(default_factory=MOfN)
    renotify_interval_seconds: int | None = 4 * 3600
    auto_resolve_after: int = 3
    reopen_within_seconds: int = 3600
    severity: SeverityBands = field(default_factory=SeverityBands)

    @classmethod
    def from_dict(cls, data: object) -> AlertPolicy:
        """Read a policy from JSON data; absent fields take their defaults.

        Raises:
            ValidationError: A field is unknown or has a bad value; the message names it.
        """
        data = fields.require_object({} if data is None else data, _PATH)
        fields.reject_unknown(data, _PATH, set(cls.__dataclass_fields__))
        default = cls()
        return cls(
            min_severity=fields.read_severity(data, "min_severity", _PATH, default.min_severity) or Severity.LOW,
            m_of_n=MOfN.from_dict(data.get("m_of_n", {}), f"{_PATH}.m_of_n"),
            renotify_interval_seconds=fields.read_optional_int(
                data, "renotify_interval_seconds", _PATH, default.renotify_interval_seconds, low=1
            ),
            auto_resolve_after=fields.read_int(data, "auto_resolve_after", _PATH, default.auto_resolve_after, low=0),
            reopen_within_seconds=fields.read_int(
                data, "reopen_within_seconds", _PATH, default.reopen_within_seconds, low=0
            ),
            severity=SeverityBands.from_dict(data.get("severity", {}), f"{_PATH}.severity"),
        )

    @classmethod
    def of(cls, settings: dict[str, Any]) -> AlertPolicy:
        """The policy stored in a monitor's settings (defaults when absent)."""
        return cls.from_dict(settings.get("alert_policy"))

    def to_dict(self) -> dict[str, Any]:
        """Return the policy as JSON data that :meth:`from_dict` reads back."""
        bands = self.severity
        return {
            "min_severity": self.min_severity.value,
            "m_of_n": {"m": self.m_of_n.m, "n": self.m_of_n.n},
            "renotify_interval_seconds": self.renotify_interval_seconds,
            "auto_resolve_after": self.auto_resolve_after,
            "reopen_within_seconds": self.reopen_within_seconds,
            "severity": {
                "medium_share": bands.medium_share,
                "high_share": bands.high_share,
                "critical_share": bands.critical_share,
                "strong_p_value_factor": bands.strong_p_value_factor,
                "strong_distance_factor": bands.strong_distance_factor,
                "concept": bands.concept.value,
            },
        }

    def assess(self, detection: DriftDetection) -> Severity:
        """Return the severity of a detection under this policy (rules in the module docstring)."""
        if detection.status is not DetectionStatus.SUCCEEDED:
            return Severity.NONE
        if detection.kind is DetectionKind.CONCEPT:
            return self.severity.concept if detection.is_drift else Severity.NONE
        drifted = [feature for feature in detection.features if feature.get("drift_detected")]
        if not detection.is_drift:
            return Severity.LOW if drifted else Severity.NONE
        bands = self.severity
        share = detection.drift_share
        level = (
            Severity.CRITICAL
            if share >= bands.critical_share
            else Severity.HIGH
            if share >= bands.high_share
            else Severity.MEDIUM
            if share >= bands.medium_share
            else Severity.LOW
        )
        if any(bands.is_strong(feature) for feature in drifted):
            level = list(Severity)[min(level.rank + 1, Severity.CRITICAL.rank)]
        return level

    def breaches(self, severity: Severity) -> bool:
        """Whether a detection of this severity counts as a breach."""
        return severity.rank >= self.min_severity.rank
