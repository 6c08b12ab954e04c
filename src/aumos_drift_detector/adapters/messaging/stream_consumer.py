"""The ingest stream consumer loop, with confluent-kafka.

The consumer joins its group on the observation and outcome topics and never commits offsets to Kafka
(``enable.auto.commit`` is off): the database is the truth. On every assignment it seeks each partition
to the offset stored in the database (the beginning when none is stored); it then polls bounded batches
(at most ``max_records``; the records already fetched at once, else waiting at most ``max_wait_seconds``,
so a batch holds what arrived while the previous one was applied and grows with the load; the broker
answers a fetch within 50 ms) and hands each one to
:meth:`StreamIngest.apply`, which stores the records and the next offsets in one transaction. When a
batch fails (database, dead-letter topic, or another consumer took the partition), nothing of it was
committed: the consumer seeks back to the stored offsets and reads it again after a pause.

Because :meth:`StreamIngest.apply` itself skips records below the stored offsets, a seek that could not
read the database falls back to the beginning of the partition safely, if slowly.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence
from typing import Any

import structlog
from confluent_kafka import OFFSET_BEGINNING, Consumer, Message, TopicPartition

from aumos_drift_detector.adapters.messaging.kafka_publisher import CLIENT_LOGGER
from aumos_drift_detector.adapters.messaging.record_decoder import CONTENT_TYPE_HEADER
from aumos_drift_detector.adapters.messaging.stream_health import StreamConsumerStatus
from aumos_drift_detector.adapters.messaging.stream_metrics import StreamMetrics
from aumos_drift_detector.core.errors import ConflictError, InfrastructureError
from aumos_drift_detector.core.streams.model import BatchResult, Partition, StreamRecord
from aumos_drift_detector.core.streams.service import StreamIngest

log = structlog.get_logger(__name__)


def _record(message: Message) -> StreamRecord:
    topic, partition, offset = message.topic(), message.partition(), message.offset()
    if topic is None or partition is None or offset is None:  # only error events lack them; those are filtered out
        msg = "a consumed message without topic, partition or offset"
        raise ValueError(msg)
    value = message.value()
    key = message.key()
    return StreamRecord(topic, partition, offset, _bytes(key), _bytes(value), _content_type(message))


def _bytes(data: str | bytes | None) -> bytes | None:
    return data.encode() if isinstance(data, str) else data


def _content_type(message: Message) -> str | None:
    """The record's ``content-type`` header (the last one, names compared case-insensitively), if any."""
    headers = message.headers() or []
    found = None
    for name, value in headers.items() if isinstance(headers, dict) else headers:
        if name.lower() == CONTENT_TYPE_HEADER and value is not None:
            found = _bytes(value)
    return found.decode("utf-8", errors="replace") if found is not None else None


def parts_of(records: Sequence[StreamRecord], max_bytes: int) -> list[list[StreamRecord]]:
    """Consecutive parts of a batch, each at most ``max_bytes`` of values (a larger record is a part alone)."""
    parts: list[list[StreamRecord]] = []
    size = max_bytes + 1
    for record in records:
        length = len(record.value or b"")
        if size + length > max_bytes:
            parts.append([])
            size = 0
        parts[-1].append(record)
        size += length
    return parts


