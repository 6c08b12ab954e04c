"""One reference profile per segment, built while a reference upload is read, stored with the version.

:class:`SegmentProfileBuilder` is a batch consumer beside the global profile builder: it groups every
batch's rows by segment (:mod:`.segment_rows`) and keeps each segment's feature columns. At the end,
the ``max_segments`` segments with the most reference rows are profiled with the same
:class:`~aumos_drift_detector.core.statistical.ProfileBuilder` as the whole reference; the others are
counted (``other_segments``, ``other_rows``) and tested only in the global verdict. At most
:data:`MAX_TRACKED` distinct segments keep their rows while reading, so a column of unbounded
cardinality costs bounded memory (a segment first seen after that many is counted, not kept).
"""

from __future__ import annotations

import json
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from aumos_drift_detector.core.errors import InsufficientDataError, ValidationError
from aumos_drift_detector.core.ingest.segment_rows import Columns, concat_columns, split_by_segment
from aumos_drift_detector.core.monitors.segments import MAX_SEGMENTS, SegmentsConfig
from aumos_drift_detector.core.statistical import FeatureSpec
from aumos_drift_detector.core.statistical.profile_builder import ProfileBuilder

#: Most distinct segments whose rows are kept while a reference is read.
MAX_TRACKED: Final[int] = 10 * MAX_SEGMENTS
_MAGIC: Final[bytes] = b"SEG1"
_HEADER = struct.Struct("<4sQ")


@dataclass(frozen=True, slots=True)
class SegmentProfiles:
    """The per-segment reference profiles of one reference version.

    Attributes:
        by: The segment columns.
        profiles: Segment label -> its serialised reference profile.
        rows: Reference rows of each segment kept (profiled or skipped).
        skipped: Segment label -> why it has no profile (too few rows, a feature without usable values).
        other_segments: Distinct segments beyond ``max_segments``, not profiled.
        other_rows: Their reference rows.
    """

    by: tuple[str, ...]
    profiles: dict[str, bytes] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    other_segments: int = 0
    other_rows: int = 0

    def to_bytes(self) -> bytes:
        """The stored form: a header (JSON) and the profiles one after the other."""
        keys = list(self.profiles)
        header = {
            "by": list(self.by), "rows": self.rows, "skipped": self.skipped, "other_segments": self.other_segments,
            "other_rows": self.other_rows, "profiles": [[key, len(self.profiles[key])] for key in keys],
        }  # fmt: skip
        encoded = json.dumps(header).encode()
        return b"".join([_HEADER.pack(_MAGIC, len(encoded)), encoded, *(self.profiles[key] for key in keys)])

    @classmethod
    def from_bytes(cls, payload: bytes) -> SegmentProfiles:
        """Read the stored form.

        Raises:
            ValidationError: Not segment profiles.
        """
        if len(payload) < _HEADER.size or payload[:4] != _MAGIC:
            raise ValidationError("the stored segment profiles are unreadable", details={"problem": "format"})
        _, size = _HEADER.unpack_from(payload)
        header: dict[str, Any] = json.loads(payload[_HEADER.size : _HEADER.size + size])
        offset, profiles = _HEADER.size + size, {}
        for key, length in header["profiles"]:
            profiles[str(key)] = payload[offset : offset + int(length)]
            offset += int(length)
        return cls(
            by=tuple(header["by"]), profiles=profiles, rows={str(k): int(v) for k, v in header["rows"].items()},
            skipped=dict(header["skipped"]), other_segments=int(header["other_segments"]),
            other_rows=int(header["other_rows"]),
        )  # fmt: skip


class SegmentProfileBuilder:
    """Keeps each segment's rows of a reference upload, then profiles the largest segments.

    Args:
        config: The monitor's segments option.
        features: The monitored features, as the global profile builder takes them.
    """

    def __init__(self, config: SegmentsConfig, features: Sequence[FeatureSpec]) -> None:
        self._config = config
        self._features = tuple(features)
        self._names = [spec.name for spec in features]
        self._parts: dict[str, list[Columns]] = {}
        self._rows: dict[str, int] = {}

    def start(self, names: Sequence[str]) -> bool:
        """Forget earlier batches; batches lacking a feature are left to the global builder to refuse."""
        self._parts, self._rows = {}, {}
        return all(name in names for name in self._names)

    def add(self, batch: Any) -> None:
        """Group one batch (anything with ``to_pydict``) by segment and keep its feature columns."""
        data = batch.to_pydict()
        for key, part in split_by_segment(data, self._config.by, self._names).items():
            rows = len(next(iter(part.values())))
            self._rows[key] = self._rows.get(key, 0) + rows
            if key in self._parts or len(self._parts) < MAX_TRACKED:
                self._parts.setdefault(key, []).append(part)

    def finish(self) -> SegmentProfiles:
        """Profile the ``max_segments`` kept segments with the most rows (blocking: run it in a worker thread)."""
        ranked = sorted(self._parts, key=lambda key: (-self._rows[key], key))
        kept = ranked[: self._config.max_segments]
        others = [key for key in self._rows if key not in kept]
        result = SegmentProfiles(
            by=tuple(self._config.by), rows={key: self._rows[key] for key in kept},
            other_segments=len(others), other_rows=sum(self._rows[key] for key in others),
        )  # fmt: skip
        for key in kept:
            parts = self._parts.pop(key)
            if self._rows[key] < self._config.min_rows:
                result.skipped[key] = f"{self._rows[key]} reference rows; segments need {self._config.min_rows}"
                continue
            try:
                result.profiles[key] = self._profile(parts)
            except (InsufficientDataError, ValidationError) as exc:
                result.skipped[key] = f"no reference profile: {exc.message}"
        self._parts = {}
        return result

    def _profile(self, parts: list[Columns]) -> bytes:
        builder = ProfileBuilder(self._features)
        builder.start(self._names)
        builder.add(concat_columns(parts, self._names))
        return builder.payload()


def segment_payload(builder: SegmentProfileBuilder | None) -> bytes | None:
    """The stored form of the per-segment profiles built (blocking), ``None`` without segments."""
    return builder.finish().to_bytes() if builder is not None else None
