"""The `intercept-watch` command: serve, migrate, seed, import, export, back up, read articles, manage users."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from app import paths
from app.accounts import service as accounts_service
from app.accounts.models import Role
from app.config import Settings
from app.db import Database, describe_database, sqlite_file
from app.errors import AppError
from app.interchange import codec
from app.interchange import seed as seeding
from app.interchange import service as interchange
from app.perf import process
from app.stances import refresh as stances_refresh
from app.stances import repository as stances_repository
from app.statements import repository as statements_repository
from app.system import backup as backups
from app.system import migrations
from app.text import language_name

if TYPE_CHECKING:
    from app.extraction import service as extraction

app = typer.Typer(
    help="Intercept Watch: track where NATO member states stand on intercepting Russian missiles over Ukraine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Migrate the database schema.", no_args_is_help=True)
scores_app = typer.Typer(help="Manage the stored stance scores.", no_args_is_help=True)
user_app = typer.Typer(help="Manage the editors and admins who may write.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(scores_app, name="scores")
app.add_typer(user_app, name="user")

out = Console()
err = Console(stderr=True)
PROGRESS_THRESHOLD = 2000  # records: below this an import is quick and shows no bar


class Format(StrEnum):
    json = "json"
    csv = "csv"


def _settings() -> Settings:
    return Settings()


@app.callback()
def root(
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            envvar="DATABASE_URL",
            help="Database to use (default: a SQLite file in ./data/ under the folder the command runs in). "
            "Every command that touches it names it.",
        ),
    ] = None,
) -> None:
    """Choose the database for every command."""
    if database_url:
        os.environ["DATABASE_URL"] = database_url


def _settings_naming_database() -> Settings:
    """The settings, after saying on standard error which database the command uses and where that was chosen."""
    settings = _settings()
    chosen = (
        "from DATABASE_URL or --database-url"
        if os.environ.get("DATABASE_URL") or os.environ.get("IW_DATABASE_URL")
        else "the default: ./data/ under the folder this runs in"
    )
    err.print(f"Database: {describe_database(settings.database_url)} ({chosen})", highlight=False, soft_wrap=True)
    return settings


def _database() -> Database:
    """The configured, existing and migrated database; a command that needs one never creates it."""
    database_url = _settings_naming_database().database_url
    file = sqlite_file(database_url)
    if file is not None and not file.exists():
        err.print(
            f"[bold red]Refused[/]: there is no database at {escape(str(file))}, and nothing was created. "
            "Point DATABASE_URL (or --database-url) at the server's database, or create this one with "
            "`intercept-watch db upgrade`.",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2)
    database = Database.from_url(database_url)
    if migrations.current_revision(database.engine) != migrations.head_revision():
        database.dispose()
        err.print(
            "The database is not migrated to the newest schema; run `intercept-watch db upgrade` first.",
            soft_wrap=True,
        )
        raise typer.Exit(2)
    return database


@contextmanager
def _progress(label: str, total: int | None, *, show: bool = True):  # type: ignore[no-untyped-def]
    """A rich progress bar on stderr; `advance(n)` moves it."""
    if not show:
        yield lambda n: None
        return
    columns = [
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=err, transient=False) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def _refused(error: interchange.ImportRefused) -> None:
    err.print(f"[bold red]Refused[/]: {len(error.records)} problem(s); nothing was written.", highlight=False)
    for item in error.records:
        err.print(f"  {item}", highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(1)


def prepare_database(database_url: str, *, seed_if_empty: bool = True) -> None:
    """Migrate to the newest revision, seed an empty store, and rebuild scores made by an older rule."""
    migrations.upgrade(database_url)
    database = Database.from_url(database_url)
    try:
        with database.read_session() as session:
            empty = seeding.needs_seed(session=session)
            stale = stances_repository.stale_rule_versions(session)
        with database.write() as session:
            if empty and seed_if_empty:
                report = seeding.seed(session=session, directory=paths.SEEDS)
                out.print(f"Seeded an empty database: {report.statements.added} statements, {report.actors} actors.")
            else:
                seeding.ensure_countries_and_topics(session=session)
            if stale:
                rows = stances_refresh.rebuild_all(session=session)
                out.print(f"Rebuilt {rows} stored scores made by rule version(s) {stale}.")
    finally:
        database.dispose()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="uvicorn worker processes.")] = 1,
) -> None:
    """Migrate, seed an empty database, then serve the app with uvicorn."""
    from app.web.server import serve as serve_app

    settings = _settings_naming_database()
    try:
        prepare_database(settings.database_url)
    except interchange.ImportRefused as error:
        _refused(error)
    out.print(f"Serving Intercept Watch at http://{host}:{port} ({settings.dialect})")
    serve_app("app.main:create_app", host=host, port=port, workers=workers, settings=settings)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Migrate the schema up (to the newest revision by default)."""
    migrations.upgrade(_settings_naming_database().database_url, revision)
    out.print(f"Database at {revision}.")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target revision; 'base' removes every table.")]) -> None:
    """Migrate the schema down to a revision."""
    migrations.downgrade(_settings_naming_database().database_url, revision)
    out.print(f"Database at {revision}.")


