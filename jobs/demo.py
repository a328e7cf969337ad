"""`goldheat demo`: the whole process over a sample, on this machine, with nothing configured.

A sample GoldMine database (SQLite through the SQLite3 ODBC driver) is built once under
`var/demo/`; the HEAT simulator runs on loopback for the length of the demo with its data kept in
`var/demo/heat.json`; e-mails go to an SMTP server on loopback that files them in `var/demo/mail/`.
Every job runs once. A second demo finds the same databases and reports that nothing new was
needed, which is the exactly-once promise shown to a newcomer.
"""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from config.logs import register_secret
from config.settings import Settings
from jobs.context import JobContext
from jobs.registry import JOBS
from jobs.state.ledger import status_rows as ledger_status
from jobs.summary import RunSummary

DEMO_ACCOUNTS = 40
DEMO_SEED = 42


HEAT_SETS = {"employees": "customers", "organizationalunits": "organisations", "incidents": "tickets",
             "journal__notess": "journal notes"}
GOLDMINE_TABLES = {"CAL": "pending activities", "CONTHIST": "history records", "CONTSUPP": "details"}


@dataclass
class DemoResult:
    first_run: bool
    var_dir: Path
    letters_dir: Path
    mail_dir: Path
    summaries: list[RunSummary] = field(default_factory=list)
    before: dict[tuple[str, str], int] = field(default_factory=dict)
    after: dict[tuple[str, str], int] = field(default_factory=dict)
    sample_order: str = ""
    waiting: int = 0  # order steps that failed on bad data and wait for `goldheat retry`

    @property
    def changed(self) -> bool:
        """Whether this run changed anything in either system, the letters or the outbox."""
        return self.before != self.after


class _MailFiler:
    """An aiosmtpd handler that files each message as an .eml file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        message = message_from_bytes(envelope.content, policy=policy.default)
        name = (message.get("Message-ID") or secrets.token_hex(8)).strip("<>").replace("/", "_")
        (self.folder / f"{name}.eml").write_bytes(envelope.content)
        return "250 OK"


@contextmanager
def _smtp_server(folder: Path) -> Iterator[tuple[str, int]]:
    from aiosmtpd.controller import Controller

    # aiosmtpd cannot listen on port 0 (it connects to itself to check), so take a free port first.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(_MailFiler(folder), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield "127.0.0.1", port
    finally:
        controller.stop()


def _signatures(folder: Path, users: list[str]) -> dict[str, Path]:
    """A signature image per sales manager (the demo draws one; a site configures real scans)."""
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    result = {}
    for user in users:
        path = folder / f"{user}.png"
        if not path.exists():
            image = Image.new("RGB", (360, 90), "white")
            draw = ImageDraw.Draw(image)
            points = [(20 + i * 8, 55 + (12 if i % 2 else -12) * (1 + (i % 3) / 2)) for i in range(40)]
            draw.line(points, fill=(20, 30, 110), width=3)
            draw.text((22, 70), user.title(), fill=(20, 30, 110))
            image.save(path)
        result[user] = path
    return result


def demo_settings(base: Settings, *, heat_url: str, api_key: str, smtp: tuple[str, int],
                  signatures: dict[str, Path]) -> Settings:
    """The demo's settings: the base ones pointed at the sandbox stand-ins."""
    from pydantic import SecretStr

    return base.model_copy(update={
        "heat": base.heat.model_copy(update={"base_url": heat_url, "api_key": SecretStr(api_key)}),
        "smtp": base.smtp.model_copy(update={"host": smtp[0], "port": smtp[1]}),
        "letters": base.letters.model_copy(update={"signatures": {**signatures, **base.letters.signatures}}),
    })


def run_demo(settings: Settings, *, accounts: int = DEMO_ACCOUNTS) -> DemoResult:
    """Build the sample once, start the stand-ins, run every job, and say what happened."""
    from connectors.goldmine.sandbox import init_goldmine
    from connectors.heat.simulator.server import Simulator
    from jobs.cli.runs import run_job

    var = (settings.var_dir / "demo").resolve()
    var.mkdir(parents=True, exist_ok=True)
    gm_file = var / "goldmine.sqlite"
    first_run = not gm_file.exists()
    dsn = settings.goldmine_dsn()
    if first_run:
        init_goldmine(dsn, settings, sample=accounts, history=None, seed=DEMO_SEED, drop=False, progress=False)
    api_key = secrets.token_urlsafe(24)
    register_secret(api_key)
    result = DemoResult(first_run=first_run, var_dir=var, letters_dir=settings.letters.output_dir.resolve(),
                        mail_dir=var / "mail")
    simulator = Simulator(api_keys=[api_key], data_file=var / "heat.json",
                          teams=("Customer Support",))
    with simulator, _smtp_server(result.mail_dir) as smtp:
        heat_url = simulator.start()
        base_ctx = JobContext.from_settings(settings)
        users = _sales_managers(base_ctx)
        base_ctx.close()
        demo = demo_settings(settings, heat_url=heat_url, api_key=api_key, smtp=smtp,
                             signatures=_signatures(var / "signatures", users))
        result.before = _snapshot(dsn, simulator, result)
        with JobContext.from_settings(demo) as ctx:
            for name in JOBS:
                result.summaries.append(run_job(ctx, name))
            result.sample_order = _an_onboarded_order(ctx)
            result.waiting = len(ledger_status(ctx.state)[1])
        result.after = _snapshot(dsn, simulator, result)
    return result


def _snapshot(dsn: str, simulator: Any, result: DemoResult) -> dict[tuple[str, str], int]:
    """How many records each system holds now: the demo's before/after picture."""
    from connectors.goldmine.sandbox import table_counts
    from connectors.odbc import odbc_factory

    counts = {("HEAT", label): len(simulator.records(entity_set)) for entity_set, label in HEAT_SETS.items()}
    conn = odbc_factory(dsn)()
    try:
        counts.update({("GoldMine", GOLDMINE_TABLES[t]): n for t, n in table_counts(conn, GOLDMINE_TABLES).items()})
    finally:
        conn.close()
    counts[("Production", "letters and packing notes")] = (
        len(list(result.letters_dir.glob("*.pdf"))) if result.letters_dir.exists() else 0)
    counts[("Distributors", "e-mails sent")] = (
        len(list(result.mail_dir.glob("*.eml"))) if result.mail_dir.exists() else 0)
    return counts


def _sales_managers(ctx: JobContext) -> list[str]:
    """The SM user names of the sample's accounts (CONTACT1's SM field, from process.toml)."""
    field_name = ctx.process.accounts.sm_field.lower()
    names: set[str] = set()
    for batch in ctx.goldmine.iter_accounts():
        names.update(getattr(a, field_name) for a in batch if getattr(a, field_name))
    return sorted(names)


def _an_onboarded_order(ctx: JobContext) -> str:
    """The PO number of one SF order that went through every step, to show with `explain`."""
    from sqlalchemy import select

    from jobs.state.ledger import finished_orders, order_refs

    with ctx.state.connect() as conn:
        refs = conn.execute(select(order_refs.c.order_key, order_refs.c.po_number)
                            .where(order_refs.c.sf.is_(True)).order_by(order_refs.c.order_key)).all()
    done = finished_orders(ctx.state, [r.order_key for r in refs])
    return next((r.po_number or r.order_key for r in refs if r.order_key in done), "")
