"""The HTTP API under load, against what PostgreSQL itself allows: figures and ratios, no assertions.

    scripts/bench [--orders 100000] [--connections 32] [--seconds 15] [--warmup 5]
                  [--list-sizes 10000,100000,1000000]

It needs the project's own dependencies and Debian's ``wrk`` (``apt install wrk``); ``pgbench``
comes from pgserver's wheel. It makes a private embedded PostgreSQL in a temporary directory (or
uses a fresh database named by ``--database-url``, owner rights), seeds 50 restaurants × 20 menu
items, an admin per restaurant and ``--orders`` orders with their items and events, then:

1. starts ``orderzap serve`` as a user would (its defaults: 4 workers × 4 threads) and drives it
   with wrk after a warm-up: ``POST /v1/orders`` (1–4 random items) across the 50 restaurants and
   then all on one (its order counter row is the hot spot), ``GET /v1/orders/{id}`` (random
   existing orders) and ``GET /v1/orders?limit=50``;
2. grows one more restaurant to each of ``--list-sizes`` orders (10,000, 100,000, 1,000,000) and
   measures its first page and a page from a cursor in the middle (the keyset path: flat if the
   index does its work);
3. reads the memory (RSS) of each worker after the first warm-up and after the whole run;
4. runs the same create and read transactions through ``pgbench -M prepared`` (the ceiling);
5. prints req/s, p50, p99 and errors for each, with OrderZap's ratio to the ceiling, and writes
   them with the machine to ``bench/results/http-<date>.json``.
Everything shares the machine (load generator, server, PostgreSQL): quote it with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import psutil
import psycopg
from tests.e2e.serving import Server

from orderzap_adapters.memory.system import PlainHasher
from orderzap_adapters.postgres import PgConfig, PgDatabase, services
from orderzap_adapters.postgres.embedded import start_embedded
from orderzap_core import NewMenuItem, NewRestaurant, NewUser, Role
from orderzap_core.domain.pagination import Cursor, Position, Sort
from orderzap_http.settings import Settings
from orderzap_http.tokens import TokenService

RESULTS = Path(__file__).with_name("results")
RESTAURANTS, DISHES = 50, 20
#: The restaurant grown to each list size (not one of the 50 the other runs use).
BIG = RESTAURANTS + 1

#: Guest orders of one item's price; ``{restaurant}`` and ``{at}`` are SQL expressions (never values).
ORDER_INSERT = """
INSERT INTO orders (restaurant_id, id, order_number, customer_name, customer_phone, status,
                    payment_method, notes, total_cents, currency, version, created_by,
                    created_at, updated_at, deleted_at)
SELECT {restaurant}, gen_random_uuid(), s.n, 'Guest ' || s.n, '+14155550123', 'received', 'card', NULL,
       m.price_cents, 'USD', 1, '00000000-0000-0000-0000-000000000000', {at}, {at}, NULL
"""
SEED_ORDERS = ORDER_INSERT.format(
    restaurant="r.id", at="now() - make_interval(secs => (%(count)s - s.n))") + """
FROM bench_restaurants r
JOIN LATERAL generate_series(1, %(per)s) AS s(n) ON true
JOIN bench_menu m ON m.restaurant_id = r.id AND m.k = 1
WHERE r.n <= %(restaurants)s
"""
SEED_ITEMS = """
INSERT INTO order_items (restaurant_id, order_id, line_index, id, menu_item_id, name, quantity,
                         unit_price_cents, line_total_cents, special_instructions)
SELECT o.restaurant_id, o.id, 0, gen_random_uuid(), m.id, m.name, 1, m.price_cents, m.price_cents, NULL
FROM orders o JOIN bench_menu m ON m.restaurant_id = o.restaurant_id AND m.k = 1
"""
SEED_EVENTS = """
INSERT INTO order_events (restaurant_id, order_id, version, type, from_status, to_status, actor_id, at)
SELECT restaurant_id, id, 1, 'created', NULL, 'received', created_by, created_at FROM orders
"""

#: Orders ``start``..``stop`` of one restaurant, a second apart (so the newest is the highest number).
GROW_ORDERS = ORDER_INSERT.format(
    restaurant="m.restaurant_id",
    at="timestamptz '2026-01-01 00:00:00+00' + make_interval(secs => s.n)") + """
