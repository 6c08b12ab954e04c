"""The error tree of the domain.

Every failure the service reports on purpose is one of these. Adapters wrap driver errors
(SQLAlchemy, Kafka, file parsers) into this tree at their boundary, and the HTTP layer maps
each class to a status code in one table.

    DriftDetectorError
    ├── ValidationError             bad input: a field, a file, a parameter (HTTP 422)
    │   ├── InsufficientDataError   too few usable values for a test (HTTP 422)
    │   └── PayloadTooLargeError    a body over the configured limit (HTTP 413)
    ├── NotFoundError               no such row for this tenant (HTTP 404)
    ├── ConflictError               a state or uniqueness conflict (HTTP 409)
    ├── AuthenticationError         missing, malformed or expired credentials (HTTP 401)
    ├── PermissionDeniedError       a role too low for the action (HTTP 403)
    └── InfrastructureError         a dependency failed (HTTP 503)
        ├── StorageError            the database failed
        └── PublishError            the event broker failed
"""

from __future__ import annotations

from typing import Any


class DriftDetectorError(Exception):
    """Base of every error the service raises on purpose.

    Args:
        message: A human-readable sentence saying what went wrong.
        details: Structured, JSON-serialisable context (field names, counts).
    """

    code = "drift_detector_error"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details or {}


class ValidationError(DriftDetectorError):
    """Input that cannot be accepted; the message names the field and the problem."""

    code = "validation_error"


class InsufficientDataError(ValidationError):
    """Too few usable values to run a test; details name the feature and the counts."""

    code = "insufficient_data"


class PayloadTooLargeError(ValidationError):
    """A request body or file over the configured size limit."""

    code = "payload_too_large"


class NotFoundError(DriftDetectorError):
    """No such entity, or one that belongs to another tenant."""

    code = "not_found"


class ConflictError(DriftDetectorError):
    """The action conflicts with the current state (a duplicate, an illegal transition)."""

    code = "conflict"


class AuthenticationError(DriftDetectorError):
    """Missing, malformed or expired credentials."""

    code = "unauthenticated"


class PermissionDeniedError(DriftDetectorError):
    """The caller is authenticated but their role does not allow the action."""

    code = "forbidden"


class InfrastructureError(DriftDetectorError):
    """A dependency (database, broker) failed or is unreachable."""

    code = "infrastructure_error"


class StorageError(InfrastructureError):
    """The database failed."""

    code = "storage_error"


class PublishError(InfrastructureError):
    """The event broker failed."""

    code = "publish_error"
