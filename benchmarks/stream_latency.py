"""Produce-to-stored latency of the stream consumer, for ``bench_streams.py``.

Records are produced at a steady rate from a thread, each with the wall-clock time it was handed to the
producer; meanwhile the group's stored next offsets are read from the database every few milliseconds.
A record is stored at the first reading whose next offset for its partition lies beyond it (its batch is
committed then), so its latency is that reading's time minus its produce time, late by at most one
reading interval.
"""

from __future__ import annotations

import asyncio
import bisect
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from confluent_kafka import Message, Producer
from tests.adapters.messaging.streams import GROUP, Produced

from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.streams.model import Partition

#: Seconds between two readings of the stored offsets.
READING_INTERVAL = 0.01


@dataclass
class OffsetReadings:
    """The stored next offsets of each partition over time, as read from the database."""

    partitions: list[Partition]
    times: dict[Partition, list[float]] = field(default_factory=dict)
    offsets: dict[Partition, list[int]] = field(default_factory=dict)

    async def follow(self, container: Container, stop: asyncio.Event) -> None:
        """Read the offsets every :data:`READING_INTERVAL` seconds until ``stop`` is set."""
        while not stop.is_set():
            async with container.unit_of_work() as uow:
                positions = await uow.consumer_offsets.positions(GROUP, self.partitions)
            now = time.time()
            for partition, offset in positions.items():
                if not self.offsets.get(partition) or self.offsets[partition][-1] != offset:
                    self.times.setdefault(partition, []).append(now)
                    self.offsets.setdefault(partition, []).append(offset)
            await asyncio.sleep(READING_INTERVAL)

    def stored_at(self, partition: Partition, offset: int) -> float | None:
        """When the record at ``offset`` was first seen stored, if it was."""
        offsets = self.offsets.get(partition, [])
        index = bisect.bisect_right(offsets, offset)
        return self.times[partition][index] if index < len(offsets) else None


@dataclass
class Sent:
    """Where each produced record landed and when it was handed to the producer."""

    records: list[tuple[Partition, int, float]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def delivered(self, error: object, message: Message, produced_at: float) -> None:
        """The producer's delivery callback."""
        with self.lock:
            partition, offset, topic = message.partition(), message.offset(), message.topic()
            if error is not None or partition is None or offset is None or topic is None:
                self.failures.append(str(error))
            else:
                self.records.append((Partition(topic, partition), offset, produced_at))


def produce_paced(bootstrap_servers: str, records: Sequence[Produced], per_second: float) -> Sent:
    """Produce the records at a steady rate (blocking: run it in a thread); where and when each went."""
    producer = Producer({"bootstrap.servers": bootstrap_servers, "enable.idempotence": True, "linger.ms": 2})
    sent, started = Sent(), time.time()
    for number, record in enumerate(records):
        delay = started + number / per_second - time.time()
        if delay > 0:
            time.sleep(delay)
        produced_at = time.time()
        producer.produce(
            record.topic,
            key=record.key,
            value=record.value,
            on_delivery=lambda error, message, at=produced_at: sent.delivered(error, message, at),
        )
        producer.poll(0)
    assert producer.flush(30) == 0
    return sent


def latencies(sent: Sent, readings: OffsetReadings) -> np.ndarray[tuple[int], np.dtype[np.float64]]:
    """The produce-to-stored latency of each record produced, in seconds (NaN for a record never stored)."""
    found = [readings.stored_at(partition, offset) for partition, offset, _ in sent.records]
    return np.array(
        [np.nan if at is None else at - produced for at, (_, _, produced) in zip(found, sent.records, strict=True)]
    )
