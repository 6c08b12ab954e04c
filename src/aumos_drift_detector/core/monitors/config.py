"""The parts of a monitor's configuration: features, dataset rule, window and schedule.

Each is a :class:`~aumos_drift_detector.core.validation.DomainModel`, so the API documents its fields,
types and defaults, and a bad value is refused with the field named the way a request spells it
(``features[1].test``, ``window.min_rows``).

>>> from aumos_drift_detector.core.validation import parse
>>> parse(FeatureConfig, {"name": "age", "kind": "numerical", "test": "psi"}).test
'psi'
>>> parse(WindowSpec, {"last_rows": 100, "min_rows": 500}, path="window")
Traceback (most recent call last):
...
aumos_drift_detector.core.errors.ValidationError: window.min_rows: cannot exceed last_rows (100)
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated, Final, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationInfo, field_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from aumos_drift_detector.core.statistical import CATALOGUE, Correction
from aumos_drift_detector.core.validation import ByValue, DomainModel, Named

#: Most features one monitor may declare.
MAX_FEATURES: Final[int] = 2000
#: Longest time window: ten years, in seconds.
MAX_WINDOW_SECONDS: Final[int] = 10 * 366 * 24 * 3600
#: Most rows one window may hold.
MAX_WINDOW_ROWS: Final[int] = 50_000_000

FeatureKindName = Literal["numerical", "categorical", "binary", "auto"]
FeatureList = TypeVar("FeatureList", bound=Sequence["FeatureConfig"])


class MultipleTestingCorrection(StrEnum):
    """How per-feature p-values are corrected before the dataset verdict."""

    NONE = "none"
    BONFERRONI = "bonferroni"
    BENJAMINI_HOCHBERG = "benjamini_hochberg"

    @property
    def engine_name(self) -> Correction:
        """The statistical engine's name of this correction."""
        names: dict[MultipleTestingCorrection, Correction] = {
            MultipleTestingCorrection.NONE: "none",
            MultipleTestingCorrection.BONFERRONI: "bonferroni",
            MultipleTestingCorrection.BENJAMINI_HOCHBERG: "bh",
        }
        return names[self]


class FeatureConfig(DomainModel):
    """One monitored feature: its column, its kind, and optionally the test and threshold to use."""

    name: Named = Field(description="Column name in the reference and production data")
    kind: FeatureKindName = Field(default="auto", description="'auto' decides from the reference data")
    test: str | None = Field(
        default=None,
        description="Override the automatic test choice",
        json_schema_extra={"enum": [*sorted(CATALOGUE), None]},
    )
    threshold: float | None = Field(default=None, gt=0, description="Override the test's default threshold")
    importance: float = Field(
        default=1.0,
        gt=0,
        le=1000,
        description="Weight in the drifted share and in the split of the alert budget (higher: detected sooner)",
    )
    critical: bool = Field(default=False, description="When this feature drifts, the dataset drifts")

    @field_validator("test")
    @classmethod
    def _known_test_for_kind(cls, test: str | None, info: ValidationInfo) -> str | None:
        if test is None:
            return None
        spec = CATALOGUE.get(test)
        if spec is None:
            msg = f"unknown test {test!r}; known tests: {', '.join(sorted(CATALOGUE))}"
            raise ValueError(msg)
        kind = info.data.get("kind", "auto")
        if kind != "auto" and kind not in spec.feature_kinds:
            msg = f"{test!r} does not apply to {kind} features (it takes {', '.join(sorted(spec.feature_kinds))})"
            raise ValueError(msg)
        return test


def check_feature_names(features: FeatureList) -> FeatureList:
    """Refuse an empty list, too many features and a name given twice.

    Raises:
        ValueError: The list is empty or too long.
        pydantic.ValidationError: A name is repeated; the error's location is ``[index].name``.
    """
    if not features:
        msg = "at least one feature is required"
        raise ValueError(msg)
    if len(features) > MAX_FEATURES:
        msg = f"at most {MAX_FEATURES} features are supported"
        raise ValueError(msg)
    seen: set[str] = set()
    for index, feature in enumerate(features):
        if feature.name in seen:
            problem = f"duplicate feature name {feature.name!r}".replace("{", "{{").replace("}", "}}")
            detail = InitErrorDetails(
                type=PydanticCustomError("value_error", problem), loc=(index, "name"), input=feature.name
            )
            raise PydanticValidationError.from_exception_data("features", [detail])
        seen.add(feature.name)
    return features


class DatasetRule(DomainModel):
    """How per-feature results become the dataset verdict (``docs/decisions.md`` writes the rules down)."""

    drift_share: float = Field(
        default=0.5, gt=0, le=1, description="Drift when at least this importance-weighted share of features drifted"
    )
    correction: Annotated[MultipleTestingCorrection, ByValue] = Field(
        default=MultipleTestingCorrection.BENJAMINI_HOCHBERG,
        description="Multiple-testing correction across the p-value tests of one check",
    )
    effect_floor_sd: float = Field(
        default=0.05,
        ge=0,
        description="A numerical feature drifts only if its shift (Wasserstein distance in reference standard "
        "deviations) reaches this",
    )
    effect_floor_tv: float = Field(
        default=0.02, ge=0, le=1, description="A categorical feature drifts only if its total variation reaches this"
    )
    large_effect_sd: float = Field(
        default=0.5,
        gt=0,
        validate_default=True,
        description="One numerical feature drifted this far makes the dataset drift",
    )
    large_effect_tv: float = Field(
        default=0.2,
        gt=0,
        le=1,
        validate_default=True,
        description="One categorical feature drifted this far makes the dataset drift",
    )

    @field_validator("large_effect_sd", "large_effect_tv")
    @classmethod
    def _large_above_floor(cls, value: float, info: ValidationInfo) -> float:
        floor = info.data.get("effect_floor_sd" if info.field_name == "large_effect_sd" else "effect_floor_tv")
        if floor is not None and value < floor:
            msg = f"must be >= the effect floor ({floor})"
            raise ValueError(msg)
        return value


class WindowSpec(DomainModel):
    """Which production rows a run compares: the newest ``last_rows`` and/or those of the last ``last_seconds``."""

    last_rows: int | None = Field(default=10_000, ge=1, le=MAX_WINDOW_ROWS, description="null: no row cap")
    last_seconds: int | None = Field(default=None, ge=1, le=MAX_WINDOW_SECONDS, description="null: no time bound")
    # Validated when left at its default too: {"last_rows": 10} must be refused, not stored unreadable.
    min_rows: int = Field(
        default=30,
        ge=1,
        le=MAX_WINDOW_ROWS,
        validate_default=True,
        description="Fewer usable rows make the run insufficient_data",
    )

    @field_validator("min_rows")
    @classmethod
    def _reachable(cls, min_rows: int, info: ValidationInfo) -> int:
        last_rows = info.data.get("last_rows")
        if last_rows is not None and min_rows > last_rows:
            msg = f"cannot exceed last_rows ({last_rows})"
            raise ValueError(msg)
        return min_rows


class Schedule(DomainModel):
    """A five-field cron expression evaluated in an IANA time zone."""

    cron: str = Field(min_length=1, max_length=120, examples=["0 * * * *"])
    timezone: str = Field(default="UTC", min_length=1, max_length=64, examples=["Europe/Berlin"])

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            msg = f"unknown time zone {name!r} (use an IANA name such as 'Europe/Berlin')"
            raise ValueError(msg) from None
        return name
