"""When the Kafka publisher recreates its producer: after a fatal error, or after rounds that delivered nothing."""

from __future__ import annotations

import pytest

from aumos_drift_detector.adapters.messaging.producer_recovery import ProducerRecovery


def test_rounds_that_deliver_keep_the_producer() -> None:
    recovery = ProducerRecovery(failed_rounds=2)
    assert [recovery.observe(delivered=5, failed=0) for _ in range(10)] == [None] * 10


def test_the_producer_is_recreated_after_rounds_in_a_row_that_delivered_nothing() -> None:
    recovery = ProducerRecovery(failed_rounds=3)
    decisions = [recovery.observe(delivered=0, failed=200) for _ in range(7)]
    assert decisions[:2] == [None, None]
    assert decisions[2] == "3 publish rounds in a row delivered nothing"
    # Counting starts again for the new producer.
    assert decisions[3:] == [None, None, decisions[2], None]


def test_a_round_that_delivers_anything_restarts_the_count() -> None:
    recovery = ProducerRecovery(failed_rounds=2)
    assert recovery.observe(delivered=0, failed=4) is None
    assert recovery.observe(delivered=1, failed=3) is None
    assert recovery.failed_rounds_in_a_row == 0
    assert recovery.observe(delivered=0, failed=4) is None
    assert recovery.observe(delivered=0, failed=4) is not None


def test_a_fatal_error_recreates_at_once_even_when_records_went_out() -> None:
    recovery = ProducerRecovery(failed_rounds=5)
    reason = recovery.observe(delivered=3, failed=1, fatal_error="Broker: Unknown Producer Id")
    assert reason == "fatal client error: Broker: Unknown Producer Id"
    assert recovery.failed_rounds_in_a_row == 0


def test_a_round_without_records_decides_nothing() -> None:
    recovery = ProducerRecovery(failed_rounds=1)
    assert recovery.observe(delivered=0, failed=0) is None


def test_failed_rounds_must_be_positive() -> None:
    with pytest.raises(ValueError, match="failed_rounds must be at least 1, got 0"):
        ProducerRecovery(failed_rounds=0)
