"""A monitor's concept-drift detector configuration: which detector, with which parameters.

The configuration is a union discriminated by ``detector``, one member per detector of the catalogue,
each carrying that detector's own ``Params`` model: the OpenAPI document shows every detector's
parameters with their types, bounds and defaults, and a parameter of another detector is refused.
``detector`` is required; ``params`` may be left out (every parameter then takes its default).

``error`` says what the detector is fed when outcomes arrive as labels joined to stored predictions:
``"misclassification"`` (0 when the label equals the prediction, else 1), ``"absolute"`` (``|y - ŷ|``) or
``"squared"`` (``(y - ŷ)²``); ``None`` (the default) means the monitor is sent outcome values only. The
detectors of 0/1 or ``[0, 1]`` streams (DDM, EDDM, RDDM, HDDM_A, HDDM_W) take misclassification errors only.

>>> config = parse_concept({"detector": "DDM", "params": {"warm_start": 50}})
>>> type(config.build()).__name__, config.params.warm_start, config.params.drift_threshold
('DDM', 50, 3.0)
>>> parse_concept({"detector": "ADWIN", "error": "squared"}).error
'squared'
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationInfo, field_validator

from aumos_drift_detector.core.concept.adwin import ADWIN
from aumos_drift_detector.core.concept.base import DriftDetector
from aumos_drift_detector.core.concept.ddm import DDM
from aumos_drift_detector.core.concept.eddm import EDDM
from aumos_drift_detector.core.concept.hddm_a import HDDM_A
from aumos_drift_detector.core.concept.hddm_w import HDDM_W
from aumos_drift_detector.core.concept.kswin import KSWIN
from aumos_drift_detector.core.concept.page_hinkley import PageHinkley
from aumos_drift_detector.core.concept.rddm import RDDM

JoinedError = Literal["misclassification", "absolute", "squared"]
"""How a label joined to its prediction becomes the value fed to the detector."""


class ADWINParams(ADWIN.Params):
    """ADWIN's parameters (named for the API document)."""


class DDMParams(DDM.Params):
    """DDM's parameters (named for the API document)."""


class EDDMParams(EDDM.Params):
    """EDDM's parameters (named for the API document)."""


class HDDMAParams(HDDM_A.Params):
    """HDDM_A's parameters (named for the API document)."""


class HDDMWParams(HDDM_W.Params):
    """HDDM_W's parameters (named for the API document)."""


class KSWINParams(KSWIN.Params):
    """KSWIN's parameters (named for the API document)."""


class PageHinkleyParams(PageHinkley.Params):
    """PageHinkley's parameters (named for the API document)."""


class RDDMParams(RDDM.Params):
    """RDDM's parameters (named for the API document)."""


class DetectorConfig(BaseModel):
    """What every detector configuration has: the detector's name and its parameters."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    detector: str
    params: BaseModel
    error: JoinedError | None = Field(
        default=None,
        description=(
            "The error computed when a label joins its stored prediction: 'misclassification' (0/1), "
            "'absolute' or 'squared'; null when the monitor is sent outcome values only."
        ),
    )

    @field_validator("params", mode="before")
    @classmethod
    def _known_parameters(cls, params: object) -> object:
        """Refuse an unknown parameter naming the detector's parameters (pydantic would only say "extra")."""
        if not isinstance(params, dict):
            return params
        model = cls.model_fields["params"].annotation
        known = list(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []
        unknown = [str(name) for name in params if name not in known]
        if unknown and known:
            detector = ", ".join(str(name) for name in get_args(cls.model_fields["detector"].annotation))
            noun = "parameter" if len(unknown) == 1 else "parameters"
            listed = ", ".join(repr(name) for name in unknown)
            raise ValueError(f"unknown {noun} {listed}; {detector} takes {', '.join(known)}")
        return params

    @field_validator("error")
    @classmethod
    def _error_in_domain(cls, error: JoinedError | None, info: ValidationInfo) -> JoinedError | None:
        detector = DriftDetector._registry.get(str(info.data.get("detector")))
        if error not in (None, "misclassification") and detector is not None and detector.input_domain != "real":
            raise ValueError(f"this detector takes {detector.input_domain} values, so only 'misclassification' or null")
        return error

    def build(self) -> DriftDetector:
        """Construct a fresh detector of this configuration."""
        return DriftDetector._registry[self.detector](**dict(self.params))


class ADWINConfig(DetectorConfig):
    """ADWIN on a real-valued stream (errors or losses)."""

    detector: Literal["ADWIN"]
    params: ADWINParams = Field(default_factory=ADWINParams)


class DDMConfig(DetectorConfig):
    """DDM on a stream of errors (1) and correct predictions (0)."""

    detector: Literal["DDM"]
    params: DDMParams = Field(default_factory=DDMParams)


class EDDMConfig(DetectorConfig):
    """EDDM on a stream of errors (1) and correct predictions (0)."""

    detector: Literal["EDDM"]
    params: EDDMParams = Field(default_factory=EDDMParams)


class HDDMAConfig(DetectorConfig):
    """HDDM_A on values in [0, 1]."""

    detector: Literal["HDDM_A"]
    params: HDDMAParams = Field(default_factory=HDDMAParams)


class HDDMWConfig(DetectorConfig):
    """HDDM_W on values in [0, 1]."""

    detector: Literal["HDDM_W"]
    params: HDDMWParams = Field(default_factory=HDDMWParams)


class KSWINConfig(DetectorConfig):
    """KSWIN on a real-valued stream."""

    detector: Literal["KSWIN"]
    params: KSWINParams = Field(default_factory=KSWINParams)


class PageHinkleyConfig(DetectorConfig):
    """Page-Hinkley on a real-valued stream."""

    detector: Literal["PageHinkley"]
    params: PageHinkleyParams = Field(default_factory=PageHinkleyParams)


class RDDMConfig(DetectorConfig):
    """RDDM on a stream of errors (1) and correct predictions (0)."""

    detector: Literal["RDDM"]
    params: RDDMParams = Field(default_factory=RDDMParams)


ConceptConfig = Annotated[
    ADWINConfig | DDMConfig | EDDMConfig | HDDMAConfig | HDDMWConfig | KSWINConfig | PageHinkleyConfig | RDDMConfig,
    Field(discriminator="detector"),
]
"""The configuration of any detector of the catalogue, chosen by ``detector``."""

_ADAPTER: TypeAdapter[ConceptConfig] = TypeAdapter(ConceptConfig)


def parse_concept(data: object) -> DetectorConfig:
    """Validate a concept configuration document (raises pydantic's ``ValidationError`` naming the field)."""
    config: DetectorConfig = _ADAPTER.validate_python(data)
    return config


def detector_names() -> list[str]:
    """The detectors a monitor may use."""
    return sorted(DriftDetector._registry)