@db_app.command("current")
def db_current() -> None:
    """Print the revision the database is at."""
    database = _database()
    try:
        out.print(migrations.current_revision(database.engine) or "(empty: not migrated)")
    finally:
        database.dispose()


@app.command()
def seed(
    directory: Annotated[
        Path, typer.Option("--dir", help="Folder with countries.json, topics.json, actors.json and statements.json.")
    ] = paths.SEEDS,
) -> None:
    """Load the seed data (reference data and the source articles' statements); loading twice changes nothing."""
    settings = _settings_naming_database()
    migrations.upgrade(settings.database_url)
    database = Database.from_url(settings.database_url)
    try:
        with database.write() as session:
            report = seeding.seed(session=session, directory=directory)
    except interchange.ImportRefused as error:
        _refused(error)
    finally:
        database.dispose()
    if not report.changed:
        out.print("Seed data already loaded; nothing changed.")
        return
    out.print(
        f"Seeded: {report.countries} countries, {report.topics} topics, {report.actors} actors, "
        f"{report.offices} offices, {report.statements.added} statements ({report.statements.skipped} already present)."
    )


@app.command("import")
def import_file(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, readable=True, help="A JSON or CSV file in the interchange format."
        ),
    ],
    fmt: Annotated[Format | None, typer.Option("--format", help="json or csv (default: from the file name).")] = None,
) -> None:
    """Import statements, all or nothing; statements already present are skipped."""
    # The records, their checks and the rows written live until the end: collections only walk them.
    with process.collector_paused():
        try:
            raw = codec.read(file.read_bytes(), file.name, fmt.value if fmt else None)
        except codec.DocumentError as error:
            _refused(interchange.ImportRefused([interchange.RecordError(file.name, 0, None, "file", str(error))]))
        records, errors = interchange.validate(raw=raw, file=file.name)
        settings = _settings_naming_database()
        migrations.upgrade(settings.database_url)
        database = Database.from_url(settings.database_url)
        try:
            with _progress("Importing", len(records), show=len(records) >= PROGRESS_THRESHOLD) as advance:
                with database.write() as session:
                    seeding.ensure_countries_and_topics(session=session)
                    report = interchange.import_records(
                        session=session, records=records, file=file.name, via="import", progress=advance, refused=errors
                    )
        except interchange.ImportRefused as error:
            _refused(error)
        finally:
            database.dispose()
    out.print(
        f"Imported {report.added} statement(s); skipped {report.skipped} already present. "
        f"New actors: {len(report.actors_created)}; new sources: {report.sources_created}; "
        f"reused sources: {report.sources_reused}."
    )


@app.command()
def export(
    fmt: Annotated[Format, typer.Option("--format", help="json or csv.")] = Format.json,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: standard output).")
    ] = None,
) -> None:
    """Export every statement (published and retracted) in the interchange format."""
    database = _database()
    try:
        with database.read_session() as session:
            if output is None:
                count = interchange.export(session=session, out=sys.stdout, fmt=fmt.value)
            else:
                with output.open("w", encoding="utf-8", newline="") as handle:
                    count = interchange.export(session=session, out=handle, fmt=fmt.value)
                err.print(f"Exported {count} statement(s) to {output}.")
    finally:
        database.dispose()


