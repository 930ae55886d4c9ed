"""Configuration classes, chosen by ``LIVINGLAB_CONFIG`` (development, testing, production).

Every setting a deployment changes is read from the environment:
``LIVINGLAB_DATABASE_URL``, ``LIVINGLAB_REDIS_URL``, ``LIVINGLAB_SECRET_KEY`` and the
database pool's ``LIVINGLAB_DB_POOL_SIZE``, ``LIVINGLAB_DB_MAX_OVERFLOW``,
``LIVINGLAB_DB_POOL_TIMEOUT`` (sized from ``LIVINGLAB_THREADS`` when that is given).
Behind a reverse proxy ``LIVINGLAB_TRUSTED_PROXIES``; uploads in ``LIVINGLAB_UPLOAD_DIR``.
``deploy/livinglab.env.example`` lists every variable.
"""

from __future__ import annotations

import os
import tempfile
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
    # How many reverse proxies (nginx, a load balancer) stand in front of the app: their
    # X-Forwarded-For/-Proto/-Host/-Port are then believed, so rate limits, logs and audit see
    # the real client (Werkzeug's ProxyFix, livinglab.setup). 0: the app faces clients directly.
    TRUSTED_PROXIES = int(_number("LIVINGLAB_TRUSTED_PROXIES", 0))
    # Uploaded files; every process (and machine) must see the same folder. None: the instance
    # folder's uploads/ (livinglab.uploads.services.upload_folder).
    UPLOAD_FOLDER: str | None = _env("LIVINGLAB_UPLOAD_DIR")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # Applied to SQLALCHEMY_ENGINE_OPTIONS by the factory (livinglab.database.engine_options).
    DB_POOL_SIZE, DB_MAX_OVERFLOW, DB_POOL_TIMEOUT = pool_settings()
    # Seconds a client is asked to wait (Retry-After) when the database cannot serve.
    DB_RETRY_AFTER = 5

    # Operations (livinglab.ops): logs as JSON lines or readable text, at this level.
    LOG_FORMAT = (_env("LIVINGLAB_LOG_FORMAT") or "text").lower()
    LOG_LEVEL = _env("LIVINGLAB_LOG_LEVEL") or "INFO"
    # /metrics answers the bearer of this token, or clients in these comma-separated CIDRs.
    METRICS_TOKEN: str | None = _env("LIVINGLAB_METRICS_TOKEN")
    METRICS_ALLOW: str | None = _env("LIVINGLAB_METRICS_ALLOW")
    # /readyz fails while a background queue (the mail outbox) holds more than this.
    READY_MAX_BACKLOG = int(_number("LIVINGLAB_READY_MAX_BACKLOG", 1000))
    # Off when a proxy in front already compresses (Flask-Compress: brotli, gzip).
    COMPRESS_ENABLED = (_env("LIVINGLAB_COMPRESS") or "on").lower() not in ("off", "0", "false")

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
    # Failed sign-ins only (livinglab.accounts.throttle): per account, so guessing a password
    # stays slow; per client address, much larger, so a conference room behind one address
    # still signs in. Successful sign-ins are never limited.
    RATELIMIT_SIGN_IN_ACCOUNT = "5 per 15 minutes"
    RATELIMIT_SIGN_IN_ADDRESS = "50 per 15 minutes"
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

    # Email (livinglab.mail). SMTP when LIVINGLAB_SMTP_URL is given
    # (smtp://user:pass@host:587?starttls=1, or smtps://user:pass@host:465 for implicit TLS);
    # without it every message is written to a folder (LIVINGLAB_MAIL_DIR, else instance/mail).
    MAIL_SMTP_URL: str | None = _env("LIVINGLAB_SMTP_URL")
    MAIL_FROM = _env("LIVINGLAB_MAIL_FROM") or "Heritage Living Lab <no-reply@localhost>"
    MAIL_FILE_DIR: str | None = _env("LIVINGLAB_MAIL_DIR")
    MAIL_SMTP_TIMEOUT = float(_number("LIVINGLAB_SMTP_TIMEOUT", 20.0, float))
    # A failed attempt is retried after 1 minute, then 2, 4... up to 6 hours apart; after
    # this many attempts (8.5 hours of retrying with the defaults) the message is kept as failed.
    MAIL_MAX_ATTEMPTS = int(_number("LIVINGLAB_MAIL_MAX_ATTEMPTS", 10))
    MAIL_RETRY_SECONDS = 60.0
    MAIL_RETRY_MAX_SECONDS = 6 * 3600.0
    MAIL_POLL_SECONDS = 5.0
    # The delivery worker as a thread of each server process; "0" when only separate
    # `flask --app wsgi deliver-mail` processes send (several workers never send one twice).
    MAIL_WORKER_THREAD = _env("LIVINGLAB_MAIL_WORKER_THREAD") not in ("0", "false", "no", "off")
    # The periodic jobs (livinglab.scheduler: phases whose deadline passed...) as a thread of
    # each server process; "0" when cron or a systemd timer runs `flask --app wsgi run-due-jobs`.
    SCHEDULER_THREAD = _env("LIVINGLAB_SCHEDULER_THREAD") not in ("0", "false", "no", "off")
    SCHEDULER_POLL_SECONDS = 60.0
    # Where links in emails point, e.g. https://lab.example.org (required behind a proxy that
    # passes any Host header: a password-reset link must not follow the asker's Host).
    PUBLIC_URL: str | None = _env("LIVINGLAB_PUBLIC_URL")
    # Where members write about their data (the privacy notice names it); without it the notice
    # points to the city representatives and the municipality's data protection officer.
    PRIVACY_CONTACT: str | None = _env("LIVINGLAB_PRIVACY_CONTACT")
    PASSWORD_RESET_MAX_AGE = 3600  # seconds a reset link works (once)
    EMAIL_LINK_MAX_AGE = 7 * 24 * 3600  # seconds a confirmation link works
    # Reset requests per client address, and per address asked for (same answer either way).
    RATELIMIT_RESET_LINK = "20 per hour"
    RATELIMIT_RESET_LINK_ADDRESS = "5 per hour"
    RATELIMIT_VERIFICATION_RESEND = "5 per hour"

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
    # Tests fail many sign-ins from one address; the limits' own tests set them back.
    RATELIMIT_SIGN_IN_ACCOUNT = "1000 per 15 minutes"
    RATELIMIT_SIGN_IN_ADDRESS = "1000 per 15 minutes"
    # A deployment's environment must not reach the tests' apps (as REDIS_URL above).
    LOG_FORMAT = "text"
    METRICS_TOKEN = None
    METRICS_ALLOW = None
    COMPRESS_ENABLED = True
    TRUSTED_PROXIES = 0
    UPLOAD_FOLDER = None
    # Nothing reaches a real server from the tests: they start their own (aiosmtpd) and run
    # the worker themselves.
    MAIL_SMTP_URL = None
    MAIL_FILE_DIR = os.path.join(tempfile.gettempdir(), "livinglab-test-mail")
    MAIL_WORKER_THREAD = False
    SCHEDULER_THREAD = False  # the tests run the jobs themselves, at the moment they choose
    PUBLIC_URL = None
    PASSWORD_TIME_COST = 1
    PASSWORD_MEMORY_COST = 8
    PASSWORD_PARALLELISM = 1


class ProductionConfig(Config):
    ENV_NAME = "production"
    LOG_FORMAT = (_env("LIVINGLAB_LOG_FORMAT") or "json").lower()
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
