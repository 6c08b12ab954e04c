from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from aumos_drift_detector.core.concept import DriftDetector, DriftEvent, StreamKind
from aumos_drift_detector.core.concept.state_format import decode_float, encode_float
from aumos_drift_detector.core.concept.stream_values import check_batch, check_error_value, check_real_value
from aumos_drift_detector.core.errors import ValidationError


class ScriptedDetector(DriftDetector):
    """Raises warning for values in [0.4, 0.6) and drift for values >= 0.9; counts values since reset."""

    stream_kind = StreamKind.ERROR

    def __init__(self) -> None:
        super().__init__()
        self._reset_statistics()

    def _reset_statistics(self) -> None:
        self.since_reset = 0

    def _step(self, x: float) -> None:
        self.since_reset += 1
        self._drift_detected = x >= 0.9
        self._warning_detected = 0.4 <= x < 0.6

    def _change_start(self) -> int:
        return self._n_seen - self.since_reset

    def _params(self) -> dict[str, Any]:
        return {}

    def _statistics_state(self) -> dict[str, Any]:
        return {"since_reset": self.since_reset}

    def _restore_statistics(self, state: dict[str, Any]) -> None:
        self.since_reset = state["since_reset"]


SCRIPT = [0.0, 0.5, 0.5, 0.0, 0.5, 1.0, 0.0, 0.5, 0.0, 1.0, 0.5, 1.0, 0.5]


def test_warning_episodes_and_drift_records_follow_the_flags():
    detector = ScriptedDetector()
    for value in SCRIPT:
        detector.update(value)
    assert detector.n_warnings == 5  # runs of warnings start at 1, 4, 7, 10 and 12
    assert detector.n_detections == 3
    assert detector.last_drift == DriftEvent(index=11, change_start=10, warning_start=10)


def test_counters_match_between_loop_and_batch_for_a_scripted_detector():
    looped, batched = ScriptedDetector(), ScriptedDetector()
    events = []
    for value in SCRIPT:
        looped.update(value)
        if looped.drift_detected:
            events.append(looped.last_drift)
    result = batched.update_many(SCRIPT)
    assert list(result.drifts) == events
    assert events[0] == DriftEvent(index=5, change_start=0, warning_start=4)
    assert events[1] == DriftEvent(index=9, change_start=6, warning_start=None)
    assert batched.to_state() == looped.to_state()


def test_next_update_after_a_drift_resets_the_statistics_first():
    detector = ScriptedDetector()
    detector.update_many([0.0, 0.0, 1.0])
    assert detector.since_reset == 3
    detector.update(0.0)
    assert detector.since_reset == 1


def test_from_state_on_the_base_class_dispatches_on_the_class_name():
    detector = ScriptedDetector()
    detector.update_many(SCRIPT[:6])
    restored = DriftDetector.from_state(detector.to_state())
    assert isinstance(restored, ScriptedDetector)
    assert restored.to_state() == detector.to_state()


def test_from_state_refuses_an_unknown_detector_name():
    state = ScriptedDetector().to_state()
    state["detector"] = "NoSuchDetector"
    with pytest.raises(ValidationError):
        DriftDetector.from_state(state)


@pytest.mark.parametrize("value", [0, 1, 0.25, True, False, np.float32(0.5), np.int8(1)])
def test_error_values_accept_numbers_in_the_unit_interval(value):
    assert check_error_value(value) == float(value)


@pytest.mark.parametrize("value", [math.nan, math.inf, -0.001, 1.001, "1", None, [0.5]])
def test_error_values_refuse_anything_else(value):
    with pytest.raises(ValidationError):
        check_error_value(value)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, "3", b"3", None, 1j])
def test_real_values_refuse_non_finite_and_non_numeric_input(value):
    with pytest.raises(ValidationError):
        check_real_value(value)


def test_real_values_accept_any_finite_number():
    assert check_real_value(-1e300) == -1e300
    assert check_real_value(np.int64(7)) == 7.0


def test_batch_check_names_the_first_bad_position():
    with pytest.raises(ValidationError, match="position 2"):
        check_batch([0.0, 1.0, math.nan, math.inf], domain="real")
    with pytest.raises(ValidationError, match="position 1"):
        check_batch(np.array([0.0, 1.5]), domain="unit_interval")


@pytest.mark.parametrize("values", [np.zeros((2, 2)), ["a", "b"], np.array([1 + 1j])])
def test_batch_check_refuses_non_numeric_or_multidimensional_input(values):
    with pytest.raises(ValidationError):
        check_batch(values, domain="real")


def test_non_finite_floats_survive_the_state_encoding():
    for value in (1.5, math.inf, -math.inf):
        assert decode_float(encode_float(value)) == value
    assert math.isnan(decode_float(encode_float(math.nan)))
