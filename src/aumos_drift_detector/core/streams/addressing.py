"""The monitors a decoded record goes to: the one it names, or every active monitor of the model it names.

A record may name ``model_id`` and ``model_version`` instead of ``monitor_id``, so a producer that knows only the
deployed model need not know how many monitors watch it. Such a record is applied to each of the tenant's live,
active monitors of that model version, oldest first: its rows are stored for each, its outcome values fed to each
one that has a concept detector. With no such monitor the record is dead-lettered as ``unknown_monitor``; outcomes
for a model whose active monitors have no concept detector as ``rejected``. A batch reads each model version's
monitors once.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.ports import MonitorRepository
from aumos_drift_detector.core.streams.model import DeadLetterReason
from aumos_drift_detector.core.streams.records import ModelVersion, ObservationRecord, OutcomeRecord, RecordError


class MonitorAddressing:
    """Resolves the monitors of the records of one batch, within its unit of work.

    Args:
        monitors: The unit of work's monitor repository.
    """

    def __init__(self, monitors: MonitorRepository) -> None:
        self._monitors = monitors
        self._found: dict[tuple[str, ModelVersion], Sequence[Monitor]] = {}

    async def targets(self, content: ObservationRecord | OutcomeRecord) -> list[uuid.UUID]:
        """The monitors the record goes to, in the order they are applied.

        A monitor named by id is returned as is (whether it exists is checked when the record is applied).

        Raises:
            RecordError: ``unknown_monitor`` when the model version has no active monitor of the tenant;
                ``rejected`` for outcomes when none of them has a concept detector.
        """
        if content.monitor_id is not None:
            return [content.monitor_id]
        if content.model is None:
            raise RecordError(DeadLetterReason.INVALID_RECORD, "monitor_id: required (or model_id and model_version)")
        model = content.model
        key = (content.tenant_id, model)
        if key not in self._found:
            self._found[key] = await self._monitors.active_of_model(
                content.tenant_id, model.model_id, model.model_version
            )
        monitors = self._found[key]
        named = f"model {model.model_id!r} version {model.model_version!r}"
        if not monitors:
            raise RecordError(DeadLetterReason.UNKNOWN_MONITOR, f"model_id: no active monitor of {named}")
        if isinstance(content, OutcomeRecord):
            monitors = [monitor for monitor in monitors if monitor.concept is not None]
            if not monitors:
                raise RecordError(
                    DeadLetterReason.REJECTED, f"model_id: no active monitor of {named} has a concept detector"
                )
        return [monitor.id for monitor in monitors]
