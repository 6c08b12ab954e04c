"""A spooled body is the body, byte for byte, with its SHA-256, whatever its size and chunking; a
small body stays in memory and a large one goes to a file on disk; a body given up is closed."""

from __future__ import annotations

import asyncio
import hashlib
import io
import os

import pytest

from aumos_drift_detector.adapters.api.body_spool import BLOCK_BYTES, SPOOL_IN_MEMORY_BYTES, BodySpool


async def _spooled(body: bytes, chunk: int) -> tuple[bytes, str, bool]:
    spool = BodySpool()
    for start in range(0, len(body), chunk):
        await spool.add(body[start : start + chunk])
    file, digest = await spool.finish()
    with file:
        return file.read(), digest, isinstance(file, io.BytesIO)


@pytest.mark.parametrize(
    ("size", "chunk"),
    [
        (0, 1),
        (10, 3),
        (SPOOL_IN_MEMORY_BYTES, 65_536),
        (SPOOL_IN_MEMORY_BYTES + 1, 65_536),
        (3 * BLOCK_BYTES + 777, 65_536),
        (2 * BLOCK_BYTES, BLOCK_BYTES),
        (BLOCK_BYTES + 5, 3 * BLOCK_BYTES),
    ],
)
async def test_the_spooled_body_is_the_body_with_its_sha256(size: int, chunk: int) -> None:
    body = os.urandom(size)
    content, digest, in_memory = await _spooled(body, chunk)
    assert content == body
    assert digest == hashlib.sha256(body).hexdigest()
    assert in_memory == (size <= SPOOL_IN_MEMORY_BYTES)


async def test_a_body_given_up_while_a_block_is_written_is_closed_once_written() -> None:
    spool = BodySpool()
    await spool.add(os.urandom(BLOCK_BYTES))  # handed to the worker thread
    spool.close()
    for _ in range(200):
        if spool.file.closed:
            break
        await asyncio.sleep(0.01)
    assert spool.file.closed
