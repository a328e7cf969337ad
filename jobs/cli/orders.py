"""`goldheat sync-order`, `goldheat explain` and `goldheat retry`: one order, by OPID or PO number."""

from __future__ import annotations

from typing import Annotated

import typer

from jobs.cli.app import EXIT_OK, EXIT_RECORDS_FAILED, app, cli_errors, echo_plan, print_json, settings
from jobs.context import JobContext
from jobs.orders.steps import STEPS
from jobs.orders.sync import OrderResult

OrderArg = Annotated[str, typer.Argument(help="the opportunity's OPID or its PO number")]
JsonOpt = Annotated[bool, typer.Option("--json", help="machine-readable output")]


def _report(result: OrderResult, *, as_json: bool) -> int:
    if as_json:
        print_json(result.to_dict())
    else:
        echo_plan(result.planned)
        for step in result.steps:
            mark = " (this run)" if step.performed else ""
            typer.echo(f"{step.step}: {step.state}{mark}" + (f" {step.effect}" if step.effect else ""))
        if result.busy:
            typer.echo(f"order {result.order}: another run is onboarding it now; try again shortly")
    if not result.ok:
        typer.echo(f"failed: {result.failure}", err=True)
        return EXIT_RECORDS_FAILED
    return EXIT_OK


@app.command("sync-order")
@cli_errors
def sync_order_command(
    order: OrderArg,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="print what would be done; change nothing")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Onboard one order now: HEAT customer, website login, ticket, letter, GoldMine history."""
    from jobs.orders.job import sync_order

    with JobContext.from_settings(settings(), dry_run=dry_run) as ctx:
        result = sync_order(ctx, order)
    raise typer.Exit(_report(result, as_json=as_json))


@app.command("explain")
@cli_errors
def explain_command(order: OrderArg, as_json: JsonOpt = False) -> None:
    """Every step of an order: done, pending, failed or skipped, when, the effect's id, the error."""
    from jobs.orders.job import explain

    with JobContext.from_settings(settings()) as ctx:
        rows = explain(ctx, order)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        parts = [row["step"], row["state"], row["at"] or "-", row["effect"] or "-"]
        if row["error"]:
            parts.append(row["error"])
        typer.echo("  ".join(str(p) for p in parts))


@app.command("retry")
@cli_errors
def retry_command(
    order: OrderArg,
    step: Annotated[str | None, typer.Option("--step", help=f"one of: {', '.join(STEPS)}")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Re-run an order's failed steps (or one step), then the steps after them."""
    from jobs.orders.job import retry

    if step is not None and step not in STEPS:
        typer.echo(f"unknown step {step!r}; steps are: {', '.join(STEPS)}", err=True)
        raise typer.Exit(2)
    with JobContext.from_settings(settings()) as ctx:
        result = retry(ctx, order, step)
    raise typer.Exit(_report(result, as_json=as_json))
