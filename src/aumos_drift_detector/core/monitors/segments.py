"""A monitor's segments option: one verdict per value of categorical columns (``docs/segments.md``).

``segments`` is optional (``null``: off). With it, every reference upload also keeps one profile per
value of the ``by`` columns (the ``max_segments`` values with the most reference rows), and every
run tests each segment of the current window against its own reference profile, beside the global
verdict. A segment column is a categorical column of the uploads that is not a monitored feature.

>>> from aumos_drift_detector.core.validation import parse
>>> parse(SegmentsConfig, {"by": ["country"]}).max_segments
20
>>> parse(SegmentsConfig, {"by": ["country"], "max_segments": 500}, path="segments")
Traceback (most recent call last):
...
aumos_drift_detector.core.errors.ValidationError: segments.max_segments: Input should be less than or equal to 100
"""

from __future__ import annotations

from typing import Final

from pydantic import Field, field_validator

from aumos_drift_detector.core.monitors.config import MAX_WINDOW_ROWS
from aumos_drift_detector.core.validation import DomainModel, Named

#: Most segments one monitor may test: each is a set of tests at every run, and a share of the alert budget.
MAX_SEGMENTS: Final[int] = 100
#: Most columns a segment key may combine.
MAX_SEGMENT_COLUMNS: Final[int] = 3
#: The key part of a missing segment value.
MISSING_VALUE: Final[str] = "(missing)"


class SegmentsConfig(DomainModel):
    """Per-segment drift verdicts: the rows of each value of the ``by`` columns against their own reference."""

    by: list[Named] = Field(
        min_length=1,
        max_length=MAX_SEGMENT_COLUMNS,
        description="Categorical columns whose values make the segments (e.g. country, channel)",
        examples=[["country"]],
    )
    max_segments: int = Field(
        default=20,
        ge=1,
        le=MAX_SEGMENTS,
        description="The values with the most reference rows are kept as segments; the rest are tested only "
        "in the global verdict",
    )
    min_rows: int = Field(
        default=200,
        ge=30,
        le=MAX_WINDOW_ROWS,
        description="A segment with fewer reference or current rows is reported as skipped",
    )

    @field_validator("by")
    @classmethod
    def _distinct(cls, by: list[str]) -> list[str]:
        if len(set(by)) != len(by):
            msg = "a column is named twice"
            raise ValueError(msg)
        return by


def segment_key(values: tuple[object, ...], by: list[str]) -> str:
    """The segment's label: ``country=DE`` or ``country=DE,channel=web``.

    >>> segment_key(("DE", None), ["country", "channel"])
    'country=DE,channel=(missing)'
    """
    parts = (MISSING_VALUE if value is None else str(value) for value in values)
    return ",".join(f"{name}={part}" for name, part in zip(by, parts, strict=True))
