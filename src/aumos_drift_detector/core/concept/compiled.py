"""Compilation of the detectors' batch kernels with Numba, cached on disk.

Kernels are plain Python functions over floats and NumPy arrays. When Numba is installed they are
compiled on first use (``cache=True`` keeps the machine code between processes); without Numba the
same functions run as ordinary Python, slower but with identical results.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])


def _load_numba() -> Any:
    try:
        return importlib.import_module("numba")
    except ImportError:  # pragma: no cover - exercised only where Numba is absent
        return None


_NUMBA: Any = _load_numba()
NUMBA_AVAILABLE = _NUMBA is not None


def kernel(function: F) -> F:
    """Compile ``function`` in nopython mode with an on-disk cache, or return it unchanged without Numba.

    Args:
        function: A kernel written in the Numba-compatible subset of Python.

    Returns:
        The compiled dispatcher, or ``function`` itself.
    """
    if _NUMBA is None:  # pragma: no cover
        return function
    return cast(F, _NUMBA.njit(cache=True, nogil=True, fastmath=False)(function))


def inline_kernel(function: F) -> F:
    """Like :func:`kernel`, but the function is inlined into its compiled callers.

    Inlining matters for helpers that take arrays: an out-of-line call pays reference counting on
    every array argument, which costs more than the helper's own work.

    Args:
        function: A helper written in the Numba-compatible subset of Python.

    Returns:
        The compiled dispatcher, or ``function`` itself.
    """
    if _NUMBA is None:  # pragma: no cover
        return function
    return cast(F, _NUMBA.njit(cache=True, nogil=True, fastmath=False, inline="always")(function))