FROM bench_menu m JOIN LATERAL generate_series(%(start)s::int, %(stop)s::int) AS s(n) ON true
WHERE m.n = %(n)s::int AND m.k = 1
"""
GROW_ITEMS_AND_EVENTS = """
WITH grown AS (
    SELECT o.restaurant_id, o.id, o.created_by, o.created_at FROM orders o
    WHERE o.restaurant_id = (SELECT id FROM bench_restaurants WHERE n = %(n)s)
      AND o.order_number BETWEEN %(start)s::int AND %(stop)s::int
), items AS (
    INSERT INTO order_items (restaurant_id, order_id, line_index, id, menu_item_id, name, quantity,
                             unit_price_cents, line_total_cents, special_instructions)
    SELECT g.restaurant_id, g.id, 0, gen_random_uuid(), m.id, m.name, 1, m.price_cents, m.price_cents, NULL
    FROM grown g JOIN bench_menu m ON m.n = %(n)s AND m.k = 1
)
INSERT INTO order_events (restaurant_id, order_id, version, type, from_status, to_status, actor_id, at)
SELECT restaurant_id, id, 1, 'created', NULL, 'received', created_by, created_at FROM grown
"""

#: The create transaction OrderZap runs, as plain SQL for pgbench (one line item).
PGBENCH_CREATE = r"""
\set r random(1, 50)
\set k random(1, 20)
BEGIN;
SELECT set_config('orderzap.restaurant_id', (SELECT id::text FROM bench_restaurants WHERE n = :r), true);
UPDATE restaurant_counters SET last_order_number = last_order_number + 1
  WHERE restaurant_id = (SELECT id FROM bench_restaurants WHERE n = :r) RETURNING last_order_number;
SELECT id, name, price_cents FROM menu_items
  WHERE restaurant_id = (SELECT id FROM bench_restaurants WHERE n = :r)
    AND id = (SELECT id FROM bench_menu WHERE n = :r AND k = :k) AND deleted_at IS NULL AND is_available;
WITH o AS (
  INSERT INTO orders (restaurant_id, id, order_number, customer_name, customer_phone, status, payment_method,
                      total_cents, currency, version, created_by, created_at, updated_at)
  SELECT id, gen_random_uuid(), (SELECT last_order_number FROM restaurant_counters WHERE restaurant_id = id),
         'Ada', '+14155550123', 'received', 'card', 1150, 'USD', 1,
         '00000000-0000-0000-0000-000000000000', now(), now()
  FROM bench_restaurants WHERE n = :r RETURNING restaurant_id, id
), i AS (
  INSERT INTO order_items (restaurant_id, order_id, line_index, id, menu_item_id, name, quantity,
                           unit_price_cents, line_total_cents)
  SELECT o.restaurant_id, o.id, 0, gen_random_uuid(), m.id, 'Dish', 1, 1150, 1150
  FROM o JOIN bench_menu m ON m.n = :r AND m.k = :k RETURNING order_id
), e AS (
  INSERT INTO order_events (restaurant_id, order_id, version, type, to_status, actor_id, at)
  SELECT restaurant_id, id, 1, 'created', 'received', '00000000-0000-0000-0000-000000000000', now() FROM o
)
INSERT INTO outbox (restaurant_id, order_id, version, snapshot)
  SELECT restaurant_id, id, 1, '{"id": "x", "items": []}'::jsonb FROM o;
COMMIT;
"""

#: The read of one order with its items.
PGBENCH_READ = r"""
\set n random(1, :orders)
BEGIN;
SELECT set_config('orderzap.restaurant_id',
                  (SELECT restaurant_id::text FROM bench_orders WHERE n = :n), true);
SELECT o.*, (SELECT json_agg(i ORDER BY line_index) FROM order_items i
             WHERE i.restaurant_id = o.restaurant_id AND i.order_id = o.id) AS items
  FROM orders o WHERE (o.restaurant_id, o.id) = (SELECT restaurant_id, id FROM bench_orders WHERE n = :n)
    AND o.deleted_at IS NULL;
