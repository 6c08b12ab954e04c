"""Token verification with a shared secret (HS256) and with a public key (RS256)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from aumos_drift_detector.adapters.api.auth import TokenVerifier, issue_token
from aumos_drift_detector.core.errors import AuthenticationError
from aumos_drift_detector.core.principal import Role
from aumos_drift_detector.settings import load_settings


def _claims(**extra: object) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "sub": "svc-1",
        "tenant_id": "acme",
        "roles": ["operator"],
        "iat": now,
        "exp": now + timedelta(minutes=5),
        **extra,
    }


@pytest.fixture(scope="module")
def key_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def test_rs256_tokens_are_verified_with_the_configured_public_key(key_pair: tuple[str, str]) -> None:
    private, public = key_pair
    verifier = TokenVerifier(load_settings(jwt_algorithm="RS256", jwt_public_key=public))
    principal = verifier.verify(jwt.encode(_claims(), private, algorithm="RS256"))
    assert (principal.subject, principal.tenant_id, principal.roles) == ("svc-1", "acme", frozenset({Role.OPERATOR}))


def test_rs256_rejects_other_keys_and_other_algorithms(key_pair: tuple[str, str]) -> None:
    _, public = key_pair
    settings = load_settings(jwt_algorithm="RS256", jwt_public_key=public)
    verifier = TokenVerifier(settings)
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(AuthenticationError, match="invalid token"):
        verifier.verify(jwt.encode(_claims(), stranger, algorithm="RS256"))
    with pytest.raises(AuthenticationError, match="invalid token"):
        verifier.verify(issue_token(settings, tenant_id="acme", roles=["admin"], subject="x"))


def test_production_accepts_a_public_key_instead_of_a_secret(
    key_pair: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AUMOS_DRIFT_JWT_SECRET", raising=False)
    settings = load_settings(env="production", jwt_algorithm="RS256", jwt_public_key=key_pair[1])
    assert settings.is_production


def test_audience_is_checked_when_configured() -> None:
    settings = load_settings(jwt_audience="aumos-drift")
    verifier = TokenVerifier(settings)
    assert verifier.verify(issue_token(settings, tenant_id="acme", roles=["viewer"], subject="a")).tenant_id == "acme"
    foreign = jwt.encode(_claims(aud="another-service"), settings.jwt_secret, algorithm="HS256")
    with pytest.raises(AuthenticationError):
        verifier.verify(foreign)


def test_unknown_roles_grant_nothing() -> None:
    settings = load_settings()
    token = jwt.encode(_claims(roles=["root", "superuser"]), settings.jwt_secret, algorithm="HS256")
    principal = TokenVerifier(settings).verify(token)
    assert principal.roles == frozenset()
    assert principal.highest_role is None
