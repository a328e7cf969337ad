"""`goldheat sandbox ...`: the stand-ins for tests, the demo and evaluation.

GoldMine and HEAT cannot run here, so goldheat builds a faithful GoldMine schema and HEAT classic
schema at any ODBC DSN, and runs a faithful HEAT (Ivanti Service Manager) API simulator.
"""

from __future__ import annotations

from typing import Annotated

import typer

from jobs.cli.app import app, cli_errors, settings

sandbox_app = typer.Typer(help="Build sample GoldMine / HEAT databases and run the HEAT API simulator.",
                          no_args_is_help=True)
app.add_typer(sandbox_app, name="sandbox")


@sandbox_app.command("init")
@cli_errors
def init(
    goldmine: Annotated[str | None, typer.Option(help="ODBC connection string where GoldMine's tables go")] = None,
    heat_classic: Annotated[str | None, typer.Option(
        "--heat-classic", help="ODBC connection string where HEAT classic's tables go")] = None,
    sample: Annotated[int, typer.Option(help="fill GoldMine with N sample accounts (0 = empty)")] = 0,
    history: Annotated[int | None, typer.Option(help="history rows in the sample (default: 20 per account)")] = None,
    seed: Annotated[int, typer.Option(help="random seed of the sample (same seed, same data)")] = 42,
    drop: Annotated[bool, typer.Option(help="drop existing tables first")] = False,
) -> None:
    """Create GoldMine's tables (and a sample) or HEAT classic's tables at an ODBC DSN."""
    if not goldmine and not heat_classic:
        raise typer.BadParameter("give --goldmine DSN and/or --heat-classic DSN")
    cfg = settings()
    if goldmine:
        from connectors.goldmine.sandbox import init_goldmine

        summary = init_goldmine(goldmine, cfg, sample=sample, history=history, seed=seed, drop=drop,
                                progress=True)
        typer.echo(summary)
    if heat_classic:
        from connectors.heat.classic.schema import init_classic

        typer.echo(init_classic(heat_classic, cfg, drop=drop))


@sandbox_app.command("show")
@cli_errors
def show(
    goldmine: Annotated[str, typer.Option(help="ODBC connection string of a GoldMine database")],
    rows: Annotated[int, typer.Option(help="rows to show per table")] = 5,
) -> None:
    """Print how many rows each GoldMine table holds, and the first few of the main ones."""
    from rich.console import Console
    from rich.table import Table

    from connectors.goldmine.sandbox import describe_goldmine

    overview = describe_goldmine(goldmine, settings(), rows=rows)
    console = Console()
    counts = Table(title=f"GoldMine tables ({overview.dialect.value})", title_justify="left")
    counts.add_column("table")
    counts.add_column("rows", justify="right")
    for table, count in overview.counts.items():
        counts.add_row(table, f"{count:,}")
    console.print(counts)
    for table, (columns, values) in overview.samples.items():
        shown = Table(title=table, title_justify="left")
        for column in columns:
            shown.add_column(column, overflow="fold")
        for row in values:
            shown.add_row(*("" if v is None else str(v).rstrip() for v in row))
        console.print(shown)


@sandbox_app.command("heat")
@cli_errors
def heat(
    port: Annotated[int | None, typer.Option(help="port on 127.0.0.1 (default: any free port)")] = None,
    data_file: Annotated[str | None, typer.Option(help="keep the simulator's data in this JSON file")] = None,
) -> None:
    """Run the HEAT (Ivanti Service Manager) REST API simulator on loopback until stopped."""
    from connectors.heat.simulator.server import run_forever

    run_forever(settings(), port=port, data_file=data_file)
