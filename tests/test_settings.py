"""Settings come from AUMOS_DRIFT_* variables and bad values name the variable."""

from __future__ import annotations

import pytest

from aumos_drift_detector.settings import Environment, SettingsError, load_settings


def test_defaults_are_the_embedded_development_setup(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("AUMOS_DRIFT_ENV", "AUMOS_DRIFT_DATABASE_URL", "AUMOS_DRIFT_KAFKA_BOOTSTRAP_SERVERS"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.env is Environment.DEVELOPMENT
    assert settings.database_url == "sqlite+aiosqlite:///./aumos_drift.db"
    assert settings.kafka_bootstrap_servers is None
    assert not settings.kafka_enabled
    assert settings.migrates_at_startup
    assert not settings.logs_as_json


def test_environment_variables_are_read_with_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUMOS_DRIFT_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    monkeypatch.setenv("AUMOS_DRIFT_LOG_LEVEL", "DEBUG")
    settings = load_settings()
    assert settings.kafka_bootstrap_servers == "127.0.0.1:9092"
    assert settings.kafka_enabled
    assert settings.log_level.value == "DEBUG"


def test_blank_kafka_servers_mean_no_kafka(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUMOS_DRIFT_KAFKA_BOOTSTRAP_SERVERS", "  ")
    assert load_settings().kafka_bootstrap_servers is None


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("AUMOS_DRIFT_ENV", "staging"),
        ("AUMOS_DRIFT_DATABASE_URL", "mysql://localhost/db"),
        ("AUMOS_DRIFT_PORT", "not-a-port"),
        ("AUMOS_DRIFT_LOG_LEVEL", "LOUD"),
    ],
)
def test_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable):
        load_settings()


def test_the_consumer_inside_serve_needs_kafka(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUMOS_DRIFT_KAFKA_BOOTSTRAP_SERVERS", raising=False)
    monkeypatch.setenv("AUMOS_DRIFT_KAFKA_CONSUME_IN_SERVE", "true")
    with pytest.raises(
        SettingsError, match="AUMOS_DRIFT_KAFKA_CONSUME_IN_SERVE: needs AUMOS_DRIFT_KAFKA_BOOTSTRAP_SERVERS"
    ):
        load_settings()
    monkeypatch.setenv("AUMOS_DRIFT_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    assert load_settings().kafka_consume_in_serve


def test_production_refuses_the_development_jwt_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUMOS_DRIFT_ENV", "production")
    monkeypatch.delenv("AUMOS_DRIFT_JWT_SECRET", raising=False)
    with pytest.raises(SettingsError, match="AUMOS_DRIFT_JWT_SECRET"):
        load_settings()
    monkeypatch.setenv("AUMOS_DRIFT_JWT_SECRET", "short")
    with pytest.raises(SettingsError, match="at least 32"):
        load_settings()
    monkeypatch.setenv("AUMOS_DRIFT_JWT_SECRET", "x" * 40)
    settings = load_settings()
    assert settings.is_production
    assert settings.logs_as_json
    assert not settings.migrates_at_startup


def test_env_example_lists_every_setting_and_loads_as_a_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from pathlib import Path

    from aumos_drift_detector.settings import Settings

    example = (Path(__file__).parents[1] / ".env.example").read_text()
    listed = {line.split("=", 1)[0] for line in example.splitlines() if line.startswith("AUMOS_DRIFT_")}
    assert listed == {f"AUMOS_DRIFT_{name.upper()}" for name in Settings.model_fields}
    (tmp_path / ".env").write_text(example)
    monkeypatch.chdir(tmp_path)
    assert load_settings() == Settings(_env_file=None)
