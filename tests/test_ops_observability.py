"""Request ids, structured logs, the access log, /healthz, /readyz and /metrics (livinglab.ops)."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask

from livinglab import create_app
from livinglab.ops import metrics
from livinglab.ops.health import parse_networks
from livinglab.ops.logs import configure_logging

HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def json_logs(app: Flask, capsys, monkeypatch):
    """The app logging JSON lines to stderr; returns a reader of the lines written so far."""
    monkeypatch.setitem(app.config, "LOG_FORMAT", "json")
    configure_logging(app)
    capsys.readouterr()

    def read() -> list[dict]:
        err = capsys.readouterr().err
        return [json.loads(line) for line in err.splitlines() if line.startswith("{")]

    yield read
    app.config["LOG_FORMAT"] = "text"
    configure_logging(app)


# --- Request ids --------------------------------------------------------------------------------


def test_a_sane_incoming_request_id_is_kept_and_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a9c2e-0001"})
    assert response.headers["X-Request-ID"] == "lb-7f3a9c2e-0001"


@pytest.mark.parametrize(
    "given",
    ["short", "x" * 129, "has space inside", 'quote"inside1', "new\nline-forged", "-leading-dash"],
)
def test_an_insane_request_id_is_replaced_by_a_new_one(client, given):
    # Straight into the WSGI environment: a proxy may pass what the test client would refuse.
    response = client.get("/healthz", environ_base={"HTTP_X_REQUEST_ID": given})
    assert HEX_ID.fullmatch(response.headers["X-Request-ID"])


def test_each_request_gets_its_own_id(client):
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3 and all(HEX_ID.fullmatch(i) for i in ids)


# --- Logs ---------------------------------------------------------------------------------------


def test_every_line_of_a_request_carries_its_id_and_one_access_line_ends_it(
    client, json_logs, monkeypatch
):
    # A failing queue makes /readyz log a warning in the middle of the request.
    monkeypatch.setitem(metrics.BACKLOGS, "test-broken", lambda: 1 // 0)
    response = client.get("/readyz", headers={"X-Request-ID": "trace-0123456789"})
    assert response.status_code == 503
    lines = json_logs()
    assert len(lines) >= 3  # the queue's failure, "not ready", the access line
    assert {line["request_id"] for line in lines} == {"trace-0123456789"}
    broken = next(line for line in lines if "could not be counted" in line["message"])
    assert "ZeroDivisionError" in broken["exception"]
    access = [line for line in lines if line["logger"] == "livinglab.access"]
    assert len(access) == 1
    assert access[0]["status"] == 503 and access[0]["path"] == "/readyz"
    assert access[0]["method"] == "GET" and access[0]["endpoint"] == "ops.readyz"


def test_the_access_line_names_the_member_and_the_client_address(app, login_as, json_logs, cities):
    client, user = login_as("participant")
    json_logs()  # not the sign-in's lines
    client.get("/", environ_base={"REMOTE_ADDR": "192.0.2.44"})
    (line,) = [entry for entry in json_logs() if entry["logger"] == "livinglab.access"]
    assert line["user_id"] == user.id
    assert line["remote_addr"] == "192.0.2.44"
    assert line["status"] == 200 and line["endpoint"] == "site.home"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["time"].endswith("+00:00") and line["level"] == "INFO"


def test_anonymous_requests_have_no_user_and_bad_urls_are_logged(client, json_logs):
    client.get("/no/such/page")
    (line,) = [entry for entry in json_logs() if entry["logger"] == "livinglab.access"]
    assert line["user_id"] is None and line["status"] == 404
    assert line["endpoint"] == "unmatched"


def test_text_format_is_one_readable_line(app, client, capsys):
    configure_logging(app)  # the testing config: text
    capsys.readouterr()
    client.get("/healthz", headers={"X-Request-ID": "readable-line-01"})
    err = capsys.readouterr().err.strip().splitlines()
    access = [line for line in err if "livinglab.access" in line]
    assert len(access) == 1
    assert re.search(
        r"INFO livinglab\.access \[readable-line-01\] GET /healthz 200 \d+\.\d ms from 127\.0\.0\.1$",
        access[0],
    )


def test_production_logs_json_by_default(monkeypatch):
    import runpy
    from pathlib import Path

    settings = str(Path(__file__).resolve().parents[1] / "config.py")

    def fresh() -> dict:  # config.py read again, in a namespace of its own
        return runpy.run_path(settings)

    monkeypatch.delenv("LIVINGLAB_LOG_FORMAT", raising=False)
    assert fresh()["ProductionConfig"].LOG_FORMAT == "json"
    assert fresh()["DevelopmentConfig"].LOG_FORMAT == "text"
    monkeypatch.setenv("LIVINGLAB_LOG_FORMAT", "TEXT")
    assert fresh()["ProductionConfig"].LOG_FORMAT == "text"


def test_an_unknown_log_format_stops_the_start(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOG_FORMAT", "xml")
    with pytest.raises(RuntimeError, match="LIVINGLAB_LOG_FORMAT"):
        configure_logging(app)


# --- The 500 page -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def failing_app(database_url: str, app: Flask):
    """An app with one route that fails, on the tests' database."""
    failing = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})

    @failing.get("/boom")
    def boom():
        raise RuntimeError("deliberate failure")

    @failing.get("/confirm/<token>")
    def confirm(token):
        return "confirmed"

    yield failing
    from livinglab.setup import bind_socketio

    bind_socketio(app)  # the next tests' sockets belong to the shared app again


