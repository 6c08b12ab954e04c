"""What a backtest replays (periods of received rows) and what it reports (each check, and a summary)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import Field

from aumos_drift_detector.core.detections.model import DetectionStatus
from aumos_drift_detector.core.ingest.model import ReceivedBatch
from aumos_drift_detector.core.severity import Severity
from aumos_drift_detector.core.validation import DomainModel


@dataclass(frozen=True, slots=True)
class Period:
    """One period of a history: the rows received in ``[start, end)``, checked at ``end``.

    Attributes:
        start: Start of the period (inclusive).
        end: End of the period (exclusive), when its check runs.
        batches: The rows received in the period, oldest first (the replay ingests each at its receipt time).
    """

    start: datetime
    end: datetime
    batches: tuple[ReceivedBatch, ...]


class BacktestCheck(DomainModel):
    """What the service decided at one replayed check."""

    start: datetime = Field(description="Start of the period (inclusive)")
    end: datetime = Field(description="End of the period (exclusive): when the check ran")
    rows: int = Field(ge=0, description="Rows in the check's current window")
    status: DetectionStatus = Field(description="succeeded, insufficient_data or failed")
    drift_detected: bool = Field(description="The check's dataset verdict")
    alarm: bool = Field(description="Whether a feature's sequential detector crossed its threshold (the budget)")
    severity: Severity = Field(description="The detection's severity under the alert policy")
    alert: bool = Field(description="Whether this check raised an alert (opened one, or reopened a resolved one)")
    drifted_features: tuple[str, ...] = Field(description="The features that drifted at this check")
    error: str | None = Field(default=None, description="Why a check did not succeed")


class BacktestSummary(DomainModel):
    """The replay at a glance."""

    checks: int = Field(ge=0, description="Checks replayed")
    alerts: int = Field(ge=0, description="Alerts raised (opened or reopened)")
    first_alert: datetime | None = Field(description="When the first alert was raised; null: never")
    drifted_checks: int = Field(ge=0, description="Checks whose dataset verdict was drift")
    alarms: int = Field(ge=0, description="Checks that alarmed")
    feature_flags: dict[str, int] = Field(description="For each feature, the checks at which it drifted")
    checks_per_year: float = Field(gt=0, description="The check rate the alert budget was spread over")


class BacktestReport(DomainModel):
    """Every replayed check, oldest first, and the summary."""

    every: str = Field(description="The period: one check at the end of each (30m, 12h, 1d, 7d)")
    checks: tuple[BacktestCheck, ...]
    alerts: int = Field(ge=0, description="Alerts raised (the summary's count)")
    summary: BacktestSummary
