"""The API walk-through script, run against two real server processes: HTTP to one, the
comment event heard through the other."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def test_the_documented_api_walk_through_works_against_real_servers(servers):
    path = Path(__file__).resolve().parents[2] / "docs" / "api_walkthrough.py"
    spec = importlib.util.spec_from_file_location("api_walkthrough", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.walk(servers[0], servers[1])
    assert set(result) == {"challenge", "idea", "pilot"}
