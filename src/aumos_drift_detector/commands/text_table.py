"""Plain-text tables for the commands' reports: left-aligned columns, the header underlined.

>>> for line in text_table(["feature", "p"], [["age", "0.01"], ["plan", "0.5"]]):
...     print(line)
feature  p
-------  ----
age      0.01
plan     0.5
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def text_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """The lines of a table: columns two spaces apart, as wide as their widest cell, no trailing blanks."""
    cells = [list(header), *(list(row) for row in rows)]
    widths = [max(len(row[index]) for row in cells) for index in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines
