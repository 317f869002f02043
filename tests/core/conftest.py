"""Fixtures of the core tests: the application on memory fakes, a restaurant with users in every
role and a small menu, and a rival restaurant whose data must stay invisible."""

from __future__ import annotations

import pytest

from orderzap_adapters import memory
from orderzap_adapters.memory import MemoryOrderCache, MemoryWorld
from orderzap_adapters.memory.system import TickingClock
from orderzap_core.domain.accounts import Restaurant, Role
from orderzap_core.domain.menu import MenuItem
from orderzap_core.domain.orders import Order
from orderzap_core.policy import Principal
from orderzap_core.services import Services
from tests.core.builders import add_dish, an_order, join, line, open_restaurant


@pytest.fixture
def clock() -> TickingClock:
    """The world's clock, which tests may move forward."""
    return TickingClock()


@pytest.fixture
def world(clock: TickingClock) -> MemoryWorld:
    """The application on memory fakes, with a memory mirror."""
    return memory.world(clock=clock)


@pytest.fixture
def oz(world: MemoryWorld) -> Services:
    """The services."""
    return world.services


@pytest.fixture
def cache(world: MemoryWorld) -> MemoryOrderCache:
    """The memory mirror with its fault knobs."""
    assert world.cache is not None
    return world.cache


@pytest.fixture
def restaurant(oz: Services) -> Restaurant:
    """A restaurant of this test alone."""
    return open_restaurant(oz)


@pytest.fixture
def admin(oz: Services, restaurant: Restaurant) -> Principal:
    """An admin of the restaurant."""
    return join(oz, restaurant, Role.ADMIN)


@pytest.fixture
def staff(oz: Services, restaurant: Restaurant) -> Principal:
    """A staff member of the restaurant."""
    return join(oz, restaurant, Role.STAFF)


@pytest.fixture
def customer(oz: Services, restaurant: Restaurant) -> Principal:
    """A customer of the restaurant."""
    return join(oz, restaurant, Role.CUSTOMER)


@pytest.fixture
def other_customer(oz: Services, restaurant: Restaurant) -> Principal:
    """Another customer of the same restaurant."""
    return join(oz, restaurant, Role.CUSTOMER)


@pytest.fixture
def margherita(oz: Services, admin: Principal) -> MenuItem:
    """An available dish at 11.50."""
    return add_dish(oz, admin, "Margherita", 1150)


@pytest.fixture
def marinara(oz: Services, admin: Principal) -> MenuItem:
    """An available dish at 9.00."""
    return add_dish(oz, admin, "Marinara", 900)


@pytest.fixture
def sold_out(oz: Services, admin: Principal) -> MenuItem:
    """A dish on the menu that is not available."""
    return add_dish(oz, admin, "Tiramisu", 650, available=False)


@pytest.fixture
def removed(oz: Services, admin: Principal) -> MenuItem:
    """A dish that was deleted from the menu."""
    item = add_dish(oz, admin, "Calzone", 1300)
    return oz.menu.delete(admin, item.id)


@pytest.fixture
def rival(oz: Services) -> Restaurant:
    """Another restaurant in the same deployment."""
    return open_restaurant(oz, name="Rival", currency="EUR")


@pytest.fixture
def rival_admin(oz: Services, rival: Restaurant) -> Principal:
    """An admin of the rival restaurant."""
    return join(oz, rival, Role.ADMIN)


@pytest.fixture
def rival_staff(oz: Services, rival: Restaurant) -> Principal:
    """A staff member of the rival restaurant."""
    return join(oz, rival, Role.STAFF)


@pytest.fixture
def rival_customer(oz: Services, rival: Restaurant) -> Principal:
    """A customer of the rival restaurant."""
    return join(oz, rival, Role.CUSTOMER)


@pytest.fixture
def rival_dish(oz: Services, rival_admin: Principal) -> MenuItem:
    """A dish of the rival restaurant."""
    return add_dish(oz, rival_admin, "Rival pizza", 1000)


@pytest.fixture
def placed_order(oz: Services, customer: Principal, margherita: MenuItem, marinara: MenuItem) -> Order:
    """An order the customer placed: two Margherita and one Marinara."""
    return oz.orders.place(customer, an_order(line(margherita, 2), line(marinara, 1))).order
