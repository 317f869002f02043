"""The main flows over HTTP against one real ``orderzap serve`` on the embedded PostgreSQL, with the
CLI working on the same data directory at the same time."""

from __future__ import annotations

import secrets
import shlex
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.serving import Api, Server, orderzap

pytestmark = pytest.mark.e2e

PHONE = "+14155550123"
PASSWORD = "long enough password"


@pytest.fixture(scope="module")
def server(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    started = Server(data_dir, tmp_path_factory.mktemp("logs") / "serve.log")
    try:
        yield started
    finally:
        code = started.terminate()
        started.kill_leftovers()
        assert code == 0, started.log()


@pytest.fixture(scope="module")
def restaurant(server: Server) -> dict[str, Any]:
    """A restaurant made with the CLI: its admin (from --email), a staff member and a customer."""
    slug = f"e2e-{secrets.token_hex(4)}"
    made = orderzap(server.data_dir, "restaurant", "create", "--name", "End To End", "--slug", slug,
                    "--email", f"owner@{slug}.test")
    for role, email in (("staff", f"cook@{slug}.test"), ("customer", f"guest@{slug}.test")):
        created = orderzap(server.data_dir, "user", "create", "--restaurant", slug, "--email", email,
                           "--role", role, "--password", PASSWORD)
        assert created["role"] == role
    return {"slug": slug, "id": made["restaurant"]["id"], "admin_email": made["admin"]["user"]["email"],
            "admin_password": made["admin"]["password"]}


@pytest.fixture(scope="module")
def admin(server: Server, restaurant: dict[str, Any]) -> Api:
    return Api(server.url).login(restaurant["slug"], restaurant["admin_email"], restaurant["admin_password"])


@pytest.fixture(scope="module")
def staff(server: Server, restaurant: dict[str, Any]) -> Api:
    return Api(server.url).login(restaurant["slug"], f"cook@{restaurant['slug']}.test", PASSWORD)


@pytest.fixture(scope="module")
def customer(server: Server, restaurant: dict[str, Any]) -> Api:
    return Api(server.url).login(restaurant["slug"], f"guest@{restaurant['slug']}.test", PASSWORD)


@pytest.fixture(scope="module")
def menu(server: Server, admin: Api, restaurant: dict[str, Any]) -> dict[str, str]:
    """Two items added over HTTP by the admin, one with the CLI."""
    pizza = admin.ok("POST", "/v1/menu-items", 201, json={"name": "Margherita", "priceCents": 1150})
    salad = admin.ok("POST", "/v1/menu-items", 201, json={"name": "Caesar Salad", "priceCents": 950})
    drink = orderzap(server.data_dir, "menu", "add", "--restaurant", restaurant["slug"],
                     "--name", "Lemonade", "--price-cents", "350")
    return {"pizza": pizza["id"], "salad": salad["id"], "drink": drink["id"]}


def place(api: Api, menu: dict[str, str], **extra: Any) -> dict[str, Any]:
    body = {"customerName": "Ada", "customerPhone": PHONE, "paymentMethod": "card",
            "items": [{"menuItemId": menu["pizza"], "quantity": 2},
                      {"menuItemId": menu["drink"], "quantity": 1, "specialInstructions": "no ice"}],
            **extra}
    order: dict[str, Any] = api.ok("POST", "/v1/orders", 201, json=body)
    return order


def test_the_printed_token_and_curl_line_place_an_order_that_reaches_completed(server: Server) -> None:
    demo = server.startup["demo"]
    assert demo["created"] is True and demo["restaurantSlug"] == "demo"
    words = shlex.split(demo["curl"].replace("$TOKEN", demo["token"]))
    assert words[0] == "curl"
    url = next(w for w in words if w.startswith("http://"))
    headers = dict(words[i + 1].split(": ", 1) for i, w in enumerate(words) if w == "-H")
    body = words[words.index("-d") + 1]
    api = Api(server.url)
    answer = api.client.post(url, headers=headers, content=body)
    assert answer.status_code == 201, answer.text
    order = answer.json()["data"]
    assert order["totalCents"] == 2 * order["items"][0]["unitPriceCents"]
    with_token = Api(server.url, demo["token"])
    for status in ("preparing", "ready", "completed"):
        order = with_token.ok("PATCH", f"/v1/orders/{order['id']}/status", json={"status": status})
    assert (order["status"], order["version"]) == ("completed", 4)
    # and the printed password logs in
    Api(server.url).login("demo", demo["email"], demo["password"])


def test_health_ready_metrics_and_openapi_are_served(server: Server) -> None:
    api = Api(server.url)
    assert api.request("GET", "/health").json() == {"status": "ok"}
    ready = api.request("GET", "/ready")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"
    assert api.request("GET", "/metrics").status_code == 200
    assert api.request("GET", "/openapi.json").json()["openapi"].startswith("3.1")


def test_logins_made_with_the_cli_work_and_me_names_the_restaurant(
        admin: Api, staff: Api, customer: Api, restaurant: dict[str, Any]) -> None:
    for api, role in ((admin, "admin"), (staff, "staff"), (customer, "customer")):
        me = api.ok("GET", "/v1/me")
        assert me["user"]["role"] == role
        assert me["restaurant"] == {"id": restaurant["id"], "name": "End To End",
                                    "slug": restaurant["slug"], "currency": "USD"}


def test_an_8_kib_or_garbage_token_is_refused_through_the_envelope(server: Server) -> None:
    for token in ("x" * 8192, "garbage", "a.b.c"):
        answer = Api(server.url).request("GET", "/v1/orders", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401, answer.text
        assert answer.json()["error"]["code"] == "UNAUTHENTICATED"


def test_requests_gunicorn_refuses_itself_still_get_the_error_envelope(server: Server) -> None:
    api = Api(server.url)
    long_line = api.request("GET", "/v1/orders?x=" + "a" * 9000)
    many_headers = api.request("GET", "/health", headers={f"X-H{i}": "v" for i in range(120)})
    for answer, status in ((long_line, 414), (many_headers, 431)):
        assert answer.status_code == status
        assert answer.headers["content-type"].startswith("application/json")
        error = answer.json()["error"]
        assert error["code"] == "BAD_REQUEST"
        assert error["requestId"] == answer.headers["x-request-id"]


def test_after_a_413_the_next_request_on_a_new_connection_is_served(
        staff: Api, menu: dict[str, str]) -> None:
    with httpx.Client(base_url=staff.client.base_url, headers=staff.client.headers) as client:
        for _ in range(3):
            refused = client.post("/v1/orders", content=b'{"a": "' + b"x" * 300_000 + b'"}',
                                  headers={"Content-Type": "application/json"})
            assert refused.status_code == 413
            assert refused.headers["connection"] == "close"
            assert client.get("/v1/orders").status_code == 200


def test_a_wrong_password_is_refused(server: Server, restaurant: dict[str, Any]) -> None:
    answer = Api(server.url).request("POST", "/v1/auth/login", json={
        "restaurantSlug": restaurant["slug"], "email": restaurant["admin_email"], "password": "wrong!"})
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "INVALID_CREDENTIALS"


def test_the_menu_built_over_http_and_the_cli_is_one_menu(staff: Api, menu: dict[str, str],
                                                          server: Server, restaurant: dict[str, Any]) -> None:
    names = [item["name"] for item in staff.ok("GET", "/v1/menu-items")]
    assert names == ["Margherita", "Caesar Salad", "Lemonade"]
    listed = orderzap(server.data_dir, "menu", "list", "--restaurant", restaurant["slug"])
    assert [item["id"] for item in listed] == [menu["pizza"], menu["salad"], menu["drink"]]
    refused = staff.request("POST", "/v1/menu-items", json={"name": "Staff special", "priceCents": 1})
    assert refused.status_code == 403


def test_an_order_moves_through_the_kitchen(staff: Api, menu: dict[str, str]) -> None:
    order = place(staff, menu, notes="window seat")
    assert (order["status"], order["version"], order["totalCents"]) == ("received", 1, 2 * 1150 + 350)
    assert order["items"][1]["specialInstructions"] == "no ice"
    path = f"/v1/orders/{order['id']}"
    fetched = staff.request("GET", path)
    assert fetched.headers["ETag"] == '"1"' and fetched.headers["X-Cache"] == "bypass"
    for version, status in enumerate(("preparing", "ready", "completed"), start=1):
        moved = staff.ok("PATCH", f"{path}/status", json={"status": status},
                         headers={"If-Match": f'"{version}"'})
        assert (moved["status"], moved["version"]) == (status, version + 1)
    stale = staff.request("PATCH", f"{path}/status", json={"status": "cancelled"},
                          headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    finished = staff.request("PATCH", f"{path}/status", json={"status": "cancelled"})
    assert finished.status_code == 409 and finished.json()["error"]["code"] == "INVALID_TRANSITION"


def test_a_customer_cancels_its_own_order_and_sees_only_its_own(customer: Api, staff: Api,
                                                                 menu: dict[str, str]) -> None:
    mine = place(customer, menu)
    theirs = place(staff, menu)
    assert customer.request("GET", f"/v1/orders/{theirs['id']}").status_code == 404
    listed = {o["id"] for o in customer.ok("GET", "/v1/orders", params={"limit": 200})}
    assert mine["id"] in listed and theirs["id"] not in listed
    cancelled = customer.ok("PATCH", f"/v1/orders/{mine['id']}/status",
                            json={"status": "cancelled", "reason": "changed my mind"})
    assert cancelled["status"] == "cancelled"
    started = staff.ok("PATCH", f"/v1/orders/{theirs['id']}/status", json={"status": "preparing"})
    assert started["status"] == "preparing"


def test_an_admin_deletes_and_restores_an_order(admin: Api, staff: Api, menu: dict[str, str]) -> None:
    order = place(staff, menu)
    path = f"/v1/orders/{order['id']}"
    assert staff.request("DELETE", path).status_code == 403
    deleted = admin.ok("DELETE", path)
    assert deleted["deletedAt"] is not None and deleted["version"] == 2
    assert staff.request("GET", path).status_code == 404
    assert admin.request("DELETE", path).status_code == 404
    assert admin.ok("GET", path, params={"includeDeleted": "true"})["id"] == order["id"]
    restored = admin.ok("POST", f"{path}/restore")
    assert restored["deletedAt"] is None and restored["version"] == 3
    assert staff.ok("GET", path)["version"] == 3
    assert admin.request("POST", f"{path}/restore").status_code == 409
    events = admin.ok("GET", f"{path}/events")
    assert [(e["version"], e["type"]) for e in events] == [(1, "created"), (2, "deleted"), (3, "restored")]


def test_an_orders_events_tell_its_history(staff: Api, menu: dict[str, str]) -> None:
    order = place(staff, menu)
    path = f"/v1/orders/{order['id']}"
    staff.ok("PATCH", path, json={"customerName": "Ada L."})
    staff.ok("PATCH", f"{path}/status", json={"status": "preparing"})
    staff.ok("PATCH", f"{path}/status", json={"status": "cancelled", "reason": "out of dough"})
    events = staff.ok("GET", f"{path}/events")
    assert [(e["version"], e["type"], e["fromStatus"], e["toStatus"]) for e in events] == [
        (1, "created", None, "received"), (2, "updated", "received", "received"),
        (3, "status_changed", "received", "preparing"), (4, "status_changed", "preparing", "cancelled")]
    me = staff.ok("GET", "/v1/me")["user"]["id"]
    assert {e["actorId"] for e in events} == {me}


def test_a_cursor_walk_returns_every_order_exactly_once(server: Server, menu: dict[str, str]) -> None:
    slug = f"walk-{secrets.token_hex(4)}"
    made = orderzap(server.data_dir, "restaurant", "create", "--name", "Walk", "--slug", slug,
                    "--email", f"owner@{slug}.test")
    api = Api(server.url).login(slug, f"owner@{slug}.test", made["admin"]["password"])
    item = api.ok("POST", "/v1/menu-items", 201, json={"name": "Dish", "priceCents": 500})
    placed = [api.ok("POST", "/v1/orders", 201, json={
        "customerName": f"Guest {n}", "customerPhone": PHONE, "paymentMethod": "cash",
        "items": [{"menuItemId": item["id"], "quantity": 1}]})["id"] for n in range(7)]
    for sort in ("-createdAt", "createdAt"):
        seen: list[str] = []
        cursor = None
        while True:
            params = {"limit": 3, "sort": sort, **({"cursor": cursor} if cursor else {})}
            answer = api.request("GET", "/v1/orders", params=params)
            assert answer.status_code == 200, answer.text
            body = answer.json()
            seen += [o["id"] for o in body["data"]]
            cursor = body["page"]["nextCursor"]
            if cursor is None:
                break
        assert seen == (placed[::-1] if sort == "-createdAt" else placed)
    numbers = sorted(o["orderNumber"] for o in api.ok("GET", "/v1/orders", params={"limit": 200}))
    assert numbers == list(range(1, 8))


def test_the_cli_works_on_the_running_servers_orders(server: Server, staff: Api, menu: dict[str, str],
                                                     restaurant: dict[str, Any]) -> None:
    order = place(staff, menu)
    slug = restaurant["slug"]
    moved = orderzap(server.data_dir, "orders", "advance", order["id"], "--restaurant", slug,
                     "--to", "preparing")
    assert moved["status"] == "preparing"
    assert staff.ok("GET", f"/v1/orders/{order['id']}")["status"] == "preparing"
    shown = orderzap(server.data_dir, "orders", "show", order["id"], "--restaurant", slug)
    assert shown["version"] == 2
    listed = orderzap(server.data_dir, "orders", "list", "--restaurant", slug, "--status", "preparing")
    assert order["id"] in [o["id"] for o in listed]
    refused = orderzap(server.data_dir, "orders", "advance", order["id"], "--restaurant", slug,
                       "--to", "received", check=False)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.strip().splitlines() == [
        "Error: an order cannot move from preparing to received [INVALID_TRANSITION]"]


def test_a_token_issued_by_the_cli_is_accepted_by_the_server(server: Server,
                                                             restaurant: dict[str, Any]) -> None:
    issued = orderzap(server.data_dir, "token", "issue", "--restaurant", restaurant["slug"],
                      "--email", f"cook@{restaurant['slug']}.test", "--expires-in", "1h")
    me = Api(server.url, issued["token"]).ok("GET", "/v1/me")
    assert me["user"]["email"] == f"cook@{restaurant['slug']}.test"


def test_a_replayed_idempotency_key_returns_the_first_order(staff: Api, menu: dict[str, str]) -> None:
    key = {"Idempotency-Key": f"e2e-{secrets.token_hex(8)}"}
    body = {"customerName": "Ada", "customerPhone": PHONE, "paymentMethod": "online",
            "items": [{"menuItemId": menu["salad"], "quantity": 1}]}
    first = staff.request("POST", "/v1/orders", json=body, headers=key)
    again = staff.request("POST", "/v1/orders", json=body, headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["data"]["id"] == first.json()["data"]["id"]
    assert again.headers["Idempotent-Replayed"] == "true"


def test_the_relay_in_the_server_drains_the_outbox(server: Server, staff: Api, menu: dict[str, str]) -> None:
    place(staff, menu)
    api = Api(server.url)
    deadline = time.monotonic() + 60          # bounds the wait for the relay thread; not an assertion
    pending = None
    while time.monotonic() < deadline:
        pending = api.request("GET", "/ready").json()["outbox"]["pending"]
        if pending == 0:
            break
        time.sleep(0.2)
    assert pending == 0


def test_user_create_without_a_password_or_terminal_fails_at_once(server: Server,
                                                                  restaurant: dict[str, Any]) -> None:
    done = orderzap(server.data_dir, "user", "create", "--restaurant", restaurant["slug"],
                    "--email", f"nopass@{restaurant['slug']}.test", "--role", "staff", check=False)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "Error: no password given and no terminal to prompt in: pass --password or --password-stdin"]


def test_created_after_and_before_are_exclusive_at_the_times_clients_see(
        staff: Api, menu: dict[str, str]) -> None:
    order = place(staff, menu)
    after = staff.ok("GET", "/v1/orders", params={"createdAfter": order["createdAt"], "limit": 200})
    before = staff.ok("GET", "/v1/orders", params={"createdBefore": order["createdAt"], "limit": 200})
    assert order["id"] not in {o["id"] for o in after}
    assert order["id"] not in {o["id"] for o in before}
