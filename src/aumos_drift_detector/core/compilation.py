"""Compilation of the numerical kernels with Numba: lazily, cached on disk, and optional.

This is the one place where kernels are compiled, for the statistical tests (the merge of two
sorted samples, the exact Kolmogorov-Smirnov recursions) and the concept-drift detectors alike.
Kernels are plain Python functions over floats, integers and NumPy arrays, written in the subset
Numba compiles. :func:`kernel` and :func:`inline_kernel` wrap them in a :class:`LazyKernel`:

* Importing a module of kernels costs nothing: Numba itself is imported at the first *call*.
* The first call compiles in nopython mode with ``cache=True`` (machine code kept in
  ``__pycache__``) and ``nogil=True`` (threads run kernels in parallel). In a fresh environment this
  costs about one to three seconds per kernel family, once; later processes load the cache in tens
  of milliseconds.
* A kernel that calls other kernels compiles them first, and the module globals naming them are
  rebound to the compiled dispatchers, so Numba sees compiled callees (``inline_kernel`` ones are
  inlined into their callers).
* When the environment variable ``AUMOS_DRIFT_NO_JIT`` is non-empty, or Numba is not installed,
  every call runs the plain Python function (results are identical, only slower). The variable is
  read at every call; set it before the process starts to keep every kernel uncompiled. Callers that
  have a faster numpy form than the plain loop ask :func:`jit_disabled` and use it instead.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import threading
from collections.abc import Callable
from typing import Any, Final, Generic, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])

DISABLE_VARIABLE: Final[str] = "AUMOS_DRIFT_NO_JIT"
"""Environment variable that, when non-empty, keeps every kernel in plain Python."""

_lock = threading.RLock()
_numba_found: list[bool] = []


def jit_disabled() -> bool:
    """Whether kernels run as plain Python: ``AUMOS_DRIFT_NO_JIT`` is set, or Numba is not installed."""
    if os.environ.get(DISABLE_VARIABLE):
        return True
    if not _numba_found:
        _numba_found.append(importlib.util.find_spec("numba") is not None)
    return not _numba_found[0]


class LazyKernel(Generic[F]):
    """A kernel compiled with Numba at its first call (see the module docstring).

    Args:
        function: The kernel in plain Python.
        inline: Ask Numba to inline the kernel into compiled callers.
    """

    def __init__(self, function: F, *, inline: bool = False) -> None:
        self.py_func = function
        self.inline = inline
        self._compiled: Callable[..., Any] | None = None
        self.__doc__ = function.__doc__
        self.__name__ = function.__name__
        self.__qualname__ = function.__qualname__
        self.__module__ = function.__module__
        self.__wrapped__ = function

    def __call__(self, *args: Any) -> Any:
        """Run the compiled kernel, or the plain function when compilation is off."""
        if os.environ.get(DISABLE_VARIABLE):
            return self.py_func(*args)
        compiled = self._compiled if self._compiled is not None else self.compiled()
        return (compiled or self.py_func)(*args)

    def compiled(self) -> Callable[..., Any] | None:
        """The Numba dispatcher, compiling on first use; ``None`` when compilation is off."""
        if jit_disabled():
            return None
        with _lock:
            if self._compiled is None:
                numba = importlib.import_module("numba")
                namespace = self.py_func.__globals__
                for name in self.py_func.__code__.co_names:  # the globals this kernel calls
                    callee = namespace.get(name)
                    if isinstance(callee, LazyKernel) and callee is not self:
                        namespace[name] = callee.compiled()
                options: dict[str, Any] = {"cache": True, "nogil": True}
                if self.inline:
                    options["inline"] = "always"
                self._compiled = numba.njit(**options)(self.py_func)
            return self._compiled


def kernel(function: F) -> F:
    """Wrap ``function`` as a :class:`LazyKernel` (compiled at first call, cached on disk).

    Args:
        function: A kernel written in the Numba-compatible subset of Python.

    Returns:
        The lazy kernel, callable like ``function``.

    Example:
        >>> import math
        >>> lazy = kernel(math.fsum)
        >>> lazy.py_func is math.fsum
        True
    """
    return cast(F, LazyKernel(function))


def inline_kernel(function: F) -> F:
    """Like :func:`kernel`, but Numba inlines the function into its compiled callers.

    Inlining matters for helpers that take arrays: an out-of-line call pays reference counting on
    every array argument, which costs more than the helper's own work.

    Args:
        function: A helper written in the Numba-compatible subset of Python.

    Returns:
        The lazy kernel, callable like ``function``.
    """
    return cast(F, LazyKernel(function, inline=True))
