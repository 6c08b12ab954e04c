"""Finding the CSV line whose quote is never closed.

A field that starts with a quote runs to the next lone quote (two quotes in a row stand for one
quote character); what follows the closing quote up to the next comma belongs to the field, as
pyarrow reads it. Since values may not span lines, a line is well formed exactly when every quote
that opens a field is closed on the same line. Lines without a quote are skipped at C speed, so the
scan over a large file costs about as much as reading it once.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from typing import Final

from aumos_drift_detector.adapters.files.shared_file import SharedFile
from aumos_drift_detector.core.errors import ValidationError

_FIELD: Final = rb'(?:"(?:[^"]|"")*"[^,]*|[^,"][^,]*|)'
_LINE: Final = re.compile(_FIELD + rb"(?:," + _FIELD + rb")*")
_FIELD_AND_COMMA: Final = re.compile(_FIELD + rb",")


@dataclass(frozen=True, slots=True)
class OpenQuote:
    """Where a quote is opened and not closed.

    Attributes:
        line: The physical line, 1 for the header.
        row: The data row (1 for the first row after the header; 0 for the header itself).
        column: The header's name of the column, or ``#n`` when the header has fewer columns.
    """

    line: int
    row: int
    column: str


def _field_index(text: bytes) -> int:
    position, index = 0, 0
    while (match := _FIELD_AND_COMMA.match(text, position)) is not None:
        position, index = match.end(), index + 1
    return index


def _header_names(text: bytes) -> list[str]:
    return next(csv.reader([text.decode("utf-8", errors="replace")]), [])


def find_open_quote(source: SharedFile) -> OpenQuote | None:
    """The first line that ends inside a quoted value, if any (empty lines are skipped)."""
    row = -1
    header = b""
    for line_number, line in enumerate(source.reader(), start=1):
        text = line.rstrip(b"\r\n")
        if not text:
            continue
        row += 1
        if row == 0:
            header = text
        if b'"' in text and _LINE.fullmatch(text) is None:
            index = _field_index(text)
            names = _header_names(header) if row > 0 else []
            column = names[index] if index < len(names) else f"#{index + 1}"
            return OpenQuote(line=line_number, row=row, column=column)
    return None


def open_quote_error(name: str, quote: OpenQuote) -> ValidationError:
    """The error that refuses a file with an unclosed quote."""
    where = f"line {quote.line} (the header)" if quote.row == 0 else f"line {quote.line} (row {quote.row})"
    return ValidationError(
        f"{name}: {where}, column {quote.column!r}: a quote is opened and not closed on the same line; "
        "CSV values cannot span lines (write a quote inside a quoted value as two quotes)",
        details={"line": quote.line, "row": quote.row, "column": quote.column, "problem": "unclosed_quote"},
    )
