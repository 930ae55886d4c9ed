"""The fan-out benchmark's clients: watchers as raw asyncio WebSockets, a page reader, a poster.

A watcher is what a visitor's open idea page is to the server: an anonymous Engine.IO 4
connection over a WebSocket that joined the idea's room. Speaking the protocol over wsproto
keeps thousands of them in one thread of the benchmark, so the client side does not become
what is measured.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import dataclass, field

import requests
import socketio
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, CloseConnection, Message, Ping, Request, TextMessage


class Watcher:
    """One open idea page: Engine.IO open, Socket.IO connect, join the room, then listen."""

    def __init__(self, arrivals: dict[int, list[float]]) -> None:
        self.arrivals = arrivals
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.joined = asyncio.Event()
        self.room = ""

    async def connect(self, host: str, port: int, room: str) -> None:
        self.room = room
        self.reader, self.writer = await asyncio.open_connection(host, port)
        target = "/socket.io/?EIO=4&transport=websocket"
        self.writer.write(self.ws.send(Request(host=f"{host}:{port}", target=target)))
        self.task = asyncio.create_task(self._read())
        await asyncio.wait_for(self.joined.wait(), 60)

    def _send(self, text: str) -> None:
        self.writer.write(self.ws.send(Message(data=text)))

    def _on_text(self, text: str) -> None:
        if text.startswith("0"):  # Engine.IO open: connect to the default namespace
            self._send("40")
        elif text == "2":  # the server's ping
            self._send("3")
        elif text.startswith("40"):  # connected: join the room, asking for an acknowledgement
            self._send("421" + json.dumps(["join", {"room": self.room}]))
        elif text.startswith("431"):
            if not json.loads(text[3:])[0].get("ok"):
                raise RuntimeError(f"join refused: {text}")
            self.joined.set()
        elif text.startswith('42["comment.created"'):
            arrived = time.perf_counter()
            comment = json.loads(text[2:])[1]
            self.arrivals.setdefault(comment["id"], []).append(arrived)

    async def _read(self) -> None:
        parts: list[str] = []
        while data := await self.reader.read(65536):
            self.ws.receive_data(data)
            for event in self.ws.events():
                if isinstance(event, TextMessage):
                    parts.append(event.data)
                    if event.message_finished:
                        self._on_text("".join(parts))
                        parts.clear()
                elif isinstance(event, Ping):
                    self.writer.write(self.ws.send(event.response()))
                elif isinstance(event, CloseConnection):
                    return
                elif not isinstance(event, AcceptConnection):
                    continue

    def close(self) -> None:
        self.task.cancel()
        self.writer.close()


class PageReader(threading.Thread):
    """Loads pages one after another until told to stop, keeping each latency in ms."""

    pages = ("/challenges/", "/healthz")

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base = base
        self.latencies: list[float] = []
        self.errors = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        session = requests.Session()
        while not self.stopping.is_set():
            for path in self.pages:
                started = time.perf_counter()
                try:
                    ok = session.get(self.base + path, timeout=15).status_code == 200
                except requests.RequestException:
                    ok = False
                self.latencies.append((time.perf_counter() - started) * 1000)
                self.errors += not ok
            time.sleep(0.05)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)] if ordered else float("nan")


@dataclass
class FanOut:
    connect_s: float
    latencies: list[float] = field(default_factory=list)
    missed: int = 0
    page_p95: float = float("nan")
    page_errors: int = 0


async def _connect_all(clients: list[Watcher], urls: list[str], room: str) -> None:
    ports = [int(url.rsplit(":", 1)[1]) for url in urls]
    for start in range(0, len(clients), 100):  # a browser-like trickle, not one burst
        batch = range(start, min(start + 100, len(clients)))
        await asyncio.gather(
            *(clients[i].connect("127.0.0.1", ports[i % len(ports)], room) for i in batch)
        )


async def fan_out(urls: list[str], room: str, watchers: int, posts: int, cookie: str) -> FanOut:
    """Connects the watchers, then posts while a reader loads pages; every arrival timed."""
    arrivals: dict[int, list[float]] = {}
    clients = [Watcher(arrivals) for _ in range(watchers)]
    started = time.perf_counter()
    await _connect_all(clients, urls, room)
    result = FanOut(connect_s=time.perf_counter() - started)
    reader = PageReader(urls[0])
    reader.start()
    await asyncio.sleep(2)  # pages read with every watcher connected, before any post
    poster = socketio.Client(reconnection=False)
    await asyncio.to_thread(
        poster.connect, urls[0], headers={"Cookie": cookie}, transports=["websocket"]
    )
    try:
        for n in range(posts):
            sent = time.perf_counter()
            body = {"room": room, "body": f"{watchers} watchers, comment {n + 1}"}
            ack = await asyncio.to_thread(poster.call, "comment.create", body, timeout=30)
            if not ack.get("ok"):
                raise RuntimeError(ack)
            comment_id = ack["comment"]["id"]
            deadline = time.monotonic() + 30
            while len(arrivals.get(comment_id, [])) < watchers and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
            got = arrivals.get(comment_id, [])
            result.latencies += [(t - sent) * 1000 for t in got]
            result.missed += watchers - len(got)
            await asyncio.sleep(0.5)
    finally:
        reader.stopping.set()
        await asyncio.to_thread(reader.join)
        await asyncio.to_thread(poster.disconnect)
        for client in clients:
            client.close()
    result.page_p95, result.page_errors = p95(reader.latencies), reader.errors
    return result
