"""``orderzap demo``: a demo restaurant with a menu, users and orders, and the logins to try it.

:func:`seed_demo` is also what ``orderzap serve`` runs on the embedded default's first start.
"""

from __future__ import annotations

import secrets

import click
from attrs import frozen

from orderzap_core import (
    MenuItem,
    NewMenuItem,
    NewRestaurant,
    NewUser,
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    PlaceOrder,
    Principal,
    Restaurant,
    Role,
    Services,
    StatusChange,
    User,
)
from orderzap_http.cli import Cli, json_option, pass_cli
from orderzap_http.cli.output import dump, emit, restaurant_line, table, user_view
from orderzap_http.cli.restaurants import generated_password

MENU = (("Margherita", 1150, True), ("Pepperoni", 1350, True), ("Caesar Salad", 950, True),
        ("Lemonade", 350, True), ("Tiramisu", 700, True), ("Seasonal Soup", 800, False))
USERS = (("admin", Role.ADMIN), ("kitchen", Role.STAFF), ("guest", Role.CUSTOMER))


@frozen
class Login:
    """A demo user and its password (only ever printed, never stored by the core)."""

    user: User
    password: str


@frozen
class DemoRestaurant:
    """What :func:`seed_demo` made."""

    restaurant: Restaurant
    logins: tuple[Login, ...]
    menu: tuple[MenuItem, ...]
    orders: tuple[Order, ...]

    @property
    def admin(self) -> Login:
        """The admin's login."""
        return next(login for login in self.logins if login.user.role is Role.ADMIN)


def seed_demo(services: Services, slug: str, name: str = "OrderZap Demo Diner") -> DemoRestaurant:
    """Create restaurant ``slug`` with a menu, an admin, a staff member, a customer and a few orders
    in different states. Raises ValidationFailed when the slug is taken."""
    restaurant = services.accounts.create_restaurant(NewRestaurant(name, slug, "USD"))
    operator = services.accounts.operator(slug)
    logins = []
    for local, role in USERS:
        password = generated_password()
        created = services.accounts.create_user(operator, NewUser(f"{local}@{slug}.test", role, password))
        logins.append(Login(created, password))
    menu = [services.menu.create(operator, NewMenuItem(n, p, is_available=a)) for n, p, a in MENU]
    staff, guest = (Principal(login.user.id, restaurant.id, login.user.role) for login in logins[1:])

    def place(by: Principal, customer: str, phone: str, lines: list[tuple[int, int]]) -> Order:
        command = PlaceOrder(customer, phone, PaymentMethod.CARD,
                             tuple(OrderLine(menu[i].id, quantity) for i, quantity in lines))
        return services.orders.place(by, command).order

    def move(order: Order, *statuses: OrderStatus) -> Order:
        for status in statuses:
            order = services.orders.change_status(staff, order.id, StatusChange(status))
        return order

    ada = move(place(staff, "Ada Lovelace", "+14155550123", [(0, 2), (3, 2)]),
               OrderStatus.PREPARING, OrderStatus.READY, OrderStatus.COMPLETED)
    grace = move(place(staff, "Grace Hopper", "+14155550124", [(1, 1), (2, 1)]), OrderStatus.PREPARING)
    linus = place(guest, "Linus", "+14155550125", [(4, 1)])
    return DemoRestaurant(restaurant, tuple(logins), tuple(menu), (ada, grace, linus))


def demo_document(made: DemoRestaurant) -> dict[str, object]:
    """The ``--json`` document of a demo restaurant."""
    return {
        "restaurant": dump(made.restaurant),
        "logins": [{**user_view(login.user), "password": login.password} for login in made.logins],
        "menuItems": [dump(item) for item in made.menu],
        "orders": [dump(order) for order in made.orders],
    }


def demo_text(made: DemoRestaurant) -> str:
    """The text report of a demo restaurant."""
    logins = table(["ROLE", "EMAIL", "PASSWORD"],
                   [[login.user.role.value, login.user.email, login.password] for login in made.logins])
    return (f"Created demo restaurant {restaurant_line(made.restaurant)}\n"
            f"  {len(made.menu)} menu items, {len(made.orders)} orders\n"
            f"Logins (restaurant slug {made.restaurant.slug}; passwords are shown only now):\n"
            + "\n".join("  " + line for line in logins.splitlines()))


@click.command()
@click.option("--slug", default=None, help="The demo restaurant's slug (default: demo-<random>).")
@json_option
@pass_cli
def demo(cli: Cli, slug: str | None, as_json: bool) -> None:
    """Create a demo restaurant with a menu, users and orders; print its logins."""
    made = seed_demo(cli.services, slug or f"demo-{secrets.token_hex(3)}")
    emit(demo_document(made), as_json, text=lambda: demo_text(made))