COMMIT;
"""

WRK_LUA = r"""
local tokens = {%(tokens)s}
local dishes = {%(dishes)s}
local orders = {%(orders)s}
local mode = "%(mode)s"
local query = "%(query)s"
math.randomseed(os.time())
request = function()
  local r = math.random(#tokens)
  local headers = {["Authorization"] = "Bearer " .. tokens[r], ["Content-Type"] = "application/json"}
  if mode == "create" then
    local items = {}
    for i = 1, math.random(4) do
      local dish = dishes[r][math.random(#dishes[r])]
      items[i] = string.format('{"menuItemId":"%%s","quantity":%%d}', dish, math.random(3))
    end
    local body = '{"customerName":"Ada","customerPhone":"+14155550123","paymentMethod":"card","items":[' ..
                 table.concat(items, ",") .. ']}'
    return wrk.format("POST", "/v1/orders", headers, body)
  elseif mode == "get" then
    local pick = orders[math.random(#orders)]
    headers["Authorization"] = "Bearer " .. tokens[pick[1]]
    return wrk.format("GET", "/v1/orders/" .. pick[2], headers)
  else
    return wrk.format("GET", "/v1/orders?limit=50" .. query, headers)
  end
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), summary.errors.status, summary.errors.connect +
    summary.errors.read + summary.errors.write, summary.errors.timeout))
end
"""


def seed(owner_url: str, app: PgDatabase, orders: int) -> list[tuple[int, Any, list[Any], Any]]:
    """Restaurants (the 50 and the one grown later), menus and admins through the services; orders
    in bulk SQL. Tokens and dishes."""
    oz = services(app, hasher=PlainHasher())
    made = []
    for n in range(1, BIG + 1):
        restaurant = oz.accounts.create_restaurant(NewRestaurant(f"Bench {n}", f"bench-{n}"))
        operator = oz.accounts.operator(restaurant.slug)
        dishes = [oz.menu.create(operator, NewMenuItem(f"Dish {k}", 500 + 25 * k))
                  for k in range(1, DISHES + 1)]
        admin = oz.accounts.create_user(operator, NewUser(f"admin@bench-{n}.test", Role.ADMIN,
                                                          "bench password"))
        made.append((n, restaurant, dishes, admin))
    with psycopg.connect(owner_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_restaurants (n int PRIMARY KEY, id uuid NOT NULL)")
        conn.execute("CREATE TABLE bench_menu (n int, k int, restaurant_id uuid, id uuid, name text, "
                     "price_cents int, PRIMARY KEY (n, k))")
        for n, restaurant, dishes, _ in made:
            conn.execute("INSERT INTO bench_restaurants VALUES (%s, %s)", (n, restaurant.id))
            for k, dish in enumerate(dishes, 1):
                conn.execute("INSERT INTO bench_menu VALUES (%s, %s, %s, %s, %s, %s)",
                             (n, k, restaurant.id, dish.id, dish.name, dish.price_cents))
        per = max(1, orders // RESTAURANTS)
        conn.execute(SEED_ORDERS, {"count": per, "per": per, "restaurants": RESTAURANTS})
        conn.execute(SEED_ITEMS)
        conn.execute(SEED_EVENTS)
        conn.execute("UPDATE restaurant_counters c SET last_order_number = %s", (per,))
        conn.execute("CREATE TABLE bench_orders AS "
                     "SELECT row_number() OVER () AS n, restaurant_id, id FROM orders")
        conn.execute("CREATE UNIQUE INDEX ON bench_orders (n)")
        conn.execute("ANALYZE")
    return made


def grow(owner_url: str, have: int, size: int) -> tuple[datetime, Any]:
    """Give the big restaurant orders ``have + 1``..``size`` (items and events too); the sort key
    of its middle order, for a cursor deep into the keyset."""
    with psycopg.connect(owner_url, autocommit=True) as conn:
        step = 200_000          # in slices, so one statement never holds a million rows in memory
        for start in range(have + 1, size + 1, step):
            bounds = {"n": BIG, "start": start, "stop": min(size, start + step - 1)}
            conn.execute(GROW_ORDERS, bounds)
            conn.execute(GROW_ITEMS_AND_EVENTS, bounds)
        conn.execute("UPDATE restaurant_counters SET last_order_number = %s "
                     "WHERE restaurant_id = (SELECT id FROM bench_restaurants WHERE n = %s)", (size, BIG))
        conn.execute("ANALYZE orders")
        conn.execute("ANALYZE order_items")
        middle = conn.execute("SELECT created_at, id FROM orders WHERE order_number = %s AND restaurant_id = "
                              "(SELECT id FROM bench_restaurants WHERE n = %s)", (size // 2, BIG)).fetchone()
    assert middle is not None
    return middle[0], middle[1]


def worker_memory(server: Server) -> list[float]:
    """RSS in MiB of each worker of ``server`` (the children of its master process)."""
    return sorted(round(child.memory_info().rss / 2**20, 1)
                  for child in psutil.Process(server.process.pid).children())


def wrk(url: str, script: Path, connections: int, seconds: int) -> dict[str, float]:
    done = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
                           url],
                          capture_output=True, text=True, check=True)
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", done.stdout)
    assert match is not None, done.stdout + done.stderr
    requests, micros, p50, p99, status_errors, socket_errors, timeouts = map(int, match.groups())
    return {"rps": requests / (micros / 1e6), "p50_ms": p50 / 1000, "p99_ms": p99 / 1000,
            "errors": status_errors + socket_errors + timeouts}


def pgbench(binary: Path, owner_url: str, script: str, connections: int, seconds: int,
            variables: dict[str, int]) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix="orderzap-pgbench-"))
    script_path = work / "tx.sql"
    script_path.write_text(script)
    info = psycopg.conninfo.conninfo_to_dict(owner_url)
    env = {**os.environ, "PGHOST": str(info.get("host", "")), "PGPORT": str(info.get("port", "5432")),
           "PGUSER": str(info.get("user", "postgres")), "PGDATABASE": str(info.get("dbname", "postgres"))}
    if info.get("password"):
        env["PGPASSWORD"] = str(info["password"])
    defines = [arg for k, v in variables.items() for arg in ("-D", f"{k}={v}")]
    done = subprocess.run([str(binary), "-n", "-M", "prepared", "-c", str(connections), "-j", "2",
                           "-T", str(seconds), *defines, "-f", str(script_path),
                           "-l", f"--log-prefix={work / 'log'}"],
                          capture_output=True, text=True, env=env, cwd=work)
    tps = re.search(r"tps = ([\d.]+)", done.stdout)
    latencies = sorted(_logged_latencies(work))
    shutil.rmtree(work, ignore_errors=True)
    assert tps is not None, done.stdout + done.stderr
    failed = re.search(r"number of failed transactions: (\d+)", done.stdout)
    return {"rps": float(tps.group(1)), "p50_ms": _quantile(latencies, 0.5),
            "p99_ms": _quantile(latencies, 0.99),
            "errors": int(failed.group(1)) if failed else 0}


def _logged_latencies(work: Path) -> list[float]:
    """Transaction latencies in ms from pgbench's per-transaction logs (third column: µs)."""
    values = []
    for log in work.glob("log.*"):
        for line in log.read_text().splitlines():
            parts = line.split()
            if len(parts) >= 3:
                values.append(int(parts[2]) / 1000)
    return values


def _quantile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def write_script(path: Path, mode: str, tokens: list[str], dishes: list[list[str]],
                 orders: list[tuple[int, Any]], query: str = "") -> Path:
    """A wrk script for ``mode`` (create, get, list) over these tokens, dishes and orders."""
    path.write_text(WRK_LUA % {
        "tokens": ",".join(f'"{t}"' for t in tokens),
        "dishes": ",".join("{" + ",".join(f'"{d}"' for d in ds) + "}" for ds in dishes),
        "orders": ",".join(f'{{{n},"{i}"}}' for n, i in orders), "mode": mode, "query": query})
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--workers", type=int, default=attrs.fields(Settings).workers.default,
                        help="orderzap serve --workers (default: serve's own)")
    parser.add_argument("--threads", type=int, default=attrs.fields(Settings).threads.default,
                        help="orderzap serve --threads (default: serve's own)")
    parser.add_argument("--list-sizes", default="10000,100000,1000000",
                        help="orders of the one restaurant whose list is measured at each size")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.list_sizes.split(",") if size.strip())
    if shutil.which("wrk") is None:
        raise SystemExit("bench.http needs wrk: apt install wrk")
    machine = {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(),
               "memory_gib": round(psutil.virtual_memory().total / 2**30, 1)}
    print(f"machine: {machine}", flush=True)
    top = Path(tempfile.mkdtemp(prefix="orderzap-bench-http-"))
    data_dir = top / "data"
    embedded = start_embedded(data_dir)
    results: dict[str, Any] = {"machine": machine, "orders": args.orders, "connections": args.connections,
                               "seconds": args.seconds, "at": datetime.now(UTC).isoformat()}
    server = None
    try:
        app = PgDatabase.open(PgConfig(embedded.owner_url, app_url=embedded.app_url,
                                       relay_url=embedded.relay_url))
        made = seed(embedded.owner_url, app, args.orders)
        app.close()
        settings = Settings.from_env({"ORDERZAP_DATA_DIR": str(data_dir)})
        tokens = TokenService(settings)
        token_list = [tokens.issue(admin, restaurant).token for _, restaurant, _, admin in made]
        dishes = [[str(d.id) for d in dish_list] for _, _, dish_list, _ in made]
        with psycopg.connect(embedded.owner_url) as conn:
            sample = conn.execute("SELECT r.n, o.id FROM bench_orders o JOIN bench_restaurants r "
                                  "ON r.id = o.restaurant_id ORDER BY random() LIMIT 5000").fetchall()
        server = Server(data_dir, top / "serve.log", "--workers", str(args.workers),
                        "--threads", str(args.threads))
        results["serve"] = {"workers": args.workers, "threads": args.threads}
        the_50 = token_list[:RESTAURANTS], dishes[:RESTAURANTS]
        runs = {
            "create": write_script(top / "create.lua", "create", *the_50, sample),
            "create_one_restaurant": write_script(top / "create1.lua", "create", token_list[:1],
                                                  dishes[:1], sample),
            "get": write_script(top / "get.lua", "get", *the_50, sample),
            "list": write_script(top / "list.lua", "list", *the_50, sample),
        }
        for name, script in runs.items():
            print(f"running {name} ...", flush=True)
            wrk(server.url, script, args.connections, args.warmup)
            if "worker_rss_mib_start" not in results:      # every worker has booted and served
                results["worker_rss_mib_start"] = worker_memory(server)
            results[name] = wrk(server.url, script, args.connections, args.seconds)
        have = 0
        for size in sizes:
            print(f"growing one restaurant to {size:,} orders ...", flush=True)
            created_at, middle_id = grow(embedded.owner_url, have, size)
            have = size
            deep = Cursor(Position(created_at, middle_id), Sort.NEWEST_FIRST).encode()
            pages = ((f"list_{size}_first_page", ""), (f"list_{size}_middle_page", f"&cursor={deep}"))
            for name, query in pages:
                script = write_script(top / f"{name}.lua", "list", token_list[BIG - 1:], dishes[BIG - 1:],
                                      sample, query)
                wrk(server.url, script, args.connections, args.warmup)
                results[name] = wrk(server.url, script, args.connections, args.seconds)
        results["worker_rss_mib_end"] = worker_memory(server)
        server.terminate()
        server = None
        binary = Path(shutil.which("pgbench") or "pgbench")
        from pgserver._commands import POSTGRES_BIN_PATH
        if (Path(POSTGRES_BIN_PATH) / "pgbench").exists():
            binary = Path(POSTGRES_BIN_PATH) / "pgbench"
        print("running pgbench ...", flush=True)
        results["pgbench_create"] = pgbench(binary, embedded.owner_url, PGBENCH_CREATE, args.connections,
                                            args.seconds, {})
        results["pgbench_read"] = pgbench(binary, embedded.owner_url, PGBENCH_READ, args.connections,
                                          args.seconds, {"orders": args.orders})
    finally:
        if server is not None:
            server.terminate()
        embedded.stop()
        shutil.rmtree(top, ignore_errors=True)
    report(results)


def report(results: dict[str, Any]) -> None:
    """Print the figures and ratios; write them with the machine to bench/results/."""
    print(f"{'what':<34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for key, r in results.items():
        if isinstance(r, dict) and "rps" in r:
            print(f"{key:<34} {r['rps']:>9.0f} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} {r['errors']:>7}")
    results["ratio_create"] = results["create"]["rps"] / results["pgbench_create"]["rps"]
    results["ratio_get"] = results["get"]["rps"] / results["pgbench_read"]["rps"]
    print(f"create / pgbench create: {results['ratio_create']:.3f} (target 0.5)   "
          f"get / pgbench read: {results['ratio_get']:.3f} (target 0.12)")
    print(f"worker RSS (MiB): {results['worker_rss_mib_start']} at the start, "
          f"{results['worker_rss_mib_end']} after the run")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"http-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {out}")


if __name__ == "__main__":
    random.seed(1)
    main()
