"""Settings read from environment variables, with defaults that work on a developer's machine.

Every variable a service reads is declared in its `Config` (see `env_var_names`), so the
compose file and the docs can be checked against the code. A setting declared
`secret=True` (keys, tokens, passwords) is never shown: `printable()` gives `***` when it
is set and nothing when it is not, and a password inside a URI is masked. A config's repr
(a log line, a traceback, a debugger) shows the same masked values as `printable()`, for
BaseConfig and every subclass, whatever its own @dataclass decorator says.
"""
import dataclasses
import os
import re


MASK = "***"


def setting(env: str, default, help: str, *, secret: bool = False):
    """A dataclass field read from environment variable `env`; `secret` ones are masked by `printable()`
    and in the config's repr, so neither a printout nor a logged object shows them."""
    return dataclasses.field(default=default, repr=not secret,
                             metadata={"env": env, "help": help, "secret": secret})


@dataclasses.dataclass(frozen=True, repr=False)
class BaseConfig:
    """The settings every service has; a service's Config subclasses this and adds its own."""

    port: int = setting("PORT", 8000, "HTTP port of the web app")
    mongodb_uri: str = setting("MONGODB_URI", "mongodb://127.0.0.1:27017", "MongoDB-protocol server")
    mongodb_database: str = setting("MONGODB_DATABASE", "registry", "this service's own database")
    kafka_bootstrap_servers: str = setting("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092", "Kafka brokers, comma-separated")
    log_level: str = setting("LOG_LEVEL", "INFO", "DEBUG, INFO, WARNING or ERROR")
    trusted_proxy_hops: int = setting(
        "TRUSTED_PROXY_HOPS", 0, "how many reverse proxies in front of the web app append to X-Forwarded-For; "
        "the client address (rate limits, logs) is the one that header names that many hops from the right. "
        "0: the header is ignored and the client is the connection's peer")

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
    def secret_env_var_names(cls) -> list[str]:
        return [f.metadata["env"] for f in dataclasses.fields(cls) if f.metadata.get("secret")]

    @classmethod
    def describe(cls) -> list[tuple[str, str, object, str]]:
        """(field, variable, default, help) for every setting, for `--help` and the docs."""
        return [(f.name, f.metadata["env"], f.default, f.metadata["help"]) for f in dataclasses.fields(cls)]

    def __init_subclass__(cls, **kwargs):
        # @dataclass (repr=True by default) would give each subclass its own generated __repr__, showing every
        # value in clear; it never replaces a __repr__ the class already has, so every subclass gets the masked one
        # here, when the class is created and before its decorator runs.
        super().__init_subclass__(**kwargs)
        if "__repr__" not in cls.__dict__:
            cls.__repr__ = BaseConfig.__repr__

    def __repr__(self) -> str:
        """Field=value like a dataclass's repr, with the masked values of `printable()`."""
        shown = self.printable()
        parts = []
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            masked = shown[field.metadata["env"]]
            parts.append(f"{field.name}={masked!r}" if field.metadata.get("secret") or isinstance(value, str)
                         else f"{field.name}={value!r}")
        return f"{type(self).__qualname__}({', '.join(parts)})"

    def printable(self) -> dict[str, str]:
        """Variable → value, for `cli settings`: secret settings as `***` (set) or empty (unset), and any
        password in a URI masked."""
        shown = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if field.metadata.get("secret"):
                shown[field.metadata["env"]] = MASK if value not in ("", None) else ""
            else:
                shown[field.metadata["env"]] = mask_uri_password(str(value))
        return shown


def mask_uri_password(value: str) -> str:
    return re.sub(r"(://[^:/@]+:)[^@]+@", r"\1***@", value)


@dataclasses.dataclass(frozen=True, repr=False)
class BenefitConfig(BaseConfig):
    """The settings of a service that states what a registration is worth (domainkit.benefit): the directory's
    verify page, the certificate (intake and notification) and the approval email."""

    withholding_rate_registered: float = setting(
        "WITHHOLDING_RATE_REGISTERED", 0.25, "percent of income tax withheld from a registered freelancer's IT "
        "export remittances, as the board publishes it")
    withholding_rate_standard: float = setting("WITHHOLDING_RATE_STANDARD", 1.0, "percent withheld otherwise")


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
