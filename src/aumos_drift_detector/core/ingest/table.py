"""The port of tabular data: what the use cases need of an uploaded or stored table.

Adapters hand the use cases a column-oriented table (a pyarrow ``Table`` in this service); the core
reads its size and column names, selects the declared columns, and passes it to the statistical
engine, which reads the columns themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class Table(Protocol):
    """A column-oriented table of rows."""

    @property
    def num_rows(self) -> int:
        """Number of rows."""
        ...

    @property
    def column_names(self) -> list[str]:
        """Column names, in order."""
        ...

    def select(self, columns: Sequence[str]) -> Table:
        """A table of the named columns only, in that order."""
        ...

    def take(self, indices: Any) -> Table:
        """A table of the rows at ``indices`` (a 1-D integer array), in that order."""
        ...

    def to_pydict(self) -> dict[str, list[Any]]:
        """The columns as lists of Python values (``None`` for a missing value)."""
        ...
