"""Independent readers of one open file, for readers that make several passes.

pyarrow's streaming readers fetch blocks ahead in a background thread. When such a reader stops
early (a conversion error makes the CSV reader start again with another column type), that thread
may still be reading, so a second pass over the *same* file object would see its position move
under it. Each pass therefore reads through its own :meth:`SharedFile.reader`, which keeps its own
position and seeks the underlying file under a lock for every read.
"""

from __future__ import annotations

import io
import os
import threading
from typing import IO, Final

_BUFFER: Final[int] = 1 << 20


class _View(io.RawIOBase):
    """A read-only, seekable view of a shared file with a position of its own."""

    def __init__(self, file: IO[bytes], lock: threading.Lock) -> None:
        super().__init__()
        self._file = file
        self._lock = lock
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        with self._lock:
            self._file.seek(self._position)
            data = self._file.read(len(buffer))
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_END:
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

    def reader(self) -> IO[bytes]:
        """A new buffered reader positioned at the start of the file."""
        return io.BufferedReader(_View(self._file, self._lock), buffer_size=_BUFFER)