def test_the_500_page_gives_the_reference_to_quote(failing_app, capsys):
    configure_logging(failing_app)
    capsys.readouterr()
    response = failing_app.test_client().get("/boom", headers={"X-Request-ID": "support-case-42"})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "quote this reference: support-case-42" in page
    assert response.headers["X-Request-ID"] == "support-case-42"
    # The traceback in the log carries the same reference.
    err = capsys.readouterr().err
    assert "[support-case-42] Unhandled error on GET /boom" in err
    assert "RuntimeError: deliberate failure" in err


def test_the_static_500_page_also_gives_the_reference(failing_app, monkeypatch):
    from livinglab.web import errors

    def broken(*_args, **_kwargs):
        raise RuntimeError("the template engine is broken too")

    monkeypatch.setattr(errors, "_render", broken)
    response = failing_app.test_client().get("/boom")
    assert response.status_code == 500
    reference = response.headers["X-Request-ID"]
    assert f"Reference: {reference}" in response.get_data(as_text=True)


def test_other_error_pages_show_no_reference(client):
    assert "reference" not in client.get("/no/such/page").get_data(as_text=True)


# --- /healthz and /readyz ----------------------------------------------------------------------


def test_healthz_is_constant_and_sets_no_cookie_even_for_a_member(login_as):
    client, _user = login_as("participant")
    with client.session_transaction() as session:
        session.permanent = True  # a permanent session is re-sent on every request, elsewhere
    assert "Set-Cookie" in client.get("/").headers  # (the page does refresh it)
    for path in ("/healthz", "/readyz", "/metrics"):
        response = client.get(path)
        assert "Set-Cookie" not in response.headers, path
        assert "Cookie" not in response.headers.get("Vary", ""), path
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readyz_reports_each_check(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "ready"
    assert body["checks"]["database"] == {"ok": True}
    migrations = body["checks"]["migrations"]
    assert migrations["ok"] and migrations["database"] == migrations["code"] != []
    assert "redis" not in body["checks"]  # not configured in the tests


def test_readyz_fails_when_the_schema_is_behind_the_code(app, client, monkeypatch):
    monkeypatch.setitem(app.extensions["livinglab_ops"], "heads", ("9999_future",))
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failing"] == ["migrations"]
    assert body["checks"]["migrations"]["code"] == ["9999_future"]


def test_readyz_fails_past_the_backlog_threshold(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "READY_MAX_BACKLOG", 10)
    monkeypatch.setitem(metrics.BACKLOGS, "mail", lambda: 10)
    assert client.get("/readyz").status_code == 200
    monkeypatch.setitem(metrics.BACKLOGS, "mail", lambda: 11)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failing"] == ["backlog:mail"]
    assert body["checks"]["backlog:mail"] == {"ok": False, "count": 11, "max": 10}


def test_readyz_checks_redis_when_configured(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:6379/6")
    assert client.get("/readyz").get_json()["checks"]["redis"] == {"ok": True}
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/6")  # nothing listens
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failing"] == ["redis"]


def test_readyz_fails_when_the_database_is_unreachable(app):
    from livinglab.setup import bind_socketio

    # Nothing listens on port 1: the connection is refused at once.
    down = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "postgresql://x@127.0.0.1:1/none"})
    try:
        response = down.test_client().get("/readyz")
        assert down.test_client().get("/healthz").status_code == 200  # alive all the same
    finally:
        bind_socketio(app)
    assert response.status_code == 503
    body = response.get_json()
    assert body["failing"] == ["database", "migrations"]
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert "127.0.0.1" not in response.get_data(as_text=True)  # no address told to the world


# --- /metrics -----------------------------------------------------------------------------------


@pytest.fixture
def scraper(app: Flask, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "s3cret-metrics-token")

    def scrape() -> str:
        response = client.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics-token"})
        assert response.status_code == 200
        assert response.mimetype == "text/plain"
        return response.get_data(as_text=True)

    return scrape


def test_metrics_are_refused_without_the_token_or_an_allowed_address(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "s3cret-metrics-token")
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret"}):
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 403
        assert response.get_json()["error"]["code"]
    monkeypatch.setitem(app.config, "METRICS_TOKEN", None)  # no token: a bearer is no way in
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 403


