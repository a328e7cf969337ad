"""`api`: a raw client on the per-test simulator, authenticated by its REST API key."""

from __future__ import annotations

import pytest

from connectors.heat.simulator import Simulator
from tests.connectors.heat.simulator.client import Raw, key_header


@pytest.fixture
def api(heat_simulator: Simulator) -> Raw:
    return Raw(heat_simulator.base_url, key_header(heat_simulator.api_key))
