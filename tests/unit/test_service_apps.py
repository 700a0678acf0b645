"""Each service's app factory builds without touching a server (clients are lazy, after fork)."""
import base64
import importlib
import re

import pytest

SERVICES = {"intake": 8001, "verification": 8002, "notification": 8003, "directory": 8004, "payments": 8005}
KEY = base64.b64encode(bytes(32)).decode()
TEST_SETTINGS = {"intake": {"pii_key": KEY, "event_pii_key": KEY, "cnic_index_key": KEY, "secret_key": "s"},
                 "verification": {"event_pii_key": KEY, "index_key": KEY, "secret_key": "s"},
                 "notification": {"event_pii_key": KEY},
                 "payments": {"aggregator_keys": "sandbox:0123456789abcdef0123"}}


def build(service: str):
    settings = TEST_SETTINGS.get(service, {})
    return importlib.import_module(f"{service}.entrypoints.app").create_app({"TESTING": True, "SETTINGS": settings})


@pytest.mark.parametrize("service", SERVICES)
def test_app_factory_builds_offline_and_answers_healthz(service):
    app = build(service)
    assert app.test_client().get("/healthz").json == {"status": "ok", "service": service}


@pytest.mark.parametrize("service", SERVICES)
def test_default_settings_match_the_public_contract(service):
    config = importlib.import_module(f"{service}.config").Config.from_env({})
    assert config.port == SERVICES[service]
    assert config.mongodb_database == service
    assert config.mongodb_uri == "mongodb://127.0.0.1:27017"
    assert config.kafka_bootstrap_servers == "127.0.0.1:9092"


def test_importing_the_entrypoints_builds_no_clients():
    from eventkit import mongo

    before = dict(mongo._clients)
    for service in SERVICES:
        build(service)
    assert mongo._clients == before


def test_intake_refuses_to_start_without_its_keys():
    with pytest.raises(ValueError, match="INTAKE_PII_KEY"):
        importlib.import_module("intake.entrypoints.app").create_app({"TESTING": True, "SETTINGS": {"pii_key": ""}})


@pytest.mark.parametrize("service, front_page, assets", [
    ("intake", "/", "/assets/"), ("directory", "/verify", "/assets/"),
    ("verification", "/console/login", "/console/assets/")])
def test_each_service_serves_the_stylesheets_its_pages_link_to(service, front_page, assets):
    """The page links the design system's stylesheet at a versioned URL of its own origin, and that URL
    answers with the CSS and a year's caching (an unstyled page went out once: a /static route shadowed it)."""
    client = build(service).test_client()
    page = client.get(front_page).text
    [href] = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert href.startswith(assets + "registry.css?v=")
    with client.get(href) as response:
        assert response.status_code == 200 and response.mimetype == "text/css"
        assert response.cache_control.max_age == 365 * 24 * 3600 and response.cache_control.immutable
    urdu = client.get(front_page + "?lang=ur").text
    assert '<html lang="ur" dir="rtl"' in urdu and "registry.rtl.css?v=" in urdu
