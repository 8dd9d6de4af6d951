"""Settings, each declared once with its help text; the README's table is checked against them."""

import os
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_PATH = Path("data") / "intercept-watch.sqlite3"


THREADS_PER_CORE = 4


def usable_cores() -> int:
    """The CPU cores this process may run on: its affinity where the OS reports one, else every core."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def normalise_database_url(url: str) -> str:
    """Pin PostgreSQL URLs to the psycopg 3 driver; leave other URLs alone."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Settings(BaseSettings):
    """Configuration read from the environment (and a .env file, if present)."""

    model_config = SettingsConfigDict(env_prefix="IW_", env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        default=f"sqlite:///./{DEFAULT_SQLITE_PATH.as_posix()}",
        validation_alias=AliasChoices("DATABASE_URL", "IW_DATABASE_URL"),
        description=(
            "Where the data lives. The default is a SQLite file in ./data/ under the folder the command runs in, "
            "created on first run by `serve`, `seed`, `import` or `db upgrade`. "
            "A postgresql:// URL uses PostgreSQL through psycopg 3."
        ),
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description=(
            "Signs page tokens and CSRF tokens. Unset, a random key is generated once and kept "
            "in the database, so every worker and machine sharing it agrees."
        ),
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description=(
            "Comma-separated proxy addresses whose X-Forwarded-For and X-Forwarded-Proto are "
            "believed (uvicorn's setting). Requests from anywhere else are judged by their own address."
        ),
    )
    allowed_hosts: str = Field(
        default="127.0.0.1,localhost",
        description=(
            "Comma-separated host names this site answers to: a request with any other Host header gets 400, "
            "and a form posted from any other origin is refused. Set it to the public names in production. "
            "`.example.org` allows the domain and its subdomains; `*` allows any host (not advised)."
        ),
    )
    session_max_age_days: int = Field(
        default=14, ge=1, le=365, description="How long an editor stays signed in without activity."
    )
    page_cache_mb: int = Field(
        default=64,
        ge=0,
        le=4096,
        description=(
            "Memory per worker for rendered pages, kept from their second request and reused until what "
            "they show changes (the version that keys them; see [Versions and caching](#versions-and-caching)). "
            "0 turns the cache off."
        ),
    )
    threads: int | None = Field(
        default=None,
        ge=1,
        le=256,
        description=(
            "Threads per worker that run page work (database reads and rendering). Unset: 4 for each "
            "CPU core the process may run on. More only queue for Python's interpreter lock, and each "
            "request then waits longer for its turn."
        ),
    )
    requests_in_flight: int | None = Field(
        default=None,
        ge=1,
        le=1024,
        description=(
            "Requests a worker works on at once; the rest wait their turn without holding a database "
            "connection. Unset: twice the threads. The connection pool holds two per request."
        ),
    )
    json_body_kb: int = Field(
        default=256,
        ge=1,
        le=1024 * 1024,
        description=(
            "The largest request body the JSON API (`/api/…`) accepts, in KB (1,024 bytes). Larger bodies "
            "get 413 before they are read, counted as they arrive whatever their Content-Length says."
        ),
    )
    form_body_kb: int = Field(
        default=1024,
        ge=1,
        le=1024 * 1024,
        description="The largest form a page accepts (adding a statement, signing in…), in KB. Larger: 413.",
    )
    upload_body_kb: int = Field(
        default=1024,
        ge=1,
        le=1024 * 1024,
        description=("The largest article upload `/statements/extract` and `/api/extract` accept, in KB. Larger: 413."),
    )
    keep_alive_timeout: int = Field(
        default=5,
        ge=1,
        le=600,
        description="Seconds an idle keep-alive connection stays open after an answer (uvicorn's setting).",
    )
    header_timeout: int = Field(
        default=10,
        ge=1,
        le=600,
        description=(
            "Seconds a client has to send a request's headers, from opening the connection or from the last "
            "answer on it; a connection that sends nothing, or its headers too slowly, is then closed."
        ),
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="uvicorn's log level for `intercept-watch serve`."
    )
    notice: str | None = Field(
        default=None,
        description=(
            "Text shown in a banner at the top of every page, such as that the data is synthetic. Unset: no banner."
        ),
    )

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        return normalise_database_url(value.strip())

    @property
    def thread_count(self) -> int:
        """`threads`, or 4 for each core this process may run on (its CPU affinity, as taskset sets it)."""
        if self.threads is not None:
            return self.threads
        return THREADS_PER_CORE * usable_cores()

    @property
    def in_flight_limit(self) -> int:
        """`requests_in_flight`, or twice the threads: enough that a thread never waits for work."""
        if self.requests_in_flight is not None:
            return self.requests_in_flight
        return 2 * self.thread_count

    @cached_property
    def dialect(self) -> str:
        """The database family: 'sqlite' or 'postgresql'."""
        return self.database_url.split(":", 1)[0].split("+", 1)[0]
