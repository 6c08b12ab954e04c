"""The alert budget over time: one e-detector per feature, thresholds that split the budget.

Each feature keeps an *e-CUSUM* level (Shin, Ramdas & Rinaldo 2022, "E-detectors: a nonparametric
framework for sequential change detection", the CUSUM e-detector), kept as a logarithm::

    L_t = log e_t + max(L_{t−1}, 0)            L_0 = 0

and alarms when ``L_t ≥ log A`` for its threshold ``A``; after an alarm the feature's level restarts
at 0. Under no drift, when each check's e-value has expectation at most 1 given the past, the average
run length to a false alarm is at least ``A`` checks, so in the long run a feature alarms falsely at
most once every ``A`` checks. A persistent shift raises ``log e_t`` above 0 on average, and the level
climbs until it crosses: small shifts are found by accumulation, large ones at the first check.

**Splitting the budget.** A monitor tolerates ``B`` false alerts per year and runs ``C`` checks per
year (from its schedule). Feature ``i`` with importance ``w_i`` gets the threshold::

    A_i = (C / B) · (Σ_j w_j) / w_i

so the features' false-alarm rates add up to at most ``Σ_i 1/A_i = B / C`` per check, i.e. ``B`` per
year (a union bound over features; a weighted Bonferroni split of the budget). Important features get
lower thresholds and are detected sooner.

**Two alarms per feature.** Each feature's share ``1/A_i`` is split in halves (a union bound again): its
e-detector alarms at ``2·A_i``, and the check's own p-value alarms when ``p ≤ 1/(2·A_i)``
(:func:`one_check_alarms`; under no drift a valid p-value does so with probability at most
``1/(2·A_i)``). The e-value of one p-value costs about a factor ``(ln p)²`` against the p-value itself,
so a large shift seen once would otherwise need ``p`` near ``10⁻⁶`` to alarm at a daily monitor's first
check; the one-check alarm finds it at ``p ≤ 1/(2·A_i)``, while the detector still accumulates small
shifts, at the price of a threshold twice as high.

Checks of one monitor share its reference data, so their p-values are not exactly independent under
no drift; with a reference much larger than the current window the effect is small, and the
simulations in ``docs/decisions.md`` measure the false alerts per year that result.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

#: Checks per year assumed for a monitor that runs on demand only.
DEFAULT_CHECKS_PER_YEAR: Final[float] = 365.0

#: Log of 2: each of a feature's two alarms gets half of its share of the budget.
HALF_SHARE: Final[float] = math.log(2.0)


def log_thresholds(
    weights: Mapping[str, float], *, checks_per_year: float, budget: float, extra_weight: float = 0.0
) -> dict[str, float]:
    """The log threshold of each feature's detector, splitting the budget by importance.

    Args:
        weights: Importance of each feature (positive).
        checks_per_year: How often the monitor is checked.
        budget: False alerts per year the monitor tolerates under no drift.
        extra_weight: The weight of a member of the split that is not a feature (the monitor's
            multivariate tests, :func:`share_level`); 0 for none.

    >>> {name: round(math.exp(value)) for name, value in log_thresholds({"a": 1.0, "b": 3.0},
    ...  checks_per_year=365, budget=1).items()}
    {'a': 1460, 'b': 487}
    """
    total = math.fsum(weights.values()) + extra_weight
    scale = math.log(checks_per_year / budget)
    return {name: scale + math.log(total / weight) for name, weight in weights.items()}


def share_level(weight: float, total_weight: float, *, checks_per_year: float, budget: float) -> float:
    """The per-check false-alarm share of one member of the split: ``1/A = (w / Σw) · (B / C)``.

    A member without a sequential detector (the multivariate tests) spends its whole share on the
    check's own p-value: it alarms when ``p ≤ 1/A``.

    >>> round(share_level(1.0, 4.0, checks_per_year=365, budget=1), 7)
    0.0006849
    """
    return (weight / total_weight) * (budget / checks_per_year)


@dataclass(frozen=True, slots=True)
class DetectorStep:
    """One feature's detector after one check.

    Attributes:
        log_e_value: Log of the check's e-value (``-inf`` for an e-value of 0).
        level: The detector's log level after the check (before a restart).
        log_threshold: The level at which it alarms.
        alarm: Whether it alarmed at this check (crossed the threshold, or the p-value alone alarmed).
        at_once: Whether the check's own p-value alarmed (:func:`one_check_alarms`).
    """

    log_e_value: float
    level: float
    log_threshold: float
    alarm: bool
    at_once: bool = False


def advance(
    levels: Mapping[str, float], e_values: Mapping[str, float], log_thresholds_: Mapping[str, float]
) -> tuple[dict[str, float], dict[str, DetectorStep]]:
    """Advance every feature's detector by one check.

    Args:
        levels: Each feature's log level before the check (absent: a new feature, level 0).
        e_values: The check's e-value of each feature that has evidence (others keep their level).
        log_thresholds_: Each feature's log threshold.

    Returns:
        The levels after the check (a level below 0 counts as 0; 0 for a feature that alarmed) and each
        evidenced feature's step.
    """
    after = {name: level for name, level in levels.items() if name in log_thresholds_}
    steps: dict[str, DetectorStep] = {}
    for name, e_value in e_values.items():
        log_e = math.log(e_value) if e_value > 0 else -math.inf
        level = log_e + max(after.get(name, 0.0), 0.0)
        alarm = level >= log_thresholds_[name]
        steps[name] = DetectorStep(log_e, level, log_thresholds_[name], alarm)
        after[name] = 0.0 if alarm else max(level, 0.0)
    return after, steps


def halved(log_thresholds_: Mapping[str, float]) -> dict[str, float]:
    """The log thresholds of each feature's two alarms: twice its threshold, for half its share of the budget."""
    return {name: value + HALF_SHARE for name, value in log_thresholds_.items()}


def one_check_alarms(p_values: Mapping[str, float], log_halves: Mapping[str, float]) -> frozenset[str]:
    """The features whose p-value at this check alone alarms: ``p ≤ 1/(2·A)`` (``log_halves`` is ``log 2A``).

    >>> sorted(one_check_alarms({"a": 1e-4, "b": 1e-3}, halved({"a": math.log(1000), "b": math.log(1000)})))
    ['a']
    """
    return frozenset(name for name, p in p_values.items() if p <= 0 or math.log(p) <= -log_halves[name])
