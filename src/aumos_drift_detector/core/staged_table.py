"""A table of the in-memory storage as one transaction sees it: committed rows plus its own staged changes.

The in-memory fakes of the repositories read and write through a :class:`StagedTable`; the unit of
work applies every staged change on commit and drops them on rollback, so a use case that fails
half-way leaves the committed rows as they were, the way a database transaction does.

>>> committed = {1: "a"}
>>> table = StagedTable(committed)
>>> table.put(2, "b")
>>> sorted(table.values()), sorted(committed.values())
(['a', 'b'], ['a'])
>>> table.apply()
>>> sorted(committed.values())
['a', 'b']
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class StagedTable(Generic[K, V]):
    """Committed rows with one transaction's staged puts on top.

    Args:
        committed: The storage's rows of this table (changed only by :meth:`apply`).
    """

    def __init__(self, committed: dict[K, V]) -> None:
        self._committed = committed
        self._staged: dict[K, V] = {}
        self._deleted: set[K] = set()

    def get(self, key: K) -> V | None:
        """The row under ``key`` as this transaction sees it."""
        if key in self._deleted:
            return None
        return self._staged[key] if key in self._staged else self._committed.get(key)

    def put(self, key: K, value: V) -> None:
        """Stage a new or changed row."""
        self._deleted.discard(key)
        self._staged[key] = value

    def delete(self, key: K) -> None:
        """Stage the removal of a row."""
        self._staged.pop(key, None)
        self._deleted.add(key)

    def values(self) -> list[V]:
        """Every row as this transaction sees it."""
        merged = {key: value for key, value in self._committed.items() if key not in self._deleted}
        merged.update(self._staged)
        return list(merged.values())

    def apply(self) -> None:
        """Write the staged rows into the committed ones."""
        for key in self._deleted:
            self._committed.pop(key, None)
        self._committed.update(self._staged)
        self.discard()

    def discard(self) -> None:
        """Drop the staged rows."""
        self._staged.clear()
        self._deleted.clear()
