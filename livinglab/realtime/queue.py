"""The Socket.IO message queue on Redis, which degrades to this process while Redis is down.

python-socketio's ``PubSubManager.emit`` first delivers an event to this process's own clients
and then publishes it for the other processes, so local delivery never needs Redis. What this
manager changes is the failure path: its own ``RedisManager`` retries every publish against a
dead Redis and logs an error for each one, and its listener waits up to a minute between
reconnection attempts. Here a publish is skipped while a circuit breaker says Redis is down (a
probe now and then, with connections that give up in a fraction of a second), and the
listener looks for Redis again every two seconds at most and resubscribes.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from typing import Any

import redis
import socketio
from redis.exceptions import RedisError

from livinglab.resilience import FAST_FAIL_OPTIONS, Breaker

log = logging.getLogger(__name__)

CHANNEL = "flask-socketio"  # Flask-SocketIO's default: every process must use the same one

# The listener's connection idles between messages: reads may take long, but a silent peer is
# noticed by keepalive and redis-py's health-check PING.
LISTEN_OPTIONS: dict[str, Any] = {
    **FAST_FAIL_OPTIONS,
    "socket_timeout": 5,
    "socket_keepalive": True,
    "health_check_interval": 10,
}
LISTEN_FIRST_DELAY = 0.25
LISTEN_MAX_DELAY = 2.0


class ResilientRedisManager(socketio.RedisManager):
    """Shares broadcasts between processes through Redis; serves local clients without it."""

    def __init__(
        self, url: str, channel: str = CHANNEL, write_only: bool = False, logger: Any = None
    ) -> None:
        super().__init__(
            url,
            channel=channel,
            write_only=write_only,
            logger=logger,
            redis_options=dict(FAST_FAIL_OPTIONS),
        )
        self.publisher = redis.Redis.from_url(url, **FAST_FAIL_OPTIONS)
        self.breaker = Breaker(
            "Socket.IO message queue", "broadcasts reach this process's clients only"
        )

    def _publish(self, data: Any) -> None:
        """Tells the other processes; this process's clients were served before the call."""
        if not self.breaker.allows():
            return
        try:
            self.publisher.publish(self.channel, self.json.dumps(data))
        except RedisError as error:
            self.breaker.failed(error)
        else:
            self.breaker.succeeded()

    def _listen(self) -> Iterator[Any]:
        """Yields the other processes' messages; reconnects for ever, never raises."""
        channel = self.channel.encode("utf-8")
        delay = LISTEN_FIRST_DELAY
        while True:
            client = pubsub = None
            try:
                client = redis.Redis.from_url(self.redis_url, **LISTEN_OPTIONS)
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                delay = LISTEN_FIRST_DELAY
                # Subscribed again: Redis is back, publishing need not wait for its next probe.
                self.breaker.succeeded()
                while True:
                    # A bounded wait lets redis-py send its health-check PINGs while idle.
                    message = pubsub.get_message(timeout=1.0)
                    if (
                        message
                        and message.get("type") == "message"
                        and message.get("channel") == channel
                    ):
                        yield message["data"]
            except RedisError as error:
                self.breaker.failed(error)
                log.debug("Socket.IO listener: %s; retrying in %.2f s", error, delay)
            finally:
                with contextlib.suppress(Exception):  # closing a dead connection may fail too
                    if pubsub is not None:
                        pubsub.close()
                    if client is not None:
                        client.close()
            time.sleep(delay)
            delay = min(delay * 2, LISTEN_MAX_DELAY)


def message_queue_for(url: str | None) -> ResilientRedisManager | None:
    """The client manager for Flask-SocketIO: None (this process only) without Redis."""
    if not url:
        return None
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError("LIVINGLAB_REDIS_URL must be a redis://, rediss:// or unix:// URL")
    return ResilientRedisManager(url)
