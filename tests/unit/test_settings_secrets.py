"""No service shows a secret setting: `cli settings` masks them, and every setting whose name
says it is a secret (…KEY, …TOKEN, …PASSWORD, …SECRET…) is declared `secret=True`."""
import dataclasses
import importlib
import os
import re
import secrets
import subprocess
import sys

import pytest

SERVICES = ("intake", "verification", "notification", "directory")
SECRET_WORDS = {"KEY", "TOKEN", "PASSWORD", "SECRET", "PASSPHRASE", "CREDENTIALS"}
# Names with a secret-sounding word that are not secrets, each with the reason.
NOT_SECRET = {"REVIEWER_TOKEN_TTL_HOURS": "a token's lifetime in hours, not a token"}


def config_of(service: str):
    return importlib.import_module(f"{service}.config").Config


def looks_secret(env: str) -> bool:
    return bool(SECRET_WORDS & set(re.split(r"[^A-Z0-9]+", env.upper())))


def test_the_name_rule_catches_what_it_should():
    assert all(looks_secret(n) for n in ("INTAKE_PII_KEY", "SMTP_PASSWORD", "VERIFICATION_SECRET_KEY", "X_TOKEN"))
    assert not any(looks_secret(n) for n in ("MONGODB_URI", "SMTP_USERNAME", "KEYWORDS", "MONKEY_COUNT"))


@pytest.mark.parametrize("service", SERVICES)
def test_every_secret_sounding_setting_is_declared_secret(service):
    fields = dataclasses.fields(config_of(service))
    undeclared = [f.metadata["env"] for f in fields
                  if looks_secret(f.metadata["env"]) and f.metadata["env"] not in NOT_SECRET
                  and not f.metadata.get("secret")]
    assert undeclared == [], f"{service}: declare these setting(..., secret=True): {undeclared}"


def test_the_exceptions_still_exist_and_are_not_secret():
    names = {f.metadata["env"]: f for s in SERVICES for f in dataclasses.fields(config_of(s))}
    for name in NOT_SECRET:
        assert name in names and not names[name].metadata.get("secret")


@pytest.mark.parametrize("service", SERVICES)
def test_cli_settings_never_prints_a_secret(service):
    """The real `python -m <service>.entrypoints.cli settings`, with every secret set to a recognisable value."""
    config = config_of(service)
    secret_names = config.secret_env_var_names()
    values = {name: f"{name.lower()}-{secrets.token_hex(12)}" for name in secret_names}
    values["MONGODB_URI"] = "mongodb://registry:uri-password-" + secrets.token_hex(6) + "@127.0.0.1:27017"
    env = {k: v for k, v in os.environ.items() if k not in config.env_var_names()}
    env.update(values, LOG_LEVEL="WARNING")
    result = subprocess.run([sys.executable, "-m", f"{service}.entrypoints.cli", "settings"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    for name, value in values.items():
        secret_part = value.split("@")[0].split(":")[-1]
        assert secret_part not in output, f"{service} printed {name}"
    printed = dict(line.split("=", 1) for line in result.stdout.splitlines())
    assert set(printed) == set(config.env_var_names())
    assert all(printed[name] == "***" for name in secret_names)
    assert printed["MONGODB_URI"] == "mongodb://registry:***@127.0.0.1:27017"
    if service != "directory":
        assert secret_names, f"{service} has secrets to declare"


@pytest.mark.parametrize("service", SERVICES)
def test_cli_settings_shows_an_unset_secret_as_empty(service):
    config = config_of(service)
    env = {k: v for k, v in os.environ.items() if k not in config.env_var_names()}
    result = subprocess.run([sys.executable, "-m", f"{service}.entrypoints.cli", "settings"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    printed = dict(line.split("=", 1) for line in result.stdout.splitlines())
    assert all(printed[name] == "" for name in config.secret_env_var_names())
