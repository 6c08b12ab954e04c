"""One contract suite run over every detector exported by ``aumos_drift_detector.core.concept``."""

from __future__ import annotations

import inspect
import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aumos_drift_detector.core.concept as concept
from aumos_drift_detector.core.concept import DriftDetector, StreamKind
from aumos_drift_detector.core.errors import ValidationError
from tests.core.concept.streams import error_rate_schedule, gaussian_shifts

DETECTORS = sorted(
    (
        obj
        for name in concept.__all__
        if inspect.isclass(obj := getattr(concept, name))
        and issubclass(obj, DriftDetector)
        and not inspect.isabstract(obj)
    ),
    key=lambda cls: cls.__name__,
)

# Small seeded parameters where the defaults need more values than a fast test should feed.
OVERRIDES: dict[str, dict[str, object]] = {"KSWIN": {"seed": 11}}


def make(cls: type[DriftDetector]) -> DriftDetector:
    return cls(**OVERRIDES.get(cls.__name__, {}))


def stream_for(cls: type[DriftDetector], seed: int, length: int = 600) -> np.ndarray:
    if cls.stream_kind is StreamKind.ERROR:
        return error_rate_schedule(seed, (0.05, 0.6, 0.05, 0.7, 0.1), length=length)
    return gaussian_shifts(seed, segments=5, length=length, spread=3.0)


def flags_of(detector: DriftDetector, values: np.ndarray) -> tuple[list[int], list[int]]:
    drifts, warnings = [], []
    for i, value in enumerate(values.tolist()):
        detector.update(value)
        if detector.drift_detected:
            drifts.append(i)
        if detector.warning_detected:
            warnings.append(i)
    return drifts, warnings


def roundtrip(detector: DriftDetector) -> DriftDetector:
    return DriftDetector.from_state(json.loads(json.dumps(detector.to_state(), allow_nan=False)))


def test_every_expected_detector_is_discovered():
    assert {"ADWIN", "KSWIN", "HDDM_A", "HDDM_W"} <= {cls.__name__ for cls in DETECTORS}


@pytest.fixture(params=DETECTORS, ids=lambda cls: cls.__name__)
def detector_cls(request: pytest.FixtureRequest) -> type[DriftDetector]:
    return request.param


def test_the_test_streams_make_every_detector_fire(detector_cls):
    drifts, _ = flags_of(make(detector_cls), stream_for(detector_cls, 0))
    assert drifts, "the contract checks below would be vacuous without a drift"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_update_many_equals_the_update_loop(detector_cls, seed):
    values = stream_for(detector_cls, seed)
    looped = make(detector_cls)
    drifts, warnings = flags_of(looped, values)
    batched = make(detector_cls)
    result = batched.update_many(values)
    assert result.drift_indices.tolist() == drifts
    assert result.warning_indices.tolist() == warnings
    assert [event.index for event in result.drifts] == drifts
    assert batched.last_drift == looped.last_drift
    assert batched.to_state() == looped.to_state()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_update_many_in_arbitrary_chunks_equals_the_update_loop(detector_cls, data):
    seed = data.draw(st.integers(0, 10_000))
    values = stream_for(detector_cls, seed, length=250)
    cuts = sorted(data.draw(st.lists(st.integers(0, values.size), max_size=5)))
    looped = make(detector_cls)
    drifts, warnings = flags_of(looped, values)
    chunked = make(detector_cls)
    got_drifts, got_warnings, events = [], [], []
    for start, stop in zip([0, *cuts], [*cuts, values.size], strict=True):
        result = chunked.update_many(values[start:stop])
        got_drifts += (result.drift_indices + result.offset).tolist()
        got_warnings += (result.warning_indices + result.offset).tolist()
        events += result.drifts
    assert (got_drifts, got_warnings) == (drifts, warnings)
    assert chunked.to_state() == looped.to_state()
    assert chunked.n_detections == len(drifts) == len(events)


@pytest.mark.parametrize("seed", [3, 4])
def test_restored_state_continues_bit_identically(detector_cls, seed):
    values = stream_for(detector_cls, seed)
    checkpoints = np.sort(np.random.default_rng(seed).choice(values.size, size=4, replace=False))
    original = make(detector_cls)
    restored = make(detector_cls)
    position = 0
    for checkpoint in [*checkpoints.tolist(), values.size]:
        for value in values[position:checkpoint].tolist():
            original.update(value)
            restored.update(value)
            assert (restored.drift_detected, restored.warning_detected) == (
                original.drift_detected,
                original.warning_detected,
            )
        restored = roundtrip(restored)
        assert restored.to_state() == original.to_state()
        position = checkpoint


def test_state_names_its_format_and_class(detector_cls):
    state = make(detector_cls).to_state()
    assert state["format_version"] == 1
    assert state["detector"] == detector_cls.__name__
    json.dumps(state, allow_nan=False)


def test_from_state_refuses_another_detectors_state(detector_cls):
    other = next(cls for cls in DETECTORS if cls is not detector_cls)
    with pytest.raises(ValidationError):
        detector_cls.from_state(make(other).to_state())


