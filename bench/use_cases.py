"""Use-case throughput on the memory fakes and on the embedded PostgreSQL: figures, not assertions.

    .venv/bin/python -m bench.use_cases [--orders 300] [--threads 1 4 8]

For each backend and thread count it places orders (two lines each) and reads them back, and prints
orders per second, reads per second, and PostgreSQL's figure as a fraction of the fakes'. The
PostgreSQL server is a fresh embedded one in a temporary directory (see docs/database.md for the
round trips each use case costs). Run it on an idle machine and quote the machine with the figures.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from uuid import uuid4

from orderzap_adapters import memory
from orderzap_adapters.postgres import PgConfig, PgDatabase
from orderzap_adapters.postgres import services as pg_services
from orderzap_adapters.postgres.embedded import start_embedded
from orderzap_core import (
    NewMenuItem,
    NewRestaurant,
    OrderLine,
    PaymentMethod,
    PlaceOrder,
    Services,
)


def timed(count: int, threads: int, work: Callable[[int], object]) -> float:
    """Calls per second of ``work`` over ``count`` calls on ``threads`` threads."""
    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(work, range(count)))
    return count / (time.perf_counter() - start)


def measure(services: Services, count: int, threads: int) -> tuple[float, float]:
    """(orders placed per second, orders read per second) in a new restaurant."""
    slug = f"bench-{uuid4().hex[:8]}"
    services.accounts.create_restaurant(NewRestaurant("Bench", slug))
    operator = services.accounts.operator(slug)
    dishes = [services.menu.create(operator, NewMenuItem(f"Dish {i}", 500 + i)) for i in range(2)]
    order = PlaceOrder("Ada", "+14155550123", PaymentMethod.CARD,
                       tuple(OrderLine(d.id, 2) for d in dishes))
    placed = []

    def place(_: int) -> None:
        placed.append(services.orders.place(operator, order).order.id)

    writes = timed(count, threads, place)
    reads = timed(count, threads, lambda i: services.orders.get(operator, placed[i]))
    return writes, reads


@contextmanager
def postgres() -> Iterator[Services]:
    """Services on a fresh embedded PostgreSQL, removed afterwards."""
    data_dir = Path(tempfile.mkdtemp(prefix="orderzap-bench-"))
    server = start_embedded(data_dir / "pg")
    db = PgDatabase.open(PgConfig(owner_url=server.owner_url, app_url=server.app_url,
                                  relay_url=server.relay_url))
    try:
        yield pg_services(db)
    finally:
        db.close()
        server.halt()
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4, 8])
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{'backend':<12}{'threads':>8}{'places/s':>12}{'reads/s':>12}{'places vs memory':>18}")
    with postgres() as pg:
        for threads in args.threads:
            fake = measure(memory.services(), args.orders, threads)
            real = measure(pg, args.orders, threads)
            print(f"{'memory':<12}{threads:>8}{fake[0]:>12.0f}{fake[1]:>12.0f}{'':>18}")
            print(f"{'postgres':<12}{threads:>8}{real[0]:>12.0f}{real[1]:>12.0f}{real[0] / fake[0]:>17.2f}x")


if __name__ == "__main__":
    main()
