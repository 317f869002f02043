"""The parts of ``orderzap serve`` that need no server: the demo's first start, the banner, the
background loops, the port check and the lazy WSGI entry. The real process runs in tests/e2e."""

from __future__ import annotations

import json
import shlex
import socket
import stat
import threading
from pathlib import Path
from typing import Any

import pytest

from orderzap_adapters import memory
from orderzap_core import (
    Login,
    NewMenuItem,
    NewRestaurant,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    PlaceOrder,
    Services,
    StatusChange,
)
from orderzap_core.wire import Wire
from orderzap_http.bootstrap import Runtime, StartupError
from orderzap_http.cli.serve import (
    DEMO_LOGIN_FILE,
    DEMO_SLUG,
    base_url,
    ensure_demo,
    startup_document,
    startup_text,
)
from orderzap_http.server import Loop, WorkerState, background_loops, bind_address, check_port
from orderzap_http.settings import Settings
from orderzap_http.tokens import TokenService
from orderzap_http.wsgi import LazyApp


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, jwt_secret="demo-secret-" + "d" * 32, demo=True)


def test_the_first_start_creates_the_demo_and_a_token_that_can_order(settings: Settings) -> None:
    oz = memory.services()
    demo = ensure_demo(oz, settings)
    assert demo is not None and demo.created
    assert demo.restaurant.slug == DEMO_SLUG and demo.password is not None
    oz.accounts.authenticate(Login(DEMO_SLUG, demo.admin.email, demo.password))
    principal = TokenService(settings).verify(demo.token)
    assert principal.user_id == demo.admin.id
    assert demo.menu_item is not None and demo.menu_item.is_available
    # the curl line's body is an order the API accepts, and the admin can complete it
    document = startup_document(settings, demo)["demo"]
    body = json.loads(shlex.split(document["curl"])[-1])
    order = oz.orders.place(principal, Wire().parse(body, PlaceOrder)).order
    for status in (OrderStatus.PREPARING, OrderStatus.READY, OrderStatus.COMPLETED):
        order = oz.orders.change_status(principal, order.id, StatusChange(status))
    assert order.status is OrderStatus.COMPLETED


def test_a_restart_reuses_the_demo_and_prints_its_login_again(settings: Settings) -> None:
    oz = memory.services()
    first = ensure_demo(oz, settings)
    again = ensure_demo(oz, settings)
    assert first is not None and again is not None
    assert not again.created
    assert (again.restaurant.id, again.admin.id, again.password) == (
        first.restaurant.id, first.admin.id, first.password)
    assert [r.slug for r in oz.accounts.list_restaurants()] == [DEMO_SLUG]
    saved = settings.resolved_data_dir / DEMO_LOGIN_FILE
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600


def test_without_the_saved_login_a_restart_still_issues_a_token(settings: Settings) -> None:
    oz = memory.services()
    ensure_demo(oz, settings)
    (settings.resolved_data_dir / DEMO_LOGIN_FILE).unlink()
    again = ensure_demo(oz, settings)
    assert again is not None and again.password is None
    assert "Admin login: admin@demo.test\n" in startup_text(settings, again) + "\n"


def test_a_demo_slug_taken_by_someone_else_is_left_alone(settings: Settings) -> None:
    oz = memory.services()
    oz.accounts.create_restaurant(NewRestaurant("Not ours", DEMO_SLUG))
    assert ensure_demo(oz, settings) is None
    assert "has no demo admin" in startup_text(settings, None)


def test_the_banner_gives_the_url_the_login_the_token_and_one_curl_line(settings: Settings) -> None:
    demo = ensure_demo(memory.services(), settings)
    assert demo is not None
    text = startup_text(settings, demo)
    assert "http://127.0.0.1:3001" in text
    assert f"Admin login: {demo.admin.email} / {demo.password}" in text
    assert f"export TOKEN={demo.token}" in text
    curl_lines = [line for line in text.splitlines() if line.strip().startswith("curl ")]
    assert len(curl_lines) == 1 and "$TOKEN" in curl_lines[0]


def test_a_real_database_has_no_demo_in_the_banner() -> None:
    settings = Settings(database_url="postgresql://x/y", jwt_secret="s" * 32)
    assert startup_document(settings, None)["demo"] is None
    assert "PostgreSQL at DATABASE_URL" in startup_text(settings, None)


@pytest.mark.parametrize(("host", "url"), [
    ("127.0.0.1", "http://127.0.0.1:3001"), ("0.0.0.0", "http://127.0.0.1:3001"),
    ("::", "http://[::1]:3001"), ("example.test", "http://example.test:3001"),
])
def test_the_printed_url_is_reachable_locally(host: str, url: str) -> None:
    assert base_url(Settings(host=host)) == url


