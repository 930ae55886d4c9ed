"""The deployment files keep up with the code: every setting the code reads is in the example
environment file and the guide, and the systemd units run commands that exist.
(The nginx site itself runs in tests/scaleout/test_nginx.py.)"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VARIABLE = re.compile(r"LIVINGLAB_[A-Z0-9_]+")
# Read by the test suites only, never by a server.
TEST_ONLY = {"LIVINGLAB_TEST_DATABASE_URL", "LIVINGLAB_TEST_OVERRIDES"}


def variables_read_by_the_code() -> set[str]:
    sources = [ROOT / "config.py", ROOT / "wsgi.py", *(ROOT / "livinglab").rglob("*.py")]
    return {name for path in sources for name in VARIABLE.findall(path.read_text())}


def test_every_setting_is_in_the_example_environment_file():
    example = (ROOT / "deploy" / "livinglab.env.example").read_text()
    listed = set(VARIABLE.findall(example))
    missing = variables_read_by_the_code() - TEST_ONLY - listed
    assert not missing, f"add to deploy/livinglab.env.example: {sorted(missing)}"


def test_every_setting_is_in_the_deployment_guide():
    guide = (ROOT / "docs" / "deploy.md").read_text()
    missing = variables_read_by_the_code() - TEST_ONLY - set(VARIABLE.findall(guide))
    assert not missing, f"add to the table in docs/deploy.md: {sorted(missing)}"


def test_the_units_run_commands_the_app_has(app):
    commands = set(app.cli.list_commands(None))  # type: ignore[arg-type]
    units = (ROOT / "deploy" / "systemd").glob("*.service")
    used = {
        match
        for unit in units
        for match in re.findall(r"flask --app wsgi ([a-z-]+)", unit.read_text())
    }
    assert used >= {"deliver-mail", "backup"}
    assert used <= commands | {"db"}, used - commands
