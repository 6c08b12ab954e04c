"""Request and response bodies of delayed labels: labels sent with an inference id, and what their join did."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from aumos_drift_detector.core.labels.model import JoinResult, LabelCursor

InferenceId = Annotated[str | int, Field(description="The inference id sent with the prediction's row.")]


class LabelIn(BaseModel):
    """The true label of one inference."""

    # Strict: lax parsing would turn a boolean inference id into 0 or 1.
    model_config = ConfigDict(extra="forbid", strict=True)

    inference_id: InferenceId
    label: float | bool | str = Field(
        description="The true label: a number, or (misclassification monitors) a class name or boolean."
    )


class PredictionIn(BaseModel):
    """One prediction of the model, for a monitor that joins delayed labels."""

    # Strict: lax parsing would turn a boolean inference id into 0 or 1 and a boolean score into 0.0 or 1.0.
    model_config = ConfigDict(extra="forbid", strict=True)

    inference_id: InferenceId
    prediction: float | bool | str
    score: float | None = Field(default=None, description="The model's score, a number")


class PredictionsIn(BaseModel):
    """A batch of predictions, in prediction order."""

    model_config = ConfigDict(extra="forbid")

    predictions: list[PredictionIn] = Field(min_length=1, max_length=1_000_000)


class JoinOut(BaseModel):
    """What a batch of predictions or labels did: joins, pending labels, expiries and the errors fed."""

    predictions: int = Field(description="Predictions stored.")
    joined: int = Field(description="Labels joined to their prediction.")
    unknown: int = Field(description="Labels kept as pending: their prediction is not (or no longer) stored.")
    duplicates: int = Field(description="Predictions or labels ignored because their inference id was repeated.")
    expired_predictions: int = Field(description="Predictions dropped unlabelled after their time.")
    expired_labels: int = Field(description="Pending labels dropped after their time.")
    fed: int = Field(description="Errors fed to the concept detector, in prediction order.")
    detection_ids: list[uuid.UUID]

    @classmethod
    def of(cls, result: JoinResult) -> JoinOut:
        """Render a core join result."""
        return cls(
            predictions=result.predictions,
            joined=result.joined,
            unknown=result.unknown,
            duplicates=result.duplicates,
            expired_predictions=result.expired_predictions,
            expired_labels=result.expired_labels,
            fed=result.fed,
            detection_ids=list(result.detection_ids),
        )


class LabelStatusOut(BaseModel):
    """A monitor's label join as it stands: totals since its first prediction or label."""

    next_sequence: int = Field(description="Predictions stored in total (the next prediction's sequence number).")
    watermark: int = Field(description="Predictions fed or dropped: every error before it reached the detector.")
    joined: int
    unknown: int
    expired_predictions: int
    expired_labels: int
    duplicates: int

    @classmethod
    def of(cls, cursor: LabelCursor) -> LabelStatusOut:
        """Render a core cursor."""
        return cls(
            next_sequence=cursor.next_sequence,
            watermark=cursor.watermark,
            joined=cursor.joined,
            unknown=cursor.unknown,
            expired_predictions=cursor.expired_predictions,
            expired_labels=cursor.expired_labels,
            duplicates=cursor.duplicates,
        )
