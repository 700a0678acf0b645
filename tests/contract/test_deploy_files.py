"""docker-compose.yml and the local supervisor config cannot be run by every test machine;
these tests keep them honest against the code: same processes, every setting named."""
import configparser
import importlib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
ROLES = {"intake": ["web", "relay", "worker"], "verification": ["web", "relay", "worker"],
         "notification": ["web", "relay", "worker"], "directory": ["web", "worker"]}
PROCESSES = [f"{service}-{role}" for service, roles in ROLES.items() for role in roles]


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_names_the_servers_and_every_process():
    services = compose()["services"]
    assert set(services) == {"kafka", "mongodb", "mailpit", *PROCESSES}
    assert services["kafka"]["image"].startswith("apache/kafka:4.")
    assert services["mongodb"]["image"].startswith("mongo:")
    assert "--replSet" in services["mongodb"]["command"]


def test_compose_gives_each_process_every_variable_its_service_reads():
    services = compose()["services"]
    for process in PROCESSES:
        service = process.split("-")[0]
        wanted = set(importlib.import_module(f"{service}.config").Config.env_var_names())
        given = set(services[process]["environment"])
        assert wanted <= given, f"{process} lacks {sorted(wanted - given)}"
        assert services[process]["environment"]["MONGODB_DATABASE"] == service


def test_compose_processes_run_their_entrypoint_and_wait_for_the_servers():
    services = compose()["services"]
    for process in PROCESSES:
        service, role = process.split("-")
        command = " ".join(services[process]["command"])
        expected = f"{service}.entrypoints.app:create_app()" if role == "web" else f"{service}.entrypoints.{role}"
        assert expected in command
        assert {"kafka", "mongodb"} <= set(services[process]["depends_on"])
        if role == "web":
            assert "readyz" in " ".join(services[process]["healthcheck"]["test"])
    for server in ("kafka", "mongodb", "mailpit"):
        assert services[server]["healthcheck"]["test"]


def test_local_supervisor_runs_the_same_processes():
    parser = configparser.RawConfigParser()
    parser.read(ROOT / "deploy/local/supervisord.conf")
    programs = {s.split(":", 1)[1] for s in parser.sections() if s.startswith("program:")}
    assert programs == {"kafka", "ferretdb", "smtp", *PROCESSES}


def test_every_entrypoint_module_exists():
    for process in PROCESSES:
        service, role = process.split("-")
        module = "app" if role == "web" else role
        assert importlib.util.find_spec(f"{service}.entrypoints.{module}") is not None
