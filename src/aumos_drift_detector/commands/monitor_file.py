"""A monitor for the commands that run without a server: from a JSON file, or from a file's columns.

The file holds the body of ``POST /api/v1/monitors`` and is parsed by the same schema, so a monitor
checked locally is configured exactly as the service would store it. ``name``, ``model_id`` and
``model_version`` may be left out (they name nothing locally). Without a file, every column is a
feature of kind ``auto`` with the defaults of every policy.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError as PydanticValidationError

from aumos_drift_detector.adapters.api.schemas.monitors import MonitorCreate
from aumos_drift_detector.adapters.scheduling.croniter_calendar import CroniterCalendar
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.monitors.config import FeatureConfig
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.service import MonitorDraft
from aumos_drift_detector.core.validation import problems

#: What a local monitor is called when its file does not say.
LOCAL_NAMES = {"name": "local", "model_id": "local", "model_version": "local"}


@dataclass(frozen=True, slots=True)
class MonitorFile:
    """A monitor read from a file.

    Attributes:
        draft: The monitor, as it would be created.
        given: The top-level fields the file sets (the others took their defaults).
    """

    draft: MonitorDraft
    given: frozenset[str]


def _document(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValidationError(f"{path}: file not found", details={"file": str(path)}) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{path}: cannot read: {exc}", details={"file": str(path)}) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"{path}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", details={"file": str(path)}
        ) from None


def read_monitor_file(path: Path) -> MonitorFile:
    """Parse a monitor file with the API's schema.

    Raises:
        ValidationError: Unreadable file, invalid JSON, or a field the schema refuses; the message
            starts with the file's name and names the field, as the API would.
    """
    document = _document(path)
    if not isinstance(document, dict):
        raise ValidationError(f"{path}: must hold a JSON object (the body of POST /api/v1/monitors)")
    try:
        body = MonitorCreate.model_validate({**LOCAL_NAMES, **document})
    except PydanticValidationError as exc:
        found = problems(exc)[0]
        raise ValidationError(f"{path}: {found['field']}: {found['problem']}", details=found) from None
    try:
        if body.schedule is not None:
            CroniterCalendar().check(body.schedule)
    except ValidationError as exc:
        raise ValidationError(f"{path}: {exc.message}", details=exc.details) from None
    return MonitorFile(body.draft(), frozenset(document))


def columns_monitor(columns: Sequence[str]) -> MonitorDraft:
    """A monitor of every given column, each of kind ``auto``, with every default."""
    return MonitorDraft(
        name=LOCAL_NAMES["name"],
        model_id=LOCAL_NAMES["model_id"],
        model_version=LOCAL_NAMES["model_version"],
        features=tuple(FeatureConfig(name=column) for column in columns),
    )


def local_monitor(draft: MonitorDraft, now: datetime) -> Monitor:
    """The monitor of a draft, created now, for a check that stores nothing."""
    fields = {item.name: getattr(draft, item.name) for item in dataclasses.fields(draft)}
    return Monitor(id=uuid.uuid4(), tenant_id=LOCAL_NAMES["name"], created_at=now, updated_at=now, **fields)
