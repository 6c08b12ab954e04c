"""Independent readers of one file: each reads the whole file from its own position, whether the file
is on disk (read with ``pread``) or in memory, and interleaved readers do not move each other."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from typing import IO

import pytest

from aumos_drift_detector.adapters.files import shared_file
from aumos_drift_detector.adapters.files.shared_file import SharedFile

BODY = os.urandom(3 * (1 << 20) + 12345)


@pytest.fixture(params=["disk", "memory", "disk-unflushed"])
def file(request: pytest.FixtureRequest) -> Iterator[IO[bytes]]:
    """The same bytes in a temporary file on disk (flushed or still in its write buffer) and in memory."""
    if request.param == "memory":
        yield io.BytesIO(BODY)
        return
    with tempfile.TemporaryFile() as spool:
        spool.write(BODY)
        if request.param == "disk":
            spool.flush()
        spool.seek(0)
        yield spool


def test_interleaved_readers_each_read_the_whole_file(file: IO[bytes]) -> None:
    shared = SharedFile(file)
    first, second = shared.reader(), shared.reader()
    parts: dict[int, list[bytes]] = {0: [], 1: []}
    for size in (10, 1 << 20, 7, 3 << 20):
        parts[0].append(first.read(size))
        parts[1].append(second.read(size // 2 + 1))
    parts[1].append(second.read())
    assert b"".join(parts[0]) == BODY
    assert b"".join(parts[1]) == BODY


def test_a_reader_seeks_from_the_end_and_the_start(file: IO[bytes]) -> None:
    reader = SharedFile(file).reader()
    assert reader.seek(-100, os.SEEK_END) == len(BODY) - 100
    assert reader.read() == BODY[-100:]
    reader.seek(5)
    assert reader.read(20) == BODY[5:25]


def test_only_a_regular_file_on_disk_is_read_with_pread(file: IO[bytes]) -> None:
    descriptor = shared_file._descriptor(file)
    assert (descriptor is None) == isinstance(file, io.BytesIO)
