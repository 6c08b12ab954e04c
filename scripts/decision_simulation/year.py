"""A year of daily checks of one monitor: no drift, then the same year with one feature shifted.

Each seed draws a law of ``features`` independent features (:mod:`.synthetic`), a reference of
``reference_rows`` rows and ``rows`` new rows a day; each day the window of the latest ``window_days``
days (1: that day's rows only) is checked through the service's decision path (:mod:`.replay`), for
``days`` days. The naive rules are counted on the same engine
results: a check where some feature's uncorrected p-value is below 0.05, and every such flag.

At ``change_day`` the replay is forked once per shift: the fork sees the same current windows as the
stationary year (the same random numbers) except that the first numerical feature's mean is moved by
``shift`` standard deviations, and runs until its first breach (or the end of the year). The *delay* is
the number of shifted checks up to and including the first check that breaches the alert policy
(1: the first shifted check alerts).
"""

from __future__ import annotations

import copy
from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np

from decision_simulation.replay import CheckRecord, MonitorReplay, make_monitor
from decision_simulation.synthetic import Law, draw, make_law


@dataclass(frozen=True, slots=True)
class YearConfig:
    """Sizes of the simulated year."""

    seed: int = 20261102
    features: int = 50
    reference_rows: int = 20_000
    rows: int = 1_000
    days: int = 365
    change_day: int = 200
    shifts: tuple[float, ...] = (0.3, 0.1)
    window_days: int = 1


class Window:
    """The monitor's current window: the rows of the latest ``days`` days (its ``last_rows`` cap)."""

    def __init__(self, days: int) -> None:
        self._days: deque[dict[str, np.ndarray]] = deque(maxlen=days)

    def push(self, day: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Add a day's rows; the window to check."""
        self._days.append(day)
        if len(self._days) == 1:
            return day
        return {name: np.concatenate([rows[name] for rows in self._days]) for name in day}


def _stationary(records: list[CheckRecord], change_day: int) -> dict[str, Any]:
    return {
        "alerts": sum(record.new_alert for record in records),
        "alert_days": [day for day, record in enumerate(records, start=1) if record.new_alert],
        "alerts_before_change": sum(record.new_alert for record in records[: change_day - 1]),
        "breaches": sum(record.breach for record in records),
        "alarms": sum(record.alarm for record in records),
        "verdicts": sum(record.verdict for record in records),
        "naive_checks": sum(record.raw_flags > 0 for record in records),
        "naive_flags": sum(record.raw_flags for record in records),
    }


def _follow_shift(
    replay: MonitorReplay, rng: np.random.Generator, window: Window, law: Law, shift: float, config: YearConfig
) -> dict[str, Any]:
    """Check shifted windows until the first breach; the delays in shifted checks (``None``: never)."""
    moved = {law.numerical[0]: shift}
    first_alarm: int | None = None
    delay: int | None = None
    severity = None
    for count in range(1, config.days - config.change_day + 2):
        record = replay.check(window.push(draw(law, config.rows, rng, moved)))
        if record.alarm and first_alarm is None:
            first_alarm = count
        if record.breach:
            delay, severity = count, record.severity
            break
    replay.close()
    horizon = config.days - config.change_day + 1
    return {"delay": delay, "alarm_delay": first_alarm, "severity": severity, "horizon": horizon}


def run_year(config: YearConfig, seed_index: int) -> dict[str, Any]:
    """One seed of the year: the stationary counts and, for each shift, its delays."""
    rng = np.random.default_rng([config.seed, seed_index])
    law = make_law(config.features, rng)
    monitor = make_monitor(law.kinds, window_rows=config.rows * config.window_days)
    replay = MonitorReplay.start(monitor, draw(law, config.reference_rows, rng))
    window = Window(config.window_days)
    records: list[CheckRecord] = []
    forks: dict[float, tuple[MonitorReplay, np.random.Generator, Window]] = {}
    for day in range(1, config.days + 1):
        if day == config.change_day:
            forks = {shift: (replay.fork(), copy.deepcopy(rng), copy.deepcopy(window)) for shift in config.shifts}
        records.append(replay.check(window.push(draw(law, config.rows, rng))))
    replay.close()
    result = _stationary(records, config.change_day)
    result["shifts"] = {repr(shift): _follow_shift(*fork, law, shift, config) for shift, fork in forks.items()}
    result["seed"] = seed_index
    return result
