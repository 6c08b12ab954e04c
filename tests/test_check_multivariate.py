import argparse
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from aumos_drift_detector.commands.check import add_check_parser
from tests.core.multivariate.scenarios import mixed_table, mixture_embeddings, shifted_weights


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="aumos-drift")
    add_check_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["check", *argv])
    return int(args.handler(args))


def _table(rng: np.random.Generator, n: int, rho: float) -> pa.Table:
    columns = mixed_table(rng, n, rho=rho)
    return pa.table({name: columns[name] for name in ("a", "b", "c", "plan")})


@pytest.fixture
def flipped(tmp_path: Path) -> dict[str, Path]:
    rng = np.random.default_rng(21)
    paths = {"reference": tmp_path / "reference.parquet", "same": tmp_path / "same.csv", "flipped": tmp_path / "f.csv"}
    pq.write_table(_table(rng, 3000, 0.6), paths["reference"])
    pa_csv.write_csv(_table(rng, 3000, 0.6), paths["same"])
    pa_csv.write_csv(_table(rng, 3000, -0.6), paths["flipped"])
    return paths


def test_a_correlation_flip_is_drift_only_with_the_multivariate_tests(flipped, tmp_path, capsys):
    assert _run("--reference", str(flipped["reference"]), "--current", str(flipped["flipped"])) == 0
    capsys.readouterr()
    out, page = tmp_path / "out.json", tmp_path / "out.html"
    argv = ["--reference", str(flipped["reference"]), "--current", str(flipped["flipped"])]
    status = _run(*argv, "--multivariate", "classifier,pca", "--json", str(out), "--html", str(page))
    assert status == 1
    text = capsys.readouterr().out
    assert "Multivariate drift detected by the domain classifier on 4 features" in text
    assert "most moved: a, b" in text or "most moved: b, a" in text
    document = json.loads(out.read_text())
    assert document["drift_detected"] is True
    assert document["feature_drift_detected"] is False
    methods = {item["method"]: item for item in document["multivariate"]}
    assert set(methods) == {"domain_classifier", "pca_reconstruction"}
    assert methods["domain_classifier"]["threshold"] == pytest.approx(0.025)  # Bonferroni over two tests
    assert {item["feature"] for item in methods["domain_classifier"]["attribution"][:2]} == {"a", "b"}
    html = page.read_text()
    assert "Multivariate tests" in html
    assert "Attribution: domain_classifier" in html


def test_no_drift_stays_quiet_with_the_multivariate_tests(flipped, capsys):
    argv = ["--reference", str(flipped["reference"]), "--current", str(flipped["same"]), "--multivariate", "pca"]
    assert _run(*argv) == 0
    assert "PCA reconstruction" in capsys.readouterr().out


def _embedding_tables(weights: np.ndarray) -> tuple[pa.Table, pa.Table]:
    rng = np.random.default_rng(22)
    reference, current = mixture_embeddings(rng, 600), mixture_embeddings(rng, 600, weights)
    return (
        pa.table({"score": rng.normal(0, 1, 600), "vec": pa.array(list(reference), type=pa.list_(pa.float32()))}),
        pa.table({"score": rng.normal(0, 1, 600), "vec": [json.dumps(row.round(4).tolist()) for row in current]}),
    )


def test_embedding_columns_from_parquet_lists_and_csv_json_arrays(tmp_path, capsys):
    reference, current = _embedding_tables(shifted_weights(0.15))
    pq.write_table(reference, tmp_path / "r.parquet")
    pa_csv.write_csv(current, tmp_path / "c.csv")
    out = tmp_path / "out.json"
    argv = ["--reference", str(tmp_path / "r.parquet"), "--current", str(tmp_path / "c.csv"), "--embedding", "vec"]
    assert _run(*argv, "--embedding-tests", "mmd,cosine", "--json", str(out)) == 1
    document = json.loads(out.read_text())
    assert [item["method"] for item in document["multivariate"]] == ["mmd", "centroid_cosine"]
    assert [feature["name"] for feature in document["features"]] == ["score"]  # the embedding is not a feature
    assert "embedding 'vec'" in capsys.readouterr().out


def test_a_ragged_embedding_is_bad_input_naming_file_column_and_row(tmp_path, capsys):
    reference, _ = _embedding_tables(shifted_weights(0.0))
    pq.write_table(reference, tmp_path / "r.parquet")
    rows = [json.dumps([0.1, 0.2]) for _ in range(99)] + [json.dumps([0.1])]
    pa_csv.write_csv(pa.table({"score": np.zeros(100), "vec": rows}), tmp_path / "c.csv")
    argv = ["--reference", str(tmp_path / "r.parquet"), "--current", str(tmp_path / "c.csv"), "--embedding", "vec"]
    assert _run(*argv) == 2
    error = capsys.readouterr().err
    assert "c.csv: embedding column 'vec', row 100: has 1 values where the first row has 2" in error


def test_unknown_multivariate_test_is_a_usage_error():
    with pytest.raises(SystemExit):
        _run("--reference", "r.csv", "--current", "c.csv", "--multivariate", "classifier,knn")


def test_the_options_default_level_is_the_librarys():
    from aumos_drift_detector.commands.multivariate_arguments import DEFAULT_ALPHA
    from aumos_drift_detector.core.multivariate import DEFAULT_ALPHA as LIBRARY_ALPHA

    assert DEFAULT_ALPHA == LIBRARY_ALPHA


def test_a_monitor_files_multivariate_option_runs_when_no_option_is_given(flipped, tmp_path):
    monitor = tmp_path / "monitor.json"
    features = [{"name": name, "kind": "numerical"} for name in ("a", "b", "c")]
    option = {"tests": ["classifier"], "alpha": 0.01, "sample_size": 1000, "seed": 3}
    monitor.write_text(json.dumps({"features": features, "multivariate": option}))
    out = tmp_path / "out.json"
    argv = ["--reference", str(flipped["reference"]), "--current", str(flipped["flipped"]), "--monitor", str(monitor)]
    assert _run(*argv, "--json", str(out)) == 1
    (result,) = json.loads(out.read_text())["multivariate"]
    assert (result["method"], result["threshold"], result["n_reference"]) == ("domain_classifier", 0.01, 1000)
    assert result["details"]["seed"] == 3
    assert _run(*argv, "--multivariate", "pca", "--json", str(out)) == 1  # the command line wins
    assert [item["method"] for item in json.loads(out.read_text())["multivariate"]] == ["pca_reconstruction"]
