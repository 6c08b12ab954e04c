"""Coalescing the decoded records of one polled batch per monitor, in the order they were read.

Storing each record as its own batch costs a monitor lookup, a table write and a database round trip per
record, and a detector checkpoint load and save per outcome record. Grouping the good records of a batch
by tenant, monitor and kind lets the batch store one observation batch per monitor (all its records' rows,
in order) and feed one detector call per monitor (all its records' values, in order). A monitor's records
keep their order within the group, and the keys keep one monitor on one partition, so its detector sees
the values in partition order.

>>> from aumos_drift_detector.core.streams.model import StreamRecord
>>> mid = uuid.UUID("7c9e6679-7425-40de-944b-e07fc1f90ae7")
>>> one = Decoded(StreamRecord("o", 0, 0, None, None), OutcomeRecord("acme", mid, [0.0]), mid)
>>> two = Decoded(StreamRecord("o", 0, 1, None, None), OutcomeRecord("acme", mid, [1.0, 1.0]), mid)
>>> [group.values() for group in grouped([one, two])]
[[0.0, 1.0, 1.0]]
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from aumos_drift_detector.core.streams.model import StreamRecord
from aumos_drift_detector.core.streams.records import ObservationRecord, OutcomeRecord


@dataclass(frozen=True, slots=True)
class Decoded:
    """A record read from a topic, the content it decoded to, and the monitor it is applied to.

    A record addressed to a model version is one ``Decoded`` per active monitor of that version.
    """

    record: StreamRecord
    content: ObservationRecord | OutcomeRecord
    monitor_id: uuid.UUID


@dataclass(slots=True)
class MonitorGroup:
    """The good records of one kind for one monitor of one tenant, in the order they were read.

    Attributes:
        tenant_id: The tenant named by the records.
        monitor_id: The monitor named by the records.
        observations: Whether the records carry rows (else outcome values or labels).
        labelled: Whether the records carry labels (else rows or outcome values).
        members: The records, oldest first.
    """

    tenant_id: str
    monitor_id: uuid.UUID
    observations: bool
    labelled: bool = False
    members: list[Decoded] = field(default_factory=list)

    @property
    def records(self) -> list[StreamRecord]:
        """The records as read."""
        return [member.record for member in self.members]

    def rows(self, members: Sequence[Decoded] | None = None) -> list[object]:
        """The rows of the members (all of them by default), in order."""
        chosen = self.members if members is None else members
        return [
            row for member in chosen if isinstance(member.content, ObservationRecord) for row in member.content.rows
        ]

    def values(self) -> list[float]:
        """The outcome values of all members, in order."""
        return [
            value
            for member in self.members
            if isinstance(member.content, OutcomeRecord)
            for value in member.content.values
        ]

    def labels(self) -> list[object]:
        """The labels of all members, in order, as ``{"inference_id": …, "label": …}`` objects."""
        return [
            label
            for member in self.members
            if isinstance(member.content, OutcomeRecord)
            for label in label_items(member.content.labels)
        ]


def label_items(labels: Iterable[tuple[str, object]]) -> list[object]:
    """Labels as the objects the label join reads."""
    return [{"inference_id": inference_id, "label": label} for inference_id, label in labels]


def grouped(decoded: Iterable[Decoded]) -> list[MonitorGroup]:
    """Group decoded records by tenant, monitor and kind (rows, values, labels); groups in the order of their first."""
    groups: dict[tuple[str, uuid.UUID, bool, bool], MonitorGroup] = {}
    for item in decoded:
        content = item.content
        labelled = isinstance(content, OutcomeRecord) and bool(content.labels) and not content.values
        key = (content.tenant_id, item.monitor_id, isinstance(content, ObservationRecord), labelled)
        group = groups.get(key)
        if group is None:
            group = groups[key] = MonitorGroup(*key)
        group.members.append(item)
    return list(groups.values())


def covers(member: Decoded, features: Sequence[str]) -> bool:
    """Whether every declared feature is a key of at least one of the member's rows.

    A record whose rows never name a feature would be refused on its own (the column is missing), but would
    pass in a coalesced table where other records fill that column: such a record is applied alone.
    """
    content = member.content
    if not isinstance(content, ObservationRecord):
        return False
    named: set[object] = set()
    for row in content.rows:
        if isinstance(row, dict):
            named.update(row)
    return named.issuperset(features)
