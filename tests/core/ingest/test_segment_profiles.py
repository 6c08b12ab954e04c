"""Per-segment reference profiles: each the profile of that segment's rows alone, the largest kept, bounded."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.ingest.column_table import ColumnTable
from aumos_drift_detector.core.ingest.segment_profiles import MAX_TRACKED, SegmentProfileBuilder, SegmentProfiles
from aumos_drift_detector.core.monitors.segments import SegmentsConfig
from aumos_drift_detector.core.statistical import FeatureSpec
from aumos_drift_detector.core.statistical.profile_builder import ProfileBuilder
from aumos_drift_detector.core.validation import parse

SPECS = [FeatureSpec("age", kind="numerical"), FeatureSpec("plan", kind="categorical")]


def _rows(rng: np.random.Generator, sizes: dict[str, int]) -> dict[str, list[Any]]:
    data: dict[str, list[Any]] = {"age": [], "plan": [], "country": []}
    for country, n in sizes.items():
        data["age"] += rng.normal(40, 10, n).round(1).tolist()
        data["plan"] += rng.choice(["basic", "pro"], n).tolist()
        data["country"] += [country] * n
    order = rng.permutation(len(data["age"]))
    return {name: [values[i] for i in order] for name, values in data.items()}


def _build(data: dict[str, list[Any]], *, batches: int = 3, **option: Any) -> SegmentProfiles:
    builder = SegmentProfileBuilder(parse(SegmentsConfig, {"by": ["country"], **option}), SPECS)
    assert builder.start(list(data))
    rows = len(data["age"])
    for bounds in np.array_split(np.arange(rows), batches):
        builder.add(ColumnTable({name: [values[i] for i in bounds] for name, values in data.items()}))
    return SegmentProfiles.from_bytes(builder.finish().to_bytes())


def test_a_segment_profile_is_the_profile_of_that_segments_rows_alone() -> None:
    data = _rows(np.random.default_rng(3), {"DE": 300, "FR": 500})
    profiles = _build(data)
    alone = ProfileBuilder(SPECS)
    alone.start(["age", "plan"])
    keep = [i for i, country in enumerate(data["country"]) if country == "DE"]
    alone.add(ColumnTable({name: [data[name][i] for i in keep] for name in ("age", "plan")}))
    assert profiles.profiles["country=DE"] == alone.payload()
    assert profiles.rows == {"country=FR": 500, "country=DE": 300}


def test_the_largest_segments_are_kept_and_the_rest_counted() -> None:
    data = _rows(np.random.default_rng(4), {"DE": 250, "FR": 600, "US": 400, "IT": 220})
    profiles = _build(data, max_segments=2)
    assert sorted(profiles.profiles) == ["country=FR", "country=US"]
    assert (profiles.other_segments, profiles.other_rows) == (2, 470)


def test_a_segment_with_too_few_rows_is_kept_as_skipped_with_the_reason() -> None:
    profiles = _build(_rows(np.random.default_rng(5), {"DE": 120, "FR": 600}), min_rows=200)
    assert list(profiles.profiles) == ["country=FR"]
    assert profiles.skipped == {"country=DE": "120 reference rows; segments need 200"}


def test_rows_of_unbounded_cardinality_are_kept_for_at_most_max_tracked_segments() -> None:
    n = MAX_TRACKED + 50
    data = {"age": [1.0] * n, "plan": ["a"] * n, "country": [f"c{i}" for i in range(n)]}
    builder = SegmentProfileBuilder(parse(SegmentsConfig, {"by": ["country"], "max_segments": 5}), SPECS)
    builder.start(list(data))
    builder.add(ColumnTable(data))
    assert len(builder._parts) == MAX_TRACKED  # the bound under test
    found = builder.finish()
    assert (len(found.rows), found.other_segments, found.other_rows) == (5, n - 5, n - 5)


def test_a_missing_segment_value_is_its_own_segment() -> None:
    data = _rows(np.random.default_rng(6), {"DE": 300})
    data["country"][:40] = [None] * 40
    assert _build(data, min_rows=30).rows == {"country=DE": 260, "country=(missing)": 40}


def test_unreadable_stored_profiles_are_refused() -> None:
    with pytest.raises(ValidationError, match="unreadable"):
        SegmentProfiles.from_bytes(b"not segments")


def test_two_segment_columns_make_one_segment_per_combination() -> None:
    data = _rows(np.random.default_rng(7), {"DE": 400, "FR": 400})
    data["channel"] = ["web" if index % 4 else "app" for index in range(len(data["age"]))]
    builder = SegmentProfileBuilder(parse(SegmentsConfig, {"by": ["country", "channel"], "min_rows": 30}), SPECS)
    builder.start(list(data))
    builder.add(ColumnTable(data))
    found = builder.finish()
    expected = {
        f"country={country},channel={channel}": sum(
            1
            for index, value in enumerate(data["country"])
            if value == country and (("web" if index % 4 else "app") == channel)
        )
        for country in ("DE", "FR")
        for channel in ("web", "app")
    }
    assert found.rows == expected
    assert sorted(found.profiles) == sorted(expected)
