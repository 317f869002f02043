"""ConvexMirror: the one client, breaker, cache and sink a process shares."""

from __future__ import annotations

from types import TracebackType

import httpx

from orderzap_adapters.convex.breaker import CircuitBreaker
from orderzap_adapters.convex.cache import WRITE_READ_TIMEOUT, ConvexOrderCache
from orderzap_adapters.convex.client import ConvexClient, Timeouts
from orderzap_adapters.convex.sink import BATCH_READ_TIMEOUT, ConvexSnapshotSink


class ConvexMirror:
    """Everything that talks to one Convex deployment. Build one per process, after a fork
    (a gunicorn worker's connections are its own), and ``close()`` it on the way out.

    ``timeouts`` are the reads'; writes wait up to ``write_read_timeout`` (repairs) and
    ``batch_read_timeout`` (the relay's batches) for their answer. ``transport`` is for tests."""

    def __init__(self, url: str, admin_key: str, timeouts: Timeouts | None = None, *,
                 breaker: CircuitBreaker | None = None, write_read_timeout: float = WRITE_READ_TIMEOUT,
                 batch_read_timeout: float = BATCH_READ_TIMEOUT,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.breaker = breaker or CircuitBreaker()
        self.client = ConvexClient.connect(url, admin_key, timeouts=timeouts, breaker=self.breaker,
                                           transport=transport)
        self.cache = ConvexOrderCache(self.client, write_read_timeout=write_read_timeout)
        self.sink = ConvexSnapshotSink(self.client, read_timeout=batch_read_timeout)

    def close(self) -> None:
        """Close the connections."""
        self.client.close()

    def __enter__(self) -> ConvexMirror:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
