"""Stored window summaries read back exactly and are selected by window, layout and kind, on every storage."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import numpy as np
import pytest

from aumos_drift_detector.adapters.persistence.summary_codec import SummaryAdder, decode_summary, encode_summary
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical import ReferenceProfile
from aumos_drift_detector.core.summaries import count_columns, layout_from_profile, reference_summary
from aumos_drift_detector.core.summaries.stored import ReferenceFacts, StoredSummary, SummaryKind
from aumos_drift_detector.core.summaries.window_summary import WindowSummary, merge_all
from tests.adapters.persistence.conftest import Storage
from tests.adapters.persistence.test_repositories import T0, _add, make_monitor

pytestmark = pytest.mark.integration

RNG = np.random.default_rng(7)
REFERENCE_COLUMNS = {
    "age": np.concatenate([RNG.normal(40, 10, 3000), [np.inf, -np.inf, np.nan, -0.0]]),
    "plan": np.array(["basic", "pro", "team", None] * 751, dtype=object),
}
PROFILE = ReferenceProfile.from_data(REFERENCE_COLUMNS, ["age", "plan"])
LAYOUT = layout_from_profile(PROFILE, n_bins=500)
REFERENCE = reference_summary(PROFILE, LAYOUT)
FACTS = ReferenceFacts({"age": "numerical", "plan": "categorical"}, PROFILE.min_samples)


def _batch(seed: int, rows: int = 40) -> WindowSummary:
    rng = np.random.default_rng(seed)
    plans = np.array(rng.choice(["basic", "pro", "enterprise"], rows), dtype=object)
    return count_columns(LAYOUT, {"age": rng.normal(41, 10, rows), "plan": plans})


def _stored(
    monitor_id: uuid.UUID, kind: SummaryKind, start: datetime, *, summary: WindowSummary, **fields: object
) -> StoredSummary:
    end = start if kind is SummaryKind.BATCH else start + timedelta(hours=1 if kind is SummaryKind.HOUR else 24)
    values: dict[str, object] = {"batches": 1, "batch_id": uuid.uuid4()} if kind is SummaryKind.BATCH else {}
    values.update(fields)
    return StoredSummary(
        id=uuid.uuid4(), tenant_id="acme", monitor_id=monitor_id, kind=kind, summary=summary,
        period_start=start, period_end=end, **values,  # type: ignore[arg-type]
    )  # fmt: skip


def test_the_stored_form_reads_back_equal_and_refuses_other_bins() -> None:
    batch = _batch(1)
    for summary, with_layout in ((REFERENCE, True), (batch, False)):
        payload = encode_summary(summary, with_layout=with_layout, facts=FACTS if with_layout else None)
        found, facts = decode_summary(payload, None if with_layout else LAYOUT)
        assert found.layout.fingerprint == LAYOUT.fingerprint
        assert found.rows == summary.rows
        assert found.flat_counts.tolist() == summary.flat_counts.tolist()
        assert [getattr(item, "moments", None) for item in found.features] == [
            getattr(item, "moments", None) for item in summary.features
        ]
        assert facts == (FACTS if with_layout else None)
    other = layout_from_profile(PROFILE, n_bins=100)
    with pytest.raises(ValidationError, match="other bins"):
        decode_summary(encode_summary(batch), other)
    with pytest.raises(ValidationError, match="not a stored window summary"):
        decode_summary(b"nothing")


def test_stored_summaries_added_from_their_stored_form_equal_their_merge() -> None:
    parts = [_batch(seed, rows) for seed, rows in ((11, 5), (12, 300), (13, 40_000))]  # one- and two-byte counts
    adder = SummaryAdder(LAYOUT)
    for part in parts:
        adder.add(encode_summary(part))
    added, merged = adder.total(), merge_all(LAYOUT, parts)
    assert added.flat_counts.tolist() == merged.flat_counts.tolist()
    assert added.rows == merged.rows
    assert [getattr(item, "moments", None) for item in added.features] == [
        getattr(item, "moments", None) for item in merged.features
    ]
    assert [getattr(item, "missing", None) for item in added.features] == [
        getattr(item, "missing", None) for item in merged.features
    ]
    with pytest.raises(ValidationError, match="other bins"):
        SummaryAdder(layout_from_profile(PROFILE, n_bins=100)).add(encode_summary(parts[0]))


async def test_summaries_of_a_window_are_its_batches_and_the_roll_ups_ending_in_it(storage: Storage) -> None:
    monitor = make_monitor()
    await _add(storage, monitor)
    reference = _stored(monitor.id, SummaryKind.REFERENCE, T0, summary=REFERENCE, reference_version=1, facts=FACTS)
    day = _stored(monitor.id, SummaryKind.DAY, T0 - timedelta(days=2), summary=_batch(2))
    hour = _stored(monitor.id, SummaryKind.HOUR, T0 - timedelta(hours=3), summary=_batch(3))
    old, new = (_stored(monitor.id, SummaryKind.BATCH, T0 - timedelta(minutes=m), summary=_batch(m)) for m in (90, 5))
    duplicate = _stored(monitor.id, SummaryKind.BATCH, new.period_start, summary=_batch(9), batch_id=new.batch_id)
    async with storage.unit_of_work() as uow:
        for item in (reference, day, hour, old, new, duplicate):
            await uow.summaries.add(item)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        summaries = uow.summaries
        counts = await summaries.reference("acme", monitor.id, 1)
        assert await summaries.reference("acme", monitor.id, 2) is None
        assert counts is not None
        assert counts.facts == FACTS
        assert counts.summary.flat_counts.tolist() == REFERENCE.flat_counts.tolist()
        everything = await summaries.window("acme", monitor.id, REFERENCE, since=None)
        recent = await summaries.window("acme", monitor.id, REFERENCE, since=T0 - timedelta(hours=2, minutes=30))
        latest = await summaries.window("acme", monitor.id, REFERENCE, since=T0 - timedelta(minutes=10))
        counted = await summaries.counted_batches("acme", monitor.id, LAYOUT.fingerprint, since=T0 - timedelta(hours=1))
        rolled = await summaries.rolled_until("acme", monitor.id, LAYOUT.fingerprint)
        hours = await summaries.periods("acme", monitor.id, REFERENCE, SummaryKind.HOUR, before=T0)
        monitors = await summaries.summarized_monitors()
        total = await summaries.window_total("acme", monitor.id, REFERENCE, since=T0 - timedelta(hours=2, minutes=30))
    assert [item.id for item in everything] == [day.id, hour.id, old.id, new.id]  # the duplicate was not stored
    assert [item.id for item in recent] == [hour.id, old.id, new.id]  # the hour ends inside the window
    assert [item.id for item in latest] == [new.id]
    assert latest[0].summary.flat_counts.tolist() == new.summary.flat_counts.tolist()
    assert latest[0].batch_id == new.batch_id
    assert latest[0].batches == 1
    assert counted == {new.batch_id}
    assert rolled == T0 - timedelta(hours=2)
    assert [item.id for item in hours] == [hour.id]
    assert [(item.monitor_id, item.reference_version) for item in monitors] == [(monitor.id, 1)]
    expected = merge_all(LAYOUT, [item.summary for item in recent])
    assert total.summary.flat_counts.tolist() == expected.flat_counts.tolist()
    assert (total.summaries, total.batches) == (3, 2)


async def test_deleted_and_expired_summaries_are_gone_but_reference_summaries_stay(storage: Storage) -> None:
    monitor = make_monitor()
    await _add(storage, monitor)
    reference = _stored(monitor.id, SummaryKind.REFERENCE, T0 - timedelta(days=90), summary=REFERENCE,
                        reference_version=1, facts=FACTS)  # fmt: skip
    expired = _stored(monitor.id, SummaryKind.DAY, T0 - timedelta(days=40), summary=_batch(4))
    kept, deleted = (
        _stored(monitor.id, SummaryKind.BATCH, T0 - timedelta(minutes=m), summary=_batch(m)) for m in (1, 2)
    )
    async with storage.unit_of_work() as uow:
        for item in (reference, expired, kept, deleted):
            await uow.summaries.add(item)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        await uow.summaries.delete([deleted.id])
        assert await uow.summaries.purge_before(T0 - timedelta(days=30)) == 1
        await uow.commit()
    async with storage.unit_of_work() as uow:
        left = await uow.summaries.window("acme", monitor.id, REFERENCE, since=None)
        assert await uow.summaries.reference("acme", monitor.id, 1) is not None
    assert [item.id for item in left] == [kept.id]
