"""Idempotency-Key on POST /v1/orders: replays, conflicts, malformed keys, failed first tries."""

from __future__ import annotations

import falcon.testing
import pytest

from orderzap_adapters.memory import MemoryWorld
from tests.http.support import Tenant, assert_error, nothing_changes, order_body


def post(client: falcon.testing.TestClient, tenant: Tenant, key: str, role: str = "staff",
         **changes: object) -> falcon.testing.Result:
    return client.simulate_post("/v1/orders", json=order_body(tenant, **changes),
                                headers={**tenant.headers(role), "Idempotency-Key": key})


def test_the_same_key_and_body_replay_the_first_answer(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    first = post(client, tenant, "order-1")
    with nothing_changes(world):
        again = post(client, tenant, "order-1")
    assert again.status_code == 201
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["ETag"] == first.headers["ETag"]
    assert "Idempotent-Replayed" not in first.headers
    assert len(client.simulate_get("/v1/orders", headers=tenant.headers("admin")).json["data"]) == 1


def test_a_replay_answers_the_first_response_even_after_the_order_changed(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    first = post(client, tenant, "order-1")
    client.simulate_patch(f"/v1/orders/{first.json['data']['id']}/status", headers=tenant.headers("staff"),
                          json={"status": "preparing"})
    again = post(client, tenant, "order-1")
    assert again.json["data"] == first.json["data"]


def test_the_same_key_with_another_body_is_a_conflict(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    post(client, tenant, "order-1")
    with nothing_changes(world):
        assert_error(post(client, tenant, "order-1", customerName="Grace"), 409, "IDEMPOTENCY_CONFLICT")


def test_the_same_key_from_another_user_is_a_conflict(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    post(client, tenant, "order-1", role="staff")
    with nothing_changes(world):
        assert_error(post(client, tenant, "order-1", role="admin"), 409, "IDEMPOTENCY_CONFLICT")


def test_keys_are_scoped_to_the_restaurant(
        client: falcon.testing.TestClient, tenant: Tenant, rival: Tenant) -> None:
    mine = post(client, tenant, "shared-key")
    theirs = post(client, rival, "shared-key")
    assert theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert theirs.json["data"]["id"] != mine.json["data"]["id"]


def test_a_failed_first_request_stores_nothing_so_the_key_can_be_used_again(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    assert_error(post(client, tenant, "order-1", customerName=" "), 422, "VALIDATION_ERROR")
    fixed = post(client, tenant, "order-1")
    assert fixed.status_code == 201
    assert "Idempotent-Replayed" not in fixed.headers


@pytest.mark.parametrize("key", ["", "x" * 256, "caf\u00e9", "tab\there", "new\nline"])
def test_a_malformed_key_is_a_bad_request(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld, key: str) -> None:
    with nothing_changes(world):
        result = client.simulate_post(
            "/v1/orders", json=order_body(tenant),
            headers={**tenant.headers("staff"), "Idempotency-Key": key.encode("utf-8").decode("latin-1")})
    assert_error(result, 400, "BAD_REQUEST")


def test_a_key_of_255_printable_characters_is_accepted(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    assert post(client, tenant, "k" * 254 + "~").status_code == 201
