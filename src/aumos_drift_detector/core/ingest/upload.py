"""The port of an uploaded table: one pass over its rows, batch by batch, into a consumer.

An upload can be larger than the service could hold twice in memory. So the use cases never ask an
upload for its whole table: they hand it a :class:`BatchConsumer` that keeps only what it needs of
each batch (the reference profile builder keeps numbers and category counts, the observation writer
a compressed copy of the declared columns), and the upload, while reading, checks every value and
counts the missing ones. What the use case then needs to know of the columns is in
:class:`ScannedTable`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal, Protocol, TypeAlias

#: The table formats an upload can come in.
TableFormat: TypeAlias = Literal["csv", "parquet", "json"]


class BatchConsumer(Protocol):
    """Takes the rows of a table batch by batch."""

    def start(self, names: Sequence[str]) -> bool:
        """Begin a pass over batches with these columns, forgetting any earlier pass.

        Returns:
            Whether it can take such batches (``False``: the upload is read without it).
        """
        ...

    def add(self, batch: Any) -> None:
        """Take the next batch: a column-oriented container (a pyarrow RecordBatch or Table)."""
        ...


@dataclass(frozen=True, slots=True)
class ColumnFacts:
    """What a use case needs to know about one column of an upload.

    Attributes:
        name: Column name.
        numeric: Whether it holds numbers or booleans.
        boolean: Whether it holds booleans.
        missing: Missing values in it (null, and NaN among numbers).
        first_text: For a text column, its first value that is not a number, with its 1-based row, when known.
    """

    name: str
    numeric: bool
    boolean: bool
    missing: int
    first_text: tuple[int, str] | None = None


@dataclass(frozen=True, slots=True)
class ScannedTable:
    """What one pass over an upload found.

    Attributes:
        rows: Number of rows.
        columns: The columns, in table order.
    """

    rows: int
    columns: tuple[ColumnFacts, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Column names, in table order."""
        return tuple(column.name for column in self.columns)


class UploadedTable(Protocol):
    """A table sent by a client, read once into a consumer."""

    @property
    def content_type(self) -> str:
        """Media type it arrived as."""
        ...

    @property
    def checksum(self) -> str:
        """SHA-256 of the raw bytes."""
        ...

    @property
    def missing_values(self) -> Mapping[str, int]:
        """Missing values counted per column (only columns that have some), known once scanned."""
        ...

    def scan(self, consumer: BatchConsumer) -> ScannedTable:
        """Read every row into ``consumer`` (blocking: run it in a worker thread).

        Raises:
            ValidationError: A malformed table or a refused value (naming column and row).
        """
        ...


class SpooledUpload(UploadedTable, Protocol):
    """An uploaded table kept in a file until a use case reads it; :meth:`close` frees it if nobody did."""

    def close(self) -> None:
        """Free the file unless a scan has taken it over (a scan closes it when done)."""
        ...


class UploadOpener(Protocol):
    """Makes an uploaded table of a received body (the files adapter parses it when it is scanned)."""

    def __call__(
        self, spool: IO[bytes], fmt: TableFormat, *, content_type: str, checksum: str, name: str
    ) -> SpooledUpload:
        """The upload of ``spool``, a seekable binary file at its start, in format ``fmt``.

        Args:
            spool: The body.
            fmt: Its table format.
            content_type: The media type it arrived as.
            checksum: SHA-256 of the body.
            name: What error messages call it (``reference``, ``observations``).
        """
        ...
