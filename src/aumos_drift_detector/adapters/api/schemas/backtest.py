"""Request and response bodies of a monitor's backtest (``POST /monitors/{id}/backtest``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from aumos_drift_detector.adapters.api.schemas.fields import Instant
from aumos_drift_detector.core.backtest.model import BacktestCheck, BacktestReport, BacktestSummary
from aumos_drift_detector.core.backtest.period import parse_period
from aumos_drift_detector.core.backtest.service import BacktestRequest
from aumos_drift_detector.core.errors import ValidationError


class BacktestIn(BaseModel):
    """Which stored observations to replay, and how often to check them."""

    model_config = ConfigDict(extra="forbid")

    every: str = Field(
        max_length=20,
        examples=["1d"],
        description="One check at the end of each period: a whole number and a unit (m, h, d, w), such as 30m, "
        "12h, 1d or 7d; between 1m and 366d",
    )
    since: Instant | None = Field(
        default=None,
        description="Replay the batches received at or after this instant; null: from the first stored batch, "
        "the first period aligned on the clock",
    )
    until: Instant | None = Field(
        default=None, description="Replay the batches received before this instant; null: through the last one"
    )

    @field_validator("every")
    @classmethod
    def _a_period(cls, every: str) -> str:
        try:
            parse_period(every)
        except ValidationError as exc:
            raise ValueError(exc.message.removeprefix("every: ")) from None
        return every

    def request(self) -> BacktestRequest:
        """The use case's input."""
        return BacktestRequest(every=parse_period(self.every), since=self.since, until=self.until)


class BacktestOut(BaseModel):
    """What the monitor's rules would have decided over its stored history: each check, and the summary."""

    every: str = Field(description="The period: one check at the end of each")
    checks: list[BacktestCheck] = Field(description="Every replayed check, oldest first")
    alerts: int = Field(description="Alerts raised (opened, or reopened after resolution)")
    summary: BacktestSummary

    @classmethod
    def of(cls, report: BacktestReport) -> BacktestOut:
        """Render a core report."""
        return cls(every=report.every, checks=list(report.checks), alerts=report.alerts, summary=report.summary)
