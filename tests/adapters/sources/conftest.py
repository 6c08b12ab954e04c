"""A small seeded Parquet and CSV dataset, written once per module, and its layout."""

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from aumos_drift_detector.core.summaries import CategoricalBins, NumericBins, SummaryLayout


def _columns(seed: int, rows: int) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=rows)
    x[::37] = np.nan
    x[3], x[4] = np.inf, -np.inf
    grid = np.round(rng.normal(size=rows), 1)  # many values sit exactly on edges
    level = rng.integers(0, 6, rows)
    channel = rng.choice(["web", "app", "store", "phone"], rows).astype(object)
    channel[::11] = None
    return {"x": x, "grid": grid, "level": level, "channel": channel}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, np.ndarray]]:
    """Four Parquet parts (and the same rows as CSV parts) and the concatenated columns."""
    directory = tmp_path_factory.mktemp("source")
    parts = [_columns(seed, rows) for seed, rows in enumerate([5000, 3000, 10, 2500])]
    for index, part in enumerate(parts):
        table = pa.table(
            {name: pa.array(list(values) if name == "channel" else values) for name, values in part.items()}
        )
        pq.write_table(table, directory / f"part-{index}.parquet")
        pacsv.write_csv(table.drop_columns(["x"]), directory / f"part-{index}.csv")
    columns = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    return directory, columns


@pytest.fixture(scope="module")
def layout(dataset: tuple[Path, dict[str, np.ndarray]]) -> SummaryLayout:
    _, columns = dataset
    x = columns["x"][np.isfinite(columns["x"])]
    return SummaryLayout(
        (
            NumericBins("x", np.unique(np.quantile(x, np.arange(1, 500) / 500))),
            NumericBins("grid", np.arange(-2.0, 2.05, 0.1).round(1)),
            NumericBins("level", np.array([1.0, 2.0, 4.0])),
            CategoricalBins("channel", ("app", "web")),
        )
    )
