"""Who is calling: the authenticated principal and the role ladder."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from aumos_drift_detector.core.errors import PermissionDeniedError


class Role(StrEnum):
    """Roles, each including the rights of the ones before it: viewer < operator < admin."""

    VIEWER = "viewer"
    OPERATOR = "operator"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """Position on the ladder."""
        return list(Role).index(self)


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller.

    Attributes:
        subject: The ``sub`` claim: who acts (recorded in audit trails).
        tenant_id: The tenant every read and write is scoped to.
        roles: The granted roles.
    """

    subject: str
    tenant_id: str
    roles: frozenset[Role]

    @property
    def highest_role(self) -> Role | None:
        """The strongest granted role, if any."""
        return max(self.roles, key=lambda role: role.rank, default=None)

    def require(self, role: Role) -> None:
        """Raise ``PermissionDeniedError`` unless the principal holds ``role`` or a stronger one."""
        highest = self.highest_role
        if highest is None or highest.rank < role.rank:
            held = highest.value if highest else "none"
            raise PermissionDeniedError(
                f"this action needs the '{role.value}' role; the token grants '{held}'",
                details={"required_role": role.value, "granted_role": held},
            )
