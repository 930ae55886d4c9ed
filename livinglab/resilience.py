"""Degrade, don't fail, when Redis is gone: a circuit breaker and the failover rate limiter.

Redis carries two things: the rate limiter's counters and the Socket.IO message queue. Losing
it must cost neither a request nor a socket event: counters move to this process's memory
(the same limits, counted per process) and broadcasts reach this process's clients only, until
Redis answers again.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, cast

from flask import Flask
from flask_limiter import Limiter
from limits.errors import StorageError
from limits.storage import MemoryStorage
from limits.strategies import STRATEGIES, RateLimiter

log = logging.getLogger(__name__)

# Redis connections must fail in a fraction of a second, so a dead or unreachable Redis never
# stalls the request that happens to try it (redis-py waits 5 s by default).
FAST_FAIL_OPTIONS: dict[str, Any] = {"socket_connect_timeout": 0.3, "socket_timeout": 0.5}


class Breaker:
    """Tracks one remote dependency: after a failure, callers skip it until a probe is due.

    One caller at a time probes (tries the real operation again); the others keep using the
    local fallback meanwhile, so an outage costs one failed attempt per delay, never one per
    request. The delay doubles from ``first_delay`` up to ``max_delay``, which bounds how long
    after Redis returns the process keeps its local fallback.
    """

    def __init__(
        self, name: str, fallback: str, first_delay: float = 0.5, max_delay: float = 5.0
    ) -> None:
        self.name = name
        self.fallback = fallback
        self.first_delay = first_delay
        self.max_delay = max_delay
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._delay = first_delay
        self._retry_at = 0.0
        self._probe_started: float | None = None

    @property
    def is_down(self) -> bool:
        return self._down_since is not None

    def allows(self) -> bool:
        """Whether this caller should try the dependency now (always, while it is healthy)."""
        if self._down_since is None:
            return True
        with self._lock:
            now = time.monotonic()
            # A probe that never reported back (an unexpected exception) must not block the
            # next one forever.
            probing = self._probe_started is not None and now - self._probe_started < 30
            if probing or now < self._retry_at:
                return False
            self._probe_started = now
            return True

    def failed(self, error: BaseException) -> None:
        with self._lock:
            now = time.monotonic()
            if self._down_since is None:
                self._down_since = now
                self._delay = self.first_delay
                log.warning("%s unreachable (%s): %s", self.name, error, self.fallback)
            elif self._probe_started is not None:
                self._delay = min(self._delay * 2, self.max_delay)
            else:
                return  # a request that was already on its way when the outage began
            self._probe_started = None
            self._retry_at = now + self._delay

    def succeeded(self) -> None:
        if self._down_since is None:  # the common case, without taking the lock
            return
        with self._lock:
            if self._down_since is None:
                return
            log.warning(
                "%s reachable again after %.1f s", self.name, time.monotonic() - self._down_since
            )
            self._down_since = None
            self._probe_started = None
            self._delay = self.first_delay


class FailoverStrategy:
    """A rate-limiting strategy on the shared storage that counts locally while it is down.

    Quacks like :class:`limits.strategies.RateLimiter`, so Flask-Limiter's own checks and the
    limits checked by hand (``limiter.limiter.hit`` for comments over sockets) both fail over.
    """

    def __init__(
        self,
        primary: RateLimiter,
        local: RateLimiter,
        errors: tuple[type[BaseException], ...],
        breaker: Breaker,
    ) -> None:
        self.primary = primary
        self.local = local
        self.errors = errors
        self.breaker = breaker

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if self.breaker.allows():
            try:
                result = getattr(self.primary, method)(*args, **kwargs)
            except self.errors as error:
                self.breaker.failed(error)
            else:
                self.breaker.succeeded()
                return result
        return getattr(self.local, method)(*args, **kwargs)

    def hit(self, item: Any, *identifiers: str, cost: int = 1) -> bool:
        return cast(bool, self._call("hit", item, *identifiers, cost=cost))

    def test(self, item: Any, *identifiers: str, cost: int = 1) -> bool:
        return cast(bool, self._call("test", item, *identifiers, cost=cost))

    def get_window_stats(self, item: Any, *identifiers: str) -> Any:
        return self._call("get_window_stats", item, *identifiers)

    def clear(self, item: Any, *identifiers: str) -> None:
        self._call("clear", item, *identifiers)


class FailoverLimiter(Limiter):
    """Flask-Limiter whose counters fall back to this process's memory while Redis is down.

    Flask-Limiter's own in-memory fallback is not used: it only notices an outage inside an
    HTTP request (a comment sent over a socket would still fail), and it looks for Redis again
    at most every 32 s. Here every check goes through :class:`FailoverStrategy`, which keeps the
    same limits and looks for Redis again within ``Breaker.max_delay``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._failover: FailoverStrategy | None = None

    def init_app(self, app: Flask) -> None:
        # The extension is one object for every app a process builds (the tests build many):
        # the last app's storage options must not leak into the next one's storage.
        # RATELIMIT_STORAGE_OPTIONS, read by Flask-Limiter, adds to or overrides these.
        self._storage_options = dict(FAST_FAIL_OPTIONS)
        super().init_app(app)
        self._failover = None
        storage = self._storage
        if not self.enabled or storage is None or isinstance(storage, MemoryStorage):
            return
        base = storage.base_exceptions
        errors: tuple[type[BaseException], ...] = (
            StorageError,
            *(base if isinstance(base, tuple) else (base,)),
        )
        strategy = self._strategy or "fixed-window"
        self._failover = FailoverStrategy(
            primary=cast(RateLimiter, self._limiter),
            local=STRATEGIES[strategy](MemoryStorage()),
            errors=errors,
            breaker=Breaker(
                "Rate-limit storage", "counting in this process until it answers again"
            ),
        )

    @property
    def limiter(self) -> RateLimiter:
        if self._failover is not None:
            return cast(RateLimiter, self._failover)
        return super().limiter
