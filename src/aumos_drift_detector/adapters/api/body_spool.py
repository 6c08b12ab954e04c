"""A request body written to a temporary file and hashed in a worker thread while the rest arrives.

The event loop only collects the chunks the server hands over; every :data:`BLOCK_BYTES` they go to a
worker thread, which writes them to the file (in memory up to :data:`SPOOL_IN_MEMORY_BYTES`, beyond
that an unnamed file on disk in the temporary directory) and adds them to the SHA-256, both without
holding the GIL, while the loop receives the next block. At most one block is being written and one
collected, so the memory held stays two blocks whatever the size of the body.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import tempfile
from typing import IO, Final

#: Bodies up to this size are kept in memory; larger ones go to a temporary file.
SPOOL_IN_MEMORY_BYTES: Final[int] = 1 << 20
#: Bytes collected before they are handed to the worker thread.
BLOCK_BYTES: Final[int] = 1 << 20


def _on_disk(memory: io.BytesIO) -> IO[bytes]:
    """A temporary file on disk holding what ``memory`` held (which is closed), positioned at its end."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the spool's owner
    try:
        file.write(memory.getbuffer())
    except BaseException:
        file.close()
        raise
    finally:
        memory.close()
    return file


class BodySpool:
    """Collects a body's chunks; a worker thread writes and hashes them a block at a time.

    Call :meth:`add` for each chunk, then :meth:`finish`; or :meth:`close` to give the body up.
    """

    def __init__(self) -> None:
        self.file: IO[bytes] = io.BytesIO()
        self._digest = hashlib.sha256()
        self._chunks: list[bytes] = []
        self._collected = 0
        self._pending: asyncio.Future[None] | None = None

    async def add(self, chunk: bytes) -> None:
        """Take the next chunk of the body (waits only when a full block is still being written)."""
        self._chunks.append(chunk)
        self._collected += len(chunk)
        if self._collected >= BLOCK_BYTES:
            await self._hand_over()

    async def finish(self) -> tuple[IO[bytes], str]:
        """The whole body written: the file at its start and the body's SHA-256."""
        await self._hand_over()
        await self._settle()
        self.file.seek(0)
        return self.file, self._digest.hexdigest()

    def close(self) -> None:
        """Give the body up: the file is closed once no block is being written to it."""
        pending = self._pending
        if pending is None or pending.done():
            self._discard(pending)
        else:
            pending.add_done_callback(self._discard)

    def _discard(self, pending: asyncio.Future[None] | None) -> None:
        if pending is not None and not pending.cancelled():
            pending.exception()  # retrieved and dropped: the body is refused anyway
        self.file.close()

    async def _settle(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            await pending

    async def _hand_over(self) -> None:
        await self._settle()
        chunks, self._chunks, self._collected = self._chunks, [], 0
        if chunks:
            self._pending = asyncio.ensure_future(asyncio.to_thread(self._absorb, chunks))

    def _absorb(self, chunks: list[bytes]) -> None:
        """Write and hash one block (on a worker thread)."""
        size = sum(len(chunk) for chunk in chunks)
        if isinstance(self.file, io.BytesIO) and self.file.tell() + size > SPOOL_IN_MEMORY_BYTES:
            self.file = _on_disk(self.file)
        for chunk in chunks:
            self.file.write(chunk)
            self._digest.update(chunk)