def test_ipv6_binds_are_bracketed() -> None:
    assert bind_address("::1", 80) == "[::1]:80"
    assert bind_address("127.0.0.1", 80) == "127.0.0.1:80"


def test_a_busy_port_is_one_clear_line() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(StartupError, match=f"cannot listen on 127.0.0.1:{port}"):
            check_port("127.0.0.1", port)


def test_a_background_loop_survives_a_failing_step_and_stops_when_asked() -> None:
    calls: list[int] = []
    reached = threading.Event()

    def step() -> float:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("one bad step")
        if len(calls) >= 3:
            reached.set()
        return 0.0

    loop = Loop("test-loop", step)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("orderzap_http.server.ERROR_PAUSE", 0.0)
        loop.start()
        assert reached.wait(30)
        assert loop.stop(30)
    assert len(calls) >= 3


def test_a_woken_loop_steps_at_once_instead_of_finishing_its_wait() -> None:
    steps: list[int] = []
    second = threading.Event()

    def step() -> float:
        steps.append(1)
        if len(steps) == 2:
            second.set()
        return 3600.0                          # far longer than the test waits below

    loop = Loop("test-loop", step)
    loop.start()
    for _ in range(3000):                      # until the first step ran; not a timing assertion
        if steps:
            break
        threading.Event().wait(0.01)
    loop.wake()
    assert second.wait(30), "the wake-up did not cut the hour-long wait short"
    assert loop.stop(30)


def test_wakes_during_the_gathering_pause_join_the_next_step(monkeypatch: pytest.MonkeyPatch) -> None:
    steps: list[int] = []
    settled = threading.Event()
    loop: Loop

    def step() -> float:
        steps.append(1)
        if len(steps) == 2:
            settled.set()
        return 3600.0

    def gathering(seconds: float) -> None:
        for _ in range(5):                     # five more commits arrive while the relay gathers
            loop.wake()

    monkeypatch.setattr("orderzap_http.server.time.sleep", gathering)
    loop = Loop("test-loop", step, gather=0.01)
    loop.start()
    for _ in range(3000):
        if steps:
            break
        threading.Event().wait(0.01)
    loop.wake()
    assert settled.wait(30)
    assert loop.stop(30)
    assert len(steps) == 2, "the five wakes during the pause made steps of their own"


class ClosableDatabase:
    closed = False
    on_outbox: Any = None

    def close(self) -> None:
        self.closed = True


def a_runtime(oz: Services) -> tuple[Runtime, ClosableDatabase]:
    database = ClosableDatabase()
    return Runtime(Settings(jwt_secret="s" * 32), oz, database), database  # type: ignore[arg-type]


def test_a_worker_runs_the_relay_and_closes_its_pools_on_stop() -> None:
    oz = memory.services()
    oz.accounts.create_restaurant(NewRestaurant("R", "relay-r"))
    operator = oz.accounts.operator("relay-r")
    item = oz.menu.create(operator, NewMenuItem("Dish", 100))
    oz.orders.place(operator, PlaceOrder("Ada", "+14155550123", PaymentMethod.CASH, (OrderLine(item.id, 1),)))
    assert oz.outbox.stats(oz.clock.now()).pending == 1
    runtime, database = a_runtime(oz)
    state = WorkerState(runtime, background_loops(runtime, relay=True))
    for loop in state.loops:
        loop.start()
    for _ in range(3000):                     # waits for the relay thread; not a timing assertion
        if oz.outbox.stats(oz.clock.now()).pending == 0:
            break
        threading.Event().wait(0.01)
    state.stop(30)
    assert oz.outbox.stats(oz.clock.now()).pending == 0
    assert database.closed


def test_the_relay_loop_is_woken_by_the_commits_of_its_own_process() -> None:
    runtime, database = a_runtime(memory.services())
    [relay] = [loop for loop in background_loops(runtime, relay=True) if loop.name == "orderzap-relay"]
    assert database.on_outbox == relay.wake


def test_no_relay_means_no_relay_loop() -> None:
    runtime, _ = a_runtime(memory.services())
    names = {loop.name for loop in background_loops(runtime, relay=False)}
    assert "orderzap-relay" not in names and "orderzap-repairs" in names
    assert "orderzap-relay" in {loop.name for loop in background_loops(runtime, relay=True)}


def test_the_wsgi_entry_builds_once_on_first_use() -> None:
    built: list[int] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [])
        return [b"ok"]

    def build() -> Any:
        built.append(1)
        return app

    lazy = LazyApp(build)
    assert built == []
    assert lazy({}, lambda *a: None) == [b"ok"]
    assert lazy({}, lambda *a: None) == [b"ok"]
    assert built == [1]
