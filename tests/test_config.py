from __future__ import annotations

import pytest

from config import config_for
from livinglab import create_app


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("LIVINGLAB_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="LIVINGLAB_SECRET_KEY"):
        create_app(
            "production",
            {"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"},
        )


def test_production_uses_secure_cookies(tmp_path):
    app = create_app(
        "production",
        {"SECRET_KEY": "k" * 32, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"},
    )
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"


def test_development_creates_its_secret_key_once(tmp_path, monkeypatch):
    monkeypatch.delenv("LIVINGLAB_SECRET_KEY", raising=False)
    overrides = {"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/d.db"}
    first = create_app("development", overrides)
    monkeypatch.setattr(first, "instance_path", first.instance_path)
    key_file = __import__("pathlib").Path(first.instance_path) / "secret_key"
    assert key_file.exists() and len(first.config["SECRET_KEY"]) == 64
    second = create_app("development", overrides)
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_unknown_configuration_name_is_a_clear_error():
    with pytest.raises(RuntimeError, match="LIVINGLAB_CONFIG"):
        config_for("staging")


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("LIVINGLAB_DATABASE_URL", raising=False)
    app = create_app("development", {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": None})
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{app.instance_path}/livinglab.sqlite3"
    )
