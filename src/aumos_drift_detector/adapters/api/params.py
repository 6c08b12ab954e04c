"""Query and header parameters several routes share, with the constraints the OpenAPI document states."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Query

from aumos_drift_detector.adapters.api.schemas.fields import CURSOR, SINGLE_LINE
from aumos_drift_detector.core.paging import MAX_PAGE_SIZE

#: Longest cursor accepted: far above what :func:`~aumos_drift_detector.core.paging.encode_cursor` makes.
MAX_CURSOR_LENGTH = 512
#: Longest idempotency key: the size of the column that stores it.
MAX_IDEMPOTENCY_KEY_LENGTH = 200

ModelIdFilter = Annotated[
    str | None,
    Query(min_length=1, max_length=200, pattern=SINGLE_LINE, description="Only rows of this model id"),
]
PageLimit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Most items on the page")]
PageCursor = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=MAX_CURSOR_LENGTH,
        pattern=CURSOR,
        description="The next_cursor of the previous page; absent for the first page",
    ),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=MAX_IDEMPOTENCY_KEY_LENGTH,
        pattern=SINGLE_LINE,
        description="A retried request with the same key and body counts once; another body with it answers 409",
    ),
]
