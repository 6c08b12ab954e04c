"""One pass over an upload feeding several consumers (the reference profile and its row sample)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aumos_drift_detector.core.ingest.upload import BatchConsumer


class BatchTee:
    """Hands every batch to each consumer that took the pass.

    Args:
        consumers: The consumers, in the order they get each batch.
    """

    def __init__(self, consumers: Sequence[BatchConsumer]) -> None:
        self._consumers = list(consumers)
        self._taking: list[BatchConsumer] = []

    def start(self, names: Sequence[str]) -> bool:
        """Start every consumer; whether any of them takes batches with these columns."""
        self._taking = [consumer for consumer in self._consumers if consumer.start(names)]
        return bool(self._taking)

    def add(self, batch: Any) -> None:
        """Hand the batch to each consumer that takes it."""
        for consumer in self._taking:
            consumer.add(batch)


def tee(*consumers: BatchConsumer | None) -> BatchConsumer:
    """The consumers given (``None`` left out) as one: the only one itself, several through a :class:`BatchTee`."""
    present = [consumer for consumer in consumers if consumer is not None]
    return present[0] if len(present) == 1 else BatchTee(present)
