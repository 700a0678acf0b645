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

SERVICES = ("intake", "verification", "notification", "directory", "payments")
SECRET_WORDS = {"KEY", "TOKEN", "PASSWORD", "SECRET", "PASSPHRASE", "CREDENTIALS"}
# Settings that are secrets though their names do not say so (gateway API keys go in them).
SECRET_BY_CONTENT = {"notification": ("SMS_GATEWAY_URL", "SMS_REQUEST_TEMPLATE")}
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
    # A secret with a default of its own (SMS_REQUEST_TEMPLATE) is set even when its variable is not.
    defaults = {f.metadata["env"]: f.default for f in dataclasses.fields(config)}
    assert all(printed[name] == ("***" if defaults[name] else "") for name in config.secret_env_var_names())


@pytest.mark.parametrize("service", SERVICES)
def test_the_settings_that_hold_secrets_without_saying_so_are_declared_secret(service):
    secret = set(config_of(service).secret_env_var_names())
    assert set(SECRET_BY_CONTENT.get(service, ())) <= secret


@pytest.mark.parametrize("service", SERVICES)
def test_a_services_config_repr_shows_no_secret_and_no_uri_password(service):
    """What a log line or a traceback would show of the config a service runs with."""
    config_cls = config_of(service)
    values = {name: f"{name.lower()}-{secrets.token_hex(12)}" for name in config_cls.secret_env_var_names()}
    uri_password = "uri-password-" + secrets.token_hex(6)
    config = config_cls.from_env({**values, "MONGODB_URI": f"mongodb://registry:{uri_password}@127.0.0.1:27017"})
    shown = repr(config)
    assert shown.startswith("Config(") and str(config) == shown
    assert uri_password not in shown
    assert "mongodb_uri='mongodb://registry:***@127.0.0.1:27017'" in shown
    for name, value in values.items():
        assert value not in shown, f"{service}'s repr shows {name}"
    for field in dataclasses.fields(config_cls):
        if field.metadata.get("secret"):
            assert f"{field.name}='***'" in shown
