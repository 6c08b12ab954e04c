"""Periods of a backtest: how they are written, where the first starts, how many cover a history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aumos_drift_detector.core.backtest.period import first_start, format_period, parse_period, period_count
from aumos_drift_detector.core.errors import ValidationError


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("30m", timedelta(minutes=30)),
        ("12h", timedelta(hours=12)),
        ("1d", timedelta(days=1)),
        ("7d", timedelta(days=7)),
        ("2w", timedelta(weeks=2)),
        (" 90m ", timedelta(minutes=90)),
    ],
)
def test_periods_are_a_count_and_a_unit(text: str, period: timedelta) -> None:
    assert parse_period(text) == period


@pytest.mark.parametrize("text", ["", "1", "d", "1.5h", "-1d", "1y", "1 day", "0m", "30s", "400d"])
def test_other_periods_are_refused_naming_the_field(text: str) -> None:
    with pytest.raises(ValidationError, match=r"^every: ") as caught:
        parse_period(text)
    assert caught.value.details == {"field": "every", "value": text}


def test_formatting_uses_the_largest_whole_unit() -> None:
    assert [format_period(parse_period(text)) for text in ("60m", "24h", "7d", "90m", "36h")] == [
        "1h",
        "1d",
        "1w",
        "90m",
        "36h",
    ]


@pytest.mark.parametrize(
    ("period", "start"),
    [
        (timedelta(minutes=30), datetime(2026, 3, 4, 17, 0, tzinfo=UTC)),
        (timedelta(hours=1), datetime(2026, 3, 4, 17, 0, tzinfo=UTC)),
        (timedelta(hours=12), datetime(2026, 3, 4, 12, 0, tzinfo=UTC)),
        (timedelta(days=1), datetime(2026, 3, 4, tzinfo=UTC)),
        (timedelta(days=7), datetime(2026, 3, 4, tzinfo=UTC)),
    ],
)
def test_the_first_period_starts_on_the_clock_before_the_first_row(period: timedelta, start: datetime) -> None:
    assert first_start(datetime(2026, 3, 4, 17, 25, 13, tzinfo=UTC), period) == start


def test_the_period_count_covers_the_last_moment() -> None:
    start = datetime(2026, 3, 4, tzinfo=UTC)
    assert period_count(start, start, timedelta(days=1)) == 1
    assert period_count(start, start + timedelta(hours=23, minutes=59), timedelta(days=1)) == 1
    assert period_count(start, start + timedelta(days=1), timedelta(days=1)) == 2