class CandidateFormat(StrEnum):
    table = "table"
    json = "json"


def _day_option(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


@app.command()
def extract(
    file: Annotated[
        Path,
        typer.Argument(help="The article: a text file, or a saved web page (.html); - reads standard input."),
    ],
    published_on: Annotated[
        str | None,
        typer.Option("--published-on", help="The article's date, YYYY-MM-DD: days it names are read from it."),
    ] = None,
    url: Annotated[
        str | None, typer.Option("--url", help="The article's address, shown with the candidates; never fetched.")
    ] = None,
    fmt: Annotated[
        CandidateFormat, typer.Option("--format", help="table (to read) or json (for scripts).")
    ] = CandidateFormat.table,
) -> None:
    """List the statements an article seems to hold, for an editor to confirm; nothing is saved."""
    # Imported here: reading articles loads trafilatura and lxml, 0.2 s of CPU no other command needs.
    from app.extraction import service as extraction

    day = _day_option(published_on)
    if str(file) == "-":
        raw: bytes | str = sys.stdin.read()
        filename = None
    else:
        if not file.is_file():
            err.print(f"No such file: {file}", highlight=False, markup=False)
            raise typer.Exit(2)
        raw, filename = file.read_bytes(), file.name
    database = _database()
    try:
        with database.read_session() as session:
            reading = extraction.read(session=session, raw=raw, filename=filename, published_on=day, today=date.today())
    except AppError as error:
        err.print(f"[bold red]Refused[/]: {escape(error.message)}", highlight=False)
        raise typer.Exit(1) from None
    finally:
        database.dispose()
    if fmt is CandidateFormat.json:
        candidates = [extraction.candidate_json(found.candidate) for found in reading.found]
        out.print_json(data={"candidates": candidates})
        return
    if url:
        out.print(f"Source: {escape(url)}", highlight=False, soft_wrap=True)
    _candidate_list(reading)


def _candidate_list(reading: extraction.Reading) -> None:
    """Each candidate as a short block: who and when, the words, the condition, what may repeat it."""
    if not reading.found:
        err.print("No statements found: no one is quoted or reported as saying something in this text.")
        return
    for number, found in enumerate(reading.found, start=1):
        c = found.candidate
        who = c.actor + (f", {c.office}" if c.office else "") + (f" ({c.country})" if c.country else "")
        facts = [
            who + ("" if c.actor_slug else " (not on record yet)"),
            c.said_on.isoformat() if c.said_on else "no date in the text",
            c.topic or "no topic suggested",
            ("verbatim" if c.quote_is_verbatim else "reported") + f", {language_name(c.language)}",
        ]
        out.print(f"[bold]{number}.[/] " + escape(" · ".join(facts)), highlight=False, soft_wrap=True)
        words = f"“{c.quote}”" if c.quote_is_verbatim else c.quote
        out.print("   " + escape(words), highlight=False, soft_wrap=True)
        if c.condition:
            out.print("   Condition: " + escape(c.condition), highlight=False, soft_wrap=True)
        if found.recorded:
            ids = ", ".join(f"statement {s.id}" for s in found.recorded)
            out.print(f"   [yellow]May already be recorded:[/] {ids}", highlight=False, soft_wrap=True)
        out.print()
    err.print(f"{len(reading.found)} candidate statement(s); nothing was saved.")


@app.command("backup")
def backup_database(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="The file to write (replaced if it exists).")],
) -> None:
    """Copy the whole database to FILE, consistently, while the server keeps serving."""
    database_url = _settings().database_url
    err.print(f"Backing up the {escape(describe_database(database_url))} to {escape(str(file))}.", highlight=False)
    try:
        with err.status("Copying…"):
            copied = backups.backup(database_url=database_url, file=file)
    except backups.BackupError as error:
        err.print(f"[bold red]Failed[/]: {escape(str(error))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    out.print(
        f"Backed up the {copied.database} to {copied.file} ({copied.size:,} bytes).", highlight=False, markup=False
    )


