"""Every running service answers its operational endpoints and speaks JSON with a correlation id."""
import uuid
from pathlib import Path

import httpx
import pytest

SERVICES = ["intake", "verification", "notification", "directory", "payments"]
LOGS = Path(__file__).resolve().parents[2] / ".local" / "logs"


@pytest.mark.parametrize("service", SERVICES)
def test_health_and_readiness(stack, service):
    assert httpx.get(stack.url(service, "/healthz")).json() == {"status": "ok", "service": service}
    ready = httpx.get(stack.url(service, "/readyz"))
    assert ready.status_code == 200
    checks = ready.json()["checks"]
    assert {"mongodb", "kafka"} <= set(checks) and set(checks.values()) == {"ok"}


@pytest.mark.parametrize("service", SERVICES)
def test_openapi_document_describes_the_operational_endpoints(stack, service):
    spec = httpx.get(stack.url(service, "/openapi.json")).json()
    assert spec["openapi"].startswith("3.")
    assert {"/healthz", "/readyz", "/metrics"} <= set(spec["paths"])
    assert service.capitalize() in spec["info"]["title"]


@pytest.mark.parametrize("service", SERVICES)
def test_metrics_are_prometheus_text(stack, service):
    httpx.get(stack.url(service, "/healthz"))
    response = httpx.get(stack.url(service, "/metrics"))
    assert response.headers["content-type"].startswith("text/plain")
    assert 'http_requests_total{endpoint="/healthz",method="GET",status="200"}' in response.text


@pytest.mark.parametrize("service", SERVICES)
def test_unknown_path_is_a_json_404_with_the_callers_correlation_id(stack, service, wait_for):
    correlation_id = f"test-{uuid.uuid4().hex}"
    response = httpx.get(stack.url(service, "/no-such-page"), headers={"X-Correlation-ID": correlation_id})
    assert response.status_code == 404
    assert response.json()["code"] == 404 and response.json()["status"] == "Not Found"
    assert response.headers["X-Correlation-ID"] == correlation_id
    # the supervisor copies each process's stdout to its log file a moment later
    wait_for(lambda: f'"correlation_id": "{correlation_id}"' in (LOGS / f"{service}-web.log").read_text(),
             timeout=10, message="the request's JSON log line with its correlation id")


def test_malformed_correlation_id_is_replaced(stack):
    response = httpx.get(stack.url("intake", "/healthz"), headers={"X-Correlation-ID": "<script>"})
    assert response.headers["X-Correlation-ID"] != "<script>"
    assert len(response.headers["X-Correlation-ID"]) == 32
