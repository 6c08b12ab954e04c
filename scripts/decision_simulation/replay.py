"""A monitor checked again and again through the service's own decision path, on the in-memory storage.

Each check runs the statistical engine exactly as ``RunService`` does (the monitor's feature specs,
dataset rule and correction), then hands the detection to ``RunService.store``: the decision under the
monitor's rules (``judge_detection`` with the sequential detectors' state carried from check to check),
severity, and the alert lifecycle (an open alert absorbs further breaches and resolves after the
policy's healthy checks). The replay records what each check decided and which alerts it opened.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from aumos_drift_detector.adapters.scheduling.croniter_calendar import CroniterCalendar
from aumos_drift_detector.core.alerts.model import AlertAction
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.decisions.default_tests import check_specs
from aumos_drift_detector.core.detections.model import DetectionStatus, RunTrigger, StatisticalDetection
from aumos_drift_detector.core.detections.outcome import DetectionOutcomeHandler
from aumos_drift_detector.core.detections.results import feature_result
from aumos_drift_detector.core.detections.runs import RunService
from aumos_drift_detector.core.ingest.service import feature_specs
from aumos_drift_detector.core.monitors.config import FeatureConfig, WindowSpec
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.statistical import DatasetDriftResult, ReferenceProfile, evaluate
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage

T0 = datetime(2026, 1, 1, 6, 0, tzinfo=UTC)
#: Time between checks: the monitors are checked daily.
EVERY = timedelta(days=1)
#: Detections kept in the storage: the alert lifecycle reads only the newest few (``m_of_n.n``).
KEEP_DETECTIONS = 16
#: Alert actions that page people for a new episode (a reopened alert counts as a new one).
NEW_ALERT = frozenset({AlertAction.OPENED, AlertAction.REOPENED})


def make_monitor(features: Mapping[str, str], *, window_rows: int | None = None) -> Monitor:
    """A monitor of the given features (name to kind) with every policy at its default.

    Args:
        features: Each feature's name and kind (``numerical``, ``categorical``, ``binary`` or ``auto``).
        window_rows: The window's row cap; ``None`` keeps the default window.
    """
    window = WindowSpec() if window_rows is None else WindowSpec(last_rows=window_rows, min_rows=min(30, window_rows))
    return Monitor(
        id=uuid.uuid4(),
        tenant_id="simulation",
        name="simulation",
        model_id="model",
        model_version="1",
        features=tuple(FeatureConfig(name=name, kind=kind) for name, kind in features.items()),  # type: ignore[arg-type]
        window=window,
        created_at=T0,
        updated_at=T0,
    )


@dataclass(frozen=True, slots=True)
class CheckRecord:
    """What one check found and decided.

    Attributes:
        raw_flags: Features whose uncorrected p-value was below 0.05 (the naive per-feature rule).
        verdict: The service's per-check dataset verdict (corrected tests, effect floors, dataset rule).
        alarm: Whether a feature's sequential detector alarmed.
        severity: The detection's severity.
        breach: Whether the detection breached the alert policy.
        new_alert: Whether the check opened (or reopened) an alert.
        drifted: Names of the features that drifted at this check.
    """

    raw_flags: int
    verdict: bool
    alarm: bool
    severity: str
    breach: bool
    new_alert: bool
    drifted: tuple[str, ...]


class MonitorReplay:
    """One monitor, its reference profile and its storage, checked once per call of :meth:`check`.

    Build one with :meth:`start`; :meth:`fork` copies a replay (storage, detectors' state, open alerts)
    so that two futures can be followed from the same past.

    Args:
        monitor: The monitor (its policies decide).
        profile: Its reference profile.
        reference_rows: Rows of the reference data.
        storage: The storage holding the monitor, its detections, alerts and detectors' state.
        now: Time of the previous check.
    """

    def __init__(
        self, monitor: Monitor, profile: ReferenceProfile, reference_rows: int, storage: InMemoryStorage, now: datetime
    ) -> None:
        self.monitor = monitor
        self.profile = profile
        self.specs = check_specs(monitor, profile)
        self.reference_rows = reference_rows
        self.storage = storage
        self.clock = FixedClock(now)
        handler = DetectionOutcomeHandler(self.clock)
        self.runs = RunService(storage.unit_of_work, self.clock, handler, CroniterCalendar())
        # A plain event loop: asyncio.Runner.run formats the repr of each result (a whole detection) on return.
        self._loop = asyncio.new_event_loop()
        self._events_seen = len(storage.alert_events)

    @classmethod
    def start(cls, monitor: Monitor, reference: Mapping[str, np.ndarray]) -> MonitorReplay:
        """A new monitor with its reference data profiled as the service profiles an upload."""
        profile = ReferenceProfile.from_data(reference, feature_specs(monitor), max_workers=1)
        replay = cls(monitor, profile, len(next(iter(reference.values()))), InMemoryStorage(), T0)
        replay._loop.run_until_complete(replay._add_monitor())
        return replay

    def fork(self) -> MonitorReplay:
        """An independent copy of this replay: same monitor, profile, detectors' state and alerts."""
        storage = InMemoryStorage()
        for name, table in vars(self.storage).items():
            if isinstance(table, dict) and name != "locks":
                getattr(storage, name).update(copy.deepcopy(table))
        return MonitorReplay(self.monitor, self.profile, self.reference_rows, storage, self.clock.now())

    async def _add_monitor(self) -> None:
        async with self.storage.unit_of_work() as uow:
            await uow.monitors.add(self.monitor)
            await uow.commit()

    def close(self) -> None:
        """Close the replay's event loop."""
        self._loop.close()

    def evaluate(self, current: Mapping[str, np.ndarray]) -> DatasetDriftResult:
        """The engine's result for a current window, as the service's run computes it."""
        rule = self.monitor.dataset_rule
        return evaluate(
            self.profile,
            current,
            features=self.specs,
            drift_share=rule.drift_share,
            correction=rule.correction.engine_name,
            max_workers=1,
        )

    def check(self, current: Mapping[str, np.ndarray]) -> CheckRecord:
        """Run one check of a current window a day after the previous one; store it with its consequences."""
        self.clock.advance(EVERY)
        result = self.evaluate(current)
        detection = self._detection(result, rows=len(next(iter(current.values()))))
        decided = self._loop.run_until_complete(self.runs.store(self.monitor, detection, None))
        self._prune()
        return CheckRecord(
            raw_flags=sum(
                1 for item in result.features if item.result.p_value is not None and item.result.p_value < 0.05
            ),
            verdict=decided.is_drift,
            alarm=decided.alarm,
            severity=decided.severity.value,
            breach=self.monitor.alert_policy.breaches(decided),
            new_alert=self._new_alert(),
            drifted=tuple(feature.name for feature in decided.features if feature.drift_detected),
        )

    def _detection(self, result: DatasetDriftResult, *, rows: int) -> StatisticalDetection:
        """The engine's result as the run records it (``RunService`` builds it the same way), not yet decided."""
        base = self.runs.failed(self.monitor, RunTrigger.SCHEDULE, self.clock.now(), "")
        summary = base.summary.model_copy(
            update={
                "reference_version": 1,
                "reference_rows": self.reference_rows,
                "current_rows": rows,
                "current_batches": 1,
                "n_drifted": result.n_drifted,
                "n_features": result.n_features,
            }
        )
        return dataclasses.replace(
            base,
            status=DetectionStatus.SUCCEEDED,
            error=None,
            is_drift=result.drift_detected,
            drift_share=result.share_drifted,
            features=tuple(feature_result(item) for item in result.features),
            summary=summary,
        )

    def _new_alert(self) -> bool:
        events = list(self.storage.alert_events.values())[self._events_seen :]
        self._events_seen += len(events)
        return any(event.action in NEW_ALERT for event in events)

    def _prune(self) -> None:
        detections = self.storage.detections
        if len(detections) > 2 * KEEP_DETECTIONS:
            for key in list(detections)[: len(detections) - KEEP_DETECTIONS]:
                del detections[key]
