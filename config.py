"""Configuration classes, chosen by ``LIVINGLAB_CONFIG`` (development, testing, production).

Every setting a deployment changes is read from the environment:
``LIVINGLAB_DATABASE_URL``, ``LIVINGLAB_REDIS_URL``, ``LIVINGLAB_SECRET_KEY`` and the
database pool's ``LIVINGLAB_DB_POOL_SIZE``, ``LIVINGLAB_DB_MAX_OVERFLOW``,
``LIVINGLAB_DB_POOL_TIMEOUT`` (sized from ``LIVINGLAB_THREADS`` when that is given).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

LANGUAGES = ("en", "it", "fr", "pt", "ro", "de", "es", "fi")


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _number(name: str, default: float, kind: type = int) -> float:
    value = _env(name)
    if value is None:
        return default
    try:
        number = kind(value)
    except ValueError:
        raise RuntimeError(f"{name}={value!r} is not a number") from None
    if number < 0:
        raise RuntimeError(f"{name}={value!r} must not be negative")
    return number


# Past this many connections a database on a small server gets slower, not faster: more
# requests than that queue for a connection (up to the pool timeout) instead.
POOL_CAP = 32


def pool_settings() -> tuple[int, int, float]:
    """(pool size, overflow, timeout in seconds) from the environment.

    Every server thread may hold one connection, so with ``LIVINGLAB_THREADS`` (the threads
    gunicorn is started with) the pool follows the thread count, up to ``POOL_CAP`` plus as
    much again in overflow; fewer threads never need more connections than threads.
    """
    threads = int(_number("LIVINGLAB_THREADS", 0))
    default_size = min(threads, POOL_CAP) if threads else POOL_CAP
    size = int(_number("LIVINGLAB_DB_POOL_SIZE", default_size))
    default_overflow = min(max(threads - size, 0), size) if threads else size // 2
    overflow = int(_number("LIVINGLAB_DB_MAX_OVERFLOW", default_overflow))
    timeout = float(_number("LIVINGLAB_DB_POOL_TIMEOUT", 10.0, float))
    return size, overflow, timeout


class Config:
    SECRET_KEY: str | None = _env("LIVINGLAB_SECRET_KEY")
    # None means "SQLite in the instance folder"; the factory fills it in.
    SQLALCHEMY_DATABASE_URI: str | None = _env("LIVINGLAB_DATABASE_URL")
    REDIS_URL: str | None = _env("LIVINGLAB_REDIS_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # Applied to SQLALCHEMY_ENGINE_OPTIONS by the factory (livinglab.database.engine_options).
    DB_POOL_SIZE, DB_MAX_OVERFLOW, DB_POOL_TIMEOUT = pool_settings()
    # Seconds a client is asked to wait (Retry-After) when the database cannot serve.
    DB_RETRY_AFTER = 5

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_NAME = "remember_token"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)

    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, so long forms never expire
    MAX_CONTENT_LENGTH = 26 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/Brussels"
    LANGUAGES = LANGUAGES

    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_SIGN_IN = "5 per minute;30 per hour"
    RATELIMIT_REGISTER = "10 per hour"
    # Separates the counters of deployments (or test runs) that share one Redis.
    RATELIMIT_KEY_PREFIX = _env("LIVINGLAB_RATELIMIT_PREFIX") or "livinglab"
    RATELIMIT_COMMENTS = "10 per minute"
    # A dead Redis must cost a request a fraction of a second, not redis-py's 5 s timeouts; while
    # it is down the same limits are counted in this process (livinglab.resilience.FailoverLimiter,
    # rather than Flask-Limiter's own fallback, which sockets' hand-checked limits would bypass).
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 0.3, "socket_timeout": 0.5}

    # argon2id parameters (RFC 9106 "second recommended" profile lowered for a small server).
    PASSWORD_TIME_COST = 3
    PASSWORD_MEMORY_COST = 64 * 1024
    PASSWORD_PARALLELISM = 2
    PASSWORD_MIN_LENGTH = 10

    PER_PAGE = 20
    ENV_NAME = "development"
    TESTING = False
    DEBUG = False


class DevelopmentConfig(Config):
    """Used by ``make run`` and ``make dev``: a secret key is created once in the instance folder."""


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105 - fixed on purpose, tests only
    SQLALCHEMY_DATABASE_URI = _env("LIVINGLAB_TEST_DATABASE_URL")
    REDIS_URL = None
    WTF_CSRF_ENABLED = False
    # Tests sign many members in from one address; the limit's own tests narrow it again.
    RATELIMIT_SIGN_IN = "1000 per minute"
    PASSWORD_TIME_COST = 1
    PASSWORD_MEMORY_COST = 8
    PASSWORD_PARALLELISM = 1


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None) -> type[Config]:
    name = name or os.environ.get("LIVINGLAB_CONFIG", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"LIVINGLAB_CONFIG={name!r} is not one of {', '.join(sorted(CONFIGS))}"
        ) from None


def ensure_secret_key(config: dict, instance_path: str) -> None:
    """Production must be given a key; development keeps one it made in the instance folder."""
    if config.get("SECRET_KEY"):
        return
    if config.get("ENV_NAME") == "production":
        raise RuntimeError("LIVINGLAB_SECRET_KEY must be set in production")
    key_file = Path(instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(os.urandom(32).hex())
        key_file.chmod(0o600)
    config["SECRET_KEY"] = key_file.read_text().strip()
