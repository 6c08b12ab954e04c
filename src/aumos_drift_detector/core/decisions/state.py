"""The stored state of a monitor's sequential detectors, one level per feature."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionState:
    """A monitor's detector levels after its latest check.

    Attributes:
        monitor_id: The monitor.
        tenant_id: Owning tenant.
        reference_version: The reference the evidence was gathered against; a new reference restarts it.
        levels: Each feature's log level (levels below 0 act as 0).
        checks: Checks that advanced the detectors since the last restart.
        alarms: Alarms raised since the last restart.
        updated_at: Time of the latest check.
    """

    monitor_id: uuid.UUID
    tenant_id: str
    reference_version: int
    levels: Mapping[str, float] = field(default_factory=dict)
    checks: int = 0
    alarms: int = 0
    updated_at: datetime
