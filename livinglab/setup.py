"""Binds the extensions and blueprints to an app; called by the factory only."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from livinglab import domains
from livinglab.core.inputs import InputRequest
from livinglab.database import configure_sqlite, engine_options, gevent_patched
from livinglab.extensions import babel, csrf, db, limiter, login_manager, migrate, socketio


def init_extensions(app: Flask) -> None:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgresql://"):
        # psycopg 3 is the driver; plain postgresql:// URLs would ask for psycopg2.
        url = app.config["SQLALCHEMY_DATABASE_URI"] = (
            "postgresql+psycopg://" + url[len("postgresql://") :]
        )
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")

    # The pool follows the server's threads (config.pool_settings).
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(url, app.config)
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
    from livinglab.search.services import include_name

    migrate.init_app(
        app,
        db,
        directory=_migrations_dir(app),
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,  # the search engines' own tables and indexes
    )
    csrf.init_app(app)
    limiter.init_app(app)

    from livinglab.i18n import init_i18n

    init_i18n(app, babel)

    from livinglab.accounts.session import init_login

    init_login(app, login_manager)
    from livinglab.web.once import init_once

    # Form double-submit protection is keyed by the signed-in member: after the login manager.
    init_once(app)
    # Each domain declares its kinds of content (livinglab.content), then its socket handlers
    # and its receivers of domain events: all before the first server exists, or later binds
    # lose them. What follows an action is the subscribers' list, in livinglab.domains.
    domains.kind_modules()
    domains.socket_modules()
    for subscribers in domains.subscriber_modules():
        subscribers.connect_all()
    from livinglab.mail.wiring import init_mail

    init_mail(app)  # the outbox, its receivers and worker (livinglab.mail)
    from livinglab.scheduler import init_scheduler

    init_scheduler(app)  # periodic jobs: the run-due-jobs command, the server's thread

    bind_socketio(app)
    from livinglab.ops import init_ops_extensions

    init_ops_extensions(app)  # logs in the configured format, compression of text answers
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # Outermost, around Socket.IO's middleware too: rate limits, logs, audit and the
        # socket's same-origin check see the real client, scheme and host, as told by that
        # many proxies (the rightmost entries; anything a client forged in front is ignored).
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )


def socket_mode() -> str:
    """``gevent`` where gevent has patched the standard library (the servers gunicorn.conf.py
    and serve.py start), else ``threading`` (the tests' in-process servers, ``flask run``).
    Asked, not guessed by Flask-SocketIO: with gevent installed it would pick gevent even in
    an unpatched process, where a blocking call would stall every socket."""
    return "gevent" if gevent_patched() else "threading"


def bind_socketio(app: Flask) -> None:
    """Socket.IO serves one app per process; a process that builds several (the tests) rebinds."""
    from livinglab.realtime.acks import SocketJSON
    from livinglab.realtime.queue import message_queue_for

    socketio.init_app(
        app,
        async_mode=socket_mode(),
        # Redis shares broadcasts between processes; while it is down each process still serves
        # its own clients. Always given (None: this process only), so that a rebind never keeps
        # the previous app's queue.
        client_manager=message_queue_for(app.config.get("REDIS_URL")),
        # None keeps Socket.IO's same-origin rule: only the platform's own pages open a socket.
        cors_allowed_origins=app.config.get("SOCKETIO_ALLOWED_ORIGINS"),
        json=SocketJSON,  # refuses deeply nested packets before they reach json.loads
    )


class BoundedInt(IntegerConverter):
    """Ids fit a 32-bit column; a larger number in a URL is simply not found (404)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - Werkzeug's own parameter name
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedInt
    app.request_class = InputRequest  # forms, query strings and paths cleaned of NUL
    from livinglab.web.errors import register_error_pages

    domains.api_modules()  # they add their endpoints to the API blueprint before it registers
    for pages in domains.page_modules():
        app.register_blueprint(pages.bp)
    from livinglab.accounts import recovery
    from livinglab.mail import views as mail_views

    app.register_blueprint(recovery.bp)  # password reset, confirming and changing the address
    app.register_blueprint(mail_views.bp)  # email choices, unsubscribe
    register_error_pages(app)
    from livinglab.web.security import init_security

    init_security(app)  # CSP, no framing, nosniff & co. on every response

    from livinglab.web.filters import register_filters

    register_filters(app)
    from livinglab.ops import init_ops

    init_ops(app)  # /healthz /readyz /metrics, request ids and access log, versioned static

    from livinglab.cli import register_cli

    register_cli(app)


def _migrations_dir(app: Flask) -> str:
    import os

    return os.path.join(os.path.dirname(app.root_path), "migrations")
