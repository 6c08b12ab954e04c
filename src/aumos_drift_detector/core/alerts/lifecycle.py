"""The alert state machine: which manual transitions are allowed, and how alerts are keyed.

::

              breach (M of N)                 acknowledge
    (none) ───────────────────▶ open ───────────────────────▶ acknowledged
                                 │  ▲  ╲ snooze(until)            │  snooze(until)
                                 │  │   ╲───────────▶ snoozed ◀───┘
                                 │  │ breach after until   │  acknowledge
                                 │  └──────────────────────┘
                                 │ resolve (note) or K healthy runs        (from any unresolved state)
                                 ▼
                              resolved ── breach within reopen window ──▶ open (same alert)

A breach while an alert is unresolved never opens a second alert: the dedup key (tenant, monitor,
signal, feature — not severity) finds the open one, which absorbs the breach (``occurrences``,
``last_seen_at``) and escalates in place when the new severity is higher.
"""

from __future__ import annotations

import uuid

from aumos_drift_detector.core.alerts.model import AlertAction, AlertSignal, AlertStatus, DriftAlert
from aumos_drift_detector.core.errors import ConflictError

#: Manual actions, the status each leads to, and the statuses it may start from.
MANUAL_TRANSITIONS: dict[AlertAction, tuple[AlertStatus, frozenset[AlertStatus]]] = {
    AlertAction.ACKNOWLEDGED: (AlertStatus.ACKNOWLEDGED, frozenset({AlertStatus.OPEN, AlertStatus.SNOOZED})),
    AlertAction.SNOOZED: (
        AlertStatus.SNOOZED,
        frozenset({AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.SNOOZED}),
    ),
    AlertAction.RESOLVED: (
        AlertStatus.RESOLVED,
        frozenset({AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.SNOOZED}),
    ),
}

#: The ``feature`` part of the dedup key of a dataset-level alert.
DATASET_FEATURE = "*"


def dedup_key(tenant_id: str, monitor_id: uuid.UUID, signal: AlertSignal, feature: str | None) -> str:
    """Return the key that groups repeated breaches into one alert.

    >>> dedup_key("acme", uuid.UUID(int=7), AlertSignal.CONCEPT, None)
    'acme:00000000-0000-0000-0000-000000000007:concept:*'
    """
    return f"{tenant_id}:{monitor_id}:{signal.value}:{feature or DATASET_FEATURE}"


def target_status(alert: DriftAlert, action: AlertAction) -> AlertStatus:
    """Return the status a manual action leads to.

    Raises:
        ConflictError: The action is not allowed from the alert's current status.
    """
    target, sources = MANUAL_TRANSITIONS[action]
    if alert.status not in sources:
        raise ConflictError(
            f"alert {alert.id} is {alert.status.value}: it cannot be {action.value}",
            details={"alert_id": str(alert.id), "status": alert.status.value, "action": action.value},
        )
    return target
