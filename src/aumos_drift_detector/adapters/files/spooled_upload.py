"""A received table kept in a temporary file and parsed once, batch by batch, into a use case's consumer.

The parse applies the bad-value policy of :mod:`.tabular` (missing values counted per column, refused
values reported with column and row) while the rows stream into the consumer, so the table is never
held whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO

import pyarrow as pa

from aumos_drift_detector.adapters.files.table_scan import ScanResult, TabularFormat, scan_tabular
from aumos_drift_detector.core.ingest.upload import BatchConsumer, ColumnFacts, ScannedTable
from aumos_drift_detector.core.statistical.arrow_columns import arrow_kind


class SpooledTableFile:
    """A received table in a temporary file, parsed once by a use case (core's ``SpooledUpload``).

    Closed by :meth:`scan` when it is done, or by :meth:`close` if it never ran.

    Args:
        spool: The body, a seekable binary file at its start.
        fmt: Its table format.
        content_type: The media type it arrived as.
        checksum: SHA-256 of the body.
        name: What error messages call it.
    """

    def __init__(self, spool: IO[bytes], fmt: TabularFormat, *, content_type: str, checksum: str, name: str) -> None:
        self._spool = spool
        self._fmt: TabularFormat = fmt
        self._content_type = content_type
        self._checksum = checksum
        self._name = name
        self._missing: dict[str, int] = {}
        self._scanned = False

    @property
    def content_type(self) -> str:
        """Media type it arrived as."""
        return self._content_type

    @property
    def checksum(self) -> str:
        """SHA-256 of the body."""
        return self._checksum

    @property
    def missing_values(self) -> Mapping[str, int]:
        """Missing values per column (only columns that have some), once scanned."""
        return self._missing

    def scan(self, consumer: BatchConsumer) -> ScannedTable:
        """Parse the body into ``consumer``, then close it (blocking: run it in a worker thread).

        Raises:
            ValidationError: A malformed body or a refused value (naming column and row).
        """
        self._scanned = True
        with self._spool:
            found = scan_tabular(self._spool, self._fmt, name=self._name, consumer=consumer)
        self._missing = found.missing_values
        return ScannedTable(found.rows, tuple(_facts(field, found) for field in found.schema))

    def close(self) -> None:
        """Close the file unless a scan took it over (a scan still running in its thread closes it itself)."""
        if not self._scanned:
            self._spool.close()


def _facts(field: pa.Field, found: ScanResult) -> ColumnFacts:
    kind = arrow_kind(field.type)
    return ColumnFacts(
        field.name, numeric=kind != "other", boolean=kind == "boolean",
        missing=found.missing_values.get(field.name, 0), first_text=found.first_texts.get(field.name),
    )  # fmt: skip
