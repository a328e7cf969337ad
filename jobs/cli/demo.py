"""`goldheat demo`: the embedded default, for a first contact with goldheat."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from config.logs import configure_logging
from jobs.cli.app import EXIT_OK, app, cli_errors, settings

MAX_FAILURES_SHOWN = 12


@app.command("demo")
@cli_errors
def demo(
    accounts: Annotated[int, typer.Option(help="sample accounts on the first run")] = 40,
) -> None:
    """Run every job over a sample GoldMine database and the HEAT simulator, and show what happened.

    Nothing needs configuring: the sample database, the HEAT simulator and a mail catcher are
    started on this machine. Run it twice: the second run finds nothing new to do.
    """
    from jobs.demo import run_demo

    console = Console()
    cfg = settings()
    log_file = cfg.var_dir / "demo" / "demo.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("a", encoding="utf-8") as log_stream:
        configure_logging(cfg, stream=log_stream)
        with console.status("running every job over the sample..."):
            result = run_demo(cfg, accounts=accounts)
    console.print(("Built" if result.first_run else "Reused") + " the sample GoldMine database "
                  f"({accounts if result.first_run else 'from the last run'} accounts): "
                  f"[bold]{cfg.goldmine_dsn()}[/]")

    jobs = Table(title="What each job did", title_justify="left")
    for column in ("job", "counts", "failed"):
        jobs.add_column(column)
    for summary in result.summaries:
        counts = {k: v for k, v in summary.counts.items() if k != "failed"}
        jobs.add_row(summary.job, ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing to do",
                     str(len(summary.failures)))
    console.print(jobs)

    systems = Table(title="What changed in each system", title_justify="left")
    for column, justify in (("system", "left"), ("records", "left"), ("before", "right"), ("after", "right")):
        systems.add_column(column, justify=justify)  # type: ignore[arg-type]
    for (system, label), after in result.after.items():
        before = result.before.get((system, label), 0)
        systems.add_row(system, label, str(before), f"[bold]{after}[/]" if after != before else str(after))
    console.print(systems)

    failures = [(s.job, f) for s in result.summaries for f in s.failures]
    if failures:
        console.print("[bold]Records that need a person[/] (the sample holds some bad data on purpose; "
                      "fix it in GoldMine, then `goldheat retry ORDER`):")
        for job, failure in failures[:MAX_FAILURES_SHOWN]:
            record, message = str(failure.get("record", "")), str(failure.get("message", ""))
            prefix = record.split(" (")[0] + ": "
            message = message.split(prefix, 1)[1] if prefix in message else message
            console.print(f"  {job}: {record}: {message}", highlight=False, soft_wrap=True)
        if len(failures) > MAX_FAILURES_SHOWN:
            console.print(f"  ... and {len(failures) - MAX_FAILURES_SHOWN} more: see `goldheat status`")

    elif result.waiting:
        console.print(f"{result.waiting} order steps still wait for a person to fix their data: "
                      "see [bold]goldheat status[/]")
    console.print(f"Welcome letters and packing notes: [bold]{result.letters_dir}[/]")
    console.print(f"E-mails to distributors: [bold]{result.mail_dir}[/]")
    console.print(f"Logs of this run: {log_file}")
    if result.sample_order:
        console.print(f"Look at one order: [bold]goldheat explain {result.sample_order}[/]")
    if result.first_run:
        console.print("Run [bold]goldheat demo[/] again: every effect is already in place, so nothing new is done.")
    elif not result.changed:
        console.print("[green]Nothing new was needed:[/] every effect of the first run is already in place.")
    raise typer.Exit(EXIT_OK)
