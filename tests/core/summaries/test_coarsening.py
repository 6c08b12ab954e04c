import numpy as np
import pytest

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.psi import psi
from aumos_drift_detector.core.summaries import NumericBins, SummaryLayout, compare_feature, count_columns
from aumos_drift_detector.core.summaries.coarsening import coarsen, group_starts
from aumos_drift_detector.core.summaries.layout_builder import numeric_edges


@pytest.mark.parametrize("seed", range(5))
def test_groups_hold_equal_reference_shares_up_to_one_fine_bin(seed):
    rng = np.random.default_rng(seed)
    reference, current = rng.lognormal(size=50_000), rng.lognormal(0.1, size=20_000)
    edges = numeric_edges(np.sort(reference), 2000)
    layout = SummaryLayout((NumericBins("x", edges),))
    fine_reference = count_columns(layout, {"x": reference}).features[0].counts
    fine_current = count_columns(layout, {"x": current}).features[0].counts
    coarse_reference, coarse_current = coarsen(fine_reference, fine_current, 10)
    assert coarse_reference.size == 10
    assert coarse_reference.sum() == reference.size
    assert coarse_current.sum() == current.size
    assert np.abs(coarse_reference / reference.size - 0.1).max() <= 1 / 2000 + 1e-9
    raw = psi(reference, current)  # ten quantile bins on the raw values
    assert np.abs(coarse_current - np.array(raw.details["current_counts"])).max() <= fine_current.max()


def test_psi_from_summaries_reads_like_the_raw_path():
    rng = np.random.default_rng(9)
    reference, current = rng.normal(0, 1, 100_000), rng.normal(0.3, 1, 50_000)
    layout = SummaryLayout((NumericBins("x", numeric_edges(np.sort(reference), 2000)),))
    ref, cur = count_columns(layout, {"x": reference}), count_columns(layout, {"x": current})
    from_counts = compare_feature("psi", layout.features[0], ref.features[0], cur.features[0])
    raw = psi(reference, current)
    assert from_counts.details["degrees_of_freedom"] == raw.details["degrees_of_freedom"] == 9
    assert from_counts.statistic == pytest.approx(raw.statistic, rel=0.02)
    assert from_counts.details["band"] == raw.details["band"]


def test_group_count_must_be_positive():
    with pytest.raises(ValidationError, match="bins"):
        group_starts(np.array([1, 2]), 0)
