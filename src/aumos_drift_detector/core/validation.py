"""The one way the domain checks outside data: frozen pydantic models, and their errors in the core error tree.

Configuration that arrives from outside (a request body, a stored JSON document) is parsed once, at the
edge, into a :class:`DomainModel`: immutable, unknown fields refused, no silent coercion (``true`` is not
``1``, ``"5"`` is not ``5``, NaN and infinity are not numbers). Inside ``core`` only parsed models travel.

:func:`parse` turns a pydantic ``ValidationError`` into :class:`~aumos_drift_detector.core.errors.ValidationError`
whose message names every offending field by its dotted path, the way a request body spells it:

>>> class Window(DomainModel):
...     last_rows: int = 10
>>> parse(Window, {"last_rows": "ten"}, path="window")
Traceback (most recent call last):
...
aumos_drift_detector.core.errors.ValidationError: window.last_rows: Input should be a valid integer
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, TypeVar

import pydantic
from pydantic import BaseModel, ConfigDict, Strict

from aumos_drift_detector.core.errors import ValidationError

M = TypeVar("M", bound=BaseModel)

#: Marks a field that accepts its JSON form: an enum's string, a tuple's list (stored JSON carries those).
ByValue = Strict(False)

__all__ = ["ByValue", "DomainModel", "Named", "field_path", "parse", "problems"]


class DomainModel(BaseModel):
    """Base of typed domain configuration: frozen, strict, unknown fields refused, finite numbers only."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False)


#: Fields holding a union discriminated by a tag: pydantic puts the tag in the error location after them.
TAGGED_UNION_FIELDS = frozenset({"concept"})


def field_path(location: Sequence[int | str], path: str = "") -> str:
    """Join a pydantic error location into a dotted field path (``features[1].test``).

    The tag pydantic adds after a tagged union's field (the detector name after ``concept``) is left out.

    >>> field_path(("features", 1, "test"))
    'features[1].test'
    >>> field_path(("m",), "alert_policy.m_of_n")
    'alert_policy.m_of_n.m'
    >>> field_path(("concept", "DDM", "params", "delta"))
    'concept.params.delta'
    """
    text = path
    previous: int | str | None = None
    for part in location:
        skip = previous in TAGGED_UNION_FIELDS and isinstance(part, str) and part not in ("detector", "params")
        previous = part
        if skip:
            continue
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text = f"{text}.{part}" if text else str(part)
    return text or "body"


def problems(error: pydantic.ValidationError, path: str = "") -> list[dict[str, str]]:
    """The field and the problem of each error in a pydantic ``ValidationError``."""
    found = []
    for item in error.errors(include_url=False, include_input=False):
        message = str(item["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        found.append({"field": field_path(item["loc"], path), "problem": message})
    return found


def parse(model: type[M], data: object, *, path: str = "") -> M:
    """Validate outside data into a model, raising the core ``ValidationError`` naming each bad field.

    Args:
        model: The model class.
        data: Plain data (a decoded JSON document).
        path: The dotted path of ``data`` in the request, prefixed to every field name.

    Raises:
        ValidationError: ``data`` does not fit ``model``; ``details["errors"]`` lists every problem.
    """
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        found = problems(exc, path)
        message = "; ".join(f"{item['field']}: {item['problem']}" for item in found)
        raise ValidationError(message, details={"field": found[0]["field"], "errors": found}) from None


#: A human name: non-empty, at most 200 characters, no control characters.
Named = Annotated[str, pydantic.Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]


def no_control_characters(value: Any) -> Any:
    """Refuse strings with control characters (NUL cannot be stored in PostgreSQL text)."""
    if isinstance(value, str) and any(ord(char) < 32 and char not in "\t\n\r" for char in value):
        msg = "must not contain control characters"
        raise ValueError(msg)
    return value
