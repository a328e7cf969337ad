"""The words goldheat writes for an order (ticket, journal note, history), from an editable file.

`templates/order_texts.txt` holds one `[section]` per text. It is checked when loaded: every
section present, only known placeholders, and the password placeholder nowhere but the note body,
so an edit can never put the password in a ticket's subject or description or in GoldMine.
"""

from __future__ import annotations

import functools
import string
from pathlib import Path

from config.errors import ConfigurationError

FILE = Path(__file__).resolve().parent / "templates" / "order_texts.txt"
SECTIONS = ("ticket_description", "note_subject", "note_body", "existing_login_note_body",
            "existing_login_password", "history_customer", "history_login", "history_ticket",
            "history_welcome", "history_packing")
PLACEHOLDERS = {"company", "contact", "order", "po", "order_name", "login", "password", "customer_id", "ticket",
                "letter", "team"}
PASSWORD_SECTIONS = {"note_body"}
KEEP_LINES = {"note_body", "existing_login_note_body"}


def parse(text: str, source: str) -> dict[str, str]:
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            continue
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            name = stripped[1:-1]
            if name not in SECTIONS:
                raise ConfigurationError(f"{source} line {number}: unknown section [{name}]")
            current = sections.setdefault(name, [])
            continue
        if current is None:
            if stripped:
                raise ConfigurationError(f"{source} line {number}: text before the first [section]")
            continue
        for _, field, spec, conv in string.Formatter().parse(line):
            if field is not None and (field not in PLACEHOLDERS or spec or conv):
                raise ConfigurationError(f"{source} line {number}: unknown placeholder {{{field}}}")
            if field == "password" and name not in PASSWORD_SECTIONS:
                raise ConfigurationError(f"{source} line {number}: {{password}} may only appear in [note_body]")
        current.append(line.rstrip())
    missing = [s for s in SECTIONS if s not in sections]
    if missing:
        raise ConfigurationError(f"{source}: missing sections {', '.join('[' + m + ']' for m in missing)}")
    return {name: "\n".join(lines).strip() for name, lines in sections.items()}


@functools.lru_cache(maxsize=4)
def load(path: Path = FILE) -> dict[str, str]:
    return parse(path.read_text(encoding="utf-8"), str(path))


def render(name: str, values: dict[str, str]) -> str:
    """One text with its placeholders filled; all but the note bodies are joined into one line."""
    text = load()[name].format_map(_Blank(values))
    return text if name in KEEP_LINES else " ".join(text.split())


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""
