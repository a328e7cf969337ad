"""`goldheat web serve` and `goldheat web hash-password`: the sales admins' web console."""

from __future__ import annotations

from typing import Annotated

import typer

from jobs.cli.app import app, cli_errors, settings

web_app = typer.Typer(help="The web console: find, preview and sync orders in a browser.", no_args_is_help=True)
app.add_typer(web_app, name="web")


@web_app.command("serve")
@cli_errors
def serve(
    host: Annotated[str | None, typer.Option(help="address to listen on (default GOLDHEAT_WEB__HOST)")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="port (default GOLDHEAT_WEB__PORT)")] = None,
) -> None:
    """Serve the console until stopped. Users and roles come from GOLDHEAT_WEB__USERS; sessions are
    signed with GOLDHEAT_WEB__SECRET_KEY (or a key file generated in the var folder)."""
    from jobs.web.serve import serve as run

    raise typer.Exit(run(settings(), host=host, port=port))


@web_app.command("hash-password")
def hash_password(
    password: Annotated[str | None, typer.Option(
        help="the password (default: asked for, unseen; avoid this option, it stays in shell history)")] = None,
) -> None:
    """Print an argon2id hash to put in GOLDHEAT_WEB__USERS as a user's password_hash."""
    from jobs.web.auth import hash_password as make_hash

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 10:
        typer.echo("use at least 10 characters", err=True)
        raise typer.Exit(2)
    typer.echo(make_hash(password))
