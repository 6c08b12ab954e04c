"""Independent readers of one open file, for readers that make several passes.

pyarrow's streaming readers fetch blocks ahead in a background thread. When such a reader stops
early (a conversion error makes the CSV reader start again with another column type), that thread
may still be reading, so a second pass over the *same* file object would see its position move
under it. Each pass therefore reads through its own :meth:`SharedFile.reader`, which keeps its own
position. A file with a descriptor (a file on disk, an upload spooled to a temporary file) is read
with ``os.preadv`` at the reader's position straight into the caller's buffer, without a lock and
with the GIL released; any other (an in-memory buffer) is sought and read under a lock.
"""

from __future__ import annotations

import io
import os
import stat
import threading
from typing import IO, Final

_BUFFER: Final[int] = 1 << 20


def _descriptor(file: IO[bytes]) -> int | None:
    """The file's descriptor if it can be read with ``os.preadv`` (its buffered writes flushed), else ``None``."""
    if not hasattr(os, "preadv") or not isinstance(file, io.BufferedRandom | io.BufferedReader | io.FileIO):
        return None
    try:
        file.flush()
        descriptor = file.fileno()
        return descriptor if stat.S_ISREG(os.fstat(descriptor).st_mode) else None
    except (OSError, ValueError):
        return None


class _View(io.RawIOBase):
    """A read-only, seekable view of a shared file with a position of its own."""

    def __init__(self, file: IO[bytes], lock: threading.Lock, descriptor: int | None) -> None:
        super().__init__()
        self._file = file
        self._lock = lock
        self._descriptor = descriptor
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._descriptor is not None:
            count = os.preadv(self._descriptor, [buffer], self._position)
            self._position += count
            return count
        with self._lock:
            self._file.seek(self._position)
            data = self._file.read(len(buffer))
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_END and self._descriptor is not None:
            offset += os.fstat(self._descriptor).st_size
        elif whence == os.SEEK_END:
            with self._lock:
                offset += self._file.seek(0, os.SEEK_END)
        elif whence == os.SEEK_CUR:
            offset += self._position
        self._position = max(offset, 0)
        return self._position

    def tell(self) -> int:
        return self._position


class SharedFile:
    """Hands out independent readers of one seekable binary file (which the caller closes).

    Args:
        file: The file, opened in binary mode.
    """

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file
        self._lock = threading.Lock()
        self._descriptor = _descriptor(file)

    def reader(self) -> IO[bytes]:
        """A new buffered reader positioned at the start of the file."""
        return io.BufferedReader(_View(self._file, self._lock, self._descriptor), buffer_size=_BUFFER)
