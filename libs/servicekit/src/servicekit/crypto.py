"""Encryption of personal data at rest and in events, and secret tokens.

- `Sealer` encrypts with AES-256-GCM: "v1:" + base64(nonce ‖ ciphertext ‖ tag). Tampering or
  a wrong key fails loudly. Keys are 32 random bytes, given base64-encoded in the environment.
- Access tokens are random and stored only as their SHA-256.

The keyed hashes that find an identity again without storing it (blind indexes of CNICs,
emails, mobiles) are a rule intake and verification share: domainkit.people.
"""
import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = "v1:"


class KeySettingError(ValueError):
    """A key setting that is missing or malformed."""


def decode_key(value: str, name: str) -> bytes:
    if not value:
        raise KeySettingError(f"{name} is not set: give 32 random bytes, base64-encoded (make up writes .local/secrets.env)")
    try:
        key = base64.b64decode(value, validate=True)
    except binascii.Error:
        raise KeySettingError(f"{name} is not valid base64") from None
    if len(key) != 32:
        raise KeySettingError(f"{name} must decode to 32 bytes, not {len(key)}")
    return key


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


class Sealer:
    def __init__(self, key: bytes):
        self._aead = AESGCM(key)

    def seal_bytes(self, data: bytes) -> str:
        nonce = os.urandom(12)
        return _VERSION + base64.b64encode(nonce + self._aead.encrypt(nonce, data, None)).decode()

    def unseal_bytes(self, sealed: str) -> bytes:
        if not sealed.startswith(_VERSION):
            raise ValueError("unknown sealed format")
        raw = base64.b64decode(sealed[len(_VERSION):])
        return self._aead.decrypt(raw[:12], raw[12:], None)

    def seal(self, value: dict) -> str:
        return self.seal_bytes(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())

    def unseal(self, sealed: str) -> dict:
        return json.loads(self.unseal_bytes(sealed))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, expected_hash: str) -> bool:
    return hmac.compare_digest(token_hash(token), expected_hash)
