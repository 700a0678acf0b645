"""Settings read from environment variables, with defaults that work on a developer's machine.

Every variable a service reads is declared in its `Config` (see `env_var_names`), so the
compose file and the docs can be checked against the code.
"""
import dataclasses
import os
import re


def setting(env: str, default, help: str):
    """A dataclass field read from environment variable `env`."""
    return dataclasses.field(default=default, metadata={"env": env, "help": help})


@dataclasses.dataclass(frozen=True)
class BaseConfig:
    """The settings every service has; a service's Config subclasses this and adds its own."""

    port: int = setting("PORT", 8000, "HTTP port of the web app")
    mongodb_uri: str = setting("MONGODB_URI", "mongodb://127.0.0.1:27017", "MongoDB-protocol server")
    mongodb_database: str = setting("MONGODB_DATABASE", "registry", "this service's own database")
    kafka_bootstrap_servers: str = setting("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092", "Kafka brokers, comma-separated")
    log_level: str = setting("LOG_LEVEL", "INFO", "DEBUG, INFO, WARNING or ERROR")

    @classmethod
    def from_env(cls, environ=None, **overrides):
        """Build from `environ` (default os.environ); `overrides` (by field name) win, for tests."""
        environ = os.environ if environ is None else environ
        values = {}
        for field in dataclasses.fields(cls):
            raw = environ.get(field.metadata["env"])
            if raw is not None and raw != "":
                values[field.name] = _convert(raw, type(field.default), field.metadata["env"])
        values.update(overrides)
        return cls(**values)

    @classmethod
    def env_var_names(cls) -> list[str]:
        return [f.metadata["env"] for f in dataclasses.fields(cls)]

    @classmethod
    def describe(cls) -> list[tuple[str, str, object, str]]:
        """(field, variable, default, help) for every setting, for `--help` and the docs."""
        return [(f.name, f.metadata["env"], f.default, f.metadata["help"]) for f in dataclasses.fields(cls)]

    def printable(self) -> dict[str, str]:
        """Variable → value, with any password in a URI masked."""
        return {env: _mask(str(getattr(self, name))) for name, env, _, _ in self.describe()}


def _mask(value: str) -> str:
    return re.sub(r"(://[^:/@]+:)[^@]+@", r"\1***@", value)


def _convert(raw: str, kind: type, name: str):
    if kind is bool:
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{name} must be true or false, got {raw!r}")
    if kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            raise ValueError(f"{name} must be a number, got {raw!r}") from None
    return raw
