"""Defaults shared by the multivariate tests: sample bounds, significance level and the fewest rows."""

from __future__ import annotations

from typing import Final

from aumos_drift_detector.core.errors import InsufficientDataError

#: Significance level of every multivariate test unless the caller sets one.
DEFAULT_ALPHA: Final[float] = 0.05
#: Rows per sample the domain classifier and the PCA reconstruction use at most.
DEFAULT_MAX_ROWS: Final[int] = 5_000
#: Points per sample the embedding tests (MMD, centroid distance) use at most.
DEFAULT_MAX_POINTS: Final[int] = 2_000
#: Permutations of the pooled sample in the permutation tests.
DEFAULT_PERMUTATIONS: Final[int] = 200
#: Fewest rows per sample a multivariate test accepts.
MIN_ROWS: Final[int] = 50


def require_rows(method: str, n_reference: int, n_current: int, minimum: int = MIN_ROWS) -> None:
    """Refuse samples with fewer than ``minimum`` rows.

    Raises:
        InsufficientDataError: Naming the method and both counts.
    """
    if min(n_reference, n_current) < minimum:
        raise InsufficientDataError(
            f"{method} needs at least {minimum} rows in each sample, got {n_reference} reference and "
            f"{n_current} current",
            details={"method": method, "n_reference": n_reference, "n_current": n_current, "minimum": minimum},
        )
