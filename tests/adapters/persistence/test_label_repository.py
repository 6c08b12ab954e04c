"""The label join's rows on memory, SQLite and PostgreSQL: predictions, pending labels, cursors, per tenant."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

from aumos_drift_detector.core.labels.model import JoinTarget, LabelCursor, PendingLabel, Prediction, Settlement
from tests.adapters.persistence.conftest import Storage
from tests.core.builders import T0, make_monitor


def prediction(monitor_id: uuid.UUID, sequence: int, value: str | float, *, minutes: int = 0) -> Prediction:
    return Prediction(
        tenant_id="acme",
        monitor_id=monitor_id,
        sequence=sequence,
        inference_id=f"i{sequence}",
        prediction=value,
        score=0.25 if sequence % 2 else None,
        received_at=T0 + timedelta(minutes=minutes),
    )


def pending(monitor_id: uuid.UUID, inference_id: str, label: str | float, minutes: int) -> PendingLabel:
    return PendingLabel(
        id=uuid.uuid4(),
        tenant_id="acme",
        monitor_id=monitor_id,
        inference_id=inference_id,
        label=label,
        received_at=T0 + timedelta(minutes=minutes),
    )


async def test_predictions_round_trip_take_errors_and_pass_in_sequence_order(storage: Storage) -> None:
    monitor = make_monitor()
    stored = [prediction(monitor.id, n, value) for n, value in enumerate(["cat", 2.5, "dog", -1.0])]
    async with storage.unit_of_work() as uow:
        await uow.monitors.add(monitor)
        await uow.labels.add_predictions(stored)
        await uow.labels.set_errors("acme", monitor.id, {1: 0.5, 3: 4.0})
        await uow.commit()
    async with storage.unit_of_work() as uow:
        found = await uow.labels.predictions_by_id("acme", monitor.id, ["i1", "i2", "nope"])
        assert await uow.labels.predictions_by_id("other", monitor.id, ["i1"]) == {}
        known = await uow.labels.known_ids("acme", monitor.id, ["i0", "i3", "i3", "nope"])
        targets = await uow.labels.join_targets("acme", monitor.id, ["i0", "i1", "i1", "nope"])
        assert await uow.labels.join_targets("other", monitor.id, ["i0"]) == {}
        assert await uow.labels.known_ids("other", monitor.id, ["i0"]) == set()
        # Sequence 0 has no label and has not expired: nothing passes from 0 on.
        assert await uow.labels.settle("acme", monitor.id, 0, T0 - timedelta(minutes=1), 10) == Settlement(
            0, [], 0, True
        )
        blocked = await uow.labels.settle("acme", monitor.id, 1, T0 - timedelta(minutes=1), 10)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        left = await uow.labels.predictions_by_id("acme", monitor.id, ["i0", "i1", "i2", "i3"])
    assert found == {"i1": replace(stored[1], error=0.5), "i2": stored[2]}
    assert known == {"i0", "i3"}
    assert targets == {"i0": JoinTarget(0, "cat", None), "i1": JoinTarget(1, 2.5, 0.5)}
    assert all(type(target.prediction) is type(stored[target.sequence].prediction) for target in targets.values())
    # Sequence 2 has no label and has not expired: the pass stops there, and removes what it passed.
    assert blocked == Settlement(2, [0.5], 0, complete=True)
    assert sorted(left) == ["i0", "i2", "i3"]


async def test_settle_passes_labelled_and_expired_predictions_in_order_up_to_the_limit(storage: Storage) -> None:
    monitor = make_monitor()
    stored = [prediction(monitor.id, n, float(n), minutes=n) for n in range(6)]
    async with storage.unit_of_work() as uow:
        await uow.monitors.add(monitor)
        await uow.labels.add_predictions(stored)
        await uow.labels.set_errors("acme", monitor.id, {0: 0.25, 2: 1.0, 5: 3.0})
        await uow.commit()
    expired_before = T0 + timedelta(minutes=3)  # 1 and 3 expired; 4 neither labelled nor expired
    async with storage.unit_of_work() as uow:
        other = await uow.labels.settle("other", monitor.id, 0, expired_before, 100)
        limited = await uow.labels.settle("acme", monitor.id, 0, expired_before, 3)
        rest = await uow.labels.settle("acme", monitor.id, limited.watermark, expired_before, 3)
        from_blocker = await uow.labels.settle("acme", monitor.id, 4, expired_before, 100)
        after = await uow.labels.settle("acme", monitor.id, 5, expired_before, 100)
        left = await uow.labels.predictions_by_id("acme", monitor.id, [f"i{n}" for n in range(6)])
    assert other == Settlement(0, [], 0, complete=True)
    assert limited == Settlement(3, [0.25, 1.0], 1, complete=False)
    assert rest == Settlement(4, [], 1, complete=True)
    assert from_blocker == Settlement(4, [], 0, complete=True)
    assert after == Settlement(6, [3.0], 0, complete=True)
    assert sorted(left) == ["i4"]


async def test_settle_counts_errors_joined_in_the_unit_of_work_without_storing_them(storage: Storage) -> None:
    monitor = make_monitor()
    stored = [prediction(monitor.id, n, float(n)) for n in range(200)]
    async with storage.unit_of_work() as uow:
        await uow.monitors.add(monitor)
        await uow.labels.add_predictions(stored)
        await uow.labels.set_errors("acme", monitor.id, {1: 0.5, 150: 9.0})
        await uow.commit()
    # 0-119 joined now except 100: the blocker search skips more joined predictions than its first page holds.
    joined = {n: n / 10 for n in range(120) if n not in (1, 100)}
    async with storage.unit_of_work() as uow:
        first = await uow.labels.settle("acme", monitor.id, 0, T0 - timedelta(minutes=1), 1_000, joined)
        joined[100] = 10.0
        second = await uow.labels.settle("acme", monitor.id, first.watermark, T0 - timedelta(minutes=1), 1_000, joined)
        left = await uow.labels.predictions_by_id("acme", monitor.id, [f"i{n}" for n in range(200)])
    assert first == Settlement(100, [0.0, 0.5, *(n / 10 for n in range(2, 100))], 0, complete=True)
    assert second == Settlement(120, [10.0, *(n / 10 for n in range(101, 120))], 0, complete=True)
    # Nothing joined was written: the predictions left have the errors they were stored with.
    assert sorted(p.sequence for p in left.values()) == list(range(120, 200))
    assert {p.sequence: p.error for p in left.values() if p.error is not None} == {150: 9.0}


async def test_pending_labels_are_taken_once_and_expire_by_age(storage: Storage) -> None:
    monitor = make_monitor()
    labels = [pending(monitor.id, "a", "yes", 0), pending(monitor.id, "b", 1.5, 5), pending(monitor.id, "a", 2.0, 9)]
    async with storage.unit_of_work() as uow:
        await uow.monitors.add(monitor)
        await uow.labels.add_pending(labels)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        taken = await uow.labels.take_pending("acme", monitor.id, ["a"])
        again = await uow.labels.take_pending("acme", monitor.id, ["a"])
        dropped = await uow.labels.drop_pending_before("acme", monitor.id, T0 + timedelta(minutes=6))
        left = await uow.labels.take_pending("acme", monitor.id, ["b"])
    assert ([item.label for item in taken], again, dropped, left) == (["yes", 2.0], [], 1, [])


async def test_the_cursor_is_stored_per_monitor_and_tenant(storage: Storage) -> None:
    monitor = make_monitor()
    cursor = LabelCursor(tenant_id="acme", monitor_id=monitor.id, next_sequence=2**40, watermark=7, joined=3)
    async with storage.unit_of_work() as uow:
        await uow.monitors.add(monitor)
        assert await uow.labels.cursor("acme", monitor.id) is None
        await uow.labels.save_cursor(cursor)
        await uow.labels.save_cursor(replace(cursor, expired_labels=4))
        await uow.commit()
    async with storage.unit_of_work() as uow:
        loaded = await uow.labels.cursor("acme", monitor.id)
        assert await uow.labels.cursor("other", monitor.id) is None
    assert loaded == replace(cursor, expired_labels=4)


async def test_waiting_lists_monitors_behind_their_watermark_or_with_pending_labels(storage: Storage) -> None:
    behind, pending_only, settled, other = (make_monitor() for _ in range(4))
    other = replace(other, tenant_id="other")
    async with storage.unit_of_work() as uow:
        for monitor in (behind, pending_only, settled, other):
            await uow.monitors.add(monitor)
        await uow.labels.save_cursor(LabelCursor(tenant_id="acme", monitor_id=behind.id, next_sequence=3, watermark=1))
        await uow.labels.save_cursor(LabelCursor(tenant_id="acme", monitor_id=settled.id, next_sequence=3, watermark=3))
        await uow.labels.save_cursor(LabelCursor(tenant_id="other", monitor_id=other.id, next_sequence=1))
        await uow.labels.add_pending([pending(pending_only.id, "a", 1.0, 0), pending(pending_only.id, "b", 1.0, 0)])
        await uow.commit()
    async with storage.unit_of_work() as uow:
        waiting = await uow.labels.waiting(10)
        first = await uow.labels.waiting(1)
    assert sorted(waiting) == sorted([("acme", behind.id), ("acme", pending_only.id), ("other", other.id)])
    assert len(first) == 1
    assert first[0] in waiting
