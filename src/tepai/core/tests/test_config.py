from pathlib import Path

import pytest

from tepai.config import ConfigError, env_bool, parse_database_url, secret_key


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("true", True), ("ON", True), ("0", False), ("no", False)]
)
def test_it_reads_booleans(monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv("TEPAI_X", raw)
    assert env_bool("TEPAI_X") is expected


def test_it_refuses_a_bad_boolean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEPAI_DEBUG", "maybe")
    with pytest.raises(ConfigError, match="TEPAI_DEBUG"):
        env_bool("TEPAI_DEBUG")


def test_it_defaults_sqlite_to_the_data_dir(tmp_path: Path) -> None:
    config = parse_database_url("sqlite://", tmp_path)
    assert config.is_sqlite
    assert config.name == str(tmp_path / "tepai.db")


def test_it_reads_relative_and_absolute_sqlite_paths(tmp_path: Path) -> None:
    assert parse_database_url(f"sqlite:///{tmp_path}/x.db", tmp_path).name == str(tmp_path / "x.db")
    relative = parse_database_url("sqlite:///data/x.db", tmp_path)
    assert relative.name == str(Path("data/x.db").resolve())


def test_it_reads_postgresql_urls(tmp_path: Path) -> None:
    config = parse_database_url(
        "postgresql://tepai:p%40ss@db.local:5433/tepai?sslmode=require", tmp_path
    )
    assert config.engine == "django.db.backends.postgresql"
    assert (config.user, config.password, config.host, config.port, config.name) == (
        "tepai",
        "p@ss",
        "db.local",
        "5433",
        "tepai",
    )
    assert dict(config.options) == {"sslmode": "require"}


@pytest.mark.parametrize(
    "url", ["mysql://x@h/db", "postgresql://h:99999/db", "postgresql://host/", "nonsense"]
)
def test_it_refuses_unusable_database_urls(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigError, match="TEPAI_DATABASE_URL"):
        parse_database_url(url, tmp_path)


def test_it_generates_and_keeps_a_secret_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEPAI_SECRET_KEY", raising=False)
    first = secret_key(tmp_path, debug=False)
    assert len(first) >= 50
    assert secret_key(tmp_path, debug=False) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_it_refuses_placeholder_secrets_outside_debug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEPAI_SECRET_KEY", "changeme")
    with pytest.raises(ConfigError, match="placeholder"):
        secret_key(tmp_path, debug=False)
    assert secret_key(tmp_path, debug=True) == "changeme"
