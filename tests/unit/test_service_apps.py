"""Each service's app factory builds without touching a server (clients are lazy, after fork)."""
import importlib

import pytest

SERVICES = {"intake": 8001, "verification": 8002, "notification": 8003, "directory": 8004}


@pytest.mark.parametrize("service", SERVICES)
def test_app_factory_builds_offline_and_answers_healthz(service):
    app = importlib.import_module(f"{service}.entrypoints.app").create_app({"TESTING": True})
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
        importlib.import_module(f"{service}.entrypoints.app").create_app({"TESTING": True})
    assert mongo._clients == before
