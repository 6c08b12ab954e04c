r"""The binary format of a serialised :class:`ReferenceProfile` (format version 1).

Layout (all integers little-endian)::

    offset  size  content
    0       8     magic  b"AUMOSRP\x00"
    8       4     uint32 format version (1)
    12      4     uint32 header length H
    16      H     UTF-8 JSON header
    16+H    0-7   zero padding to a multiple of 8
    D       ...   data section: raw arrays, each starting at a multiple of 8 from D

The header holds ``min_samples`` and one object per feature with its ``name``, ``kind``, ``test``,
``threshold``, ``weight``, ``n_total`` and ``n_missing``; numerical features add ``n_neg_inf``,
``n_pos_inf``, ``n_distinct``, ``bins``, ``summary``, the array descriptors ``sorted_values`` and
``edges``, and ``counted: true`` when the values were let go (``sorted_values`` then holds none);
categorical and binary features add ``labels`` (strings) and the descriptor ``counts``.
An array descriptor is ``{"dtype": "<f8" | "<i8", "offset": o, "count": n}`` with ``o`` relative
to ``D``. Nothing is pickled: reading parses JSON and maps the arrays with ``numpy.frombuffer``
(no copy; the arrays are read-only).

A reader rejects any other magic or version with a :class:`ValidationError` that says which
version it found and which it reads.
"""

from __future__ import annotations

import io
import json
import struct
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.feature_profile import CategoricalProfile, FeatureProfile, NumericalProfile
from aumos_drift_detector.core.statistical.features import FEATURE_KINDS
from aumos_drift_detector.core.statistical.profile import ReferenceProfile

MAGIC: Final[bytes] = b"AUMOSRP\x00"
FORMAT_VERSION: Final[int] = 1
_PREFIX = struct.Struct("<8sII")
_DTYPES: Final[frozenset[str]] = frozenset({"<f8", "<i8"})
_WRITE_SLICE: Final[int] = 1 << 22


def _pad(size: int) -> int:
    return -size % 8


class _DataSection:
    """Lays out the arrays of the data section, then writes them, letting go of each once written."""

    def __init__(self) -> None:
        self.arrays: list[npt.NDArray[Any]] = []
        self.size = 0

    def add(self, array: npt.NDArray[Any], dtype: str) -> dict[str, Any]:
        descriptor = {"dtype": dtype, "offset": self.size, "count": int(array.size)}
        self.arrays.append(np.ascontiguousarray(array, dtype=np.dtype(dtype)))
        self.size += array.size * 8  # both dtypes are 8 bytes wide: every array ends aligned
        return descriptor

    def write_to(self, sink: io.BytesIO) -> None:
        arrays, self.arrays = self.arrays, []
        arrays.reverse()
        while arrays:
            raw = arrays.pop().data.cast("B")
            for start in range(0, len(raw), _WRITE_SLICE):  # short copies leave other threads their turn
                sink.write(raw[start : start + _WRITE_SLICE])


def _feature_header(item: FeatureProfile, data: _DataSection) -> dict[str, Any]:
    header: dict[str, Any] = {
        "name": item.name,
        "kind": item.kind,
        "test": item.test,
        "threshold": item.threshold,
        "weight": item.weight,
        "n_total": item.n_total,
        "n_missing": item.n_missing,
    }
    if isinstance(item, NumericalProfile):
        header.update(
            n_neg_inf=item.n_neg_inf,
            n_pos_inf=item.n_pos_inf,
            n_distinct=item.n_distinct,
            summary=item.summary,
            sorted_values=data.add(item.sorted_values, "<f8"),
            edges=data.add(item.edges, "<f8"),
            bins=item.bins,
        )
        if item.counted:
            header["counted"] = True
    else:
        header.update(labels=list(item.labels), counts=data.add(item.counts, "<i8"))
    return header


def dump_profile(profile: ReferenceProfile) -> bytes:
    """Serialise ``profile`` to format version 1."""
    return dump_features(profile.min_samples, list(profile.features))


def dump_features(min_samples: int, features: list[FeatureProfile]) -> bytes:
    """Serialise a profile's parts to format version 1, emptying ``features`` on the way.

    Once the header is written the feature profiles are dropped from the list, and each array of the
    data section is dropped as soon as it is copied out, so a caller that holds the features only in
    ``features`` needs memory for about one copy of the profile, not two.
    """
    data = _DataSection()
    header = {"min_samples": min_samples, "features": [_feature_header(f, data) for f in features]}
    features.clear()
    encoded = json.dumps(header, separators=(",", ":"), allow_nan=False).encode("utf-8")
    sink = io.BytesIO()
    sink.write(_PREFIX.pack(MAGIC, FORMAT_VERSION, len(encoded)))
    sink.write(encoded)
    sink.write(b"\x00" * _pad(_PREFIX.size + len(encoded)))
    data.write_to(sink)
    return sink.getvalue()  # hands over the buffer without a copy