@app.command("restore")
def restore_database(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="A file written by `intercept-watch backup`.")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite a database that holds data (everything in it is lost).")
    ] = False,
) -> None:
    """Put a backup back into an empty database (or any, with --replace), then migrate it to the newest schema."""
    database_url = _settings().database_url
    err.print(f"Restoring {escape(str(file))} into the {escape(describe_database(database_url))}.", highlight=False)
    try:
        with err.status("Restoring…"):
            copied = backups.restore(database_url=database_url, file=file, replace=replace)
    except backups.BackupError as error:
        err.print(f"[bold red]Refused[/]: {escape(str(error))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    out.print(f"Restored the {copied.database} from {copied.file}.", highlight=False, markup=False)


@scores_app.command("rebuild")
def scores_rebuild() -> None:
    """Recompute every stored score from the statements with the current rule."""
    database = _database()
    try:
        with database.read_session() as session:
            total = sum(statements_repository.count_by_status(session).values())
        with _progress("Rebuilding scores", total, show=total >= PROGRESS_THRESHOLD) as advance:
            with database.write() as session:
                rows = stances_refresh.rebuild_all(session=session, on_statement=advance)
    finally:
        database.dispose()
    out.print(f"Rebuilt {rows} stored scores.")


def _read_password_from_stdin() -> str:
    """Everything on standard input, less one final line break (what `echo` or a file adds)."""
    text = sys.stdin.read()
    for ending in ("\r\n", "\n"):
        if text.endswith(ending):
            return text[: -len(ending)]
    return text


@user_app.command("add")
def user_add(
    email: Annotated[str, typer.Argument(help="The user's email address; they sign in with it.")],
    role: Annotated[
        Role,
        typer.Option(
            "--role", case_sensitive=False, help="editor: adds and corrects statements; admin: also manages users."
        ),
    ],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input instead of prompting.")
    ] = False,
) -> None:
    """Add an editor or admin; the password is asked for twice (or read from standard input)."""
    database = _database()
    try:
        if password_stdin:
            password = _read_password_from_stdin()
        else:
            password = typer.prompt(
                "Password", hide_input=True, confirmation_prompt=True, default="", show_default=False
            )
        with database.write() as session:
            user = accounts_service.add_user(session=session, email=email, password=password, role=role)
            added = f"Added {user.email} ({user.role.value})."
    except accounts_service.AccountRefused as refused:
        for error in refused.errors:
            err.print(f"[bold red]Refused[/]: {error.field}: {escape(error.message)}", highlight=False, soft_wrap=True)
        err.print("Nothing was written.", soft_wrap=True)
        raise typer.Exit(1) from None
    finally:
        database.dispose()
    out.print(added, highlight=False, markup=False, soft_wrap=True)


@user_app.command("disable")
def user_disable(email: Annotated[str, typer.Argument(help="The address of the user to disable.")]) -> None:
    """Disable a user: signs them out everywhere and revokes their API tokens. Their revisions keep their name."""
    database = _database()
    try:
        with database.write() as session:
            report = accounts_service.disable_user(
                session=session, user=accounts_service.user_by_email(session=session, email=email)
            )
            done = (
                f"{report.user.email} {'was already' if report.already else 'is now'} disabled; "
                f"revoked {report.sessions_revoked} session(s) and {report.tokens_revoked} API token(s)."
            )
    except accounts_service.UserNotFound as missing:
        err.print(f"[bold red]Refused[/]: {escape(str(missing))} Nothing was written.", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    finally:
        database.dispose()
    out.print(done, highlight=False, markup=False, soft_wrap=True)


@user_app.command("list")
def user_list() -> None:
    """List every user with their role and whether they are active."""
    from rich.table import Table

    database = _database()
    try:
        with database.read_session() as session:
            users = accounts_service.list_users(session=session)
            if not users:
                out.print(
                    "No users yet. Create the first admin with: intercept-watch user add EMAIL --role admin",
                    soft_wrap=True,
                )
                return
            table = Table("Email", "Display name", "Role", "Status", "Added", box=None, header_style="bold")
            for user in users:
                status = f"disabled {user.disabled_at:%Y-%m-%d}" if user.disabled_at else "active"
                table.add_row(
                    escape(user.email), escape(user.public_name), user.role.value, status, f"{user.created_at:%Y-%m-%d}"
                )
    finally:
        database.dispose()
    out.print(table, highlight=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
