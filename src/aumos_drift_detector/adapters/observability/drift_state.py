"""Gauges of the stored drift state, read from storage when Prometheus scrapes.

The state (each monitor's last verdict, drift share, severity, run duration and largest feature effects,
the open alerts, the scheduler's lag, the outbox backlog) lives in the database, where every replica
sees the same: reading it at scrape time in a few bounded queries (one row per monitor, see
:mod:`aumos_drift_detector.adapters.persistence.drift_state`) keeps the numbers right after a restart or
a run made by another replica, and costs nothing between scrapes. Every replica reports the same values,
so aggregate them with ``max`` (not ``sum``).

Series are bounded: the labels are ``tenant``, ``monitor`` (its id) and ``model``, plus ``feature`` for at
most ``max_features`` features per monitor (the largest effects of its last run; 20 by default) and
``severity`` for the alerts. When storage cannot be read, ``aumos_drift_state_up`` is 0 and the state
gauges are left out of that scrape.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Final

import structlog
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.errors import DriftDetectorError
from aumos_drift_detector.core.events.ports import OutboxLag, OutboxStore
from aumos_drift_detector.core.observability.model import DEFAULT_MAX_FEATURES, DriftState, MonitorState
from aumos_drift_detector.core.observability.ports import DriftStateReader
from aumos_drift_detector.core.severity import Severity

log = structlog.get_logger(__name__)

LABELS = ["tenant", "monitor", "model"]
#: Longest wait for the stored state at a scrape.
READ_TIMEOUT_SECONDS: Final[float] = 5.0


def _labels(monitor: MonitorState) -> list[str]:
    return [monitor.tenant_id, str(monitor.monitor_id), monitor.model_id]


class _Families:
    """The gauge families of one scrape."""

    def __init__(self) -> None:
        def gauge(name: str, documentation: str, labels: list[str] | None = None) -> GaugeMetricFamily:
            return GaugeMetricFamily(f"aumos_drift_{name}", documentation, labels=labels)

        self.drift_share = gauge("monitor_last_drift_share", "Share of drifted features in the last run", LABELS)
        self.verdict = gauge("monitor_last_drift", "1 when the last run found dataset drift, else 0", LABELS)
        self.severity = gauge(
            "monitor_last_severity", "Severity of the last run: 0 none, 1 low, 2 medium, 3 high, 4 critical", LABELS
        )
        self.succeeded = gauge("monitor_last_run_succeeded", "1 when the last run succeeded, else 0", LABELS)
        self.duration = gauge("monitor_last_run_duration_seconds", "How long the last run took", LABELS)
        self.started = gauge("monitor_last_run_timestamp_seconds", "When the last run started (Unix time)", LABELS)
        self.effect = gauge(
            "feature_effect_size",
            "Effect size of a feature in its monitor's last run (the largest ones, at most max_features per monitor)",
            [*LABELS, "feature", "unit"],
        )
        self.alerts = gauge("open_alerts", "Alerts not resolved, per monitor and severity", [*LABELS, "severity"])

    def add(self, monitor: MonitorState) -> None:
        run = monitor.last_run
        if run is None:
            return
        labels = _labels(monitor)
        self.succeeded.add_metric(labels, 1.0 if run.status == "succeeded" else 0.0)
        self.started.add_metric(labels, run.started_at.timestamp())
        if run.duration_seconds is not None:
            self.duration.add_metric(labels, run.duration_seconds)
        if run.status != "succeeded":
            return
        self.drift_share.add_metric(labels, run.drift_share)
        self.verdict.add_metric(labels, 1.0 if run.is_drift else 0.0)
        self.severity.add_metric(labels, float(Severity(run.severity).rank))
        for effect in run.effects:
            self.effect.add_metric([*labels, effect.feature, effect.unit], effect.effect_size)

    def all(self) -> list[GaugeMetricFamily]:
        return [
            self.drift_share, self.verdict, self.severity, self.succeeded, self.duration, self.started, self.effect,
            self.alerts,
        ]  # fmt: skip


class DriftStateCollector(Collector):
    """Reports the stored drift state; :meth:`refresh` reads it, the next :meth:`collect` reports it.

    Args:
        reader: Reads the state from storage.
        outbox: The outbox, for its backlog.
        clock: The time source (scheduler lag, outbox age).
        max_features: Most features reported per monitor.
        timeout_seconds: Longest wait for storage; a slower read reports the state as down, so a scrape never hangs.
    """

    def __init__(
        self,
        reader: DriftStateReader,
        outbox: OutboxStore,
        clock: Clock,
        *,
        max_features: int = DEFAULT_MAX_FEATURES,
        timeout_seconds: float = READ_TIMEOUT_SECONDS,
    ) -> None:
        self._reader = reader
        self._timeout = timeout_seconds
        self._outbox = outbox
        self._clock = clock
        self._max_features = max_features
        self._state: DriftState | None = None
        self._lag: OutboxLag | None = None

    async def refresh(self) -> None:
        """Read the state for the next scrape; on a storage error the next scrape reports it as down."""
        try:
            async with asyncio.timeout(self._timeout):
                self._state = await self._reader.read(max_features=self._max_features)
                self._lag = await self._outbox.lag()
        except DriftDetectorError as exc:
            log.warning("drift_state_unreadable", error=exc.message)
            self._state, self._lag = None, None
        except TimeoutError:
            log.warning("drift_state_unreadable", error=f"no answer within {self._timeout:g}s")
            self._state, self._lag = None, None

    def describe(self) -> list[GaugeMetricFamily]:
        """Nothing: registering must not read storage."""
        return []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """The gauges of the state read by the last :meth:`refresh`."""
        state, lag = self._state, self._lag
        yield GaugeMetricFamily(
            "aumos_drift_state_up", "1 when the last scrape read the stored state", value=1 if state else 0
        )
        if state is None or lag is None:
            return
        now = self._clock.now()
        families = _Families()
        for monitor in state.monitors:
            families.add(monitor)
        for count in state.open_alerts:
            labels = [count.tenant_id, str(count.monitor_id), count.model_id, count.severity]
            families.alerts.add_metric(labels, float(count.count))
        yield from families.all()
        yield GaugeMetricFamily(
            "aumos_drift_scheduler_lag_seconds", "How long the oldest due run has waited (now - oldest due time)",
            value=state.scheduler_lag_seconds(now),
        )  # fmt: skip
        yield GaugeMetricFamily("aumos_drift_outbox_pending", "Events not yet published", value=lag.pending)
        age = 0.0 if lag.oldest_pending_at is None else max((now - lag.oldest_pending_at).total_seconds(), 0.0)
        yield GaugeMetricFamily(
            "aumos_drift_outbox_oldest_pending_age_seconds", "Age of the oldest event not yet published", value=age
        )
