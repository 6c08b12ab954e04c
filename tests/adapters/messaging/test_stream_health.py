"""Readiness of the stream consumer: its figures, and a failure once its latest batches all failed."""

from __future__ import annotations

import pytest

from aumos_drift_detector.adapters.messaging.stream_health import StreamConsumerCheck, StreamConsumerStatus
from aumos_drift_detector.core.errors import InfrastructureError
from aumos_drift_detector.core.streams.model import Partition


async def test_the_check_fails_after_the_set_number_of_failed_batches_in_a_row_and_recovers() -> None:
    status = StreamConsumerStatus(
        assignment=frozenset({Partition("drift.outcomes", 1), Partition("drift.outcomes", 0)})
    )
    check = StreamConsumerCheck(status, max_consecutive_failures=2)
    status.failed("database unreachable")
    await check.check()
    status.failed("database unreachable again")
    with pytest.raises(InfrastructureError) as failure:
        await check.check()
    assert failure.value.message == (
        "stream consumer: the last 2 batches failed, last error: database unreachable again"
    )
    status.applied()
    status.lag[Partition("drift.outcomes", 0)] = 12
    await check.check()
    assert await check.details() == {
        "partitions": ["drift.outcomes[0]", "drift.outcomes[1]"],
        "lag": {"drift.outcomes[0]": 12},
        "applied_batches": 1,
        "consecutive_failures": 0,
        "last_error": "database unreachable again",
    }
