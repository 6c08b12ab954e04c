"""The rows of an observation record from a stream, read by the same rules as a JSON upload.

The rows arrive already decoded (the record was parsed once to find its tenant and monitor), so they are
checked and gathered into columns as they are, by the checker and the bad-value policy of a JSON array
upload, rather than written back to text and parsed again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from aumos_drift_detector.adapters.files.tabular import read_records
from aumos_drift_detector.core.ingest.model import Upload


def read_rows(rows: Sequence[object]) -> Upload:
    """Read the rows of an observation record by the rules of a JSON upload (core's stream ``RowsReader``).

    Raises:
        ValidationError: A refused value or an unreadable row; the message names the column and row.
    """
    parsed = read_records(rows, name="observations")
    body = json.dumps(rows).encode()  # the digest of the rows as JSON text, NaN written as NaN
    return Upload(
        table=parsed.table,
        rows=parsed.table.num_rows,
        content_type="application/json",
        checksum=hashlib.sha256(body).hexdigest(),
        missing_values=parsed.missing_values,
    )
