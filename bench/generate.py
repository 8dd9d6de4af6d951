"""`python -m bench.generate N --database URL`: build a synthetic database of N statements for benchmarks.

It refuses, writing nothing, a missing --database (it never falls back to DATABASE_URL), the app's
default database and any database holding real statements (bench/synthetic/service.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from bench.synthetic import generator, service
from bench.synthetic.service import Tracker

PROG = "python -m bench.generate"

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
out = Console()
err = Console(stderr=True)


@contextmanager
def _phases() -> Iterator[Tracker]:
    """One rich progress display on stderr; `track(label, total)` adds a bar (a spinner when total is None)."""
    columns = [
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=err, transient=False) as bar:

        @contextmanager
        def track(label: str, total: int | None):  # type: ignore[no-untyped-def]
            task = bar.add_task(label, total=total)
            yield lambda n: bar.advance(task, n)
            bar.update(task, total=bar.tasks[task].completed or 1, completed=bar.tasks[task].completed or 1)

        yield track


@app.command()
def generate(
    statements: Annotated[int, typer.Argument(min=1, help="How many statements to make, e.g. 1000000.")],
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            help="Where to build it (required; never the default database), e.g. sqlite:///./bench/.cache/s.sqlite3.",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed and size give the same data.")] = 1,
    actors: Annotated[int, typer.Option(min=40, help="About how many actors to make.")] = generator.DEFAULT_ACTORS,
    replace: Annotated[
        bool, typer.Option("--replace", help="Rebuild a database that already holds synthetic data.")
    ] = False,
) -> None:
    """Build a synthetic benchmark database of N statements, marked in its own bench_synthetic table."""
    if not database:
        err.print(
            "[bold red]Refused[/]: name the target with --database URL; synthetic data never goes to the default "
            "database. Nothing was written.",
            soft_wrap=True,
        )
        raise typer.Exit(2)
    try:
        with _phases() as track:
            report = service.generate(
                database_url=database, statements=statements, seed=seed, actors=actors, replace=replace, track=track
            )
    except service.TargetRefused as error:
        err.print(f"[bold red]Refused[/]: {error}. Nothing was written.", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    out.print(
        f"Built a synthetic database: {report.statements:,} statements, {report.actors:,} actors, "
        f"{report.offices:,} offices, {report.sources:,} sources, {report.scores:,} stored scores "
        f"in {report.seconds:.0f}s.",
        highlight=False,
        soft_wrap=True,
    )


if __name__ == "__main__":
    app(prog_name=PROG)
