import pytest
from cryptography.exceptions import InvalidTag

from servicekit.crypto import KeySettingError, Sealer, decode_key, new_key, token_hash, token_matches


def test_seal_round_trip_and_fresh_nonce():
    sealer = Sealer(decode_key(new_key(), "K"))
    sealed = sealer.seal({"cnic": "3520212345671", "name": "عائشہ"})
    assert "3520212345671" not in sealed and sealed.startswith("v1:")
    assert sealer.unseal(sealed) == {"cnic": "3520212345671", "name": "عائشہ"}
    assert sealer.seal({"a": 1}) != sealer.seal({"a": 1})


def test_wrong_key_or_tampering_fails():
    sealed = Sealer(decode_key(new_key(), "K")).seal({"a": 1})
    with pytest.raises(InvalidTag):
        Sealer(decode_key(new_key(), "K")).unseal(sealed)


@pytest.mark.parametrize("value,message", [("", "is not set"), ("not base64!", "not valid base64"),
                                           ("c2hvcnQ=", "32 bytes")])
def test_bad_keys_name_the_setting(value, message):
    with pytest.raises(KeySettingError, match=message):
        decode_key(value, "INTAKE_PII_KEY")


def test_tokens_are_stored_as_hashes():
    assert token_matches("secret", token_hash("secret")) and not token_matches("guess", token_hash("secret"))
