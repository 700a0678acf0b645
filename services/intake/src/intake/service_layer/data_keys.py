"""Per-applicant data keys, the use cases (domain/data_keys.py has the rules): made with an application, used to
seal its personal data (in intake's database and inside events), handed to the service that may read a part,
destroyed when the applicant's data is erased, and re-wrapped when the service key rotates.

Unwrapped keys are cached in the process for a minute (an application's data is read in bursts); erasure
drops them here at once, and other processes' copies age out within the minute."""
import datetime as dt
import os

from intake.domain import data_keys as rules
from servicekit.crypto import KeyErased, KeyedSealer, Keyring, Sealer


class NoKeys(LookupError):
    """The application has no keys and never had (an application of an earlier version, or no such one)."""


class UnknownWrapping(LookupError):
    """The keys are wrapped by a service key this process was not given (INTAKE_PII_KEY, INTAKE_PII_KEYS_OLD)."""
from servicekit.timed_cache import TimedCache

CACHE_SECONDS = 60.0


class DataKeys:
    """`wrapping`: {wrapping key id: Sealer}, the current key first (it wraps new keys; the others only unwrap,
    until `rewrap_all` has moved every key to the current one)."""

    def __init__(self, repository, wrapping: dict[str, Sealer], legacy: Sealer | None = None):
        self.repository, self.wrapping = repository, wrapping
        self.current_wrapping = next(iter(wrapping))
        self.legacy = legacy  # what earlier versions sealed records with (v1, INTAKE_PII_KEY)
        self._cache = TimedCache(CACHE_SECONDS)

    def create_for(self, application_id: str, now: dt.datetime) -> None:
        """Make the application's keys (nothing changes when it has them)."""
        wrapper = self.wrapping[self.current_wrapping]
        wrapped = {part: wrapper.seal_bytes(os.urandom(32)) for part in rules.PARTS}
        self.repository.add_unless_present(application_id, self.current_wrapping, wrapped, now)

    def _keys_of(self, application_id: str, cached_ok: bool = True) -> dict:
        if cached_ok:
            return self._cache.get(application_id, lambda: self._unwrapped(application_id))
        return self._unwrapped(application_id)

    def _unwrapped(self, application_id: str) -> dict:
        """NoKeys when the application never had keys; KeyErased when they were destroyed (a tombstone says so)."""
        stored = self.repository.get(application_id)
        if stored is None:
            raise NoKeys(application_id)
        if stored.get("destroyed_at"):
            raise KeyErased(application_id)
        wrapper = self.wrapping.get(stored["wrapped_by"])
        if wrapper is None:
            raise UnknownWrapping(f"keys of {application_id} are wrapped by {stored['wrapped_by']}, not among the "
                                  "wrapping keys given (INTAKE_PII_KEY, INTAKE_PII_KEYS_OLD)")
        return {part: wrapper.unseal_bytes(wrapped) for part, wrapped in stored["keys"].items()}

    def key(self, key_id: str) -> bytes:
        """The key a ciphertext names; KeyErased when the application's keys were destroyed, NoKeys when it has no
        such key."""
        application_id, part = rules.parse_key_id(key_id)
        keys = self._keys_of(application_id)
        if part not in keys:
            raise NoKeys(key_id)
        return keys[part]

    def served_key(self, key_id: str, allowed_parts: tuple[str, ...]) -> bytes:
        """The key for another service, if its part is one that service may read (PermissionError otherwise);
        read from the database each time, so no process hands out a key another one has just destroyed."""
        application_id, part = rules.parse_key_id(key_id)
        if part not in allowed_parts:
            raise PermissionError(part)
        keys = self._keys_of(application_id, cached_ok=False)  # never from a cache: erased is erased now
        if part not in keys:
            raise NoKeys(key_id)
        return keys[part]

    def sealer(self, application_id: str, part: str) -> KeyedSealer:
        """Seals under the application's key of `part` (made now for an application of an earlier version, or
        one made before that part existed); KeyErased for an erased application: its keys never come back."""
        try:
            keys = self._keys_of(application_id)
        except NoKeys:
            self.create_for(application_id, dt.datetime.now(dt.timezone.utc))
            keys = self._keys_of(application_id)
        if part not in keys:
            stored = self.repository.get(application_id)
            wrapped = self.wrapping[stored["wrapped_by"]].seal_bytes(os.urandom(32))
            self.repository.add_part(application_id, part, stored["wrapped_by"], wrapped)
            self._cache.drop(lambda key: key == application_id)
            keys = self._keys_of(application_id)
            if part not in keys:  # re-wrapped meanwhile (a rotation): add it under the new wrapping
                return self.sealer(application_id, part)
        return KeyedSealer(rules.key_id(application_id, part), keys[part])

    def keyring(self) -> Keyring:
        """Opens intake's own ciphertexts: per-applicant (v2) and those sealed before under INTAKE_PII_KEY (v1)."""
        return Keyring(self.key, self.legacy)

    def destroy(self, application_id: str, now: dt.datetime) -> bool:
        """Crypto-shred the application: its keys are destroyed, here and in this process's cache, leaving a
        tombstone (so "erased" is told apart from "never had keys", and keys are never made for it again)."""
        self._cache.drop(lambda key: key == application_id)
        return self.repository.destroy(application_id, now)

    def count_to_rewrap(self) -> int:
        """How many applications' keys are still wrapped by an older wrapping key."""
        return self.repository.count_wrapped_by_other_than(self.current_wrapping)

    def rewrap_all(self, progress=None, batch: int = 500) -> int:
        """Re-wrap every key still wrapped by an older wrapping key under the current one; how many. Safe
        while the service runs (each is a conditional update) and to repeat after an interruption."""
        done, after = 0, None
        wrapper = self.wrapping[self.current_wrapping]
        while True:
            stored = self.repository.wrapped_by_other_than(self.current_wrapping, after, batch)
            if not stored:
                return done
            for doc in stored:
                old = self.wrapping.get(doc["wrapped_by"])
                if old is None:
                    raise LookupError(f"keys of {doc['_id']} are wrapped by {doc['wrapped_by']}, which is not among "
                                      f"the wrapping keys given (INTAKE_PII_KEY, INTAKE_PII_KEYS_OLD)")
                wrapped = {part: wrapper.seal_bytes(old.unseal_bytes(w)) for part, w in doc["keys"].items()}
                done += self.repository.rewrap(doc["_id"], doc["wrapped_by"], self.current_wrapping, wrapped)
                if progress:
                    progress.advance(1)
            after = stored[-1]["_id"]
