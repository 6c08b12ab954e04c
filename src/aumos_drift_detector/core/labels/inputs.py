"""Reading predictions from observation rows and labels from outcome documents, and the error of a join.

Every check runs here, before anything is staged, so a refused batch leaves the unit of work as it was.

>>> joined_error("squared", 2.5, 4.0)
2.25
>>> joined_error("misclassification", "cat", "dog")
1.0
>>> predictions_in([{"age": 3, "inference_id": "a1", "prediction": 1, "score": 0.9}, {"age": 4}], "absolute")
[PredictionInput(inference_id='a1', prediction=1.0, score=0.9)]
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from aumos_drift_detector.core.concept.config import JoinedError
from aumos_drift_detector.core.errors import ConflictError, ValidationError
from aumos_drift_detector.core.labels.model import LabelInput, PredictionInput, Scalar
from aumos_drift_detector.core.monitors.model import Monitor

#: The largest magnitude of a numeric prediction or label: their squared difference stays finite.
MAX_MAGNITUDE = 1e150

#: The longest inference id.
MAX_INFERENCE_ID_LENGTH = 128


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError(f"{field}: {message}", details={"field": field})


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _scalar(value: object, field: str, kind: JoinedError) -> Scalar:
    """A prediction or label: a finite number, or (misclassification only) a string."""
    if type(value) is float and -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:  # the common case; NaN fails both
        return value
    if _number(value) and abs(value) <= MAX_MAGNITUDE:  # type: ignore[arg-type]
        return float(value)  # type: ignore[arg-type]
    if kind == "misclassification" and isinstance(value, str | bool):
        return str(value).lower() if isinstance(value, bool) else value
    wanted = f"a number of magnitude at most {MAX_MAGNITUDE:g}"
    wanted += ", a string or a boolean" if kind == "misclassification" else ""
    raise _invalid(field, f"must be {wanted}, got {value!r}")


def _inference_id(value: object, field: str) -> str:
    if type(value) is str and 0 < len(value) <= MAX_INFERENCE_ID_LENGTH:  # the common case
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value or len(value) > MAX_INFERENCE_ID_LENGTH:
        raise _invalid(field, f"must be a non-empty string of at most {MAX_INFERENCE_ID_LENGTH} characters")
    return value


def predictions_in(rows: Sequence[object], kind: JoinedError) -> list[PredictionInput]:
    """The predictions of the rows that carry an ``inference_id`` (with ``prediction``, optional ``score``).

    Raises:
        ValidationError: A row with an ``inference_id`` but a missing or bad prediction, id or score.
    """
    found = []
    for number, row in enumerate(rows):
        if not isinstance(row, dict) or row.get("inference_id") is None:
            continue
        inference_id = _inference_id(row["inference_id"], f"rows[{number}].inference_id")
        if "prediction" not in row:
            raise _invalid(f"rows[{number}].prediction", "required with an inference_id")
        prediction = _scalar(row["prediction"], f"rows[{number}].prediction", kind)
        score = row.get("score")
        if score is not None and not _number(score):
            raise _invalid(f"rows[{number}].score", f"must be a finite number, got {score!r}")
        found.append(PredictionInput(inference_id, prediction, None if score is None else float(score)))
    return found


def labels_in(labels: object, kind: JoinedError) -> list[LabelInput]:
    """The labels of an outcome document's ``labels`` list.

    Raises:
        ValidationError: Not a non-empty list of ``{"inference_id": …, "label": …}`` objects.
    """
    if not isinstance(labels, list) or not labels:
        raise _invalid("labels", "must be a non-empty list of {inference_id, label} objects")
    found = []
    for number, item in enumerate(labels):
        if not isinstance(item, dict) or "label" not in item:
            raise _invalid(f"labels[{number}]", "must be an object with inference_id and label")
        inference_id = _inference_id(item.get("inference_id"), f"labels[{number}].inference_id")
        found.append(LabelInput(inference_id, _scalar(item["label"], f"labels[{number}].label", kind)))
    return found


def joined_error(kind: JoinedError, prediction: Scalar, label: Scalar) -> float:
    """The error of a prediction given its label: 0/1 misclassification, absolute or squared error."""
    if kind == "misclassification":
        return 0.0 if prediction == label else 1.0
    if not isinstance(prediction, float) or not isinstance(label, float):
        raise ValidationError(f"a {kind} error needs numeric predictions and labels", details={"field": "label"})
    difference = label - prediction
    return abs(difference) if kind == "absolute" else difference * difference


def error_kind(monitor: Monitor) -> JoinedError | None:
    """The error the monitor's joins give, or ``None`` when it takes outcome values only."""
    return None if monitor.concept is None else monitor.concept.error


def joining_kind(monitor: Monitor) -> JoinedError:
    """The error the monitor's joins give.

    Raises:
        ConflictError: The monitor's concept configuration names no ``error``.
    """
    kind = error_kind(monitor)
    if kind is None:
        raise ConflictError(
            "this monitor joins no labels: set 'concept.error' on the monitor first",
            details={"monitor_id": str(monitor.id)},
        )
    return kind
