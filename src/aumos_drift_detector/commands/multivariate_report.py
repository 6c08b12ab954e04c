"""The multivariate tests in the ``check`` report: one row per test, the attribution and the verdict's reason.

>>> from aumos_drift_detector.core.multivariate import FeatureAttribution, MultivariateResult
>>> ranked = (FeatureAttribution("a", 0.3, 1), FeatureAttribution("b", 0.29, 2), FeatureAttribution("c", 0.0, 3))
>>> result = MultivariateResult(
...     method="domain_classifier", columns=("a", "b", "c"), statistic=0.81, p_value=1e-9, threshold=0.025,
...     drift_detected=True, n_reference=5000, n_current=5000, score=0.62,
...     attribution=ranked,
... )
>>> print(multivariate_reason([result]))
Multivariate drift detected by the domain classifier on 3 features (AUC 0.81, p 1e-09 < 0.025; most moved: a, b).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from aumos_drift_detector.commands.text_table import text_table

if TYPE_CHECKING:  # the library loads scikit-learn
    from aumos_drift_detector.core.multivariate import MultivariateResult

_LABELS: Final[dict[str, str]] = {
    "domain_classifier": "domain classifier",
    "pca_reconstruction": "PCA reconstruction",
    "mmd": "MMD",
    "centroid_cosine": "centroid cosine",
}
_STATISTICS: Final[dict[str, str]] = {
    "domain_classifier": "AUC",
    "pca_reconstruction": "mean error",
    "mmd": "MMD²",
    "centroid_cosine": "cosine distance",
}
#: Attributed features shown per classifier: those carrying at least this share of the largest importance.
_SHOWN_SHARE = 0.25


def _subject(result: MultivariateResult) -> str:
    if result.method in ("mmd", "centroid_cosine") or any("[pc" in item.feature for item in result.attribution):
        return f"embedding {result.columns[0]!r}"
    return f"{len(result.columns)} features"


def top_features(result: MultivariateResult, limit: int = 3) -> list[str]:
    """The attributed features that matter: at least a quarter of the largest importance, at most ``limit``."""
    if not result.attribution or result.attribution[0].importance <= 0:
        return []
    floor = _SHOWN_SHARE * result.attribution[0].importance
    return [item.feature for item in result.attribution[:limit] if item.importance >= floor]


def _describe(result: MultivariateResult) -> str:
    moved = top_features(result)
    tail = f"; most moved: {', '.join(moved)}" if moved else ""
    return (
        f"the {_LABELS[result.method]} on {_subject(result)} ({_STATISTICS[result.method]} {result.statistic:.3g}, "
        f"p {result.p_value:.3g} < {result.threshold:g}{tail})"
    )


def multivariate_reason(results: Sequence[MultivariateResult]) -> str | None:
    """A sentence naming the multivariate tests that fired, or ``None``."""
    fired = [_describe(result) for result in results if result.drift_detected]
    return f"Multivariate drift detected by {'; '.join(fired)}." if fired else None


def _row(result: MultivariateResult) -> list[str]:
    return [
        _LABELS[result.method], _subject(result), f"{_STATISTICS[result.method]} {result.statistic:.4g}",
        f"{result.p_value:.3g}", format(result.threshold, "g"), f"{result.score:.3g}",
        ", ".join(top_features(result)) or "-", "DRIFT" if result.drift_detected else "-",
    ]  # fmt: skip


def multivariate_lines(results: Sequence[MultivariateResult]) -> list[str]:
    """A blank line and the table of the multivariate tests (nothing when none ran)."""
    if not results:
        return []
    header = ["multivariate test", "on", "statistic", "p-value", "threshold", "score", "most moved", "drift"]
    return ["", *text_table(header, (_row(result) for result in results))]