def test_from_state_refuses_an_unknown_format_version(detector_cls):
    state = make(detector_cls).to_state()
    state["format_version"] = 99
    with pytest.raises(ValidationError):
        detector_cls.from_state(state)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "0.5", None])
def test_non_finite_and_non_numeric_values_are_refused_without_side_effects(detector_cls, bad):
    detector = make(detector_cls)
    detector.update_many(stream_for(detector_cls, 5, length=100))
    before = detector.to_state()
    with pytest.raises(ValidationError):
        detector.update(bad)
    with pytest.raises(ValidationError):
        detector.update_many([0.0, bad, 1.0])
    assert detector.to_state() == before


@pytest.mark.parametrize(
    "error_detector_cls",
    [cls for cls in DETECTORS if cls.stream_kind is StreamKind.ERROR],
    ids=lambda cls: cls.__name__,
)
def test_error_stream_detectors_refuse_values_outside_the_unit_interval(error_detector_cls):
    detector = make(error_detector_cls)
    for bad in (-0.01, 1.01, 2.0):
        with pytest.raises(ValidationError):
            detector.update(bad)
        with pytest.raises(ValidationError):
            detector.update_many(np.array([0.0, bad]))
    assert detector.n_seen == 0


def test_counters_survive_reset_and_reset_clears_the_flags(detector_cls):
    detector = make(detector_cls)
    values = stream_for(detector_cls, 0)
    detector.update_many(values)
    seen, detections, warnings = detector.n_seen, detector.n_detections, detector.n_warnings
    assert detections > 0
    detector.reset()
    assert (detector.n_seen, detector.n_detections, detector.n_warnings) == (seen, detections, warnings)
    assert not detector.drift_detected
    assert not detector.warning_detected
    fresh = make(detector_cls)
    assert flags_of(detector, values) == flags_of(fresh, values)


def test_drift_events_point_backwards_in_the_stream(detector_cls):
    detector = make(detector_cls)
    result = detector.update_many(stream_for(detector_cls, 1))
    for event in result.drifts:
        if event.change_start is not None:
            assert 0 <= event.change_start <= event.index + 1
        if event.warning_start is not None:
            assert event.warning_start <= event.index


def test_empty_batch_changes_nothing(detector_cls):
    detector = make(detector_cls)
    before = detector.to_state()
    result = detector.update_many([])
    assert result.drift_indices.size == 0
    assert detector.to_state() == before


def test_params_model_lists_the_constructor_parameters_with_their_defaults(detector_cls):
    signature = inspect.signature(detector_cls.__init__)
    constructor = {name: p.default for name, p in signature.parameters.items() if name != "self"}
    fields = {name: field.default for name, field in detector_cls.Params.model_fields.items()}
    assert fields == constructor
    assert make(detector_cls).to_state()["params"] == make(detector_cls).params.model_dump()


def test_params_model_is_frozen_and_refuses_unknown_parameters(detector_cls):
    params = detector_cls.Params()
    with pytest.raises(ValueError, match="frozen"):
        params.__setattr__(next(iter(detector_cls.Params.model_fields)), None)
    with pytest.raises(ValidationError, match="speed is not a parameter"):
        detector_cls.Params.parse(speed=3)


def test_a_bad_parameter_is_refused_with_a_message_naming_it(detector_cls):
    name = next(iter(detector_cls.Params.model_fields))
    with pytest.raises(ValidationError, match=f"^{name} ") as caught:
        detector_cls(**{name: "not a number"})
    assert caught.value.details == {"parameter": name}


DOMAINS = {
    "ADWIN": "real",
    "DDM": "binary",
    "EDDM": "binary",
    "HDDM_A": "unit_interval",
    "HDDM_W": "unit_interval",
    "KSWIN": "real",
    "PageHinkley": "real",
    "RDDM": "binary",
}


def test_every_detector_declares_the_input_domain_of_its_algorithm(detector_cls):
    assert detector_cls.input_domain == DOMAINS[detector_cls.__name__]
    expected_kind = StreamKind.REAL if detector_cls.input_domain == "real" else StreamKind.ERROR
    assert detector_cls.stream_kind is expected_kind


@pytest.mark.parametrize(
    "binary_detector_cls",
    [cls for cls in DETECTORS if cls.input_domain == "binary"],
    ids=lambda cls: cls.__name__,
)
def test_binary_detectors_refuse_a_fraction_and_name_the_first_bad_position(binary_detector_cls):
    detector = make(binary_detector_cls)
    detector.update_many([0, 1, True, np.float32(0.0)])
    before = detector.to_state()
    with pytest.raises(ValidationError, match="must be 0 or 1"):
        detector.update(0.5)
    with pytest.raises(ValidationError, match=r"0\.25 at position 3") as caught:
        detector.update_many(np.array([0.0, 1.0, 1.0, 0.25, 0.5]))
    assert caught.value.details["position"] == 3
    assert detector.to_state() == before
