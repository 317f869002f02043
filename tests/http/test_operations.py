"""Operations outside /v1, without a token: /health, /ready, /metrics and /openapi.json."""

from __future__ import annotations

import falcon.testing
import pytest
from attrs import evolve

from orderzap_adapters import memory
from orderzap_core.errors import Unavailable
from orderzap_core.services import Services
from orderzap_http.app import create_app
from orderzap_http.settings import Settings
from tests.http.support import Tenant, assert_error, open_tenant, place
from tests.http.test_errors import Failing


def test_health_answers_ok_without_a_token(client: falcon.testing.TestClient) -> None:
    result = client.simulate_get("/health")
    assert result.status_code == 200
    assert result.json == {"status": "ok"}


def test_health_ignores_a_bad_token(client: falcon.testing.TestClient) -> None:
    assert client.simulate_get("/health", headers={"Authorization": "Bearer junk"}).status_code == 200


def test_ready_reports_the_database_the_disabled_cache_and_the_outbox(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    place(client, tenant)
    place(client, tenant)
    result = client.simulate_get("/ready")
    assert result.status_code == 200
    body = result.json
    assert (body["database"], body["cache"]) == ("ok", "disabled")
    assert body["outbox"]["pending"] == 2
    assert body["outbox"]["oldestAgeSeconds"] >= 0
    assert body["outbox"]["parked"] == 0


def test_ready_reports_a_failing_cache_as_down_but_stays_ready(settings: Settings) -> None:
    world = memory.world()
    client = falcon.testing.TestClient(create_app(world.services, settings))
    assert client.simulate_get("/ready").json["cache"] == "ok"
    assert world.cache is not None
    world.cache.fail_next(1)
    result = client.simulate_get("/ready")
    assert result.status_code == 200
    assert result.json["cache"] == "down"


@pytest.mark.parametrize("error", [Unavailable(), RuntimeError("connection reset by peer")])
def test_ready_is_unavailable_while_the_database_is_down(
        oz: Services, settings: Settings, error: Exception) -> None:
    client = falcon.testing.TestClient(create_app(evolve(oz, outbox=Failing(error)), settings))
    result = client.simulate_get("/ready")
    assert result.status_code == 503
    assert result.json == {"database": "down", "cache": "disabled", "outbox": None}
    assert result.headers["Retry-After"] == "5"


def test_metrics_count_requests_by_route_template_and_show_the_outbox(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    order = place(client, tenant)
    client.simulate_get(f"/v1/orders/{order['id']}", headers=tenant.headers("staff"))
    client.simulate_get("/v1/orders/not-a-uuid", headers=tenant.headers("staff"))
    result = client.simulate_get("/metrics")
    assert result.status_code == 200
    assert result.headers["content-type"].startswith("text/plain")
    text = result.text
    assert 'orderzap_http_requests_total{method="POST",route="/v1/orders",status="201"} 1.0' in text
    assert 'route="/v1/orders/{order_id:uuid}",status="200"} 1.0' in text
    assert 'route="unmatched",status="404"} 1.0' in text
    assert str(order["id"]) not in text
    assert "orderzap_http_request_duration_seconds_bucket" in text
    assert "orderzap_outbox_pending 1.0" in text
    assert "orderzap_outbox_parked 0.0" in text
    assert "orderzap_database_up 1.0" in text


@pytest.mark.parametrize("error", [Unavailable(), RuntimeError("connection reset by peer")])
def test_metrics_say_when_the_database_is_down(oz: Services, settings: Settings, error: Exception) -> None:
    client = falcon.testing.TestClient(create_app(evolve(oz, outbox=Failing(error)), settings))
    result = client.simulate_get("/metrics")
    assert result.status_code == 200
    assert "orderzap_database_up 0.0" in result.text


def test_two_apps_in_one_process_keep_separate_metrics(oz: Services, settings: Settings) -> None:
    first = falcon.testing.TestClient(create_app(oz, settings))
    second = falcon.testing.TestClient(create_app(oz, settings))
    first.simulate_get("/health")
    assert 'route="/health"' in first.simulate_get("/metrics").text
    assert 'route="/health"' not in second.simulate_get("/metrics").text


def test_the_openapi_document_is_served_without_a_token(client: falcon.testing.TestClient) -> None:
    result = client.simulate_get("/openapi.json")
    assert result.status_code == 200
    assert result.json["openapi"].startswith("3.1")


def test_operations_refuse_other_methods_with_the_error_envelope(client: falcon.testing.TestClient) -> None:
    for path in ("/health", "/ready", "/metrics", "/openapi.json"):
        assert_error(client.simulate_post(path), 405, "METHOD_NOT_ALLOWED")


def test_a_new_restaurant_can_be_served_by_a_running_app(
        client: falcon.testing.TestClient, oz: Services, settings: Settings) -> None:
    later = open_tenant(oz, settings)
    assert client.simulate_get("/v1/me", headers=later.headers("admin")).status_code == 200
