"""Background threads of a server process (the mail worker's, the scheduler's): one of each
kind per app, started once, and started again in a forked child, where threads do not
survive the fork."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask


@dataclass
class Running:
    pid: int
    thread: threading.Thread
    stop: threading.Event

    def alive_here(self) -> bool:
        """Running in this process (not one inherited from the parent of a fork)."""
        return self.pid == os.getpid() and self.thread.is_alive() and not self.stop.is_set()


class AppThreads:
    """The threads of one kind: ``loop(app, stop)`` runs in each until ``stop`` is set."""

    def __init__(self, name: str, loop: Callable[[Flask, threading.Event], None]) -> None:
        self.name = name
        self.loop = loop
        self.running: dict[int, Running] = {}  # id(app) -> its thread in this process
        self._lock = threading.Lock()

    def ensure(self, app: Flask) -> None:
        """Starts the app's thread unless it runs in this process already."""
        running = self.running.get(id(app))
        if running and running.alive_here():
            return
        with self._lock:
            running = self.running.get(id(app))
            if running and running.alive_here():
                return
            stop = threading.Event()
            thread = threading.Thread(
                target=self.loop, args=(app, stop), name=self.name, daemon=True
            )
            thread.start()
            self.running[id(app)] = Running(os.getpid(), thread, stop)

    def stop(
        self, app: Flask, timeout: float = 5.0, wake: Callable[[], None] | None = None
    ) -> None:
        """Ends the app's thread after its current round; ``wake`` cuts its wait short."""
        running = self.running.pop(id(app), None)
        if running is not None:
            running.stop.set()
            if wake is not None:
                wake()
            running.thread.join(timeout=timeout)
