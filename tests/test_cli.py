"""The aumos-drift command: migrate, bad configuration, and start-up refusal in production."""

from __future__ import annotations

import asyncio

import pytest

from aumos_drift_detector.adapters.persistence import migrator
from aumos_drift_detector.adapters.persistence.database import create_engine
from aumos_drift_detector.cli import main


@pytest.fixture
def sqlite_url(tmp_path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("AUMOS_DRIFT_DATABASE_URL", url)
    return url


def _revision(url: str) -> str | None:
    async def read() -> str | None:
        engine = create_engine(url)
        try:
            return await migrator.current_revision(engine)
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_migrate_upgrades_and_downgrades(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate"]) == 0
    assert _revision(sqlite_url) == migrator.head_revision()
    assert f"revision {migrator.head_revision()}" in capsys.readouterr().out
    assert main(["migrate", "--downgrade", "base"]) == 0
    assert _revision(sqlite_url) is None
    assert "revision base" in capsys.readouterr().out


def test_bad_configuration_exits_2_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AUMOS_DRIFT_DATABASE_URL", "oracle://nowhere")
    assert main(["migrate"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("aumos-drift: bad configuration: AUMOS_DRIFT_DATABASE_URL")
    assert len(err.strip().splitlines()) == 1


def test_serve_in_production_refuses_a_stale_schema(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AUMOS_DRIFT_ENV", "production")
    monkeypatch.setenv("AUMOS_DRIFT_JWT_SECRET", "s" * 40)
    assert main(["serve", "--port", "1"]) == 1
    assert "run 'aumos-drift migrate'" in capsys.readouterr().err
    assert _revision(sqlite_url) is None


def test_unknown_command_exits_2() -> None:
    with pytest.raises(SystemExit) as excinfo:
        main(["frobnicate"])
    assert excinfo.value.code == 2


def test_check_is_wired_into_the_command(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    reference, current = tmp_path / "reference.csv", tmp_path / "current.csv"
    reference.write_text("x\n" + "\n".join(f"{v:.4f}" for v in rng.normal(0, 1, 500)))
    current.write_text("x\n" + "\n".join(f"{v:.4f}" for v in rng.normal(3, 1, 500)))
    html = tmp_path / "report.html"
    assert main(["check", "--reference", str(reference), "--current", str(current), "--html", str(html)]) == 1
    assert "x" in capsys.readouterr().out
    assert "Drift detected: 1 of 1 features drifted" in html.read_text()
    assert main(["check", "--reference", str(reference), "--current", str(reference)]) == 0
    assert main(["check", "--reference", str(tmp_path / "missing.csv"), "--current", str(current)]) == 2


def test_token_prints_a_token_the_service_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    from aumos_drift_detector.adapters.api.auth import TokenVerifier
    from aumos_drift_detector.core.principal import Role
    from aumos_drift_detector.settings import load_settings

    assert main(["token", "--tenant", "acme", "--role", "operator", "--subject", "ci-bot"]) == 0
    principal = TokenVerifier(load_settings()).verify(capsys.readouterr().out.strip())
    assert (principal.tenant_id, principal.subject, principal.roles) == ("acme", "ci-bot", frozenset({Role.OPERATOR}))


def test_token_rejects_an_unknown_role_and_production(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["token", "--tenant", "acme", "--role", "superuser"]) == 2
    assert "--role" in capsys.readouterr().err
    monkeypatch.setenv("AUMOS_DRIFT_ENV", "production")
    monkeypatch.setenv("AUMOS_DRIFT_JWT_SECRET", "s" * 40)
    assert main(["token", "--tenant", "acme", "--role", "admin"]) == 2
    assert "production" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("flag", "value", "claim"),
    [("--tenant", " ", "tenant_id"), ("--tenant", "t" * 65, "tenant_id"), ("--subject", "bad\x00", "sub")],
)
def test_token_refuses_claims_the_service_would_refuse(
    flag: str, value: str, claim: str, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = {"--tenant": "acme", "--subject": "alice"} | {flag: value}
    assert main(["token", "--role", "admin", *[item for pair in arguments.items() for item in pair]]) == 2
    err = capsys.readouterr().err
    assert f"token claim '{claim}'" in err
    assert len(err.strip().splitlines()) == 1


def test_demo_creates_a_drifting_monitor_with_an_alert(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--tenant", "demo-tenant"]) == 0
    out = capsys.readouterr().out
    assert "detection" in out
    assert ": DRIFT," in out
    assert "alert " in out
    assert "export TOKEN=" in out
    assert main(["demo"]) == 0


def test_consume_without_kafka_exits_2_saying_what_to_set(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AUMOS_DRIFT_KAFKA_BOOTSTRAP_SERVERS", raising=False)
    assert main(["consume"]) == 2
    assert (
        capsys.readouterr().err
        == "aumos-drift: consume: set AUMOS_DRIFT_KAFKA_BOOTSTRAP_SERVERS to the Kafka cluster\n"
    )
