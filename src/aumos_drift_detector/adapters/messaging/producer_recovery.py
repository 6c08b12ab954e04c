"""When a Kafka producer must be thrown away and built anew.

An idempotent producer keeps a producer id and per-partition sequence numbers that the broker must
remember too. A broker that restarts without that state (in-memory storage, a wiped log, a new
cluster behind the same address) answers ``UNKNOWN_PRODUCER_ID`` or ``PRODUCER_FENCED``; librdkafka
then raises a *fatal* error, after which the instance never produces again. Other states leave a
client sending nothing without any fatal flag (every record times out although the broker is back).
A fresh producer asks for a new producer id and starts clean, so the rule is:

* after a **fatal** error, recreate at once;
* after ``failed_rounds`` **publish rounds in a row that delivered nothing** (every record failed
  or timed out), recreate, then count again from zero.

Delivery stays at least once: the outbox keeps every event the old producer did not confirm.
"""

from __future__ import annotations

DEFAULT_FAILED_ROUNDS = 3


class ProducerRecovery:
    """Decides, round by round, whether the publisher should recreate its producer.

    Args:
        failed_rounds: Publish rounds in a row that delivered nothing before the producer is
            recreated (1 or more).
    """

    def __init__(self, failed_rounds: int = DEFAULT_FAILED_ROUNDS) -> None:
        if failed_rounds < 1:
            msg = f"failed_rounds must be at least 1, got {failed_rounds}"
            raise ValueError(msg)
        self._limit = failed_rounds
        self._failed_in_a_row = 0

    @property
    def failed_rounds_in_a_row(self) -> int:
        """Rounds that delivered nothing since the last delivery or recreation."""
        return self._failed_in_a_row

    def observe(self, *, delivered: int, failed: int, fatal_error: str | None = None) -> str | None:
        """Record one publish round; return why to recreate the producer now, or ``None`` to keep it.

        Args:
            delivered: Records the broker confirmed.
            failed: Records reported failed (or not reported at all).
            fatal_error: The client's fatal error, when it raised one.
        """
        if fatal_error is not None:
            self._failed_in_a_row = 0
            return f"fatal client error: {fatal_error}"
        if delivered > 0 or failed == 0:
            self._failed_in_a_row = 0
            return None
        self._failed_in_a_row += 1
        if self._failed_in_a_row < self._limit:
            return None
        self._failed_in_a_row = 0
        return f"{self._limit} publish rounds in a row delivered nothing"
