"""The ``orderzap`` command line on the in-memory fakes (CliRunner with ``obj=``)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import click
import jwt
import pytest
from attrs import evolve
from click.testing import CliRunner, Result

from orderzap_adapters import memory
from orderzap_core import (
    Login,
    NewMenuItem,
    NewRestaurant,
    NotFound,
    OrderLine,
    PaymentMethod,
    PlaceOrder,
    Services,
)
from orderzap_http.bootstrap import StartupError
from orderzap_http.cli import Cli, main
from orderzap_http.settings import Settings
from orderzap_http.tokens import TokenService

SECRET = "test-secret-" + "x" * 40


@pytest.fixture
def oz() -> Services:
    return memory.services()


@pytest.fixture
def settings() -> Settings:
    return Settings(jwt_secret=SECRET)


@pytest.fixture
def slug(oz: Services) -> str:
    made = f"r-{secrets.token_hex(4)}"
    oz.accounts.create_restaurant(NewRestaurant("Trattoria", made, "EUR"))
    return made


class Run:
    """Invokes the CLI on one set of services."""

    def __init__(self, services: Services, settings: Settings) -> None:
        self.services = services
        self.settings = settings

    def __call__(self, *args: str, stdin: str | None = None, interactive: bool = False) -> Result:
        cli = Cli.on(self.services, self.settings, interactive=interactive)
        return CliRunner().invoke(main, list(args), obj=cli, input=stdin)

    def json(self, *args: str) -> Any:
        result = self(*args, "--json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def run(oz: Services, settings: Settings) -> Run:
    return Run(oz, settings)


def fails_with_one_line(result: Result, code: int = 1) -> str:
    assert result.exit_code == code
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def an_order(oz: Services, slug: str) -> Any:
    operator = oz.accounts.operator(slug)
    item = oz.menu.create(operator, NewMenuItem("Margherita", 1150))
    return oz.orders.place(operator, PlaceOrder("Ada", "+14155550123", PaymentMethod.CARD,
                                                (OrderLine(item.id, 2),))).order


def every_command(group: click.Group = main, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from every_command(command, (*path, name))
        else:
            yield (*path, name)


# --- the group: help, errors, --debug --------------------------------------------------------


@pytest.mark.parametrize("command", [(), *every_command()], ids=lambda c: " ".join(c) or "orderzap")
def test_help_reads_no_settings_and_opens_no_database(command: tuple[str, ...]) -> None:
    broken = Cli(environ={"DATABASE_URL": "postgresql://nowhere.invalid/x", "JWT_SECRET": "short"})
    result = CliRunner().invoke(main, [*command, "--help"], obj=broken)
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout


def test_the_commands_of_api_md_exist() -> None:
    assert set(every_command()) == {
        ("serve",), ("db", "migrate"), ("db", "status"), ("restaurant", "create"),
        ("restaurant", "list"), ("user", "create"), ("token", "issue"), ("menu", "add"),
        ("menu", "list"), ("orders", "list"), ("orders", "show"), ("orders", "advance"), ("demo",),
        ("sync", "run"), ("sync", "status"), ("sync", "retry"), ("cache", "verify"),
        ("realtime", "jwks")}


def test_a_bad_setting_is_one_line_before_any_database_is_opened() -> None:
    cli = Cli(environ={"DATABASE_URL": "postgresql://nowhere.invalid/x", "JWT_SECRET": "short"})
    result = CliRunner().invoke(main, ["restaurant", "list"], obj=cli)
    assert "JWT_SECRET must be at least 32 bytes" in fails_with_one_line(result)


def test_a_core_error_is_one_line_with_its_code(run: Run) -> None:
    line = fails_with_one_line(run("menu", "list", "--restaurant", "no-such-place"))
    assert line == "Error: restaurant not found [NOT_FOUND]"


def test_debug_shows_the_real_error_instead(oz: Services, settings: Settings) -> None:
    result = CliRunner().invoke(main, ["--debug", "menu", "list", "--restaurant", "no-such-place"],
                                obj=Cli.on(oz, settings))
    assert result.exit_code == 1
    assert isinstance(result.exception, NotFound)


class Exploding:
    def list_restaurants(self) -> None:
        raise RuntimeError("the disk is on fire\nsecond line")


def test_an_unexpected_error_is_one_line_pointing_at_debug(oz: Services, settings: Settings) -> None:
    broken = evolve(oz, accounts=Exploding())
    result = CliRunner().invoke(main, ["restaurant", "list"], obj=Cli.on(broken, settings))
    line = fails_with_one_line(result)
    assert line == ("Error: unexpected RuntimeError: the disk is on fire "
                    "(run with --debug for the stack trace)")


@pytest.mark.parametrize("args", [
    ("user", "create", "--restaurant", "x", "--email", "a@b.test", "--role", "chef"),
    ("orders", "list", "--restaurant", "x", "--limit", "500"),
    ("menu", "add"),
    ("no-such-command",),
    ("--no-such-option",),
], ids=" ".join)
def test_a_usage_error_exits_2_with_one_line_naming_the_help_to_read(run: Run, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: ") and line.endswith("--help')")


# --- restaurant -----------------------------------------------------------------------------


def test_restaurant_create_prints_the_restaurant(run: Run) -> None:
    made = f"r-{secrets.token_hex(4)}"
    result = run("restaurant", "create", "--name", "Chez Ada", "--slug", made)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Created restaurant Chez Ada ({made}, USD) id ")
    assert run.services.accounts.restaurant(made).name == "Chez Ada"


def test_restaurant_create_with_an_email_makes_an_admin_whose_password_is_printed_once(run: Run) -> None:
    made = f"r-{secrets.token_hex(4)}"
    document = run.json("restaurant", "create", "--name", "Chez Ada", "--slug", made,
                        "--email", "Owner@Example.test", "--currency", "eur")
    assert document["restaurant"]["slug"] == made
    assert document["restaurant"]["currency"] == "EUR"
    admin = document["admin"]
    assert admin["user"]["email"] == "owner@example.test"
    assert admin["user"]["role"] == "admin"
    user, _ = run.services.accounts.authenticate(Login(made, "owner@example.test", admin["password"]))
    assert str(user.id) == admin["user"]["id"]


def test_restaurant_create_with_a_bad_email_creates_nothing(run: Run) -> None:
    made = f"r-{secrets.token_hex(4)}"
    line = fails_with_one_line(run("restaurant", "create", "--name", "X", "--slug", made,
                                   "--email", "not-an-email"))
    assert line == "Error: email must be a valid email address [VALIDATION_ERROR]"
    assert run.services.directory.restaurant_id_for_slug(made) is None


def test_restaurant_create_names_every_bad_option(run: Run) -> None:
    line = fails_with_one_line(run("restaurant", "create", "--name", " ", "--slug", "Bad Slug",
                                   "--currency", "XXQ"))
    assert line.startswith("Error: name ")
    assert "; slug must be" in line and "; currency must be" in line


def test_restaurant_list_shows_every_restaurant(run: Run, slug: str) -> None:
    listed = run.json("restaurant", "list")
    assert slug in [r["slug"] for r in listed]
    assert set(listed[0]) == {"id", "name", "slug", "currency", "createdAt"}
    assert slug in run("restaurant", "list").stdout


# --- user -----------------------------------------------------------------------------------


def test_user_create_with_a_password_never_prints_the_hash(run: Run, slug: str) -> None:
    result = run("user", "create", "--restaurant", slug, "--email", "cook@x.test", "--role", "staff",
                 "--password", "correct horse", "--json")
    assert result.exit_code == 0
    created = json.loads(result.stdout)
    assert set(created) == {"id", "email", "role", "restaurantId"}
    assert "hash" not in result.stdout.lower() and "correct horse" not in result.stdout
    run.services.accounts.authenticate(Login(slug, "cook@x.test", "correct horse"))


def test_user_create_prompts_for_the_password_in_a_terminal(run: Run, slug: str) -> None:
    result = run("user", "create", "--restaurant", slug, "--email", "cook@x.test", "--role", "admin",
                 "--json", stdin="long enough\nlong enough\n", interactive=True)
    assert result.exit_code == 0, result.stderr
    assert "Password" in result.stderr
    assert json.loads(result.stdout)["role"] == "admin"
    run.services.accounts.authenticate(Login(slug, "cook@x.test", "long enough"))


def test_user_create_without_a_terminal_fails_at_once_instead_of_waiting(run: Run, slug: str) -> None:
    line = fails_with_one_line(run("user", "create", "--restaurant", slug, "--email", "c@x.test",
                                   "--role", "staff"))
    assert "pass --password or --password-stdin" in line
    with pytest.raises(NotFound):
        run.services.accounts.user_by_email(slug, "c@x.test")


def test_user_create_reads_the_password_from_stdin_when_asked(run: Run, slug: str) -> None:
    result = run("user", "create", "--restaurant", slug, "--email", "c@x.test", "--role", "customer",
                 "--password-stdin", stdin="from a pipe\n")
    assert result.exit_code == 0, result.stderr
    run.services.accounts.authenticate(Login(slug, "c@x.test", "from a pipe"))


def test_user_create_refuses_a_short_password_in_one_line(run: Run, slug: str) -> None:
    line = fails_with_one_line(run("user", "create", "--restaurant", slug, "--email", "c@x.test",
                                   "--role", "staff", "--password", "short"))
    assert line.startswith("Error: password must be between 8 and")


def test_user_create_refuses_a_duplicate_email(run: Run, slug: str) -> None:
    args = ("user", "create", "--restaurant", slug, "--email", "c@x.test", "--role", "staff",
            "--password", "long enough")
    assert run(*args).exit_code == 0
    assert "is already a user" in fails_with_one_line(run(*args))


# --- token ----------------------------------------------------------------------------------


@pytest.fixture
def cook(run: Run, slug: str) -> str:
    assert run("user", "create", "--restaurant", slug, "--email", "cook@x.test", "--role", "staff",
               "--password", "long enough").exit_code == 0
    return "cook@x.test"


def test_token_issue_prints_only_a_token_the_server_accepts(run: Run, slug: str, cook: str) -> None:
    result = run("token", "issue", "--restaurant", slug, "--email", cook)
    assert result.exit_code == 0
    token = result.stdout.strip()
    assert "\n" not in token
    principal = TokenService(run.settings).verify(token)
    user, restaurant = run.services.accounts.user_by_email(slug, cook)
    assert (principal.user_id, principal.restaurant_id, principal.role) == (user.id, restaurant.id, user.role)
    assert "valid until" in result.stderr


def test_token_issue_honours_expires_in(run: Run, slug: str, cook: str) -> None:
    document = run.json("token", "issue", "--restaurant", slug, "--email", cook, "--expires-in", "1h")
    claims = jwt.decode(document["token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 3600
    assert datetime.fromisoformat(document["expiresAt"]) == datetime.fromtimestamp(claims["exp"], UTC)
    assert document["user"]["email"] == cook


def test_token_issue_defaults_to_jwt_expires_in(oz: Services, slug: str, cook: str) -> None:
    run = Run(oz, Settings.from_env({"DATABASE_URL": "postgresql://x/y", "JWT_SECRET": SECRET,
                                     "JWT_EXPIRES_IN": "12h"}))
    claims = jwt.decode(run.json("token", "issue", "--restaurant", slug, "--email", cook)["token"],
                        options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 12 * 3600


def test_token_issue_refuses_a_malformed_lifetime(run: Run, slug: str, cook: str) -> None:
    result = run("token", "issue", "--restaurant", slug, "--email", cook, "--expires-in", "soon")
    assert result.exit_code == 2


def test_token_issue_for_an_unknown_user_is_not_found(run: Run, slug: str) -> None:
    line = fails_with_one_line(run("token", "issue", "--restaurant", slug, "--email", "ghost@x.test"))
    assert line == "Error: user not found [NOT_FOUND]"


# --- menu -----------------------------------------------------------------------------------


def test_menu_add_and_list(run: Run, slug: str) -> None:
    added = run("menu", "add", "--restaurant", slug, "--name", "Margherita", "--price-cents", "1150")
    assert added.exit_code == 0
    assert added.stdout.startswith("Added Margherita at 11.50 EUR (available) id ")
    hidden = run.json("menu", "add", "--restaurant", slug, "--name", "Soup", "--price-cents", "800",
                      "--unavailable")
    assert hidden["isAvailable"] is False and hidden["priceCents"] == 800
    listed = run.json("menu", "list", "--restaurant", slug)
    assert [(i["name"], i["isAvailable"]) for i in listed] == [("Margherita", True), ("Soup", False)]
    text = run("menu", "list", "--restaurant", slug).stdout
    assert "Margherita" in text and "8.00 EUR" in text


def test_menu_list_walks_every_page(run: Run, slug: str) -> None:
    operator = run.services.accounts.operator(slug)
    for n in range(205):
        run.services.menu.create(operator, NewMenuItem(f"Dish {n}", n))
    assert len(run.json("menu", "list", "--restaurant", slug)) == 205


def test_menu_add_names_the_bad_option(run: Run, slug: str) -> None:
    line = fails_with_one_line(run("menu", "add", "--restaurant", slug, "--name", "Gold",
                                   "--price-cents", "-1"))
    assert line.startswith("Error: price-cents must be between 0 and")


# --- orders ---------------------------------------------------------------------------------


def test_orders_advance_moves_an_order_along_the_kitchen_flow(run: Run, slug: str) -> None:
    order = an_order(run.services, slug)
    for status in ("preparing", "ready", "completed"):
        result = run("orders", "advance", str(order.id), "--restaurant", slug, "--to", status)
        assert result.exit_code == 0, result.stderr
        assert result.stdout.startswith(f"Order #{order.order_number} is now {status}")
    operator = run.services.accounts.operator(slug)
    assert run.services.orders.get(operator, order.id).version == 4


def test_orders_advance_refuses_an_illegal_move(run: Run, slug: str) -> None:
    order = an_order(run.services, slug)
    line = fails_with_one_line(run("orders", "advance", str(order.id), "--restaurant", slug,
                                   "--to", "completed"))
    assert line == "Error: an order cannot move from received to completed [INVALID_TRANSITION]"


def test_orders_of_another_restaurant_are_not_found(run: Run, slug: str) -> None:
    other = f"r-{secrets.token_hex(4)}"
    run.services.accounts.create_restaurant(NewRestaurant("Other", other))
    order = an_order(run.services, other)
    line = fails_with_one_line(run("orders", "show", str(order.id), "--restaurant", slug))
    assert line == "Error: order not found [NOT_FOUND]"


def test_orders_show_prints_the_whole_order(run: Run, slug: str) -> None:
    order = an_order(run.services, slug)
    shown = run.json("orders", "show", str(order.id), "--restaurant", slug)
    assert shown["id"] == str(order.id)
    assert shown["items"][0]["lineTotalCents"] == 2300 and shown["totalCents"] == 2300
    text = run("orders", "show", str(order.id), "--restaurant", slug).stdout
    assert f"Order #{order.order_number}  received" in text and "23.00 EUR" in text


def test_orders_show_marks_a_deleted_order(run: Run, slug: str) -> None:
    order = an_order(run.services, slug)
    run.services.orders.delete(run.services.accounts.operator(slug), order.id)
    assert run.json("orders", "show", str(order.id), "--restaurant", slug)["deletedAt"] is not None
    assert "(deleted " in run("orders", "show", str(order.id), "--restaurant", slug).stdout


def test_orders_list_filters_by_status_and_limits(run: Run, slug: str) -> None:
    orders = []
    operator = run.services.accounts.operator(slug)
    item = run.services.menu.create(operator, NewMenuItem("Dish", 100))
    for _ in range(3):
        orders.append(run.services.orders.place(operator, PlaceOrder(
            "Ada", "+14155550123", PaymentMethod.CASH, (OrderLine(item.id, 1),))).order)
    run("orders", "advance", str(orders[0].id), "--restaurant", slug, "--to", "cancelled")
    listed = run.json("orders", "list", "--restaurant", slug, "--status", "received,preparing")
    assert [o["id"] for o in listed] == [str(orders[2].id), str(orders[1].id)]
    assert len(run.json("orders", "list", "--restaurant", slug, "--limit", "1")) == 1
    more = run("orders", "list", "--restaurant", slug, "--limit", "1")
    assert "raise --limit" in more.stderr


def test_orders_list_refuses_an_unknown_status(run: Run, slug: str) -> None:
    assert run("orders", "list", "--restaurant", slug, "--status", "received,eaten").exit_code == 2
    assert run("orders", "list", "--restaurant", slug, "--limit", "0").exit_code == 2


def test_orders_show_refuses_a_malformed_id(run: Run, slug: str) -> None:
    assert run("orders", "show", "not-a-uuid", "--restaurant", slug).exit_code == 2


# --- demo -----------------------------------------------------------------------------------


def test_demo_creates_a_restaurant_whose_logins_work(run: Run) -> None:
    result = run("demo", "--json")
    assert result.exit_code == 0
    assert "passwordHash" not in result.stdout
    document = json.loads(result.stdout)
    made = document["restaurant"]["slug"]
    assert made.startswith("demo-")
    assert sorted(login["role"] for login in document["logins"]) == ["admin", "customer", "staff"]
    for login in document["logins"]:
        run.services.accounts.authenticate(Login(made, login["email"], login["password"]))
    assert {o["status"] for o in document["orders"]} == {"completed", "preparing", "received"}
    assert any(not item["isAvailable"] for item in document["menuItems"])


def test_demo_text_lists_the_logins(run: Run) -> None:
    result = run("demo", "--slug", f"demo-{secrets.token_hex(3)}")
    assert result.exit_code == 0
    assert "Logins" in result.stdout and "admin@" in result.stdout and "guest@" in result.stdout


def test_demo_twice_with_one_slug_fails_in_one_line(run: Run) -> None:
    made = f"demo-{secrets.token_hex(3)}"
    assert run("demo", "--slug", made).exit_code == 0
    assert "slug is already taken" in fails_with_one_line(run("demo", "--slug", made))


# --- --json gives exactly one document ------------------------------------------------------


def test_every_data_command_prints_exactly_one_json_document(run: Run, slug: str, cook: str) -> None:
    order = an_order(run.services, slug)
    commands = [
        ["restaurant", "create", "--name", "J", "--slug", f"j-{secrets.token_hex(3)}"],
        ["restaurant", "list"],
        ["user", "create", "--restaurant", slug, "--email", "j@x.test", "--role", "staff",
         "--password", "long enough"],
        ["token", "issue", "--restaurant", slug, "--email", cook],
        ["menu", "add", "--restaurant", slug, "--name", "J", "--price-cents", "1"],
        ["menu", "list", "--restaurant", slug],
        ["orders", "list", "--restaurant", slug, "--limit", "1"],
        ["orders", "show", str(order.id), "--restaurant", slug],
        ["orders", "advance", str(order.id), "--restaurant", slug, "--to", "preparing"],
        ["demo"],
    ]
    for command in commands:
        result = run(*command, "--json")
        assert result.exit_code == 0, (command, result.stderr)
        json.loads(result.stdout)            # one document: trailing text would not parse


# --- db -------------------------------------------------------------------------------------


class FakeSchema:
    def __init__(self) -> None:
        self.applied: dict[str, datetime | None] = {"0001_init": datetime(2026, 1, 1, tzinfo=UTC),
                                                    "0002_more": None}

    def migrate(self) -> list[str]:
        pending = [name for name, at in self.applied.items() if at is None]
        for name in pending:
            self.applied[name] = datetime(2026, 1, 2, tzinfo=UTC)
        return pending

    def status(self) -> list[tuple[str, datetime | None]]:
        return list(self.applied.items())


def test_db_status_then_migrate(oz: Services, settings: Settings) -> None:
    schema = FakeSchema()

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), obj=Cli.on(oz, settings, schema=schema))

    status = json.loads(invoke("db", "status", "--json").stdout)
    assert status == {"migrations": [{"name": "0001_init", "appliedAt": "2026-01-01T00:00:00.000Z"},
                                     {"name": "0002_more", "appliedAt": None}], "pending": 1}
    assert "1 pending" in invoke("db", "status").stdout
    assert json.loads(invoke("db", "migrate", "--json").stdout) == {"applied": ["0002_more"]}
    assert invoke("db", "migrate").stdout.strip() == "The database is up to date."


class NoDatabase(Cli):
    @property
    def services(self) -> Services:
        raise StartupError("cannot start the embedded PostgreSQL in /nowhere: permission denied")


def test_a_database_that_cannot_start_is_one_line(settings: Settings) -> None:
    result = CliRunner().invoke(main, ["restaurant", "list"], obj=NoDatabase(settings=settings))
    assert fails_with_one_line(result) == (
        "Error: cannot start the embedded PostgreSQL in /nowhere: permission denied")