def _array(payload: bytes, start: int, descriptor: Any, feature: str) -> npt.NDArray[Any]:
    if not isinstance(descriptor, dict) or descriptor.get("dtype") not in _DTYPES:
        raise ValidationError(f"reference profile: bad array descriptor for feature {feature!r}", details={})
    offset, count = descriptor.get("offset"), descriptor.get("count")
    if not (isinstance(offset, int) and isinstance(count, int) and offset >= 0 and count >= 0 and offset % 8 == 0):
        raise ValidationError(f"reference profile: bad array descriptor for feature {feature!r}", details={})
    if start + offset + 8 * count > len(payload):
        raise ValidationError(f"reference profile is truncated (feature {feature!r})", details={"feature": feature})
    return np.frombuffer(payload, dtype=np.dtype(descriptor["dtype"]), count=count, offset=start + offset)


def _feature(payload: bytes, start: int, header: dict[str, Any]) -> FeatureProfile:
    name = str(header["name"])
    kind = header["kind"]
    if kind not in FEATURE_KINDS:
        raise ValidationError(f"reference profile: unknown kind {kind!r} for feature {name!r}", details={})
    common = (str(header["test"]), float(header["threshold"]), float(header["weight"]))
    if kind == "numerical":
        return NumericalProfile(
            name, *common,
            sorted_values=_array(payload, start, header["sorted_values"], name).astype(np.float64, copy=False),
            edges=_array(payload, start, header["edges"], name).astype(np.float64, copy=False),
            bins=int(header["bins"]),
            n_total=int(header["n_total"]), n_missing=int(header["n_missing"]),
            n_neg_inf=int(header["n_neg_inf"]), n_pos_inf=int(header["n_pos_inf"]),
            n_distinct=int(header["n_distinct"]),
            summary={str(key): float(value) for key, value in header["summary"].items()},
            counted=bool(header.get("counted", False)),
        )  # fmt: skip
    labels = tuple(str(label) for label in header["labels"])
    counts = _array(payload, start, header["counts"], name).astype(np.int64, copy=False)
    if counts.size != len(labels):
        raise ValidationError(f"reference profile: labels and counts differ for feature {name!r}", details={})
    return CategoricalProfile(
        name, kind, *common, labels=labels, counts=counts, n_total=int(header["n_total"]),
        n_missing=int(header["n_missing"]),
    )  # fmt: skip


def _read_prefix(payload: bytes) -> tuple[int, int]:
    if len(payload) < _PREFIX.size or payload[:8] != MAGIC:
        raise ValidationError("not a reference profile (bad magic bytes)", details={})
    _, version, header_length = _PREFIX.unpack_from(payload)
    if version != FORMAT_VERSION:
        raise ValidationError(
            f"unsupported reference profile format version {version} (this build reads version {FORMAT_VERSION})",
            details={"format_version": version, "supported": [FORMAT_VERSION]},
        )
    if _PREFIX.size + header_length > len(payload):
        raise ValidationError("reference profile is truncated (header)", details={})
    return header_length, _PREFIX.size + header_length + _pad(_PREFIX.size + header_length)


def load_profile(payload: bytes) -> ReferenceProfile:
    """Read a profile written by :func:`dump_profile`.

    Raises:
        ValidationError: Bad magic, unsupported version, a malformed header or truncated data.
    """
    payload = bytes(payload)
    header_length, data_start = _read_prefix(payload)
    try:
        header = json.loads(payload[_PREFIX.size : _PREFIX.size + header_length].decode("utf-8"))
        features = tuple(_feature(payload, data_start, item) for item in header["features"])
        min_samples = int(header["min_samples"])
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValidationError(f"malformed reference profile header: {exc}", details={}) from exc
    return ReferenceProfile(features, min_samples)


def profile_is_counted(payload: bytes) -> bool:
    """Whether a serialised profile let its numerical values go (read from its header alone, no array copied).

    Raises:
        ValidationError: Bad magic, unsupported version or a malformed header.
    """
    header_length, _ = _read_prefix(payload)
    try:
        header = json.loads(bytes(payload[_PREFIX.size : _PREFIX.size + header_length]).decode("utf-8"))
        return any(bool(item.get("counted", False)) for item in header["features"])
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise ValidationError(f"malformed reference profile header: {exc}", details={}) from exc
