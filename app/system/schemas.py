"""Response shapes of the system routes."""

from __future__ import annotations

from pydantic import BaseModel


class Counts(BaseModel):
    countries: int
    actors: int
    statements: int
    published: int
    retracted: int


class Health(BaseModel):
    status: str
    version: str
    dialect: str
    migration_revision: str | None
    migration_head: str | None
    rule_version: int
    data_version: int


class Stats(BaseModel):
    data_version: int
    counts: Counts
