"""Secret settings are a property of their declaration: masked in `printable()` and in the repr,
on BaseConfig and on every subclass."""
import dataclasses

import pytest

from servicekit.config import MASK, BaseConfig, setting


@dataclasses.dataclass(frozen=True)
class SecretsConfig(BaseConfig):
    api_key: str = setting("EXAMPLE_API_KEY", "", "a key", secret=True)
    password: str = setting("EXAMPLE_PASSWORD", "", "a password", secret=True)
    greeting: str = setting("EXAMPLE_GREETING", "hello", "not a secret")


def test_a_secret_that_is_set_prints_as_a_mask():
    config = SecretsConfig.from_env({"EXAMPLE_API_KEY": "k3y-VALUE", "EXAMPLE_PASSWORD": "pa55-VALUE"})
    shown = config.printable()
    assert shown["EXAMPLE_API_KEY"] == MASK == "***"
    assert shown["EXAMPLE_PASSWORD"] == MASK
    assert "k3y-VALUE" not in str(shown) and "pa55-VALUE" not in str(shown)


def test_a_secret_that_is_unset_prints_empty_so_its_absence_shows():
    assert SecretsConfig.from_env({}).printable()["EXAMPLE_API_KEY"] == ""


def test_ordinary_settings_print_as_they_are_with_uri_passwords_masked():
    config = SecretsConfig.from_env({"EXAMPLE_GREETING": "salaam", "MONGODB_URI": "mongodb://app:s3cret@db:27017/x"})
    shown = config.printable()
    assert shown["EXAMPLE_GREETING"] == "salaam"
    assert shown["MONGODB_URI"] == "mongodb://app:***@db:27017/x"


def test_secrets_are_masked_in_the_repr_a_log_line_would_show():
    config = SecretsConfig.from_env({"EXAMPLE_API_KEY": "k3y-VALUE", "EXAMPLE_PASSWORD": "pa55-VALUE"})
    assert "k3y-VALUE" not in repr(config) and "pa55-VALUE" not in repr(config)
    assert "EXAMPLE_GREETING" not in repr(config) and "greeting='hello'" in repr(config)


def test_secret_variables_are_listed():
    assert SecretsConfig.secret_env_var_names() == ["EXAMPLE_API_KEY", "EXAMPLE_PASSWORD"]
    assert BaseConfig.secret_env_var_names() == []


def test_trusted_proxy_hops_is_a_base_setting_off_by_default():
    assert BaseConfig.from_env({}).trusted_proxy_hops == 0
    assert SecretsConfig.from_env({"TRUSTED_PROXY_HOPS": "2"}).trusted_proxy_hops == 2
    assert "TRUSTED_PROXY_HOPS" in SecretsConfig.env_var_names()


URI_WITH_PASSWORD = "mongodb://registry:hunter2@db:27017/"


@dataclasses.dataclass(frozen=True, repr=True)  # asks for a generated repr outright: it still gets the masked one
class LoudConfig(SecretsConfig):
    extra: int = setting("EXAMPLE_EXTRA", 3, "a number")


@pytest.mark.parametrize("config_cls", [BaseConfig, SecretsConfig, LoudConfig])
def test_the_repr_shows_the_uri_password_and_secrets_masked(config_cls):
    environ = {"MONGODB_URI": URI_WITH_PASSWORD, "EXAMPLE_API_KEY": "k3y-VALUE", "EXAMPLE_PASSWORD": "pa55-VALUE"}
    config = config_cls.from_env(environ)
    for shown in (repr(config), str(config), f"{config!r}", repr([config])):
        assert "hunter2" not in shown and "k3y-VALUE" not in shown and "pa55-VALUE" not in shown
        assert f"{config_cls.__name__}(port=" in shown
    assert "mongodb_uri='mongodb://registry:***@db:27017/'" in repr(config)
    assert "port=8000," in repr(config)  # numbers stay numbers
    if config_cls is not BaseConfig:
        assert "api_key='***'" in repr(config) and "greeting='hello'" in repr(config)


def test_the_repr_shows_an_unset_secret_as_empty():
    assert "api_key=''" in repr(SecretsConfig.from_env({}))


def test_a_subclass_with_its_own_repr_keeps_it():
    @dataclasses.dataclass(frozen=True)
    class OwnRepr(BaseConfig):
        def __repr__(self):
            return "OwnRepr(...)"

    assert repr(OwnRepr()) == "OwnRepr(...)"
