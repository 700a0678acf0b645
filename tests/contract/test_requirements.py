"""requirements.txt is what the services need at run time (the image installs only it);
requirements-dev.txt adds the local stack's and the tests' tools; constraints.txt pins both."""
import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Import name -> distribution name, for the third-party modules the code imports. A new import
# fails test_every_third_party_import_is_a_runtime_requirement until it is added here and to
# requirements.txt.
DISTRIBUTION = {
    "argon2": "argon2-cffi",
    "bson": "pymongo",
    "gridfs": "pymongo",
    "cryptography": "cryptography",
    "flask": "flask",
    "flask_babel": "flask-babel",
    "flask_smorest": "flask-smorest",
    "govuk_frontend_jinja": "govuk-frontend-jinja",
    "httpx": "httpx",
    "jinja2": "jinja2",
    "kafka": "kafka-python",
    "marshmallow": "marshmallow",
    "apispec": "apispec",
    "babel": "babel",
    "prometheus_client": "prometheus-client",
    "pymongo": "pymongo",
    "pythonjsonlogger": "python-json-logger",
    "weasyprint": "weasyprint",
    "zxingcpp": "zxing-cpp",
    "werkzeug": "werkzeug",
    "gunicorn": "gunicorn",
}
# Test, bench and local-stack tools: never in the image. (Pillow is not one any more: WeasyPrint, which renders
# notification's PDFs, needs it at run time, so the image has it through weasyprint's pin in constraints.txt.)
DEV_TOOLS = {"pytest", "playwright", "schemathesis", "testcontainers", "hypothesis", "matplotlib", "supervisor",
             "aiosmtpd", "pyyaml", "pypdf", "pypdfium2", "docker", "coverage", "ruff",
             "mypy", "locust", "numpy"}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(path: Path) -> list[str]:
    return [line.split("#", 1)[0].strip() for line in path.read_text().splitlines()
            if line.split("#", 1)[0].strip()]


def pins(path: Path) -> dict[str, str]:
    """name -> version of every `name==version` line (other lines, like -r, are left out)."""
    found = {}
    for line in requirement_lines(path):
        if line.startswith("-"):
            continue
        name, sep, version = line.partition("==")
        assert sep and version, f"{path.name}: {line!r} is not pinned with =="
        found[normalise(name)] = version.strip()
    return found


def local_packages() -> dict[str, Path]:
    """Import name -> src dir, and distribution name -> project dir, of the project's own packages."""
    own = {}
    for project in sorted(ROOT.glob("libs/*/pyproject.toml")) + sorted(ROOT.glob("services/*/pyproject.toml")):
        own[normalise(tomllib.loads(project.read_text())["project"]["name"])] = project.parent
        for package in (project.parent / "src").iterdir():
            if (package / "__init__.py").exists():
                own[package.name] = package
    return own


def imported_modules() -> dict[str, set[str]]:
    """Top-level module -> files importing it, over every module under libs/*/src and services/*/src."""
    found: dict[str, set[str]] = {}
    for path in sorted(ROOT.glob("libs/*/src/**/*.py")) + sorted(ROOT.glob("services/*/src/**/*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


def test_requirements_are_pinned_and_constrained_alike():
    constraints = pins(ROOT / "constraints.txt")
    for name in ("requirements.txt", "requirements-dev.txt"):
        for package, version in pins(ROOT / name).items():
            assert constraints.get(package) == version, f"{name} pins {package}=={version}, constraints.txt " \
                                                        f"{constraints.get(package)}"


def test_dev_requirements_build_on_the_runtime_ones():
    assert "-r requirements.txt" in requirement_lines(ROOT / "requirements-dev.txt")
    assert not set(pins(ROOT / "requirements.txt")) & set(pins(ROOT / "requirements-dev.txt"))
    assert {"pytest", "playwright", "schemathesis", "testcontainers"} <= set(pins(ROOT / "requirements-dev.txt"))


def test_runtime_requirements_hold_no_test_tools():
    runtime = set(pins(ROOT / "requirements.txt"))
    assert not runtime & DEV_TOOLS, f"requirements.txt holds test/dev tools {sorted(runtime & DEV_TOOLS)}"
    assert not [line for line in requirement_lines(ROOT / "requirements.txt") if line.startswith("-r")]
    assert "gunicorn" in runtime  # the web processes' server (docker-compose.yml, supervisord.conf)


def test_every_third_party_import_is_a_runtime_requirement():
    runtime = set(pins(ROOT / "requirements.txt"))
    own = local_packages()
    unknown, missing = {}, {}
    for module, files in imported_modules().items():
        if module in sys.stdlib_module_names or module in own:
            continue
        if module not in DISTRIBUTION:
            unknown[module] = sorted(files)
        elif normalise(DISTRIBUTION[module]) not in runtime:
            missing[DISTRIBUTION[module]] = sorted(files)
    assert not unknown, f"imports with no known distribution (add them to DISTRIBUTION and requirements.txt): {unknown}"
    assert not missing, f"imported but not in requirements.txt: {missing}"


def test_every_declared_dependency_is_a_runtime_requirement():
    """The image installs the project's packages with --no-deps: what they declare must come from requirements.txt."""
    runtime = set(pins(ROOT / "requirements.txt"))
    own = local_packages()
    for project in sorted(ROOT.glob("libs/*/pyproject.toml")) + sorted(ROOT.glob("services/*/pyproject.toml")):
        for dependency in tomllib.loads(project.read_text())["project"].get("dependencies", []):
            name = normalise(re.split(r"[<>=!~\[; ]", dependency, maxsplit=1)[0])
            assert name in own or name in runtime, f"{project.relative_to(ROOT)} needs {name}, not in requirements.txt"


def test_local_install_puts_the_dev_requirements_into_the_venv():
    install = (ROOT / "deploy/local/install.sh").read_text()
    assert re.search(r'pip" install [^\n]*-r "\$ROOT/requirements-dev\.txt" -c "\$ROOT/constraints\.txt"', install)
    py_inputs = re.search(r"^PY_INPUTS=\((.*?)\)$", install, re.M | re.S).group(1)
    for name in ("requirements.txt", "requirements-dev.txt", "constraints.txt"):
        assert f'"$ROOT/{name}"' in py_inputs, f"install.sh does not reinstall when {name} changes"
