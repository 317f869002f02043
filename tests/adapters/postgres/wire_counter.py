"""A proxy between libpq and PostgreSQL that counts round trips.

It listens on a unix socket and relays bytes both ways, reading the client's side of the wire
protocol: every Sync (extended protocol, pipeline included) and every simple Query is a point
where the client waits for the server, so their number is the number of round trips.
"""

from __future__ import annotations

import os
import selectors
import socket
import struct
import threading
from pathlib import Path
from typing import Any

from psycopg.conninfo import conninfo_to_dict, make_conninfo

SYNC, QUERY = b"S", b"Q"


class RoundTripCounter:
    """Relays connections from ``<directory>/.s.PGSQL.5432`` to the server of ``conninfo``."""

    def __init__(self, conninfo: str, directory: Path) -> None:
        params = conninfo_to_dict(conninfo)
        host, port = str(params.get("host") or "/tmp"), int(params.get("port") or 5432)
        self._target: Any = (os.path.join(host, f".s.PGSQL.{port}") if host.startswith("/") else (host, port))
        self.conninfo = make_conninfo(conninfo, host=str(directory), port="5432")
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(str(directory / ".s.PGSQL.5432"))
        self._listener.listen(8)
        self._lock = threading.Lock()
        self._trips = 0
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def round_trips(self) -> int:
        """Round trips since the last reset."""
        with self._lock:
            return self._trips

    def reset(self) -> None:
        """Count from zero."""
        with self._lock:
            self._trips = 0

    def close(self) -> None:
        """Stop accepting connections."""
        self._closed = True
        self._listener.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            family = socket.AF_UNIX if isinstance(self._target, str) else socket.AF_INET
            upstream = socket.socket(family, socket.SOCK_STREAM)
            upstream.connect(self._target)
            threading.Thread(target=self._relay, args=(client, upstream), daemon=True).start()

    def _relay(self, client: socket.socket, upstream: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        selector.register(client, selectors.EVENT_READ, upstream)
        selector.register(upstream, selectors.EVENT_READ, client)
        pending, started = b"", False
        with client, upstream:
            while True:
                for key, _ in selector.select():
                    source: socket.socket = key.fileobj  # type: ignore[assignment]
                    data = source.recv(65536)
                    if not data:
                        return
                    if source is client:
                        pending, started = self._count(pending + data, started)
                    key.data.sendall(data)

    def _count(self, data: bytes, started: bool) -> tuple[bytes, bool]:
        while True:
            if not started:                      # the startup message has no type byte
                if len(data) < 4 or len(data) < struct.unpack("!I", data[:4])[0]:
                    return data, started
                data, started = data[struct.unpack("!I", data[:4])[0]:], True
                continue
            if len(data) < 5:
                return data, started
            kind, length = data[:1], struct.unpack("!I", data[1:5])[0]
            if len(data) < 1 + length:
                return data, started
            if kind in (SYNC, QUERY):
                with self._lock:
                    self._trips += 1
            data = data[1 + length:]
