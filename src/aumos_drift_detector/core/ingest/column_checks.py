"""Checking an upload's columns against the monitor: every declared column present, each of a usable type."""

from __future__ import annotations

from collections.abc import Sequence

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.ingest.upload import ColumnFacts
from aumos_drift_detector.core.monitors.model import Monitor


def _not_numeric(what: str, column: ColumnFacts) -> ValidationError:
    if column.first_text is None:
        return ValidationError(
            f"{what}: column {column.name!r} must be numeric for a numerical feature", details={"column": column.name}
        )
    row, value = column.first_text
    return ValidationError(
        f"{what}: column {column.name!r}, row {row}: {value!r} is not a number in a numerical "
        "feature; send a number, or an empty cell or null for a missing value",
        details={"column": column.name, "row": row, "value": value, "problem": "not_a_number"},
    )


def check_columns(columns: Sequence[ColumnFacts], monitor: Monitor, *, what: str) -> tuple[str, ...]:
    """Check every declared feature is present with a usable type; return the undeclared columns.

    Raises:
        ValidationError: A declared feature or embedding column is missing, a numerical one is not
            numeric, or a categorical one holds NaN.
    """
    found = {column.name: column for column in columns}
    for name in monitor.embedding_names:
        if name not in found:
            raise ValidationError(
                f"{what}: column {name!r} is missing (declared as an embedding column of the multivariate tests)",
                details={"column": name, "problem": "missing"},
            )
    for name in monitor.segment_names:
        if name not in found:
            raise ValidationError(
                f"{what}: column {name!r} is missing (declared as a segment column)",
                details={"column": name, "problem": "missing"},
            )
    for feature in monitor.features:
        name, kind = feature.name, feature.kind
        column = found.get(name)
        if column is None:
            raise ValidationError(
                f"{what}: column {name!r} is missing (declared as a {kind} feature)",
                details={"column": name, "problem": "missing"},
            )
        if kind == "numerical" and not column.numeric:
            raise _not_numeric(what, column)
        if kind in ("categorical", "binary") and column.numeric and not column.boolean and column.missing:
            # read as numbers, a missing value is NaN
            raise ValidationError(
                f"{what}: column {name!r} holds NaN in a {kind} feature; send missing categories as empty values",
                details={"column": name},
            )
    return tuple(sorted(set(found) - {*monitor.feature_names, *monitor.embedding_names, *monitor.segment_names}))
