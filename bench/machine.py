"""What the report says about the machine: enough to tell whether two reports are comparable."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from dataclasses import dataclass
from importlib.metadata import version as package_version
from pathlib import Path

from sqlalchemy import create_engine, text

from app.config import normalise_database_url
from bench import wrk
from bench.config import ROOT


@dataclass(frozen=True, slots=True)
class Machine:
    cpu: str
    cores: int
    memory_gib: float
    kernel: str
    python: str
    sqlite: str
    postgresql: str
    wrk: str
    uvicorn: str
    datasette: str
    load_average: str
    commit: str


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def postgres_version(server_url: str | None) -> str:
    if not server_url:
        return "not used"
    engine = create_engine(normalise_database_url(server_url))
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar_one())
    except Exception as error:  # the report says why rather than failing here
        return f"unreachable ({type(error).__name__})"
    finally:
        engine.dispose()


def _commit() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    # The reports themselves (bench/results/) are not the code measured.
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)bench/results"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    commit = result.stdout.strip() or "unknown"
    return commit + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def describe(postgres_url: str | None) -> Machine:
    one, five, fifteen = os.getloadavg()
    return Machine(
        cpu=_cpu_model(),
        cores=os.cpu_count() or 0,
        memory_gib=_memory_gib(),
        kernel=f"{platform.system()} {platform.release()}",
        python=platform.python_version(),
        sqlite=sqlite3.sqlite_version,
        postgresql=postgres_version(postgres_url),
        wrk=wrk.version(),
        uvicorn=package_version("uvicorn"),
        datasette=package_version("datasette"),
        load_average=f"{one:.2f} / {five:.2f} / {fifteen:.2f}",
        commit=_commit(),
    )
