"""Per-applicant data keys as the consumers of intake's events get them (crypto-shredding).

Intake seals each application's personal data under keys of that application alone and holds them; a
ciphertext names its key ("v2:<application id>.<part>:…", servicekit.crypto). A consumer asks intake for a key
by its id with its own service token, and intake hands over only the part that token may read (verification:
`identity`; notification: `contact`; payments: `payer`). Once an applicant's data is erased intake answers 410
and the key is gone: every copy of their data, in any topic, read model or backup, stays sealed for good. Any
other answer (a 404 from a wrong INTAKE_URL or an old intake, a 403 from a wrong token, a 5xx) is a fault the
consumer waits out, loudly (it logs each retry), never taken for an erasure.

Keys are cached in the process for `cache_seconds` (a worker handles an application's events in bursts), and
dropped at once when the process learns of the erasure (`forget`).
"""
import base64

import httpx

from eventkit.consumer import DependencyDown
from servicekit.crypto import KeyErased, Keyring, Sealer
from servicekit.timed_cache import TimedCache


class KeysUnavailable(DependencyDown):
    """Intake did not answer (or answered an error): a passing failure, the event is tried again until it does."""


class RemoteDataKeys:
    """`resolve(key_id)` → the key's 32 bytes, fetched from intake (GET /api/v1/data-keys/<key id>)."""

    def __init__(self, intake_url: str, token: str, cache_seconds: float = 60.0, timeout: float = 5.0,
                 client: httpx.Client | None = None):
        self.url, self.token = intake_url.rstrip("/"), token
        self.client = client or httpx.Client(timeout=timeout)
        self._cache = TimedCache(cache_seconds)

    def resolve(self, key_id: str) -> bytes:
        return self._cache.get(key_id, lambda: self._fetch(key_id))

    def _fetch(self, key_id: str) -> bytes:
        try:
            answer = self.client.get(f"{self.url}/api/v1/data-keys/{key_id}",
                                     headers={"Authorization": f"Bearer {self.token}"})
        except httpx.HTTPError as exc:
            raise KeysUnavailable(f"intake did not answer for data key {key_id}: {exc}") from exc
        if answer.status_code == 410:  # destroyed: the only answer that means erased
            raise KeyErased(key_id)
        if answer.status_code != 200:
            raise KeysUnavailable(f"intake answered {answer.status_code} for data key {key_id}")
        return base64.b64decode(answer.json()["key"])

    def forget(self, application_id: str) -> None:
        """Drop every cached key of an application (its data was erased)."""
        self._cache.drop(lambda key_id: key_id.split(".", 1)[0] == application_id)


def events_keyring(remote: RemoteDataKeys, legacy: Sealer | None) -> Keyring:
    """Opens what intake sealed in events: per-applicant keys fetched from intake, and (legacy) the shared
    EVENT_PII_KEY of events written before per-applicant keys."""
    return Keyring(remote.resolve, legacy)
