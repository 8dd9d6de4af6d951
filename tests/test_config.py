"""Settings: each one documented in the README, database URLs normalised."""

from __future__ import annotations

from app import paths
from app.config import Settings, normalise_database_url


def _readme_settings_rows() -> dict[str, str]:
    text = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = cells[2]
    return rows


def _env_name(name: str) -> str:
    field = Settings.model_fields[name]
    alias = field.validation_alias
    if alias is not None:
        return alias.choices[0]  # type: ignore[union-attr]
    return "IW_" + name.upper()


def test_every_setting_is_documented_in_the_readme() -> None:
    rows = _readme_settings_rows()
    for name, field in Settings.model_fields.items():
        env = _env_name(name)
        assert env in rows, f"{env} is missing from the README's settings table"
        assert rows[env] == field.description, f"{env}: the README's description differs from the code's"
    assert set(rows) == {_env_name(name) for name in Settings.model_fields}


def test_postgres_urls_use_psycopg() -> None:
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"
    assert Settings(database_url="postgresql://u@h/db").dialect == "postgresql"


def test_the_default_database_is_a_sqlite_file_in_data(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("IW_DATABASE_URL", raising=False)
    assert Settings(_env_file=None).database_url == "sqlite:///./data/intercept-watch.sqlite3"  # type: ignore[call-arg]


def test_threads_default_to_four_per_core_the_process_may_use(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("IW_THREADS", raising=False)
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0}, raising=False)
    assert Settings(_env_file=None).thread_count == 4  # type: ignore[call-arg]
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    assert Settings(_env_file=None).thread_count == 12  # type: ignore[call-arg]
    monkeypatch.setenv("IW_THREADS", "3")
    assert Settings(_env_file=None).thread_count == 3  # type: ignore[call-arg]
