"""Welcome letters and packing notes: print-ready A4 PDFs from a template a sales admin can edit.

The template is plain text with a few markup lines (see `templates/welcome_letter.txt`): it is
checked when loaded, so a misspelt placeholder is a configuration error naming the file, not a
letter with a hole in it. Each order's file name is deterministic (`order-<OPID>-welcome.pdf`), so
a re-run finds the letter it already wrote; the file is written to a temporary name in the same
folder and renamed, so Production never picks up half a PDF.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import secrets
import string
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

from config.errors import ConfigurationError, RecordError

TEMPLATES = Path(__file__).resolve().parent / "templates"
WELCOME, PACKING = "welcome", "packing"
PLACEHOLDERS = {
    WELCOME: {"date", "our_company", "website", "company", "contact", "first_name", "order", "po", "order_name",
              "login", "password", "sm_name", "sm_phone", "sm_email"},
    PACKING: {"date", "our_company", "website", "company", "contact", "first_name", "order", "po", "order_name",
              "sm_name", "sm_phone", "sm_email"},
}
DIRECTIVES = {"[signature]", "[fields]", "[page]"}
SIGNATURE_WIDTH = 50 * mm


@dataclass(frozen=True, slots=True)
class Block:
    kind: str  # "heading", "para", "signature", "fields", "page"
    text: str = ""


@dataclass(frozen=True, slots=True)
class Template:
    kind: str
    source: str
    blocks: tuple[Block, ...]

    @property
    def needs_signature(self) -> bool:
        return any(b.kind == "signature" for b in self.blocks)


def parse_template(text: str, kind: str, source: str) -> Template:
    """Blocks of a template; an unknown placeholder or directive is a ConfigurationError."""
    setting = "GOLDHEAT_LETTERS__TEMPLATE" if kind == WELCOME else "GOLDHEAT_LETTERS__PACKING_TEMPLATE"
    blocks: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(Block("para", "\n".join(para)))
            para.clear()

    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("#"):
            continue
        for _, name, spec, conv in string.Formatter().parse(line):
            if name is not None and (name not in PLACEHOLDERS[kind] or spec or conv):
                raise ConfigurationError(f"{source} line {number}: unknown placeholder {{{name}}}; "
                                         f"known: {', '.join(sorted(PLACEHOLDERS[kind]))}", setting=setting)
        if not stripped:
            flush()
        elif stripped.startswith("[") and stripped.endswith("]"):
            if stripped not in DIRECTIVES:
                raise ConfigurationError(f"{source} line {number}: unknown directive {stripped}", setting=setting)
            flush()
            blocks.append(Block(stripped[1:-1]))
        elif stripped.startswith("= "):
            flush()
            blocks.append(Block("heading", stripped[2:]))
        else:
            para.append(stripped)
    flush()
    return Template(kind, source, tuple(blocks))


def load_template(kind: str, override: Path | None = None) -> Template:
    """The parsed template, read again only when the file changed (an edit applies to the next letter)."""
    path = Path(override) if override else TEMPLATES / ("welcome_letter.txt" if kind == WELCOME else "packing_note.txt")
    try:
        stat = path.stat()
    except OSError as exc:
        raise _unreadable(kind, path, exc) from None
    return _load_template(kind, path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _load_template(kind: str, path: Path, _mtime_ns: int, _size: int) -> Template:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise _unreadable(kind, path, exc) from None
    return parse_template(text, kind, str(path))


def _unreadable(kind: str, path: Path, exc: OSError) -> ConfigurationError:
    return ConfigurationError(f"cannot read the {kind} template {path}: {exc.strerror}",
                              setting="GOLDHEAT_LETTERS__TEMPLATE")


def letter_path(output_dir: Path, order_key: str, kind: str) -> Path:
    """The order's file: the OPID made safe for any file system, plus a hash when that changed it."""
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", order_key)
    if safe != order_key:
        safe += "-" + hashlib.sha256(order_key.encode()).hexdigest()[:8]
    return Path(output_dir) / f"order-{safe}-{kind}.pdf"


def _signature(path: Path | None, sm: str, order: str) -> Image:
    if path is None:
        raise RecordError(f"order {order}: no signature image for SM {sm!r}; add it to "
                          "GOLDHEAT_LETTERS__SIGNATURES", key=order, field="signature")
    try:
        width, height = ImageReader(str(path)).getSize()
    except Exception:
        raise RecordError(f"order {order}: the signature image of SM {sm!r} ({path}) is missing or not an "
                          "image", key=order, field="signature") from None
    return Image(str(path), width=SIGNATURE_WIDTH, height=SIGNATURE_WIDTH * height / width)


def render(template: Template, values: dict[str, str], path: Path, *, signature: Path | None = None,
           sm: str = "", fields: list[tuple[str, str]] | None = None, title: str = "") -> Path:
    """Write the PDF atomically to `path` and return it."""
    order = values.get("order", "")
    styles = getSampleStyleSheet()
    safe = {k: escape(str(v)) for k, v in values.items()}
    story: list = []
    for block in template.blocks:
        if block.kind == "heading":
            story += [Paragraph(block.text.format_map(safe), styles["Heading2"]), Spacer(1, 2 * mm)]
        elif block.kind == "para":
            text = "<br/>".join(line.format_map(safe) for line in block.text.split("\n"))
            story += [Paragraph(text, styles["BodyText"]), Spacer(1, 3 * mm)]
        elif block.kind == "signature":
            story += [_signature(signature, sm, order), Spacer(1, 1 * mm)]
        elif block.kind == "fields" and fields:
            table = Table([[escape(k), escape(v)] for k, v in fields], colWidths=[50 * mm, 110 * mm], hAlign="LEFT")
            story += [table, Spacer(1, 3 * mm)]
        elif block.kind == "page":
            story.append(PageBreak())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        doc = SimpleDocTemplate(str(tmp), pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm,
                                topMargin=25 * mm, bottomMargin=25 * mm, title=title, author=values.get(
                                    "our_company", ""), creator="goldheat")
        doc.build(story)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
