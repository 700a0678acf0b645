"""docker-compose.yml, deploy/Dockerfile and the local supervisor config cannot be run by every
test machine (ours has no Docker engine); these tests keep them honest against the code and the
tree: same processes, every setting named, every package installed, every image pinned."""
import configparser
import fnmatch
import importlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
ROLES = {"intake": ["web", "relay", "worker"], "verification": ["web", "relay", "worker", "scheduler"],
         "notification": ["web", "relay", "worker", "scheduler"], "directory": ["web", "worker", "scheduler"],
         "payments": ["web", "relay", "worker", "scheduler"]}
PROCESSES = [f"{service}-{role}" for service, roles in ROLES.items() for role in roles]
SERVERS = ("kafka", "mongodb", "mailpit")
GUNICORN_SETTINGS = {"BIND", "WEB_CONCURRENCY", "WEB_TIMEOUT"}  # read by deploy/gunicorn.conf.py, not by a Config


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def package_dirs() -> list[Path]:
    """Every Python package of the project: a directory under libs/ or services/ with a pyproject.toml."""
    return sorted(p.parent for pattern in ("libs/*/pyproject.toml", "services/*/pyproject.toml")
                  for p in ROOT.glob(pattern))


def dockerfile_instructions() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined and comments dropped."""
    lines = [line for line in (ROOT / "deploy/Dockerfile").read_text().splitlines()
             if not line.lstrip().startswith("#")]
    return [i.strip() for i in re.sub(r"\\\n", " ", "\n".join(lines)).splitlines() if i.strip()]


def test_compose_names_the_servers_and_every_process():
    services = compose()["services"]
    assert set(services) == {*SERVERS, *PROCESSES}
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
        stale = given - wanted - GUNICORN_SETTINGS
        assert not stale, f"{process} names {sorted(stale)}, which {service} does not read"
        assert services[process]["environment"]["MONGODB_DATABASE"] == service


def test_compose_gives_a_services_processes_the_same_settings():
    """A worker, relay or scheduler reads the same Config as its web app: one set of values per service
    (gunicorn's own settings, like a web's BIND and WEB_CONCURRENCY, are the web's alone)."""
    services = compose()["services"]
    for service in ROLES:
        envs = [{k: v for k, v in services[f"{service}-{role}"]["environment"].items() if k not in GUNICORN_SETTINGS}
                for role in ROLES[service]]
        assert all(env == envs[0] for env in envs), service


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
    for server in SERVERS:
        assert services[server]["healthcheck"]["test"]


def test_compose_pins_every_image():
    for name, service in compose()["services"].items():
        if "image" not in service:
            assert service["build"]["dockerfile"] == "deploy/Dockerfile", name
            continue
        image = service["image"]
        assert ":" in image, f"{name}: {image} has no tag"
        tag = image.rsplit(":", 1)[1]
        assert tag != "latest" and re.search(r"\d", tag), f"{name}: {image} is not pinned to a version"


def test_compose_kafka_is_the_local_stacks_kafka():
    pom = ET.parse(ROOT / "deploy/local/kafka/pom.xml").getroot()
    namespace = {"m": pom.tag.split("}")[0].strip("{")} if pom.tag.startswith("{") else {}
    version = pom.find("m:properties/m:kafka.version" if namespace else "properties/kafka.version", namespace).text
    assert compose()["services"]["kafka"]["image"] == f"apache/kafka:{version.strip()}"


def test_compose_kafka_keeps_offsets_as_long_as_the_local_stack():
    template = (ROOT / "deploy/local/kafka/server.properties.template").read_text()
    local = dict(line.split("=", 1) for line in template.splitlines() if "=" in line and not line.startswith("#"))
    kafka_env = compose()["services"]["kafka"]["environment"]
    assert int(kafka_env["KAFKA_OFFSETS_RETENTION_MINUTES"]) == int(local["offsets.retention.minutes"]) == 30 * 24 * 60
    assert "KAFKA_LOG_RETENTION_MS" not in kafka_env  # topics carry their own retention (eventkit.topics)


def test_local_supervisor_runs_the_same_processes():
    parser = configparser.RawConfigParser()
    parser.read(ROOT / "deploy/local/supervisord.conf")
    programs = {s.split(":", 1)[1] for s in parser.sections() if s.startswith("program:")}
    assert programs == {"kafka", "documentdb-postgres", "documentdb-gateway", "documentdb-indexer", "smtp",
                        "bank-sandbox", *PROCESSES}


def test_every_entrypoint_module_exists():
    for process in PROCESSES:
        service, role = process.split("-")
        module = "app" if role == "web" else role
        assert importlib.util.find_spec(f"{service}.entrypoints.{module}") is not None, process


def test_dockerfile_installs_every_package_of_the_tree():
    assert len(package_dirs()) >= 7  # 3 libraries, 4 services: the glob found the tree
    instructions = dockerfile_instructions()
    copied = " ".join(i for i in instructions if i.startswith("COPY "))
    assert "libs/ libs/" in copied and "services/ services/" in copied
    [install] = [i for i in instructions if i.startswith("RUN ") and "pip install" in i and "--no-deps" in i]
    installed = set()
    for token in re.findall(r"(?:\./)?((?:libs|services)/[^\s;\"'$]*)", install):
        for match in ROOT.glob(token.rstrip("/")):
            installed.add(match.parent if match.name == "pyproject.toml" else match)
    missing = [str(p.relative_to(ROOT)) for p in package_dirs() if p not in installed]
    assert not missing, f"deploy/Dockerfile does not install {missing}"
    # In place (-e), as the local stack does: templates, static files and catalogues are not
    # declared as package data, so a regular install would leave them out of site-packages.
    assert re.search(r"""(^|[\s"'])-e\s""", install), "the packages are not installed in place (-e)"


def test_dockerfile_installs_the_runtime_requirements_only():
    installs = [i for i in dockerfile_instructions() if "pip install" in i]
    assert any("-r requirements.txt" in i and "-c constraints.txt" in i for i in installs)
    assert not any("requirements-dev" in i for i in installs)


def test_dockerignore_keeps_local_state_out_of_the_build_context():
    entries = {line.strip().strip("/").removeprefix("**/").rstrip("/")
               for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}

    def ignored(path: str) -> bool:
        return any(fnmatch.fnmatch(path, entry) for entry in entries)

    for path in (".local", ".git", "reports", ".schemathesis", "__pycache__", ".pytest_cache", ".hypothesis", ".venv"):
        assert ignored(path), f".dockerignore lets {path}/ into the image"
    for path in ("libs", "services", "deploy", "requirements.txt", "constraints.txt"):
        assert not ignored(path), f".dockerignore keeps {path} out, the image needs it"
