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
from tests.api_client import MINIMAL_MONITOR, api, auth
from tests.conftest import DatabaseTarget


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


def _signed(claims: dict[str, object]) -> str:
    return jwt.encode(claims, load_settings().jwt_secret, algorithm="HS256")


BAD_CLAIMS = [
    pytest.param("tenant_id", "", id="empty-tenant"),
    pytest.param("tenant_id", "   ", id="blank-tenant"),
    pytest.param("tenant_id", 7, id="numeric-tenant"),
    pytest.param("tenant_id", ["a"], id="list-tenant"),
    pytest.param("tenant_id", {"a": 1}, id="object-tenant"),
    pytest.param("tenant_id", True, id="boolean-tenant"),
    pytest.param("tenant_id", "t" * 65, id="tenant-over-64-characters"),
    pytest.param("tenant_id", "ac\x00me", id="tenant-with-nul"),
    pytest.param("tenant_id", "acme\n", id="tenant-with-newline"),
    pytest.param("tenant_id", "ac\u202eme", id="tenant-with-bidi-override"),
    pytest.param("sub", "", id="empty-subject"),
    pytest.param("sub", 7, id="numeric-subject"),
    pytest.param("sub", "s" * 201, id="subject-over-200-characters"),
    pytest.param("sub", "ali\x00ce", id="subject-with-nul"),
    pytest.param("sub", "alice\r\nadmin", id="subject-with-line-break"),
    pytest.param("exp", "9999999999", id="string-expiry"),
    pytest.param("exp", True, id="boolean-expiry"),
    pytest.param("exp", None, id="null-expiry"),
    pytest.param("exp", "soon", id="word-expiry"),
    pytest.param("exp", float("inf"), id="infinite-expiry"),
    pytest.param("exp", float("nan"), id="nan-expiry"),
    pytest.param("roles", 7, id="numeric-roles"),
    pytest.param("roles", {"admin": True}, id="object-roles"),
    pytest.param("roles", ["admin", 7], id="roles-with-a-number"),
    pytest.param("roles", [["admin"]], id="nested-roles"),
    pytest.param("roles", None, id="null-roles"),
]


@pytest.mark.parametrize(("claim", "value"), BAD_CLAIMS)
def test_claims_of_the_wrong_type_size_or_content_are_refused_naming_the_claim(claim: str, value: object) -> None:
    token = _signed(_claims(**{claim: value}))
    with pytest.raises(AuthenticationError, match=f"'{claim}'"):
        TokenVerifier(load_settings()).verify(token)


@pytest.mark.parametrize("claim", ["sub", "tenant_id", "exp"])
def test_required_claims_are_refused_when_absent(claim: str) -> None:
    claims = _claims()
    del claims[claim]
    with pytest.raises(AuthenticationError, match=f"'{claim}'"):
        TokenVerifier(load_settings()).verify(_signed(claims))


def test_claims_at_the_size_limits_are_accepted_unchanged() -> None:
    tenant, subject = "t" * 64, "Jöhn Doe " + "s" * 191
    principal = TokenVerifier(load_settings()).verify(_signed(_claims(tenant_id=tenant, sub=subject, roles="viewer")))
    assert (principal.tenant_id, principal.subject, principal.roles) == (tenant, subject, frozenset({Role.VIEWER}))


def test_a_fractional_expiry_is_a_valid_numeric_date_and_a_past_one_is_expired() -> None:
    verifier = TokenVerifier(load_settings())
    now = datetime.now(UTC).timestamp()
    assert verifier.verify(_signed(_claims(exp=now + 300.5))).tenant_id == "acme"
    with pytest.raises(AuthenticationError, match="token expired"):
        verifier.verify(_signed(_claims(exp=now - 0.5)))


def test_a_numeric_tenant_and_its_string_are_not_one_tenant() -> None:
    verifier = TokenVerifier(load_settings())
    assert verifier.verify(_signed(_claims(tenant_id="7"))).tenant_id == "7"
    with pytest.raises(AuthenticationError, match="'tenant_id'"):
        verifier.verify(_signed(_claims(tenant_id=7)))


@pytest.mark.integration
async def test_the_api_answers_401_naming_the_claim_the_database_could_not_hold(database: DatabaseTarget) -> None:
    async with api(database.url) as (client, container):
        for claim, value in [("tenant_id", "t" * 65), ("sub", "s" * 201), ("tenant_id", 7)]:
            token = jwt.encode(_claims(roles=["admin"], **{claim: value}), container.settings.jwt_secret, "HS256")
            response = await client.post(
                "/api/v1/monitors", json=MINIMAL_MONITOR, headers={"Authorization": f"Bearer {token}"}
            )
            assert response.status_code == 401, (claim, response.text)
            assert response.headers["WWW-Authenticate"] == "Bearer"
            error = response.json()["error"]
            assert error["code"] == "unauthenticated"
            assert f"'{claim}'" in error["message"]
        listed = await client.get("/api/v1/monitors", headers=auth(container.settings, tenant="t" * 64))
        assert listed.status_code == 200
