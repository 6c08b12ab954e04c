"""The drift state a metrics scrape reads from storage: bounded, one entry per monitor."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Final

#: Most features per monitor whose effect size is reported (the largest effects of the last run).
DEFAULT_MAX_FEATURES: Final[int] = 20


@dataclass(frozen=True, slots=True)
class FeatureEffect:
    """One feature's effect size in a run.

    Attributes:
        feature: The feature's name.
        effect_size: How far it moved (in ``unit``).
        unit: ``reference_sd`` for numbers, ``total_variation`` for categories.
    """

    feature: str
    effect_size: float
    unit: str


@dataclass(frozen=True, slots=True)
class LastRun:
    """A monitor's last statistical run.

    Attributes:
        status: ``succeeded``, ``failed`` or ``insufficient_data``.
        is_drift: The dataset verdict (false unless the run succeeded).
        drift_share: The importance-weighted share of drifted features.
        severity: The run's severity.
        started_at: When the run started.
        finished_at: When it finished (``None`` while unknown).
        effects: The largest feature effects, at most the reader's ``max_features``, largest first.
    """

    status: str
    is_drift: bool
    drift_share: float
    severity: str
    started_at: datetime
    finished_at: datetime | None
    effects: tuple[FeatureEffect, ...]

    @property
    def duration_seconds(self) -> float | None:
        """How long the run took, when it finished."""
        return None if self.finished_at is None else (self.finished_at - self.started_at).total_seconds()


@dataclass(frozen=True, slots=True)
class MonitorState:
    """A monitor and its last statistical run.

    Attributes:
        tenant_id: The monitor's tenant.
        monitor_id: The monitor.
        model_id: The model it watches.
        last_run: Its last statistical run, ``None`` before the first.
    """

    tenant_id: str
    monitor_id: uuid.UUID
    model_id: str
    last_run: LastRun | None


@dataclass(frozen=True, slots=True)
class OpenAlertCount:
    """How many alerts of one monitor and severity are not resolved (open, acknowledged or snoozed)."""

    tenant_id: str
    monitor_id: uuid.UUID
    model_id: str
    severity: str
    count: int


@dataclass(frozen=True, slots=True)
class DriftState:
    """What storage holds about the monitors at one moment.

    Attributes:
        monitors: Every monitor that is not deleted.
        open_alerts: Alert counts per monitor and severity (only those with some).
        oldest_due_at: The earliest ``next_run_at`` of the active scheduled monitors.
    """

    monitors: tuple[MonitorState, ...]
    open_alerts: tuple[OpenAlertCount, ...]
    oldest_due_at: datetime | None

    def scheduler_lag_seconds(self, now: datetime) -> float:
        """How long the oldest due run has been waiting (0 when none is due).

        >>> from datetime import UTC
        >>> state = DriftState((), (), datetime(2026, 1, 1, 12, tzinfo=UTC))
        >>> state.scheduler_lag_seconds(datetime(2026, 1, 1, 12, 1, tzinfo=UTC))
        60.0
        >>> state.scheduler_lag_seconds(datetime(2026, 1, 1, 11, tzinfo=UTC))
        0.0
        """
        if self.oldest_due_at is None:
            return 0.0
        return max((now - self.oldest_due_at).total_seconds(), 0.0)


def largest_effects(features: list[object], limit: int) -> tuple[FeatureEffect, ...]:
    """The ``limit`` largest effect sizes of a run's stored features, largest first (ties by name).

    >>> largest_effects([{"name": "a", "effect_size": 0.1, "effect_unit": "reference_sd"},
    ...                  {"name": "b", "effect_size": 0.7, "effect_unit": "reference_sd"},
    ...                  {"name": "c", "effect_size": None}], 1)
    (FeatureEffect(feature='b', effect_size=0.7, unit='reference_sd'),)
    """
    effects = [
        FeatureEffect(str(item["name"]), float(item["effect_size"]), str(item.get("effect_unit") or "none"))
        for item in features
        if isinstance(item, dict) and isinstance(item.get("effect_size"), int | float) and "name" in item
    ]
    effects.sort(key=lambda effect: (-effect.effect_size, effect.feature))
    return tuple(effects[:limit])
