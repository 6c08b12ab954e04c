"""The rows of an observation record from a stream, read by the same rules as a JSON upload."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence

from aumos_drift_detector.adapters.files.tabular import read_tabular
from aumos_drift_detector.core.ingest.model import Upload


def read_rows(rows: Sequence[object]) -> Upload:
    """Read the rows of an observation record by the rules of a JSON upload (core's stream ``RowsReader``).

    Raises:
        ValidationError: A refused value or an unreadable row; the message names the column and row.
    """
    body = json.dumps(rows).encode()  # NaN stays NaN: a missing value, as in a JSON upload
    parsed = read_tabular(io.BytesIO(body), "json", name="observations")
    return Upload(
        table=parsed.table,
        rows=parsed.table.num_rows,
        content_type="application/json",
        checksum=hashlib.sha256(body).hexdigest(),
        missing_values=parsed.missing_values,
    )
