"""Letter templates, file names and rendering (real PDFs, no server needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.errors import ConfigurationError, RecordError
from jobs.orders import letters, texts
from tests.jobs.orders.world import pdf_text, png

VALUES = {"date": "15 June 2026", "our_company": "Example Instruments Ltd", "website": "https://support.example",
          "company": "Acme & Sons <Ltd>", "contact": "Jane Smith", "first_name": "Jane", "order": "OP1",
          "po": "PO-1", "order_name": "System", "login": "jane.smith", "password": "Xy7#pass-WORD9",
          "sm_name": "Alan Shaw", "sm_phone": "+44 20 7946 0100", "sm_email": "alan@example.com"}


def test_the_shipped_templates_load() -> None:
    welcome = letters.load_template(letters.WELCOME)
    assert welcome.needs_signature
    assert not letters.load_template(letters.PACKING).needs_signature


@pytest.mark.parametrize(("text", "message"), [
    ("Dear {frist_name},", "unknown placeholder {frist_name}"),
    ("[signatur]", "unknown directive"),
    ("{password!r}", "unknown placeholder"),
])
def test_template_mistakes_fail_at_load_naming_the_line(text: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message) as info:
        letters.parse_template("# comment\n" + text, letters.WELCOME, "site.txt")
    assert "site.txt line 2" in str(info.value)


def test_the_packing_note_has_no_password_placeholder() -> None:
    with pytest.raises(ConfigurationError):
        letters.parse_template("{password}", letters.PACKING, "p.txt")


def test_file_names_are_deterministic_and_safe() -> None:
    a = letters.letter_path(Path("/out"), "GXZDVN2#SIYUT&@", letters.WELCOME)
    assert a == letters.letter_path(Path("/out"), "GXZDVN2#SIYUT&@", letters.WELCOME)
    assert a.name.startswith("order-GXZDVN2_SIYUT__-") and a.name.endswith("-welcome.pdf")
    assert a != letters.letter_path(Path("/out"), "GXZDVN2_SIYUT__", letters.WELCOME)
    assert letters.letter_path(Path("/out"), "OPPLAIN", letters.PACKING).name == "order-OPPLAIN-packing.pdf"


def test_render_writes_an_a4_pdf_atomically(tmp_path: Path) -> None:
    path = tmp_path / "out" / "order-OP1-welcome.pdf"
    letters.render(letters.load_template(letters.WELCOME), VALUES, path, signature=png(tmp_path / "s.png"), sm="ASHAW")
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and b"/MediaBox [ 0 0 595.2756 841.8898 ]" in data
    text = pdf_text(path)
    assert "Xy7#pass-WORD9" in text and "Alan Shaw" in text and "Acme &amp; Sons" not in text
    assert list(path.parent.iterdir()) == [path]


def test_a_missing_signature_is_a_record_error_naming_the_sm(tmp_path: Path) -> None:
    template = letters.load_template(letters.WELCOME)
    for signature in (None, tmp_path / "nope.png"):
        with pytest.raises(RecordError, match="SM 'BPATEL'") as info:
            letters.render(template, VALUES, tmp_path / "x.pdf", signature=signature, sm="BPATEL")
        assert info.value.field == "signature"
    assert not any(tmp_path.glob("*.pdf")) and not any(tmp_path.glob(".*tmp"))


def test_the_packing_note_is_one_page(tmp_path: Path) -> None:
    path = tmp_path / "p.pdf"
    fields = [("Order Type", "STD"), ("PO Number", "PO-1"), ("Ship Date", "2026-07-01")]
    letters.render(letters.load_template(letters.PACKING), VALUES, path, fields=fields)
    assert path.read_bytes().count(b"/Type /Page\n") + path.read_bytes().count(b"/Type /Page ") >= 1
    assert b"/Count 1" in path.read_bytes()
    assert "2026-07-01" in pdf_text(path)


def test_order_texts_keep_the_password_in_the_note_body_only() -> None:
    bad = texts.FILE.read_text().replace("[history_customer]\n", "[history_customer]\n{password} ")
    with pytest.raises(ConfigurationError, match="only appear in \\[note_body\\]"):
        texts.parse(bad, "t.txt")
    with pytest.raises(ConfigurationError, match="missing sections"):
        texts.parse("[note_subject]\nx\n", "t.txt")
    assert "{password}" not in texts.render("ticket_description", {"password": "{password}"})
