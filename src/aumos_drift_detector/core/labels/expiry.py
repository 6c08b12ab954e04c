"""The periodic pass that expires labels and predictions of monitors that receive nothing new.

Expiry is judged whenever a monitor receives predictions or labels. A monitor whose traffic stopped would
keep its unlabelled predictions, its pending labels and the errors waiting behind them forever; this pass
advances every monitor that has predictions past its watermark or pending labels, each in a unit of work
of its own, so one monitor's failure never stops the others.
"""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from aumos_drift_detector.core.errors import DriftDetectorError
from aumos_drift_detector.core.labels.service import DelayedLabels
from aumos_drift_detector.core.principal import Principal, Role
from aumos_drift_detector.core.unit_of_work import UnitOfWorkFactory

log = structlog.get_logger(__name__)

#: Monitors advanced per pass (the next pass takes the rest).
MONITORS_PER_PASS = 1_000


@dataclass(frozen=True, slots=True)
class ExpiryPass:
    """What one pass did.

    Attributes:
        monitors: Monitors advanced.
        expired_predictions: Predictions dropped unlabelled.
        expired_labels: Pending labels dropped.
        fed: Errors fed to the detectors (those that waited behind an expired prediction).
        failed: Monitors whose advance failed (logged; retried by the next pass).
    """

    monitors: int = 0
    expired_predictions: int = 0
    expired_labels: int = 0
    fed: int = 0
    failed: int = 0


class LabelExpiry:
    """Advances the monitors that wait for labels or predictions, one unit of work each.

    Args:
        uow_factory: Makes the units of work.
        labels: The label join.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, labels: DelayedLabels) -> None:
        self._uow_factory = uow_factory
        self._labels = labels

    async def sweep(self) -> ExpiryPass:
        """Advance every waiting monitor (up to :data:`MONITORS_PER_PASS`) and count what expired."""
        async with self._uow_factory() as uow:
            waiting = await uow.labels.waiting(MONITORS_PER_PASS)
        done = ExpiryPass()
        for tenant_id, monitor_id in waiting:
            principal = Principal("label-expiry", tenant_id, frozenset({Role.OPERATOR}))
            try:
                async with self._uow_factory() as uow:
                    result = await self._labels.advance(uow, principal, monitor_id)
                    await uow.commit()
                self._labels.count("expiry", result)
            except DriftDetectorError as error:
                log.warning("label_expiry_failed", monitor_id=str(monitor_id), error=str(error))
                done = _plus(done, failed=1)
                continue
            done = _plus(
                done,
                monitors=1,
                expired_predictions=result.expired_predictions,
                expired_labels=result.expired_labels,
                fed=result.fed,
            )
        if done.expired_predictions or done.expired_labels or done.failed:
            log.info("label_expiry_pass", **{name: getattr(done, name) for name in ExpiryPass.__slots__})
        return done


def _plus(done: ExpiryPass, **counts: int) -> ExpiryPass:
    return ExpiryPass(**{name: getattr(done, name) + counts.get(name, 0) for name in ExpiryPass.__slots__})
