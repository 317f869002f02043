"""views.OrderJson: each version of an order rendered once, byte for byte what views.order gives."""

from __future__ import annotations

from datetime import timedelta

from attrs import evolve

from orderzap_core.domain.status import OrderStatus
from orderzap_core.wire import Wire
from orderzap_http.media import dumps
from orderzap_http.resources import views
from tests.adapters.samples import a_clock, a_dish, a_restaurant, an_order


def test_an_order_is_rendered_as_the_order_object_and_again_only_when_it_changes() -> None:
    clock = a_clock()
    restaurant = a_restaurant(clock.now())
    order, _ = an_order(restaurant.id, 7, [a_dish(restaurant.id, clock.now())], clock.now())
    wire, render = Wire(), views.OrderJson(Wire())
    first = render(order)
    assert first.json == dumps(views.order(wire, order))
    assert render(order) is first                                   # the same version: the same JSON
    moved, _ = order.move_to(OrderStatus.PREPARING, by=order.created_by, at=clock.now())
    assert render(moved).json == dumps(views.order(wire, moved)) != first.json
    # NOTE: the key is the whole of (restaurant, id, version, updated_at), not the version alone.
    later = evolve(moved, updated_at=moved.updated_at + timedelta(seconds=1), notes="ring twice")
    assert render(later).json == dumps(views.order(wire, later))
    other = evolve(order, restaurant_id=a_restaurant(clock.now()).id, customer_name="Someone else")
    assert render(other).json == dumps(views.order(wire, other))


def test_a_process_keeps_a_bounded_number_of_renders() -> None:
    clock = a_clock()
    restaurant = a_restaurant(clock.now())
    dish = a_dish(restaurant.id, clock.now())
    render = views.OrderJson(Wire(), size=3)
    orders = [an_order(restaurant.id, n, [dish], clock.now())[0] for n in range(1, 6)]
    rendered = [render(o) for o in orders]
    assert len(render._rendered) == 3
    assert render(orders[-1]) is rendered[-1] and render(orders[0]) is not rendered[0]
