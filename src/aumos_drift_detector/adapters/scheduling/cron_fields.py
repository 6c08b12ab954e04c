"""What is wrong with a cron expression, said field by field.

croniter answers a bad expression with ``[61 * * * *] is not acceptable, out of range``; people need to
know which field and which bounds. :func:`describe_problem` reads the five fields (minute, hour, day,
month, weekday) and names the first value outside its field's range, a zero step, or a token that is
not a number or a name of that field.

>>> describe_problem("61 * * * *")
'the minute field: 61 is out of range 0-59'
>>> describe_problem("0 0 * jan-mar mon#2")
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class CronField:
    """One field of a five-field cron expression."""

    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()

    def value(self, token: str) -> int | None:
        """The number a token stands for (a digit string or a name of this field), or ``None``."""
        if token.isdigit():
            return int(token)
        lowered = token.lower()
        if lowered in self.names:
            return self.names.index(lowered) + self.low
        return None


FIELDS: Final[tuple[CronField, ...]] = (
    CronField("minute", 0, 59),
    CronField("hour", 0, 23),
    CronField("day", 1, 31),
    CronField("month", 1, 12, ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")),
    CronField("weekday", 0, 7, ("sun", "mon", "tue", "wed", "thu", "fri", "sat")),
)
FIELD_NAMES: Final[str] = " ".join(field.name for field in FIELDS)
_STEP = re.compile(r"^(?P<base>[^/]+)/(?P<step>.*)$")
_SPECIAL: Final[dict[str, re.Pattern[str]]] = {
    "day": re.compile(r"^(L|\d{1,2}W|LW)$", re.IGNORECASE),
    "weekday": re.compile(r"^\w+#[1-5]$"),
}


def _item_problem(field: CronField, item: str) -> str | None:
    """What is wrong with one comma-separated item of a field, or ``None``."""
    match = _STEP.match(item)
    base = item
    if match is not None:
        base, step = match["base"], match["step"]
        if not step.isdigit() or int(step) == 0:
            return f"the step {step!r} must be a whole number of at least 1"
    if base in ("*", "?") or (field.name in _SPECIAL and _SPECIAL[field.name].match(base)):
        base = base.split("#", 1)[0] if "#" in base else ""
    for token in filter(None, base.split("-", 1) if base else ()):
        value = field.value(token)
        if value is None:
            return f"{token!r} is not a number{' or a name' if field.names else ''} of this field"
        if not field.low <= value <= field.high:
            return f"{value} is out of range {field.low}-{field.high}"
    return None


def describe_problem(expression: str) -> str | None:
    """Say what makes a cron expression unusable, naming the field, or ``None`` when every field reads.

    Args:
        expression: A five-field cron expression.

    Returns:
        A sentence such as ``the hour field: 24 is out of range 0-23``, or ``None``.
    """
    parts = expression.split()
    if len(parts) != len(FIELDS):
        noun = "field" if len(parts) == 1 else "fields"
        return f"it has {len(parts)} {noun}; a cron expression has {len(FIELDS)} ({FIELD_NAMES})"
    for field, text in zip(FIELDS, parts, strict=True):
        for item in text.split(","):
            problem = _item_problem(field, item) if item else "an empty item in a list"
            if problem is not None:
                return f"the {field.name} field: {problem}"
    return None
