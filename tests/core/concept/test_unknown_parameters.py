"""An unknown detector parameter is refused listing the parameters the detector takes."""

from __future__ import annotations

import inspect

import pytest

from aumos_drift_detector.core.concept import ADWIN
from aumos_drift_detector.core.concept.base import DriftDetector
from aumos_drift_detector.core.concept.config import parse_concept
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.validation import parse


@pytest.mark.parametrize("name", sorted(DriftDetector._registry))
def test_the_constructor_lists_what_it_takes(name: str) -> None:
    detector = DriftDetector._registry[name]
    taken = [parameter for parameter in inspect.signature(detector.__init__).parameters if parameter != "self"]
    with pytest.raises(ValidationError) as caught:
        detector(speed=3)
    assert caught.value.message == f"'speed' is not a parameter of {name}; it takes {', '.join(taken)}"
    assert caught.value.details == {"parameter": "speed", "parameters": taken}


def test_known_keywords_still_construct_and_restore() -> None:
    detector = ADWIN(delta=0.01, clock=16)
    assert (detector.params.delta, detector.params.clock) == (0.01, 16)
    assert ADWIN.from_state(detector.to_state()).params == detector.params


@pytest.mark.parametrize("name", sorted(DriftDetector._registry))
def test_a_configuration_lists_the_detectors_parameters(name: str) -> None:
    params = DriftDetector._registry[name].Params.model_fields
    with pytest.raises(ValidationError) as caught:
        parse(type(parse_concept({"detector": name})), {"detector": name, "params": {"speed": 3}}, path="concept")
    assert caught.value.message == f"concept.params: unknown parameter 'speed'; {name} takes {', '.join(params)}"
