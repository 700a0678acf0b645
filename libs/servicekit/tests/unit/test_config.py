import dataclasses

import pytest

from servicekit.config import BaseConfig, setting


@dataclasses.dataclass(frozen=True)
class ExampleConfig(BaseConfig):
    port: int = setting("PORT", 8009, "port")
    workers: int = setting("EXAMPLE_WORKERS", 2, "how many")
    strict: bool = setting("EXAMPLE_STRICT", False, "strict mode")


def test_defaults_work_without_any_environment():
    config = ExampleConfig.from_env({})
    assert config.port == 8009 and config.kafka_bootstrap_servers == "127.0.0.1:9092"


def test_environment_values_are_converted_to_the_fields_type():
    config = ExampleConfig.from_env({"PORT": "9000", "EXAMPLE_STRICT": "yes", "EXAMPLE_WORKERS": ""})
    assert config.port == 9000 and config.strict is True and config.workers == 2


@pytest.mark.parametrize("env", [{"PORT": "eighty"}, {"EXAMPLE_STRICT": "maybe"}])
def test_bad_values_name_the_variable(env):
    name = next(iter(env))
    with pytest.raises(ValueError, match=name):
        ExampleConfig.from_env(env)


def test_every_variable_is_declared():
    assert set(ExampleConfig.env_var_names()) == {"PORT", "MONGODB_URI", "MONGODB_DATABASE", "KAFKA_BOOTSTRAP_SERVERS",
                                                  "LOG_LEVEL", "TRUSTED_PROXY_HOPS",
                                                  "EXAMPLE_WORKERS", "EXAMPLE_STRICT"}


def test_printable_settings_mask_uri_passwords():
    config = ExampleConfig.from_env({"MONGODB_URI": "mongodb://app:s3cret@db:27017/x"})
    assert config.printable()["MONGODB_URI"] == "mongodb://app:***@db:27017/x"
