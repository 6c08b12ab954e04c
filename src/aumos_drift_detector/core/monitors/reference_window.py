"""A monitor's rolling reference: a past window of its own observations instead of an uploaded reference.

``reference_window`` is optional (``null``: the monitor compares against uploaded reference data).
With it, a run compares the current window against the observations the monitor received between
``last_seconds + ending_seconds_ago`` and ``ending_seconds_ago`` seconds before the run, profiled the
way an uploaded reference is and stored as a reference version of kind ``rolling``; the version is
rebuilt at the first run once ``refresh_seconds`` have passed (``docs/references.md``).

>>> from aumos_drift_detector.core.validation import parse
>>> option = parse(ReferenceWindow, {"last_seconds": 28 * 86400, "ending_seconds_ago": 7 * 86400})
>>> option.span, option.refresh
(datetime.timedelta(days=35), datetime.timedelta(days=1))
>>> parse(ReferenceWindow, {"last_seconds": 3600, "ending_seconds_ago": 0, "min_rows": 0}, path="reference_window")
Traceback (most recent call last):
...
aumos_drift_detector.core.errors.ValidationError: reference_window.min_rows: Input should be greater than or equal to 1
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from pydantic import Field

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.monitors.config import MAX_WINDOW_ROWS, MAX_WINDOW_SECONDS
from aumos_drift_detector.core.validation import DomainModel

#: Shortest reference window and refresh period, in seconds.
MIN_WINDOW_SECONDS: Final[int] = 60
#: Refresh period unless the monitor says otherwise: a day.
DEFAULT_REFRESH_SECONDS: Final[int] = 86_400


class ReferenceWindow(DomainModel):
    """A rolling reference: the observations of ``last_seconds`` ending ``ending_seconds_ago`` before each run."""

    last_seconds: int = Field(
        ge=MIN_WINDOW_SECONDS, le=MAX_WINDOW_SECONDS, description="Length of the reference window", examples=[2419200]
    )
    ending_seconds_ago: int = Field(
        ge=0,
        le=MAX_WINDOW_SECONDS,
        description="How long before the run the reference window ends (0: at the run)",
        examples=[604800],
    )
    refresh_seconds: int = Field(
        default=DEFAULT_REFRESH_SECONDS,
        ge=MIN_WINDOW_SECONDS,
        le=MAX_WINDOW_SECONDS,
        description="A run rebuilds the rolling reference once its newest version is this old",
    )
    min_rows: int = Field(
        default=30,
        ge=1,
        le=MAX_WINDOW_ROWS,
        description="Fewer rows in the reference window make the run insufficient_data",
    )

    @property
    def span(self) -> timedelta:
        """How far back the window starts, from the run: ``last_seconds + ending_seconds_ago``."""
        return timedelta(seconds=self.last_seconds + self.ending_seconds_ago)

    @property
    def refresh(self) -> timedelta:
        """The refresh period."""
        return timedelta(seconds=self.refresh_seconds)

    def bounds(self, now: datetime) -> tuple[datetime, datetime]:
        """The window of a run at ``now``: observations received at or after the start and before the end."""
        end = now - timedelta(seconds=self.ending_seconds_ago)
        return end - timedelta(seconds=self.last_seconds), end

    def describe(self) -> str:
        """The option in words, for reasons and logs."""
        return f"last_seconds={self.last_seconds}, ending_seconds_ago={self.ending_seconds_ago}"


def check_retention(option: ReferenceWindow, retention: timedelta) -> None:
    """Refuse a window that starts before the oldest observations the service keeps.

    Raises:
        ValidationError: The window's start lies beyond the observation retention (naming ``last_seconds``).
    """
    if option.span <= retention:
        return
    field = "reference_window.last_seconds"
    days = retention.total_seconds() / 86_400
    raise ValidationError(
        f"{field}: the reference window starts {option.span.total_seconds():.0f} s before a run "
        f"(last_seconds + ending_seconds_ago), beyond the observation retention of {days:g} days "
        f"({retention.total_seconds():.0f} s), so its rows would be deleted before it could be built; "
        "shorten the window or raise AUMOS_DRIFT_OBSERVATION_RETENTION_DAYS",
        details={"field": field, "problem": "beyond the observation retention", "retention_days": days},
    )
