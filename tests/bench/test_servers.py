"""bench/servers.py: the benchmarked server serves synthetic databases only, and every page says so."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from app.cli import app as product_cli
from bench.servers import app_server
from bench.synthetic import service
from bench.wrk import BenchError
from tests.support import need_bench_tools, soup

pytestmark = pytest.mark.slow


def test_every_page_says_the_data_is_synthetic(tmp_path: Path) -> None:
    need_bench_tools()
    url = f"sqlite:///{tmp_path / 'small.sqlite3'}"
    service.generate(database_url=url, statements=300, actors=60)
    notice = "Synthetic benchmark data: 300 generated statements, not real statements."
    with app_server(url, core=0, log=tmp_path / "server.log") as server:
        for path in ("/", "/statements", "/countries/PL", "/this-page-does-not-exist"):
            banner = soup(httpx.get(server.base_url + path, timeout=30).text).select_one(".banner--notice")
            assert banner is not None and banner.get_text(strip=True) == notice, path


def test_a_database_without_the_synthetic_marker_is_not_served(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'real.sqlite3'}"
    assert CliRunner().invoke(product_cli, ["--database-url", url, "seed"]).exit_code == 0
    with pytest.raises(BenchError, match="not a synthetic database"):
        app_server(url, core=0, log=tmp_path / "server.log")
