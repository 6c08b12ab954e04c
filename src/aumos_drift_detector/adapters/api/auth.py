"""Bearer-token authentication (JWT, HS256 or RS256) and role dependencies for routes.

Routes declare the role they need with the ``Annotated`` aliases :data:`Viewer`, :data:`Operator`
and :data:`Admin`; each resolves to the :class:`~aumos_drift_detector.core.principal.Principal`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from aumos_drift_detector.core.errors import AuthenticationError
from aumos_drift_detector.core.principal import Principal, Role
from aumos_drift_detector.settings import Settings

_bearer = HTTPBearer(auto_error=False, description="JWT with claims sub, tenant_id and roles")


class TokenVerifier:
    """Verifies JWTs against the configured secret or public key.

    Args:
        settings: Supplies the algorithm, the key and the optional audience.
    """

    def __init__(self, settings: Settings) -> None:
        self._algorithm = settings.jwt_algorithm
        self._key = settings.jwt_public_key if settings.jwt_public_key else settings.jwt_secret
        self._audience = settings.jwt_audience

    def verify(self, token: str) -> Principal:
        """Return the principal a valid token names.

        Raises:
            AuthenticationError: The token is malformed, badly signed, expired or lacks a claim.
        """
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._key,
                algorithms=[self._algorithm],
                audience=self._audience,
                options={"require": ["sub", "tenant_id", "exp"], "verify_aud": self._audience is not None},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthenticationError("token expired") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise AuthenticationError(f"token lacks the '{exc.claim}' claim") from exc
        except jwt.InvalidTokenError as exc:
            raise AuthenticationError(f"invalid token: {exc}") from exc
        return Principal(
            subject=str(claims["sub"]), tenant_id=str(claims["tenant_id"]), roles=_roles(claims.get("roles"))
        )


def _roles(raw: object) -> frozenset[Role]:
    values = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    known = {role.value for role in Role}
    return frozenset(Role(value) for value in values if isinstance(value, str) and value in known)


def issue_token(
    settings: Settings, *, tenant_id: str, roles: list[str], subject: str, ttl: timedelta = timedelta(hours=12)
) -> str:
    """Sign a development token with the configured HS256 secret (``aumos-drift token``)."""
    now = datetime.now(UTC)
    claims = {"sub": subject, "tenant_id": tenant_id, "roles": roles, "iat": now, "exp": now + ttl}
    if settings.jwt_audience:
        claims["aud"] = settings.jwt_audience
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


async def authenticate(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """Resolve the caller from the ``Authorization: Bearer`` header."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationError("missing bearer token: send 'Authorization: Bearer <JWT>'")
    verifier: TokenVerifier = request.app.state.token_verifier
    return verifier.verify(credentials.credentials)


def _requiring(role: Role) -> Any:
    async def dependency(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
        principal.require(role)
        return principal

    return Depends(dependency)


Viewer = Annotated[Principal, _requiring(Role.VIEWER)]
Operator = Annotated[Principal, _requiring(Role.OPERATOR)]
Admin = Annotated[Principal, _requiring(Role.ADMIN)]
