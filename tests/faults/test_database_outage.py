"""The database goes away under a running server, then comes back: in between every request
is a 503 with Retry-After (JSON for the API, the friendly page otherwise), never a 500, and
afterwards the same server serves again without a restart.

The PostgreSQL server is a private one (initdb into a temporary folder, on a port of this
suite), so stopping it disturbs nobody.
"""

from __future__ import annotations

import glob
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.faults.conftest import free_port, running_server, seed

RUNUSER = shutil.which("runuser") or "/usr/sbin/runuser"


class PrivatePostgres:
    """A throw-away PostgreSQL cluster run as the ``postgres`` system user."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            pytest.fail("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
        self.bin = Path(found[-1]).parent
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="livinglab-faults-pg-"))
        shutil.chown(self.dir, "postgres", "postgres")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *args: str) -> None:
        subprocess.run(  # noqa: S603 - fixed programs, our own arguments
            [RUNUSER, "-u", "postgres", "--", *args],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def init(self) -> None:
        data = str(self.dir / "data")
        self._as_postgres(str(self.bin / "initdb"), "-D", data, "-A", "trust", "-U", "postgres")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-o", options,
            "-l", str(self.dir / "server.log"), "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        # Immediate: the connections in the server's pool die as in a crash.
        self._as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop"
        )

    def remove(self) -> None:
        subprocess.run(  # noqa: S603
            [RUNUSER, "-u", "postgres", "--", str(self.bin / "pg_ctl"), "-D",
             str(self.dir / "data"), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.remove()


def _read_and_write(base: str, token: str, idea: int) -> list[requests.Response]:
    """An API read, a page, and an API write, as three different visitors would send them."""
    return [
        requests.get(f"{base}/api/v1/cities", timeout=30),
        requests.get(f"{base}/challenges/", timeout=30),
        requests.post(
            f"{base}/api/v1/ideas/{idea}/comments",
            json={"body": "Still there?"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ),
    ]


def test_a_database_outage_is_503_with_retry_after_and_service_resumes(
    private_postgres: PrivatePostgres, tmp_path: Path
) -> None:
    seeded = seed(private_postgres.url, 1)
    token, idea = seeded.tokens[0], seeded.ideas[0]
    with running_server(private_postgres.url, tmp_path, threads=8) as server:
        assert [r.status_code for r in _read_and_write(server.url, token, idea)] == [200, 200, 201]

        private_postgres.stop()
        api, page, write = _read_and_write(server.url, token, idea)
        for response in (api, page, write):
            assert response.status_code == 503, f"{response.text[:300]}\n{server.log_tail()}"
            assert int(response.headers["Retry-After"]) > 0
        assert api.json()["error"]["code"] == "unavailable"
        assert write.json()["error"]["code"] == "unavailable"
        assert page.headers["Content-Type"].startswith("text/html")
        assert "The platform is briefly unavailable" in page.text
        assert requests.get(f"{server.url}/healthz", timeout=10).status_code == 200

        private_postgres.start()
        back = _read_and_write(server.url, token, idea)
        assert [r.status_code for r in back] == [200, 200, 201], server.log_tail()
