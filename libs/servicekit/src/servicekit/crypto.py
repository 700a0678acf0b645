"""Encryption of personal data at rest and in events, and secret tokens.

- `Sealer` encrypts with AES-256-GCM: "v1:" + base64(nonce ‖ ciphertext ‖ tag). Tampering or
  a wrong key fails loudly. Keys are 32 random bytes, given base64-encoded in the environment.
- `KeyedSealer` seals under a named key: "v2:<key id>:" + base64(nonce ‖ ciphertext ‖ tag), the key id also
  bound into the tag, so whoever holds a ciphertext knows which key opens it. Per-applicant data keys
  (crypto-shredding) and service keys that rotate are named this way; `Keyring` opens either format,
  finding a v2 ciphertext's key by its id (and raising KeyErased when that key was destroyed).
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


_V2 = "v2:"


class KeyErased(LookupError):
    """The key a ciphertext names was destroyed (its applicant's data erased): it can never be opened again."""


class KeyedSealer:
    """Seals under one named key (`key_id`: letters, digits, '.', '-', '_')."""

    def __init__(self, key_id: str, key: bytes):
        if not key_id or ":" in key_id:
            raise ValueError("a key id is non-empty and has no ':'")
        self.key_id, self._aead = key_id, AESGCM(key)

    def seal_bytes(self, data: bytes) -> str:
        nonce = os.urandom(12)
        return f"{_V2}{self.key_id}:" + base64.b64encode(
            nonce + self._aead.encrypt(nonce, data, self.key_id.encode())).decode()

    def seal(self, value: dict) -> str:
        return self.seal_bytes(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


def key_id_of(sealed: str) -> str | None:
    """The key a v2 ciphertext names; None for a v1 one (sealed under a service key that has no name)."""
    if not sealed.startswith(_V2):
        return None
    return sealed[len(_V2):].split(":", 1)[0]


def open_with(key: bytes, sealed: str) -> bytes:
    """Open a v2 ciphertext with the key it names (InvalidTag for another key, or tampering)."""
    key_id, _, body = sealed[len(_V2):].partition(":")
    raw = base64.b64decode(body)
    return AESGCM(key).decrypt(raw[:12], raw[12:], key_id.encode())


class Keyring:
    """Opens v1 ciphertexts with `legacy` (the service key of earlier versions) and v2 ones with the key
    `resolve(key_id)` returns (KeyErased when it no longer exists)."""

    def __init__(self, resolve, legacy: Sealer | None = None):
        self._resolve, self._legacy = resolve, legacy

    def unseal_bytes(self, sealed: str) -> bytes:
        key_id = key_id_of(sealed)
        if key_id is None:
            if self._legacy is None:
                raise ValueError("a v1 ciphertext, and no legacy key to open it")
            return self._legacy.unseal_bytes(sealed)
        return open_with(self._resolve(key_id), sealed)

    def unseal(self, sealed: str) -> dict:
        return json.loads(self.unseal_bytes(sealed))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, expected_hash: str) -> bool:
    return hmac.compare_digest(token_hash(token), expected_hash)
