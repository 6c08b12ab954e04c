import math

import pytest

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.missing import MissingShare


def _compare(ref_missing, ref_total, cur_missing, cur_total, max_shift=0.1):
    return MissingShare.compare(
        reference_missing=ref_missing,
        reference_total=ref_total,
        current_missing=cur_missing,
        current_total=cur_total,
        max_shift=max_shift,
    )


def test_shares_and_shift_are_reported():
    share = _compare(10, 200, 30, 100)
    assert share.reference_share == pytest.approx(0.05)
    assert share.current_share == pytest.approx(0.3)
    assert share.shift == pytest.approx(0.25)
    assert share.drift_detected


def test_a_fall_in_missing_share_also_counts():
    assert _compare(50, 100, 5, 100).drift_detected


def test_shift_at_the_limit_is_not_drift():
    assert not _compare(0, 100, 10, 100).drift_detected
    assert _compare(0, 100, 11, 100).drift_detected


def test_rule_can_be_switched_off():
    share = _compare(0, 100, 90, 100, max_shift=None)
    assert not share.drift_detected
    assert share.shift == pytest.approx(0.9)


def test_empty_column_has_zero_share():
    assert _compare(0, 0, 0, 0).shift == 0.0


@pytest.mark.parametrize("max_shift", [0.0, -0.2, 1.5, math.inf])
def test_invalid_limit_is_rejected(max_shift):
    with pytest.raises(ValidationError, match="max_missing_shift"):
        _compare(0, 10, 0, 10, max_shift=max_shift)


def test_to_dict_carries_counts_and_decision():
    data = _compare(1, 10, 5, 10).to_dict()
    assert data["reference_missing"] == 1
    assert data["current_share"] == pytest.approx(0.5)
    assert data["drift_detected"] is True
