"""Running the platform: structured logs, request ids, readiness, metrics, static assets, backups.

``init_ops_extensions`` (logging, compression) runs with the extensions, ``init_ops`` (health
endpoints, request tracing, versioned static files) with the blueprints; both from setup.py.
"""

from __future__ import annotations

from flask import Flask

from livinglab.ops.health import init_health
from livinglab.ops.logs import configure_logging
from livinglab.ops.static import init_compression, init_static
from livinglab.ops.tracing import init_tracing


def init_ops_extensions(app: Flask) -> None:
    configure_logging(app)
    init_compression(app)


def init_ops(app: Flask) -> None:
    init_health(app)
    init_tracing(app)
    init_static(app)
