"""Every model, imported once so the metadata is complete (for Alembic and the tests)."""

from app.accounts.models import ApiToken, LoginAttempt, Role, User, UserSession
from app.actors.models import Actor, ActorAlias, ActorAliasWord, ActorKind, Office, OfficeRank
from app.countries.models import Country, CountryKind
from app.db import Base
from app.revisions.models import Revision, RevisionAction
from app.sources.models import Source
from app.stances.models import StanceScore
from app.statements.models import (
    DatePrecision,
    Statement,
    StatementSource,
    StatementStatus,
)
from app.system.models import AppState
from app.topics.models import Topic

__all__ = [
    "Actor",
    "ActorAlias",
    "ActorAliasWord",
    "ActorKind",
    "ApiToken",
    "AppState",
    "Base",
    "Country",
    "CountryKind",
    "DatePrecision",
    "LoginAttempt",
    "Office",
    "OfficeRank",
    "Revision",
    "RevisionAction",
    "Role",
    "Source",
    "StanceScore",
    "Statement",
    "StatementSource",
    "StatementStatus",
    "Topic",
    "User",
    "UserSession",
]
