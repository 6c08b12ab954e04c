"""Applying one polled batch of stream records exactly once.

The records of a batch and the next offset of each of their partitions are written in one unit of
work, so the database holds either both or neither: a consumer that dies anywhere resumes from the
stored offsets and neither loses nor repeats a record. Records at offsets below the stored one (read
again because a consumer had not yet seeked) are skipped. Each offset is advanced only if it is still
the one this batch started from, so a consumer that lost its partitions to another cannot commit.

A record that cannot be applied (not JSON, a wrong type, an unknown monitor or tenant, rows or values
the use cases refuse) goes to the dead-letter topic and its offset advances with the good records of the
batch: every check runs before anything of that record is staged, so a refused record never undoes the
others. The dead letters are delivered before the commit: a crash between the two sends a letter twice
on the retry, never loses one.

The good records of a batch are coalesced per monitor (:mod:`.grouping`): one observation batch holding
the rows of all of a monitor's records, one detector call with all of its values, so one checkpoint load
and save. Each record is decoded and checked on its own first; when a monitor's coalesced rows or values
are refused as a whole, its records are applied one by one, so a bad record is dead-lettered alone and
never takes the good records of its batch with it.

Observation rows that carry ``inference_id`` and ``prediction`` are also stored as predictions for the
monitors that join delayed labels, and outcome records may carry ``labels`` instead of values
(:mod:`aumos_drift_detector.core.labels`): the joins, pending labels and errors fed are staged in the
batch's unit of work, so they too are applied exactly once with the offsets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import structlog

from aumos_drift_detector.core.errors import ConflictError, NotFoundError, ValidationError
from aumos_drift_detector.core.ingest.service import DatasetService
from aumos_drift_detector.core.labels.model import JoinResult
from aumos_drift_detector.core.labels.service import DelayedLabels
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.outcomes.service import ConceptMonitoring
from aumos_drift_detector.core.principal import Principal, Role
from aumos_drift_detector.core.streams.addressing import MonitorAddressing
from aumos_drift_detector.core.streams.grouping import Decoded, MonitorGroup, covers, grouped, label_items
from aumos_drift_detector.core.streams.model import (
    BatchResult,
    DeadLetter,
    DeadLetterReason,
    Partition,
    StreamKind,
    StreamRecord,
)
from aumos_drift_detector.core.streams.ports import DeadLetterSink, RecordDecoder, RowsReader
from aumos_drift_detector.core.streams.records import ObservationRecord, RecordError, json_record
from aumos_drift_detector.core.unit_of_work import UnitOfWork, UnitOfWorkFactory

log = structlog.get_logger(__name__)

NO_LABELS = "this consumer joins no labels"


@dataclass(slots=True)
class _Tally:
    applied: int = 0
    rows: int = 0
    outcomes: int = 0
    skipped: int = 0
    joined: int = 0
    unknown: int = 0
    expired: int = 0
    joins: list[JoinResult] = field(default_factory=list)

    def join(self, result: JoinResult) -> None:
        """Count what a label join did."""
        self.joins.append(result)
        self.joined += result.joined
        self.unknown += result.unknown
        self.expired += result.expired_predictions


class StreamIngest:
    """Applies batches of records of the observation and outcome topics for one consumer group.

    Args:
        uow_factory: Makes the unit of work of each batch.
        datasets: Stores production rows (the REST path's rules).
        concept: Feeds outcomes to concept detectors (the REST path's rules).
        dead_letters: Where refused records go.
        read_rows: Reads the rows of an observation record like a JSON upload.
        group: The consumer group whose offsets are stored.
        topics: What each consumed topic carries.
        labels: Joins delayed labels to stored predictions (without it, label records are dead-lettered).
        decode: Decodes each record (JSON only by default).
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        datasets: DatasetService,
        concept: ConceptMonitoring,
        dead_letters: DeadLetterSink,
        read_rows: RowsReader,
        *,
        group: str,
        topics: Mapping[str, StreamKind],
        labels: DelayedLabels | None = None,
        decode: RecordDecoder = json_record,
    ) -> None:
        self._uow_factory = uow_factory
        self._datasets = datasets
        self._concept = concept
        self._dead_letters = dead_letters
        self._read_rows = read_rows
        self._labels = labels
        self.group = group
        self.topics = dict(topics)
        self._decode = decode

    async def positions(self, partitions: Sequence[Partition]) -> dict[Partition, int]:
        """The stored next offsets of those partitions that have one (where a consumer seeks on assignment)."""
        async with self._uow_factory() as uow:
            return await uow.consumer_offsets.positions(self.group, partitions)

    async def apply(self, records: Sequence[StreamRecord]) -> BatchResult:
        """Apply a batch: store its good records, dead-letter the bad ones, advance the offsets; one commit.

        Raises:
            ConflictError: Another consumer advanced one of the partitions meanwhile (nothing is committed).
            StorageError: The database failed (nothing is committed).
            PublishError: A dead letter was not delivered (nothing is committed).
        """
        tally = _Tally()
        partitions = sorted({record.position for record in records})
        async with self._uow_factory() as uow:
            stored = await uow.consumer_offsets.positions(self.group, partitions)
            following, fresh = dict(stored), []
            for record in records:
                if record.offset < following.get(record.position, record.offset):
                    tally.skipped += 1
                    continue
                fresh.append(record)
                following[record.position] = record.offset + 1
            letters = await self._stage(uow, fresh, tally)
            await self._dead_letters.send(letters)
            for partition, next_offset in following.items():
                if next_offset != stored.get(partition):
                    await uow.consumer_offsets.advance(
                        self.group, partition, expected=stored.get(partition), next_offset=next_offset
                    )
            await uow.commit()
        if self._labels is not None:
            for joined in tally.joins:
                self._labels.count("stream", joined)
        return BatchResult(
            applied=tally.applied,
            rows=tally.rows,
            outcomes=tally.outcomes,
            skipped=tally.skipped,
            joined=tally.joined,
            unknown_labels=tally.unknown,
            expired_predictions=tally.expired,
            dead_letters=tuple(letters),
            positions=following,
        )

    async def _stage(self, uow: UnitOfWork, records: Sequence[StreamRecord], tally: _Tally) -> list[DeadLetter]:
        """Decode every record, then stage the good ones coalesced per monitor; the dead letters in read order."""
        letters, decoded, addressing = [], [], MonitorAddressing(uow.monitors)
        for record in records:
            try:
                content = self._decode(record, self.topics[record.topic])
                decoded += [Decoded(record, content, target) for target in await addressing.targets(content)]
            except RecordError as exc:
                letters.append(_letter(record, exc.reason, exc.message))
        for group in grouped(decoded):
            if group.observations:
                letters.extend(await self._store_rows(uow, group, tally))
            elif group.labelled:
                letters.extend(await self._join_labels(uow, group, tally))
            else:
                letters.extend(await self._feed_outcomes(uow, group, tally))
        order = {record: number for number, record in enumerate(records)}
        return sorted(letters, key=lambda letter: order[letter.record])

    async def _store_rows(self, uow: UnitOfWork, group: MonitorGroup, tally: _Tally) -> list[DeadLetter]:
        """Store a monitor's records as one batch; apply them one by one if the batch as a whole is refused."""
        try:
            monitor = await uow.monitors.get(group.tenant_id, group.monitor_id)
        except NotFoundError as exc:
            return [_letter(record, DeadLetterReason.UNKNOWN_MONITOR, exc.message) for record in group.records]
        needed = [*monitor.feature_names, *monitor.segment_names]
        whole = [member for member in group.members if covers(member, needed)]
        alone = [member for member in group.members if not covers(member, needed)]
        try:
            if whole:
                await self._stage_rows(uow, self._principal(group), monitor, group.rows(whole), tally)
                tally.applied += len(whole)
        except (ValidationError, ConflictError):
            alone = group.members
        return await self._one_by_one(uow, alone, tally)

    async def _stage_rows(
        self, uow: UnitOfWork, principal: Principal, monitor: Monitor, rows: list[object], tally: _Tally
    ) -> None:
        """Store the rows, then their predictions; every check of both runs before anything is staged."""
        predictions = self._labels.predictions_of(monitor, rows) if self._labels else []
        upload = self._read_rows(rows)
        result = await self._datasets.stage_ingest(uow, principal, monitor.id, upload)
        tally.rows += result.accepted_rows
        if self._labels is not None and predictions:
            tally.join(await self._labels.stage_predictions(uow, principal, monitor, predictions))

    async def _join_labels(self, uow: UnitOfWork, group: MonitorGroup, tally: _Tally) -> list[DeadLetter]:
        """Join a monitor's labels in one call; one by one if the labels as a whole are refused."""
        if self._labels is None:
            return [_letter(record, DeadLetterReason.REJECTED, NO_LABELS) for record in group.records]
        try:
            joined = await self._labels.stage_labels(uow, self._principal(group), group.monitor_id, group.labels())
        except NotFoundError as exc:
            return [_letter(record, DeadLetterReason.UNKNOWN_MONITOR, exc.message) for record in group.records]
        except ConflictError as exc:  # the monitor joins no labels: so for each of its records
            return [_letter(record, DeadLetterReason.REJECTED, exc.message) for record in group.records]
        except ValidationError:
            return await self._one_by_one(uow, group.members, tally)
        tally.join(joined)
        tally.applied += len(group.members)
        return []

    async def _feed_outcomes(self, uow: UnitOfWork, group: MonitorGroup, tally: _Tally) -> list[DeadLetter]:
        """Feed a monitor's values to its detector in one call; one by one if the values as a whole are refused."""
        try:
            outcome = await self._concept.stage_outcomes(uow, self._principal(group), group.monitor_id, group.values())
        except NotFoundError as exc:
            return [_letter(record, DeadLetterReason.UNKNOWN_MONITOR, exc.message) for record in group.records]
        except ConflictError as exc:  # the monitor has no concept detector: so for each of its records
            return [_letter(record, DeadLetterReason.REJECTED, exc.message) for record in group.records]
        except ValidationError:
            return await self._one_by_one(uow, group.members, tally)
        tally.outcomes += outcome.accepted
        tally.applied += len(group.members)
        return []

    async def _one_by_one(self, uow: UnitOfWork, members: Sequence[Decoded], tally: _Tally) -> list[DeadLetter]:
        letters = [await self._apply_one(uow, member, tally) for member in members]
        return [letter for letter in letters if letter is not None]

    def _principal(self, group: MonitorGroup) -> Principal:
        return Principal(f"stream:{self.group}", group.tenant_id, frozenset({Role.OPERATOR}))

    async def _apply_one(self, uow: UnitOfWork, member: Decoded, tally: _Tally) -> DeadLetter | None:
        """Stage one record; return its dead letter instead when it cannot be applied."""
        record, content = member.record, member.content
        principal = Principal(f"stream:{self.group}", content.tenant_id, frozenset({Role.OPERATOR}))
        try:
            if isinstance(content, ObservationRecord):
                monitor = await uow.monitors.get(content.tenant_id, member.monitor_id)
                await self._stage_rows(uow, principal, monitor, content.rows, tally)
            elif content.labels and not content.values:
                if self._labels is None:
                    return _letter(record, DeadLetterReason.REJECTED, NO_LABELS)
                labels = label_items(content.labels)
                tally.join(await self._labels.stage_labels(uow, principal, member.monitor_id, labels))
            else:
                outcome = await self._concept.stage_outcomes(uow, principal, member.monitor_id, content.values)
                tally.outcomes += outcome.accepted
        except NotFoundError as exc:
            return _letter(record, DeadLetterReason.UNKNOWN_MONITOR, exc.message)
        except (ValidationError, ConflictError) as exc:
            return _letter(record, DeadLetterReason.REJECTED, exc.message)
        tally.applied += 1
        return None


def _letter(record: StreamRecord, reason: DeadLetterReason, message: str) -> DeadLetter:
    log.warning(
        "stream_record_dead_lettered",
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        reason=reason.value,
        error=message,
    )
    return DeadLetter(record, reason, message)
