"""The installed packages are this repository's (not a same-named package from site-packages)."""

from pathlib import Path

import config
import connectors
import jobs
import mappings

ROOT = Path(__file__).resolve().parents[2]


def test_top_level_packages_resolve_to_this_repository() -> None:
    for package in (config, connectors, jobs, mappings):
        assert Path(package.__file__).resolve().parent.parent == ROOT, package.__name__
