"""The stored state of a monitor's concept-drift detector."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class ConceptCheckpoint:
    """The stored state of a monitor's concept-drift detector.

    Attributes:
        monitor_id: The monitor.
        tenant_id: Owning tenant.
        detector: Detector class name, e.g. ``"ADWIN"``.
        state: The detector's ``to_state()`` document.
        recent_keys: Idempotency keys of the latest outcome batches (newest last).
        updated_at: Time of the last update.
    """

    monitor_id: uuid.UUID
    tenant_id: str
    detector: str
    state: dict[str, Any]
    recent_keys: list[str]
    updated_at: datetime
