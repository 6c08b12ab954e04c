"""MT19937 draws exactly as CPython's ``random.Random`` makes them, for compiled kernels.

KSWIN must draw the same random sub-sample as River, which calls ``random.Random.sample``. The
state is the one ``random.Random.getstate()`` exposes (624 words and a position), so a generator
seeded by Python continues here draw for draw, and back.
"""

from __future__ import annotations

import random

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.compilation import inline_kernel

STATE_WORDS = 624
_SHIFT = 397
_MATRIX = 0x9908B0DF
_UPPER = 0x80000000
_LOWER = 0x7FFFFFFF


def seeded_state(seed: int | None) -> npt.NDArray[np.int64]:
    """Return the generator state of ``random.Random(seed)``: 624 words followed by the position.

    Args:
        seed: The seed; ``None`` draws fresh entropy from the operating system.

    Returns:
        An int64 array of 625 entries.
    """
    _, words, _ = random.Random(seed).getstate()  # noqa: S311 - must replay River's non-cryptographic draws
    return np.array(words, dtype=np.int64)


@inline_kernel
def _twist(state: npt.NDArray[np.int64]) -> None:
    for k in range(STATE_WORDS):
        y = (state[k] & _UPPER) | (state[(k + 1) % STATE_WORDS] & _LOWER)
        value = state[(k + _SHIFT) % STATE_WORDS] ^ (y >> 1)
        if y & 1:
            value ^= _MATRIX
        state[k] = value
    state[STATE_WORDS] = 0


@inline_kernel
def next_word(state: npt.NDArray[np.int64]) -> int:
    """Return the next 32-bit output (``genrand_uint32``), advancing ``state`` in place."""
    if state[STATE_WORDS] >= STATE_WORDS:
        _twist(state)
    y = state[state[STATE_WORDS]]
    state[STATE_WORDS] += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C5680
    y ^= (y << 15) & 0xEFC60000
    y ^= y >> 18
    return int(y & 0xFFFFFFFF)


@inline_kernel
def below(state: npt.NDArray[np.int64], n: int) -> int:
    """Return a uniform integer in ``[0, n)`` as ``random.Random._randbelow`` does (``n >= 1``)."""
    bits = 0
    while (1 << bits) <= n:
        bits += 1
    r = next_word(state) >> (32 - bits)
    while r >= n:
        r = next_word(state) >> (32 - bits)
    return r
