"""The Culture and Heritage Living Lab of the CultCities partner cities."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from config import config_for, ensure_secret_key


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, in that order."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.from_object(config_for(config_name))
    app.config.update(overrides or {})
    os.makedirs(app.instance_path, exist_ok=True)
    ensure_secret_key(app.config, app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "livinglab.sqlite3"
        )

    from livinglab.setup import init_extensions, register_blueprints

    init_extensions(app)
    register_blueprints(app)
    return app
