"""`goldheat run JOB` and `goldheat status`: jobs once in this process, and what is waiting."""

from __future__ import annotations

import importlib
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from jobs.cli.app import EXIT_OK, EXIT_RECORDS_FAILED, app, cli_errors, echo_plan, print_json, settings
from jobs.context import JobContext
from jobs.registry import JOBS, get_job
from jobs.summary import RunSummary

# Sections of `goldheat status`, each "module:function(engine) -> (title, rows)".
STATUS_SECTIONS = [
    "jobs.state.runs:status_rows",
    "jobs.state.ledger:status_rows",
    "jobs.state.reminders:status_rows",
]


def report_summary(summary: RunSummary, *, as_json: bool) -> int:
    """Print a run's outcome; failures go to standard error by record and field. Returns the exit code."""
    if as_json:
        print_json(summary.to_dict())
    else:
        echo_plan(summary.planned)
        typer.echo(summary.line())
    for failure in summary.failures:
        field = f" field {failure['field']}:" if failure.get("field") else ""
        typer.echo(f"failed: {failure['record']}:{field} {failure.get('message', '')}", err=True)
    return EXIT_OK if summary.ok else EXIT_RECORDS_FAILED


def run_job(ctx: JobContext, name: str) -> RunSummary:
    """Run one job and record the run in the state store."""
    from jobs.state.runs import record_run

    summary = get_job(name)(ctx).finish()
    record_run(ctx.state, summary)
    return summary


@app.command("run")
@cli_errors
def run(
    job: Annotated[str, typer.Argument(help=f"one of: {', '.join(JOBS)}")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="print what would be done; change nothing")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Run one job once, in this process, and print a summary line."""
    with JobContext.from_settings(settings(), dry_run=dry_run) as ctx:
        summary = run_job(ctx, job)
    raise typer.Exit(report_summary(summary, as_json=as_json))


@app.command("status")
@cli_errors
def status(as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False) -> None:
    """Recent runs, failures waiting for retry, and reminders due."""
    with JobContext.from_settings(settings()) as ctx:
        sections = []
        for target in STATUS_SECTIONS:
            module_name, function = target.split(":")
            title, rows = getattr(importlib.import_module(module_name), function)(ctx.state)
            sections.append({"section": title, "rows": rows})
    if as_json:
        print_json(sections)
        return
    console = Console()
    for section in sections:
        if not section["rows"]:
            console.print(f"{section['section']}: none")
            continue
        table = Table(title=section["section"], title_justify="left")
        for column in section["rows"][0]:
            table.add_column(str(column))
        for row in section["rows"]:
            table.add_row(*(str(v) for v in row.values()))
        console.print(table)
