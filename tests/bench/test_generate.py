"""`python -m bench.generate`: the command that builds a synthetic database, run as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app as product_cli
from app.db import Database
from bench import generate
from bench.config import ROOT
from bench.synthetic import repository
from bench.synthetic.generator import GENERATOR_VERSION
from tests.support import seed_counts, snapshot_tables


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def test_it_runs_as_a_module(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'small.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "-m", "bench.generate", "120", "--actors", "60", "--database", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Built a synthetic database: 120 statements" in result.stdout
    assert "Generating statements" in result.stderr  # the progress bar, on standard error


def test_it_needs_a_database_and_never_uses_the_configured_one(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    configured = tmp_path / "configured.sqlite3"
    result = cli.invoke(generate.app, ["20"], env={"DATABASE_URL": f"sqlite:///{configured}"})
    assert result.exit_code == 2
    assert "--database" in result.output and "Nothing was written" in result.output
    assert not configured.exists() and not (tmp_path / "data").exists()


def test_it_refuses_the_default_database(cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli.invoke(generate.app, ["20", "--database", "sqlite:///./data/intercept-watch.sqlite3"])
    assert result.exit_code == 1
    assert "default database" in result.output and "Nothing was written" in result.output
    assert not (tmp_path / "data").exists()


def test_it_refuses_the_default_database_even_when_it_exists(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    default = "sqlite:///./data/intercept-watch.sqlite3"
    assert CliRunner().invoke(product_cli, ["--database-url", default, "seed"]).exit_code == 0  # a seeded store
    before = {path.name: path.read_bytes() for path in (tmp_path / "data").iterdir()}
    result = cli.invoke(
        generate.app, ["20", "--replace", "--database", f"sqlite:///{tmp_path}/data/intercept-watch.sqlite3"]
    )
    assert result.exit_code == 1 and "default database" in result.output
    assert {path.name: path.read_bytes() for path in (tmp_path / "data").iterdir()} == before


def test_it_refuses_a_database_holding_real_statements(cli: CliRunner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'real.sqlite3'}"
    assert CliRunner().invoke(product_cli, ["--database-url", url, "seed"]).exit_code == 0
    database = Database.from_url(url)
    before = snapshot_tables(database)
    result = cli.invoke(generate.app, ["20", "--replace", "--database", url])
    assert result.exit_code == 1
    real = seed_counts()["statements"]
    assert f"{real} real (non-synthetic) statements" in " ".join(result.output.split())
    assert "Nothing was written" in result.output
    assert snapshot_tables(database) == before
    assert repository.inspect_target(url).marker is None
    database.dispose()


def test_it_builds_a_database_marked_in_its_own_table(cli: CliRunner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'small.sqlite3'}"
    result = cli.invoke(generate.app, ["120", "--actors", "60", "--seed", "3", "--database", url])
    assert result.exit_code == 0, result.output
    assert "Built a synthetic database: 120 statements" in result.output
    state = repository.inspect_target(url)
    assert state.statements == 120 and state.synthetic and state.marker is not None
    marker = state.marker
    assert (marker.statements, marker.seed, marker.actors, marker.generator_version) == (120, 3, 60, GENERATOR_VERSION)

    again = cli.invoke(generate.app, ["90", "--actors", "60", "--database", url])
    assert again.exit_code == 1 and "--replace" in again.output
    assert repository.inspect_target(url).statements == 120
    replaced = cli.invoke(generate.app, ["90", "--actors", "60", "--replace", "--database", url])
    assert replaced.exit_code == 0, replaced.output
    assert repository.inspect_target(url).marker.statements == 90  # type: ignore[union-attr]


def test_the_product_command_has_no_benchmark_tools(cli: CliRunner) -> None:
    assert cli.invoke(product_cli, ["bench", "generate", "20"]).exit_code == 2  # no such command
