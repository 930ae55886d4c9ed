"""Binds the extensions and blueprints to an app; called by the factory only."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from livinglab.core.inputs import InputRequest
from livinglab.database import configure_sqlite, engine_options
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
    from livinglab.content import register_all

    register_all()  # each domain declares its kinds of content (livinglab.content)
    # Handlers must be declared before the first server exists, or later binds lose them.
    from livinglab.audit import subscriptions as audit_subscriptions
    from livinglab.discussion import events as discussion_events  # noqa: F401
    from livinglab.follows import subscriptions as follows_subscriptions
    from livinglab.notifications import subscriptions as notifications_subscriptions
    from livinglab.realtime import events  # noqa: F401
    from livinglab.realtime import subscriptions as realtime_subscriptions

    # Every side effect of an action, in one list: in-transaction ones, then announcements.
    for subscriptions in (
        audit_subscriptions,
        notifications_subscriptions,
        follows_subscriptions,
        realtime_subscriptions,
    ):
        subscriptions.connect_all()

    bind_socketio(app)


def bind_socketio(app: Flask) -> None:
    """Socket.IO serves one app per process; a process that builds several (the tests) rebinds."""
    from livinglab.realtime.acks import SocketJSON
    from livinglab.realtime.queue import message_queue_for

    socketio.init_app(
        app,
        async_mode="threading",
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
    from livinglab.accounts.members import bp as members_bp
    from livinglab.accounts.views import bp as accounts_bp
    from livinglab.activity.views import bp as activity_bp
    from livinglab.admin.views import bp as admin_bp
    from livinglab.api import accounts as _api_accounts  # noqa: F401 - registers the endpoints
    from livinglab.api import content as _api_content  # noqa: F401
    from livinglab.api import export as _api_export  # noqa: F401
    from livinglab.api import openapi as _api_openapi  # noqa: F401
    from livinglab.api import pilots as _api_pilots  # noqa: F401
    from livinglab.api.core import bp as api_bp
    from livinglab.api.views import bp as api_pages_bp
    from livinglab.audit.views import bp as audit_bp
    from livinglab.challenges.views import bp as challenges_bp
    from livinglab.cities.views import bp as cities_bp
    from livinglab.discussion.views import bp as discussion_bp
    from livinglab.ideas.views import bp as ideas_bp
    from livinglab.moderation.views import bp as moderation_bp
    from livinglab.notifications.views import bp as notifications_bp
    from livinglab.pilots.views import bp as pilots_bp
    from livinglab.privacy.views import bp as privacy_bp
    from livinglab.reviews.views import bp as reviews_bp
    from livinglab.search.views import bp as search_bp
    from livinglab.uploads.views import bp as uploads_bp
    from livinglab.votes.views import bp as votes_bp
    from livinglab.web.errors import register_error_pages
    from livinglab.web.site import bp as core_bp

    for blueprint in (
        core_bp,
        accounts_bp,
        members_bp,
        cities_bp,
        challenges_bp,
        notifications_bp,
        uploads_bp,
        ideas_bp,
        activity_bp,
        search_bp,
        discussion_bp,
        moderation_bp,
        votes_bp,
        reviews_bp,
        pilots_bp,
        api_bp,
        api_pages_bp,
        admin_bp,
        audit_bp,
        privacy_bp,
    ):
        app.register_blueprint(blueprint)
    register_error_pages(app)
    from livinglab.web.security import init_security

    init_security(app)  # CSP, no framing, nosniff & co. on every response

    from livinglab.web.filters import register_filters

    register_filters(app)

    from livinglab.cli import register_cli

    register_cli(app)


def _migrations_dir(app: Flask) -> str:
    import os

    return os.path.join(os.path.dirname(app.root_path), "migrations")
