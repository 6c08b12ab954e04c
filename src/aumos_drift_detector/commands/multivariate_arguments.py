"""The multivariate options of ``aumos-drift check``: parsed without loading scikit-learn.

``--multivariate classifier,pca``, ``--embedding COL[,COL]``, ``--embedding-tests``,
``--multivariate-alpha`` and ``--seed`` become a :class:`MultivariatePlan`; without them, the
``multivariate`` option of a ``--monitor`` file does (:meth:`MultivariatePlan.of_option`). What the
tests do is in :mod:`.check_multivariate`, loaded only when the plan runs a test.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # pydantic: loaded by the monitor file that holds one, not by --help
    from aumos_drift_detector.core.monitors.multivariate import MultivariateConfig

#: The multivariate tests' level (the library's ``DEFAULT_ALPHA``).
DEFAULT_ALPHA: Final[float] = 0.05
#: Rows (points) a test takes at most from each file (the monitors' ``DEFAULT_SAMPLE_SIZE``).
DEFAULT_SAMPLE_SIZE: Final[int] = 5_000
TABULAR_TESTS: Final[tuple[str, ...]] = ("classifier", "pca")
EMBEDDING_TESTS: Final[tuple[str, ...]] = ("mmd", "classifier", "cosine")
DEFAULT_EMBEDDING_TESTS: Final[tuple[str, ...]] = ("mmd", "classifier")


def _choices(allowed: Sequence[str]) -> Callable[[str], tuple[str, ...]]:
    def parse(text: str) -> tuple[str, ...]:
        names = tuple(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
        unknown = [name for name in names if name not in allowed]
        if not names or unknown:
            raise argparse.ArgumentTypeError(f"expected a comma-separated subset of {','.join(allowed)}")
        return names

    return parse


def _columns(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    if not names:
        raise argparse.ArgumentTypeError("expected comma-separated column names")
    return names


def add_multivariate_arguments(parser: argparse.ArgumentParser) -> None:
    """Register ``--multivariate``, ``--embedding``, ``--embedding-tests``, ``--multivariate-alpha``, ``--seed``."""
    parser.add_argument(
        "--multivariate", type=_choices(TABULAR_TESTS), default=(), metavar="classifier,pca",
        help="also test the features together: domain classifier with attribution, PCA reconstruction error "
        "(default: none)",
    )  # fmt: skip
    parser.add_argument(
        "--embedding", type=_columns, default=(), metavar="COL[,COL]",
        help="columns holding one vector per row (list columns or JSON arrays), tested as embeddings (default: none)",
    )  # fmt: skip
    parser.add_argument(
        "--embedding-tests", type=_choices(EMBEDDING_TESTS), default=DEFAULT_EMBEDDING_TESTS, metavar="mmd,classifier",
        help="tests of each embedding column: mmd, classifier (on a PCA projection), cosine (default: mmd,classifier)",
    )  # fmt: skip
    parser.add_argument(
        "--multivariate-alpha", type=float, default=DEFAULT_ALPHA, metavar="ALPHA",
        help="family-wise level of the multivariate tests, split among them by Bonferroni (default: 0.05)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=0, help="seed of the multivariate tests' samples (default: 0)")


@dataclass(frozen=True, slots=True)
class MultivariatePlan:
    """The multivariate tests one check runs.

    Attributes:
        tabular: Joint tests of the features (``classifier``, ``pca``).
        embeddings: Embedding columns.
        embedding_tests: Tests of each embedding column (``mmd``, ``classifier``, ``cosine``).
        alpha: Family-wise level, split by Bonferroni.
        seed: Seed of every test.
        column_tests: Tests of a named embedding column, in place of ``embedding_tests``.
        sample_size: Rows (points) a test takes at most from each file.
    """

    tabular: tuple[str, ...] = ()
    embeddings: tuple[str, ...] = ()
    embedding_tests: tuple[str, ...] = DEFAULT_EMBEDDING_TESTS
    alpha: float = DEFAULT_ALPHA
    seed: int = 0
    column_tests: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sample_size: int = DEFAULT_SAMPLE_SIZE

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> MultivariatePlan:
        """The plan of parsed command-line arguments (none when the options are absent)."""
        return cls(
            tabular=tuple(getattr(args, "multivariate", ())),
            embeddings=tuple(getattr(args, "embedding", ())),
            embedding_tests=tuple(getattr(args, "embedding_tests", DEFAULT_EMBEDDING_TESTS)),
            alpha=float(getattr(args, "multivariate_alpha", DEFAULT_ALPHA)),
            seed=int(getattr(args, "seed", 0)),
        )

    @classmethod
    def of_option(cls, option: MultivariateConfig) -> MultivariatePlan:
        """The plan of a monitor's ``multivariate`` option (from a ``--monitor`` file)."""
        return cls(
            tabular=option.tests, embeddings=tuple(option.embedding_names), alpha=option.alpha, seed=option.seed,
            column_tests={item.name: item.tests for item in option.embeddings}, sample_size=option.sample_size,
        )  # fmt: skip

    def tests_of(self, column: str) -> tuple[str, ...]:
        """The tests of one embedding column."""
        return self.column_tests.get(column, self.embedding_tests)

    @property
    def count(self) -> int:
        """How many tests the plan runs."""
        return len(self.tabular) + sum(len(self.tests_of(column)) for column in self.embeddings)
