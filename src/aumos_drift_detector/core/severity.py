"""How severe a detection or an alert is."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """Severity of a detection or an alert, lowest first."""

    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """Position in the order none < low < medium < high < critical."""
        return _SEVERITY_ORDER.index(self)

    def raised(self) -> Severity:
        """One level higher, at most ``critical``.

        >>> Severity.HIGH.raised(), Severity.CRITICAL.raised()
        (<Severity.CRITICAL: 'critical'>, <Severity.CRITICAL: 'critical'>)
        """
        return _SEVERITY_ORDER[min(self.rank + 1, len(_SEVERITY_ORDER) - 1)]


_SEVERITY_ORDER = [Severity.NONE, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL]
