import os

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


def test_a_keyed_ciphertext_names_its_key_and_opens_only_with_it():
    from servicekit.crypto import KeyErased, KeyedSealer, Keyring, key_id_of

    keys = {"app1.contact": os.urandom(32), "app2.contact": os.urandom(32)}
    legacy = Sealer(decode_key(new_key(), "K"))

    def resolve(key_id):
        if key_id not in keys:
            raise KeyErased(key_id)
        return keys[key_id]

    ring = Keyring(resolve, legacy)
    sealed = KeyedSealer("app1.contact", keys["app1.contact"]).seal({"email": "a@example.pk"})
    assert key_id_of(sealed) == "app1.contact" and key_id_of(legacy.seal({"a": 1})) is None
    assert ring.unseal(sealed) == {"email": "a@example.pk"}
    assert ring.unseal(legacy.seal({"a": 1})) == {"a": 1}  # what earlier versions sealed still opens
    relabelled = sealed.replace("app1.contact", "app2.contact", 1)
    with pytest.raises(InvalidTag):  # the key id is bound into the tag: a relabelled ciphertext fails
        ring.unseal(relabelled)
    del keys["app1.contact"]
    with pytest.raises(KeyErased):
        ring.unseal(sealed)
