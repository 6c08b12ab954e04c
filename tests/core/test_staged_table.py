"""StagedTable and the in-memory unit of work: staged changes stay private until applied, and vanish when dropped."""

from __future__ import annotations

import asyncio

from aumos_drift_detector.core.staged_table import StagedTable
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from tests.core.builders import make_monitor


def test_a_put_is_seen_by_its_table_only_until_applied() -> None:
    committed = {1: "a"}
    table, other = StagedTable(committed), StagedTable(committed)
    table.put(2, "b")
    table.put(1, "a2")
    assert (table.get(1), table.get(2), sorted(table.values())) == ("a2", "b", ["a2", "b"])
    assert (committed, other.get(2), other.values()) == ({1: "a"}, None, ["a"])
    table.apply()
    assert committed == {1: "a2", 2: "b"}
    assert (other.get(1), other.get(2)) == ("a2", "b")


def test_a_delete_hides_the_row_inside_the_table_until_applied() -> None:
    committed = {1: "a", 2: "b"}
    table = StagedTable(committed)
    table.delete(1)
    assert (table.get(1), table.values(), committed) == (None, ["b"], {1: "a", 2: "b"})
    table.apply()
    assert committed == {2: "b"}


def test_discard_drops_staged_puts_and_deletes() -> None:
    committed = {1: "a"}
    table = StagedTable(committed)
    table.put(2, "b")
    table.delete(1)
    table.discard()
    assert (table.get(1), table.get(2), table.values()) == ("a", None, ["a"])
    table.apply()
    assert committed == {1: "a"}


def test_the_last_staged_change_of_a_key_wins() -> None:
    committed = {1: "a"}
    table = StagedTable(committed)
    table.delete(1)
    table.put(1, "again")
    table.put(2, "b")
    table.delete(2)
    assert (table.get(1), table.get(2)) == ("again", None)
    table.apply()
    assert committed == {1: "again"}


def test_apply_leaves_nothing_staged_for_later() -> None:
    committed: dict[int, str] = {}
    table = StagedTable(committed)
    table.put(1, "a")
    table.apply()
    committed.clear()  # another transaction's delete, applied meanwhile
    table.apply()
    assert (committed, table.get(1)) == ({}, None)


async def test_a_unit_of_work_left_without_commit_changes_nothing() -> None:
    storage = InMemoryStorage()
    monitor = make_monitor()
    async with storage.unit_of_work() as uow:
        await uow.monitors.add(monitor)
        assert await uow.monitors.get("acme", monitor.id) == monitor
    assert storage.monitors == {}
    async with storage.unit_of_work() as uow:
        await uow.monitors.add(monitor)
        await uow.commit()
    assert storage.monitors == {monitor.id: monitor}


async def test_a_row_lock_is_held_until_the_unit_of_work_ends() -> None:
    storage = InMemoryStorage()
    monitor = make_monitor()
    async with storage.unit_of_work() as uow:
        await uow.monitors.add(monitor)
        await uow.commit()
    order: list[str] = []

    async def hold() -> None:
        async with storage.unit_of_work() as uow:
            await uow.monitors.lock("acme", monitor.id)
            order.append("first locked")
            await asyncio.sleep(0.01)
            order.append("first done")

    async def wait() -> None:
        await asyncio.sleep(0)
        async with storage.unit_of_work() as uow:
            await uow.monitors.lock("acme", monitor.id)
            order.append("second locked")

    await asyncio.gather(hold(), wait())
    assert order == ["first locked", "first done", "second locked"]
