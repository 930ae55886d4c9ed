"""With LIVINGLAB_REDIS_URL set, sign-in limits are shared by every server process (real Redis)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

REDIS_URL = os.environ.get("LIVINGLAB_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parent.parent

# One server process: the app built from the factory, answering sign-in attempts.
PROCESS = """
import json, sys
from livinglab import create_app
app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": sys.argv[1], "REDIS_URL": sys.argv[2],
                             "RATELIMIT_KEY_PREFIX": sys.argv[3],
                             "RATELIMIT_SIGN_IN_ACCOUNT": "5 per 15 minutes"})
assert app.config["RATELIMIT_STORAGE_URI"] == sys.argv[2]
client = app.test_client()
codes = [client.post("/login", data={"email": "nobody@example.org", "password": "wrong password"}).status_code
         for _ in range(int(sys.argv[4]))]
print(json.dumps(codes))
"""


@pytest.fixture
def redis_server():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is not reachable at {REDIS_URL}; start it as the README says")
    yield client
    client.close()


def attempts(database_url: str, prefix: str, count: int) -> list[int]:
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", PROCESS, database_url, REDIS_URL, prefix, str(count)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_two_processes_share_the_sign_in_limit_through_redis(app, database_url, redis_server):
    prefix = f"test-{uuid.uuid4().hex}"
    try:
        assert attempts(database_url, prefix, 3) == [400, 400, 400]
        assert attempts(database_url, prefix, 3) == [400, 400, 429], (
            "the second process saw the first's attempts"
        )
    finally:
        for key in redis_server.scan_iter(f"*{prefix}*"):
            redis_server.delete(key)
