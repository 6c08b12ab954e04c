"""Detector parameters: one frozen pydantic model per detector, its errors in the core error tree.

Each detector declares ``Params``, a subclass of :class:`DetectorParams` whose fields are its
constructor's parameters with River's names and defaults, and builds it with
:meth:`DetectorParams.parse`. A bad value raises :class:`~aumos_drift_detector.core.errors.ValidationError`
naming the parameter, the rule and the value (``delta must be < 1, got 1.5``), so a bad monitor
configuration is rejected when the detector is built rather than misbehaving later in the stream.
The models also document the parameters (their JSON schema) for the monitor configuration.

Numbers are checked the way a stream library expects: an integer parameter takes integers only (not
``True``, not ``2.0``), a real parameter takes any finite real number but not a bool, a flag takes
``True`` or ``False`` only.
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Self

import pydantic
from annotated_types import Ge, Gt, Le, Lt
from pydantic import BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from aumos_drift_detector.core.errors import ValidationError

__all__ = [
    "DetectorParams",
    "Flag",
    "Integer",
    "NonNegativeInteger",
    "NonNegativeReal",
    "OpenUnit",
    "PositiveInteger",
    "PositiveReal",
    "Real",
    "UnitUpperClosed",
    "parameter_error",
    "require_at_least",
]


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise PydanticCustomError("integer", "must be an integer")
    return int(value)


def _real(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise PydanticCustomError("real", "must be a real number")
    number = float(value)
    if not math.isfinite(number):
        raise PydanticCustomError("finite", "must be finite")
    return number


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise PydanticCustomError("flag", "must be True or False")
    return value


Integer = Annotated[int, BeforeValidator(_integer)]
"""An integer, not a bool."""
NonNegativeInteger = Annotated[int, Ge(0), BeforeValidator(_integer)]
PositiveInteger = Annotated[int, Ge(1), BeforeValidator(_integer)]
Real = Annotated[float, BeforeValidator(_real)]
"""A finite real number, not a bool."""
NonNegativeReal = Annotated[float, Ge(0.0), BeforeValidator(_real)]
PositiveReal = Annotated[float, Gt(0.0), BeforeValidator(_real)]
OpenUnit = Annotated[float, Gt(0.0), Lt(1.0), BeforeValidator(_real)]
"""A real number in ``(0, 1)``."""
UnitUpperClosed = Annotated[float, Gt(0.0), Le(1.0), BeforeValidator(_real)]
"""A real number in ``(0, 1]``."""
Flag = Annotated[bool, BeforeValidator(_flag)]
"""``True`` or ``False`` (not ``1``, not ``"true"``)."""

_RULES = {
    "greater_than": "must be > {gt}",
    "greater_than_equal": "must be >= {ge}",
    "less_than": "must be < {lt}",
    "less_than_equal": "must be <= {le}",
    "literal_error": "must be one of {expected}",
    "extra_forbidden": "is not a parameter of this detector",
}


def parameter_error(parameter: str, rule: str) -> PydanticCustomError:
    """An error about one parameter raised by a cross-parameter check (a model validator).

    Args:
        parameter: The parameter the message names.
        rule: What it must satisfy, e.g. ``"must be >= warning_threshold (2.0)"``.
    """
    return PydanticCustomError("parameter", rule, {"parameter": parameter})


def require_at_least(params: pydantic.BaseModel, parameter: str, other: str) -> None:
    """Raise, from a model validator, when ``parameter`` is below ``other`` (e.g. a drift below a warning level).

    Raises:
        PydanticCustomError: Naming ``parameter`` and both values.
    """
    value, bound = getattr(params, parameter), getattr(params, other)
    if value < bound:
        raise parameter_error(parameter, f"({value}) must be >= {other} ({bound})")


def check_keywords(detector: str, constructor: Callable[..., object], keywords: Mapping[str, object]) -> None:
    """Refuse a keyword a detector's constructor does not take, naming the ones it takes.

    Raises:
        ValidationError: ``'delt' is not a parameter of ADWIN; it takes delta, clock, ...``.
    """
    if not keywords:
        return
    known = [
        name
        for name, parameter in inspect.signature(constructor).parameters.items()
        if name != "self" and parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)
    ]
    unknown = [name for name in keywords if name not in known]
    if unknown:
        raise ValidationError(
            f"{unknown[0]!r} is not a parameter of {detector}; it takes {', '.join(known)}",
            details={"parameter": unknown[0], "parameters": known},
        )


def _as_validation_error(
    model: type[pydantic.BaseModel], exc: pydantic.ValidationError, values: dict[str, Any]
) -> ValidationError:
    """The first error of a pydantic failure as ours: ``<parameter> <rule>, got <value as passed>``."""
    error = exc.errors(include_url=False)[0]
    context = error.get("ctx") or {}
    parameter = str(context.get("parameter") or ".".join(str(part) for part in error["loc"]) or model.__name__)
    template = _RULES.get(error["type"])
    rule = template.format(**context) if template else error["msg"]
    got = "" if "parameter" in context else f", got {values.get(parameter, error['input'])!r}"
    takes = f"; it takes {', '.join(model.model_fields)}" if error["type"] == "extra_forbidden" else ""
    return ValidationError(f"{parameter} {rule}{got}{takes}", details={"parameter": parameter})


class DetectorParams(pydantic.BaseModel):
    """Base of every detector's parameter model: frozen, no unknown parameters."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @classmethod
    def parse(cls, **values: Any) -> Self:
        """Validate constructor arguments.

        Raises:
            ValidationError: Naming the first parameter that is out of range.

        Example:
            >>> class Example(DetectorParams):
            ...     delta: OpenUnit = 0.002
            >>> Example.parse(delta=0.01).delta
            0.01
            >>> Example.parse(delta=2)
            Traceback (most recent call last):
            ...
            aumos_drift_detector.core.errors.ValidationError: delta must be < 1.0, got 2
        """
        try:
            return cls(**values)
        except pydantic.ValidationError as exc:
            raise _as_validation_error(cls, exc, values) from None
