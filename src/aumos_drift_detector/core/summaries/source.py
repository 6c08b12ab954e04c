"""The port for counting data where it lives: a source that turns rows into a window summary.

An adapter (DuckDB over Parquet or CSV files, Spark on a cluster, a SQL table) runs the counting
next to the data and returns only the counts. :class:`InMemorySummarySource` is the fake that counts
columns held in memory with :mod:`.counting`; every adapter must produce the same counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from aumos_drift_detector.core.summaries.counting import count_columns
from aumos_drift_detector.core.summaries.layout import SummaryLayout
from aumos_drift_detector.core.summaries.window_summary import WindowSummary


@runtime_checkable
class SummarySource(Protocol):
    """Something whose rows can be counted into a :class:`WindowSummary`."""

    def count(self, layout: SummaryLayout) -> WindowSummary:
        """Count every row of the source into ``layout``.

        Raises:
            ValidationError: The source lacks a layout feature, a numeric feature is not numeric, or what the
                source names cannot be read (missing files, an unreachable database): the message names the
                source, never a password.
        """
        ...


class InMemorySummarySource:
    """A source of columns held in memory (the fake of :class:`SummarySource`).

    Example:
        >>> import numpy as np
        >>> from aumos_drift_detector.core.summaries.layout import NumericBins
        >>> layout = SummaryLayout((NumericBins("x", np.array([0.5])),))
        >>> InMemorySummarySource({"x": [0.0, 1.0, 2.0]}).count(layout).features[0].counts.tolist()
        [1, 2]
    """

    def __init__(self, columns: Mapping[str, Any]) -> None:
        """Keep the columns to count (name to 1-D array-like)."""
        self._columns = dict(columns)
        self.counted = 0

    def count(self, layout: SummaryLayout) -> WindowSummary:
        """Count the columns into ``layout`` (see :func:`~.counting.count_columns`)."""
        self.counted += 1
        return count_columns(layout, self._columns)
