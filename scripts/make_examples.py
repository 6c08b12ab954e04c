"""Write the walkthrough's sample files ``examples/reference.csv`` and ``examples/current.csv``.

Seeded, so the files (and the README's example answers) are the same on every run:

* ``age``: reference ~ Normal(40, 10), rounded to whole years; current ~ Normal(46.5, 10): the mean moved by
  about 0.65 reference standard deviations, a large effect the Kolmogorov–Smirnov test sees at once.
* ``plan``: ``basic``/``pro``/``enterprise`` with the same shares (60/30/10 %) in both files: no drift.

Usage: ``python scripts/make_examples.py [OUT_DIR]`` (default ``examples``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROWS = 1000
SEED = 14
PLANS = ("basic", "pro", "enterprise")
PLAN_SHARES = (0.6, 0.3, 0.1)


def _rows(rng: np.random.Generator, age_mean: float) -> list[str]:
    ages = np.clip(np.rint(rng.normal(age_mean, 10.0, ROWS)), 18, 90).astype(int)
    plans = rng.choice(PLANS, size=ROWS, p=PLAN_SHARES)
    return [f"{age},{plan}" for age, plan in zip(ages, plans, strict=True)]


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("examples")
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    for name, age_mean in (("reference", 40.0), ("current", 46.5)):
        lines = ["age,plan", *_rows(rng, age_mean)]
        (out / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
