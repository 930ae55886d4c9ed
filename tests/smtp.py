"""Real SMTP servers for the tests: aiosmtpd in this process, and one that never answers.

Nothing is mocked: the worker speaks SMTP over a socket on 127.0.0.1 (ports 58300-58399).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from itertools import count
from typing import Any

from aiosmtpd.controller import Controller
from flask import Flask

from livinglab.mail import backend

_ports = count(58310)


def free_port() -> int:
    """The next port of this suite's range that nothing listens on."""
    for port in _ports:
        if port > 58399:
            break
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port left in 58310-58399")


class Sink:
    """An aiosmtpd handler that keeps what it accepts; ``refuse_data`` / ``refuse_rcpt``
    make it answer with an SMTP error instead (e.g. "451 4.3.0 Try again later")."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse_data: str | None = None
        self.refuse_rcpt: str | None = None
        self.refused = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refuse_rcpt:
            with self.lock:
                self.refused += 1
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.refuse_data:
            with self.lock:
                self.refused += 1
            return self.refuse_data
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@contextmanager
def smtp_server(port: int | None = None) -> Iterator[tuple[Sink, int]]:
    sink = Sink()
    port = port or free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@contextmanager
def hanging_server() -> Iterator[tuple[list[socket.socket], int]]:
    """A socket that accepts connections and never says a word (no SMTP greeting)."""
    port = free_port()
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(16)
    listener.settimeout(0.2)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            accepted.append(conn)  # kept open, silent

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield accepted, port
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in accepted:
            conn.close()
        listener.close()


@contextmanager
def mail_to(app: Flask, url: str | None, **settings: Any) -> Iterator[None]:
    """Points the app's mail at ``url`` (SMTP) or, with None, at the file folder, for the
    duration; the session's app gets its settings back afterwards."""
    keys = [k for k in app.config if k.startswith("MAIL_")]
    saved = {key: app.config[key] for key in keys}
    app.config.update({"MAIL_SMTP_URL": url, **settings})
    backend.configure(app)
    try:
        yield
    finally:
        for key in [k for k in app.config if k.startswith("MAIL_")]:
            if key not in saved:
                del app.config[key]
        app.config.update(saved)
        backend.configure(app)


def body_of(message: EmailMessage, subtype: str = "plain") -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    return part.get_content()
