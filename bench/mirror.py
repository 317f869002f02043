"""The Convex mirror, measured: relay lag under steady writes, convergence after an outage, and a
cached read against a PostgreSQL read. Figures, not assertions.

    .venv/bin/python -m bench.mirror [--rate 20] [--seconds 10] [--outage-writes 200] [--reads 500]

It starts the local Convex stand-in (``standin/``: the real ``convex/`` functions under convex-test,
in one Node process) and two ``orderzap serve`` processes on one embedded PostgreSQL in a
temporary directory: one reading from the mirror, one with ``CACHE_READS=off``. The stand-in is not
Convex: its latency is a local Node process's, so the cached-read figure says what the API's path
costs around the mirror call, not what Convex's network costs. Quote the machine with the figures.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from tests.e2e.serving import Api, Server, free_port, orderzap, stop_embedded_postgres
from tests.standin import StandIn


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` quantile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def place(api: Api, menu_item: str) -> dict[str, Any]:
    return api.ok("POST", "/v1/orders", 201, json={
        "customerName": "Bench", "customerPhone": "+14155550123", "paymentMethod": "card",
        "items": [{"menuItemId": menu_item, "quantity": 1}]})


class Watcher:
    """Polls the stand-in's documents and notes when each order id first appears."""

    def __init__(self, standin: StandIn) -> None:
        self.standin = standin
        self.seen: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Watcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                documents = self.standin.documents()
            except (httpx.HTTPError, AssertionError):
                documents = []
            now = time.monotonic()
            for doc in documents:
                self.seen.setdefault(doc["id"], now)
            self._stop.wait(0.02)


def relay_lag(standin: StandIn, api: Api, menu_item: str, rate: float, seconds: float) -> list[float]:
    """Seconds from each 201 to the order's first appearance in the mirror, at ``rate`` writes/s."""
    written: dict[str, float] = {}
    with Watcher(standin) as watcher:
        interval = 1.0 / rate
        start = time.monotonic()
        for n in range(int(rate * seconds)):
            time.sleep(max(0.0, start + n * interval - time.monotonic()))
            written[place(api, menu_item)["id"]] = time.monotonic()
        deadline = time.monotonic() + 30
        while not written.keys() <= watcher.seen.keys() and time.monotonic() < deadline:
            time.sleep(0.05)
    return [watcher.seen[i] - t for i, t in written.items() if i in watcher.seen]


def convergence(standin: StandIn, api: Api, menu_item: str, writes: int) -> tuple[float, int]:
    """Stop the stand-in, write ``writes`` orders, start it again (empty); the seconds until every
    one of them is in the mirror, and how many made it."""
    standin.stop()
    ids = {place(api, menu_item)["id"] for _ in range(writes)}
    standin.start()
    back = time.monotonic()
    deadline = back + 60
    while time.monotonic() < deadline:
        if ids <= {doc["id"] for doc in standin.documents()}:
            return time.monotonic() - back, len(ids)
        time.sleep(0.05)
    return float("nan"), len(ids & {doc["id"] for doc in standin.documents()})


def read_latencies(api: Api, order_id: str, count: int, expect: str) -> list[float]:
    """Seconds per ``GET /v1/orders/{id}``, one at a time, checking ``X-Cache``."""
    out = []
    for _ in range(count):
        started = time.perf_counter()
        answer = api.request("GET", f"/v1/orders/{order_id}")
        out.append(time.perf_counter() - started)
        assert answer.headers["X-Cache"] == expect, answer.headers["X-Cache"]
    return out


def show(name: str, values: list[float]) -> None:
    ms = [v * 1000 for v in values]
    print(f"  {name:<34} n={len(ms):<5} p50 {statistics.median(ms):7.2f} ms   "
          f"p99 {percentile(ms, 0.99):7.2f} ms   max {max(ms):7.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=20.0, help="steady writes per second")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long the steady writes last")
    parser.add_argument("--outage-writes", type=int, default=200)
    parser.add_argument("--reads", type=int, default=500)
    args = parser.parse_args()
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    top = Path(tempfile.mkdtemp(prefix="orderzap-bench-mirror-"))
    data_dir = top / "data"
    data_dir.mkdir()
    keys = orderzap(data_dir, "realtime", "jwks")
    standin = StandIn(port=free_port(), env={"ORDERZAP_REALTIME_JWKS": keys["dataUri"]}).start()
    env = {"CONVEX_URL": standin.url, "CONVEX_ADMIN_KEY": standin.admin_key}
    servers: list[Server] = []
    try:
        cached = Server(data_dir, top / "cached.log", env=env)
        servers.append(cached)
        plain = Server(data_dir, top / "plain.log", "--no-relay", env={**env, "CACHE_READS": "off"})
        servers.append(plain)
        token, menu_item = cached.startup["demo"]["token"], cached.startup["demo"]["menuItemId"]
        api = Api(cached.url, token)
        print(f"relay lag at {args.rate:g} writes/s for {args.seconds:g} s (201 → first seen in the mirror):")
        show("lag", relay_lag(standin, api, menu_item, args.rate, args.seconds))
        took, count = convergence(standin, api, menu_item, args.outage_writes)
        print(f"convergence: {count} orders written while the mirror was down reached it "
              f"{took:.2f} s after it came back")
        order = place(api, menu_item)
        deadline = time.monotonic() + 10
        while api.request("GET", f"/v1/orders/{order['id']}").headers["X-Cache"] != "hit":
            assert time.monotonic() < deadline, "the order never reached the mirror"
            time.sleep(0.05)
        print(f"single reads of one order, one at a time ({args.reads} each):")
        hits = read_latencies(api, order["id"], args.reads, "hit")
        bypass = read_latencies(Api(plain.url, token), order["id"], args.reads, "bypass")
        show("cached read (X-Cache: hit)", hits)
        show("PostgreSQL read (CACHE_READS=off)", bypass)
        print(f"  ratio cached/PostgreSQL at p50: {statistics.median(hits) / statistics.median(bypass):.2f}")
    finally:
        for server in servers:
            server.terminate()
            server.kill_leftovers()
        standin.close()
        stop_embedded_postgres(data_dir)
        shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    main()
