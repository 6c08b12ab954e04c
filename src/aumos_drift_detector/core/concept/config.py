"""A monitor's concept-drift detector configuration: which detector, with which parameters.

>>> type(ConceptConfig.model_validate({"detector": "DDM", "params": {"warm_start": 50}}).build()).__name__
'DDM'
"""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationInfo,
    field_validator,
)

from aumos_drift_detector.core.concept.base import DriftDetector
from aumos_drift_detector.core.errors import ValidationError

DEFAULT_DETECTOR = "ADWIN"

#: The value of one detector parameter.
ParameterValue = StrictBool | StrictInt | StrictFloat | StrictStr | None


def detector_names() -> list[str]:
    """The detectors a monitor may use."""
    return sorted(DriftDetector._registry)


class ConceptConfig(BaseModel):
    """The concept-drift detector on a monitor's stream of prediction outcomes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    detector: Annotated[str, Field(json_schema_extra={"enum": detector_names()})] = Field(
        default=DEFAULT_DETECTOR, description="A detector of the catalogue (docs/concept-detectors.md)"
    )
    params: dict[str, ParameterValue] = Field(
        default_factory=dict, description="Constructor parameters, named as in River; absent ones take defaults"
    )

    @field_validator("detector")
    @classmethod
    def _known(cls, name: str) -> str:
        if name not in DriftDetector._registry:
            msg = f"unknown detector {name!r}; one of {', '.join(detector_names())}"
            raise ValueError(msg)
        return name

    @field_validator("params")
    @classmethod
    def _buildable(cls, params: dict[str, ParameterValue], info: ValidationInfo) -> dict[str, ParameterValue]:
        name = info.data.get("detector")
        if name is not None:
            _construct(name, params)
        return params

    def build(self) -> DriftDetector:
        """Construct a fresh detector of this configuration."""
        return _construct(self.detector, self.params)


def _construct(name: str, params: dict[str, ParameterValue]) -> DriftDetector:
    """Construct a detector, turning a bad parameter into the ``ValueError`` pydantic reports."""
    try:
        return DriftDetector._registry[name](**params)
    except TypeError as exc:
        raise ValueError(str(exc).replace("__init__() ", "")) from None
    except ValidationError as exc:
        raise ValueError(exc.message) from None