def test_metrics_from_an_allowed_network(app, client, monkeypatch):
    monkeypatch.setitem(
        app.extensions, "livinglab_ops_allow", parse_networks("10.0.0.0/8, 2001:db8::/32")
    )
    for address, status in (
        ("10.20.30.40", 200),
        ("::ffff:10.1.1.1", 200),
        ("2001:db8::5", 200),
        ("11.0.0.1", 403),
        ("127.0.0.1", 403),
    ):
        response = client.get("/metrics", environ_base={"REMOTE_ADDR": address})
        assert response.status_code == status, address


def test_the_operations_endpoints_are_one_rule_each(app):
    rules = {r.rule: r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("ops.")}
    assert rules == {"/healthz": "ops.healthz", "/readyz": "ops.readyz", "/metrics": "ops.metrics"}
    assert len([r for r in app.url_map.iter_rules() if r.rule == "/metrics"]) == 1


def test_a_typo_in_the_allowed_networks_stops_the_start():
    with pytest.raises(RuntimeError, match="LIVINGLAB_METRICS_ALLOW"):
        parse_networks("10.0.0.0/8, 10.0.0.300")


def test_request_metrics_are_labelled_by_endpoint_not_path(client, scraper, cities):
    client.get("/cities/pavia")
    client.get("/cities/no-such-city")
    client.get("/definitely/not/here/12345")
    text = scraper()
    assert re.search(
        r'livinglab_http_requests_total\{endpoint="cities.show",status="2xx"\} \d', text
    )
    assert re.search(
        r'livinglab_http_requests_total\{endpoint="cities.show",status="4xx"\} \d', text
    )
    assert re.search(r'livinglab_http_requests_total\{endpoint="unmatched",status="4xx"\} \d', text)
    assert 'livinglab_http_request_duration_seconds_bucket{endpoint="cities.show"' in text
    # No label carries the path's values (a sample's value may hold any digits).
    labels = " ".join(re.findall(r"\{[^}]*\}", text))
    assert "pavia" not in labels and "12345" not in labels


def test_metrics_count_requests(client, scraper):
    def count() -> float:
        found = re.search(
            r'livinglab_http_requests_total\{endpoint="ops.healthz",status="2xx"\} (\S+)', scraper()
        )
        return float(found.group(1)) if found else 0.0

    before = count()
    for _ in range(3):
        client.get("/healthz")
    assert count() == before + 3


def test_backlogs_and_job_failures_are_exported(scraper, monkeypatch):
    monkeypatch.setitem(metrics.BACKLOGS, "mail", lambda: 7)
    monkeypatch.setitem(metrics.BACKLOGS, "broken", lambda: 1 // 0)
    metrics.job_failed("mail")
    text = scraper()
    assert 'livinglab_backlog{queue="mail"} 7.0' in text
    assert 'queue="broken"' not in text  # skipped, the scrape still answers
    assert re.search(r'livinglab_job_failures_total\{job="mail"\} [1-9]', text)


def test_open_sockets_are_counted(app, socket_client, scraper):
    def gauge() -> float:
        return float(re.search(r"^livinglab_socket_connections (\S+)$", scraper(), re.M).group(1))

    before = gauge()
    first, second = socket_client(), socket_client()
    assert first.is_connected() and second.is_connected()
    assert gauge() == before + 2
    first.disconnect()
    assert gauge() == before + 1
    second.disconnect()
    assert gauge() == before


def test_the_database_pool_is_exported(app, scraper):
    text = scraper()
    size = re.search(r"^livinglab_db_pool_size (\S+)$", text, re.M)
    assert size and float(size.group(1)) == app.config["DB_POOL_SIZE"]
    # This test's own transaction holds a connection.
    assert re.search(r'^livinglab_db_pool_connections\{state="checked_out"\} [1-9]', text, re.M)


def test_requests_in_progress_do_not_drift(scraper, failing_app, client):
    def in_progress() -> float:
        found = re.search(r"^livinglab_http_requests_in_progress (\S+)$", scraper(), re.M)
        return float(found.group(1))

    assert in_progress() == 1.0  # the scrape itself
    failing_app.test_client().get("/boom")  # a failure
    client.get("/no/such/page")  # a 404
    assert in_progress() == 1.0


def test_secrets_in_paths_stay_out_of_the_access_log(failing_app, capsys):
    failing_app.config["LOG_FORMAT"] = "json"
    configure_logging(failing_app)
    capsys.readouterr()
    failing_app.test_client().get("/confirm/s3cr3t-0ne-time-t0ken?next=/x")
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    (line,) = [x for x in lines if x["logger"] == "livinglab.access"]
    assert line["path"] == "/confirm/<token>"
    assert "s3cr3t" not in json.dumps(lines)
    failing_app.config["LOG_FORMAT"] = "text"
    configure_logging(failing_app)
