"""One page of a keyset-paginated listing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a keyset-paginated listing.

    Attributes:
        items: The rows of this page.
        next_cursor: Opaque cursor for the next page, ``None`` on the last page.
    """

    items: Sequence[T]
    next_cursor: str | None
