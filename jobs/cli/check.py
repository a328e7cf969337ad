"""`goldheat check`: is the configuration right, and can goldheat reach every system?"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from jobs.cli.app import EXIT_CONFIG, EXIT_OK, app, cli_errors, print_json, settings

_STYLE = {"ok": "green", "warn": "yellow", "fail": "bold red", "skip": "dim"}


@app.command("check")
@cli_errors
def check(as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False) -> None:
    """Check the configuration and reach every configured system: GoldMine (its tables and column
    lengths), HEAT (credentials, or classic's tables), the state store, the broker, SMTP, the
    letters folder and the signature images. Says what is wrong and how to fix it.
    Exit code 0 when nothing failed, 2 when something must be fixed."""
    from jobs.service.checks import failed, run_checks

    findings = run_checks(settings())
    if as_json:
        print_json([f.to_dict() for f in findings])
    else:
        table = Table(title="goldheat check", title_justify="left")
        for column in ("system", "check", "status", "detail", "how to fix"):
            table.add_column(column, overflow="fold")
        for f in findings:
            table.add_row(f.system, f.check, f"[{_STYLE[f.status]}]{f.status}[/]", f.detail, f.fix)
        Console(width=160).print(table)
    raise typer.Exit(EXIT_CONFIG if failed(findings) else EXIT_OK)
