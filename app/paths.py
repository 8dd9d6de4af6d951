"""Where the resource folders (templates, static, migrations, seeds) live."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_BUNDLE = _PACKAGE / "_bundle"

# A built wheel carries the folders inside the package; a checkout has them at the top.
ROOT = _BUNDLE if _BUNDLE.is_dir() else _PACKAGE.parent

TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"
MIGRATIONS = ROOT / "migrations"
SEEDS = ROOT / "seeds"
ALEMBIC_INI = ROOT / "alembic.ini"