class KafkaStreamConsumer:
    """Runs :class:`StreamIngest` over the records of its topics.

    Args:
        ingest: Applies each batch (and knows the group and the topics).
        bootstrap_servers: Comma-separated ``host:port`` list.
        metrics: Where batches are counted.
        status: Where the consumer reports its state for readiness (a new one by default).
        client_id: Client id shown in broker logs.
        max_records: Most records per batch.
        max_batch_bytes: Most bytes of record values per transaction: a polled batch above it is applied in
            consecutive parts (a larger record alone); it also bounds the client's queue of fetched records.
        max_wait_seconds: Longest wait for a batch to fill.
        retry_seconds: Pause before a failed batch is read again.
        config: Further librdkafka settings (they win over the defaults).

    Attributes:
        status: The partitions held, the lag, and the batches applied and failed.
    """

    def __init__(
        self,
        ingest: StreamIngest,
        bootstrap_servers: str,
        *,
        metrics: StreamMetrics,
        status: StreamConsumerStatus | None = None,
        client_id: str = "aumos-drift-detector",
        max_records: int = 500,
        max_batch_bytes: int = 16 * 1024 * 1024,
        max_wait_seconds: float = 0.5,
        retry_seconds: float = 1.0,
        config: dict[str, Any] | None = None,
    ) -> None:
        self._ingest = ingest
        self._metrics = metrics
        self._max_records = max_records
        self._max_bytes = max_batch_bytes
        self._max_wait = max_wait_seconds
        self._retry_seconds = retry_seconds
        self._config: dict[str, Any] = {
            "bootstrap.servers": bootstrap_servers,
            "group.id": ingest.group,
            "client.id": f"{client_id}-ingest",
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "auto.offset.reset": "earliest",
            "fetch.wait.max.ms": 50,  # librdkafka's 500 ms would add to every record's latency when idle
            "queued.max.messages.kbytes": max(1, max_batch_bytes // 1024),
            "logger": CLIENT_LOGGER,
        } | (config or {})
        self._loop: asyncio.AbstractEventLoop | None = None
        self.status = status or StreamConsumerStatus()

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until ``stop`` is set; the batch in hand is finished first, then the consumer leaves its group."""
        self._loop = asyncio.get_running_loop()
        consumer = Consumer(self._config)
        consumer.subscribe(list(self._ingest.topics), on_assign=self._on_assign, on_revoke=self._on_revoke)
        log.info("stream_consumer_started", group=self._ingest.group, topics=list(self._ingest.topics))
        try:
            while not stop.is_set():
                messages = await asyncio.to_thread(self._poll, consumer)
                records = [_record(message) for message in messages if not self._failed(message)]
                for part in parts_of(records, self._max_bytes):
                    if not await self._apply(consumer, part):
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(stop.wait(), self._retry_seconds)
                        break  # the rest is read again from the stored offsets
        except Exception:
            log.exception("stream_consumer_failed", group=self._ingest.group)
            raise
        finally:
            await asyncio.to_thread(consumer.close)
            log.info("stream_consumer_stopped", group=self._ingest.group)

    def _poll(self, consumer: Consumer) -> list[Message]:
        """The records already fetched, at once; else wait for a batch (blocking: run it in a thread).

        ``consume`` returns when it has ``max_records`` or the wait is over, so calling it with a wait while
        records are queued would hold a loaded consumer for the whole wait on every batch: the records
        that arrived while the previous batch was applied are taken at once instead, and the batches grow
        with the load.
        """
        messages = consumer.consume(self._max_records, 0)
        return messages or consumer.consume(self._max_records, self._max_wait)

    @staticmethod
    def _failed(message: Message) -> bool:
        error = message.error()
        if error is not None:
            log.warning("stream_consume_error", error=str(error))
        return error is not None

    async def _apply(self, consumer: Consumer, records: Sequence[StreamRecord]) -> bool:
        """Apply a batch; on failure seek back to the stored offsets and return ``False``."""
        started = time.perf_counter()
        try:
            result = await self._ingest.apply(records)
        except (InfrastructureError, ConflictError) as exc:
            self._metrics.failed_batches.inc()
            self.status.failed(exc.message)
            log.warning("stream_batch_failed", records=len(records), error=exc.message)
            await self._rewind(consumer)
            return False
        self._metrics.observe(records, result, time.perf_counter() - started)
        self.status.applied()
        self._lag(consumer, result)
        log.debug("stream_batch_applied", records=len(records), rows=result.rows, outcomes=result.outcomes)
        return True

    def _on_assign(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        """Seek each newly assigned partition to its stored offset (runs inside ``consume``, off the loop)."""
        stored = self._stored(partitions)
        for partition in partitions:
            partition.offset = stored.get(Partition(partition.topic, partition.partition), OFFSET_BEGINNING)
        consumer.assign(partitions)
        self.status.assignment = frozenset(Partition(partition.topic, partition.partition) for partition in partitions)
        log.info("stream_partitions_assigned", partitions={f"{p.topic}[{p.partition}]": p.offset for p in partitions})

    def _on_revoke(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        """Give the partitions up (nothing to commit: every applied batch is committed already)."""
        consumer.unassign()
        self.status.assignment = frozenset()
        self.status.lag.clear()

    def _stored(self, partitions: list[TopicPartition]) -> dict[Partition, int]:
        if self._loop is None:
            return {}
        wanted = [Partition(partition.topic, partition.partition) for partition in partitions]
        future = asyncio.run_coroutine_threadsafe(self._ingest.positions(wanted), self._loop)
        try:
            return future.result()
        except InfrastructureError as exc:
            log.warning("stream_offsets_unreadable", error=exc.message)
            return {}

    async def _rewind(self, consumer: Consumer) -> None:
        assigned = await asyncio.to_thread(consumer.assignment)
        try:
            stored = await self._ingest.positions([Partition(p.topic, p.partition) for p in assigned])
        except InfrastructureError as exc:
            log.warning("stream_offsets_unreadable", error=exc.message)
            stored = {}
        for partition in assigned:
            offset = stored.get(Partition(partition.topic, partition.partition), OFFSET_BEGINNING)
            await asyncio.to_thread(consumer.seek, TopicPartition(partition.topic, partition.partition, offset))

    def _lag(self, consumer: Consumer, result: BatchResult) -> None:
        for partition, next_offset in result.positions.items():
            _low, high = consumer.get_watermark_offsets(TopicPartition(*partition), cached=True)
            if high >= 0:
                lag = max(high - next_offset, 0)
                self.status.lag[partition] = lag
                self._metrics.lag.labels(partition.topic, str(partition.partition)).set(lag)
