"""The tenant's names load from mappings/heat_ism.toml, a site file overrides them, bad ones fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.errors import ConfigurationError
from connectors.heat.ism.names import load_names


def test_defaults_follow_the_reference() -> None:
    names = load_names()
    assert names.sets.note == "journal__notess"
    assert names.categories.ticket == "Incident#"
    assert names.employee.xref == "CustID"
    assert names.incident.initial_status == "Logged"
    assert names.note.default_category == "Memo"


def test_a_site_file_overrides_single_keys(tmp_path: Path) -> None:
    (tmp_path / "heat_ism.toml").write_text('[employee]\nxref = "GoldMineID"\n[sets]\nnote = "journal__Notess"\n')
    names = load_names(tmp_path)
    assert names.employee.xref == "GoldMineID"
    assert names.sets.note == "journal__Notess"
    assert names.employee.email == "PrimaryEmail"


def test_a_site_folder_without_the_file_keeps_defaults(tmp_path: Path) -> None:
    assert load_names(tmp_path) == load_names()


@pytest.mark.parametrize("text", ['[employee]\nxref = "Cust ID"\n', '[sets]\nincident = "x(\'1\')"\n',
                                  '[sets]\nextra = "y"\n', "not toml ["])
def test_bad_names_fail_at_load_naming_the_file(tmp_path: Path, text: str) -> None:
    (tmp_path / "heat_ism.toml").write_text(text)
    with pytest.raises(ConfigurationError, match="heat_ism.toml"):
        load_names(tmp_path)
