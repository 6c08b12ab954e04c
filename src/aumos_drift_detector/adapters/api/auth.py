"""Bearer-token authentication (JWT, HS256 or RS256) and role dependencies for routes.

Routes declare the role they need with the ``Annotated`` aliases :data:`Viewer`, :data:`Operator`
and :data:`Admin`; each resolves to the :class:`~aumos_drift_detector.core.principal.Principal`.

The claims and their documented types (anything else answers 401 naming the claim):

- ``sub`` (required): who acts, a non-blank string of at most 200 printable characters;
- ``tenant_id`` (required): the tenant, a non-blank string of at most 64 printable characters,
  used exactly as given (``"7"`` and ``7`` are not one tenant: the number is refused);
- ``exp`` (required): the expiry, a JSON number of seconds since the epoch;
- ``roles`` (optional): a role name or a list of role names; names other than ``viewer``,
  ``operator`` and ``admin`` grant nothing.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from aumos_drift_detector.core.errors import AuthenticationError
from aumos_drift_detector.core.principal import Principal, Role
from aumos_drift_detector.settings import Settings

#: Bounds of the identifying claims: the sizes of the columns that store them.
MAX_TENANT_ID_LENGTH = 64
MAX_SUBJECT_LENGTH = 200

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
            AuthenticationError: The token is malformed, badly signed or expired, or a claim is
                missing or not of its documented type; the message names the claim.
        """
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._key,
                algorithms=[self._algorithm],
                audience=self._audience,
                # The expiry is checked in _principal, once its type is known to be a number.
                options={
                    "require": ["sub", "tenant_id", "exp"],
                    "verify_aud": self._audience is not None,
                    "verify_exp": False,
                },
            )
        except jwt.MissingRequiredClaimError as exc:
            raise AuthenticationError(f"token lacks the '{exc.claim}' claim", details={"claim": exc.claim}) from exc
        except jwt.exceptions.InvalidSubjectError as exc:
            raise _claim_error("sub", "must be a string") from exc
        except jwt.InvalidTokenError as exc:
            raise AuthenticationError(f"invalid token: {exc}") from exc
        return _principal(claims)


def _principal(claims: dict[str, Any]) -> Principal:
    """The caller the verified claims name, each claim checked against its documented type."""
    expiry = claims["exp"]
    if isinstance(expiry, bool) or not isinstance(expiry, int | float) or not math.isfinite(expiry):
        raise _claim_error("exp", "must be a finite number of seconds since the epoch (a JSON number)")
    if expiry <= time.time():
        raise AuthenticationError("token expired")
    return Principal(
        subject=_identifier(claims, "sub", MAX_SUBJECT_LENGTH),
        tenant_id=_identifier(claims, "tenant_id", MAX_TENANT_ID_LENGTH),
        roles=_roles(claims.get("roles", [])),
    )


def _claim_error(claim: str, problem: str) -> AuthenticationError:
    return AuthenticationError(f"token claim '{claim}' {problem}", details={"claim": claim})


def _identifier(claims: dict[str, Any], claim: str, max_length: int) -> str:
    """The claim as given, if it is a non-blank string of printable characters within the bound."""
    value = claims[claim]
    if not isinstance(value, str) or not value.strip():
        raise _claim_error(claim, "must be a non-empty string")
    if len(value) > max_length:
        raise _claim_error(claim, f"must be at most {max_length} characters long (it has {len(value)})")
    if not value.isprintable():
        raise _claim_error(claim, "must not contain control or other non-printable characters")
    return value


def _roles(raw: object) -> frozenset[Role]:
    """Known roles of the ``roles`` claim (a string or a list of strings); unknown names grant nothing."""
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise _claim_error("roles", "must be a string or a list of strings")
    known = {role.value for role in Role}
    return frozenset(Role(value) for value in values if value in known)


def issue_token(
    settings: Settings, *, tenant_id: str, roles: list[str], subject: str, ttl: timedelta = timedelta(hours=12)
) -> str:
    """Sign a development token with the configured HS256 secret (``aumos-drift token``).

    Raises:
        AuthenticationError: ``tenant_id`` or ``subject`` is a value the service would refuse in a token.
    """
    now = datetime.now(UTC)
    claims = {"sub": subject, "tenant_id": tenant_id, "roles": roles, "iat": now, "exp": now + ttl}
    _identifier(claims, "sub", MAX_SUBJECT_LENGTH)
    _identifier(claims, "tenant_id", MAX_TENANT_ID_LENGTH)
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
