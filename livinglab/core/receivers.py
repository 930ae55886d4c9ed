"""How a ``subscriptions`` module declares what it does when a domain event happens.

Each receiver is declared where it is written, with the event it answers
(``@receivers.on(events.idea_decided)``), instead of in a table at the bottom of the module
that must be kept in step; the module's ``connect_all`` (called by the factory for the domains
listed in livinglab.domains) connects them all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from blinker import Signal


class Receivers:
    """The receivers of one ``subscriptions`` module, in the order they are declared."""

    def __init__(self) -> None:
        self._connections: list[tuple[Signal, Callable[..., Any]]] = []

    def on[F: Callable[..., Any]](self, signal: Signal) -> Callable[[F], F]:
        """Declares the decorated function a receiver of ``signal``; it stays callable as is."""

        def declare(receiver: F) -> F:
            self._connections.append((signal, receiver))
            return receiver

        return declare

    def connect_all(self) -> None:
        """Connects every receiver declared. Idempotent: blinker keeps one connection per
        receiver, so building several apps in one process (the tests) runs each once."""
        for signal, receiver in self._connections:
            signal.connect(receiver, weak=False)
