"""Per-applicant data keys with fakes: each application's record, identity and contact are sealed under keys of
its own, named in every ciphertext; the contact part holds no more than the contact details; destroying the keys
makes every copy unreadable; the service key that wraps them can be rotated without losing one."""
import pytest

from intake.domain.data_keys import CONTACT, IDENTITY
from intake.service_layer import submissions
from intake.service_layer.data_keys import DataKeys, NoKeys
from servicekit.crypto import KeyErased, Sealer, key_id_of

from .conftest import NOW, FakeDataKeyRepository


def test_an_applications_parts_are_sealed_under_its_own_keys(deps, application):
    first = submissions.submit(deps, application())
    second = submissions.submit(deps, application(cnic="3520212345682", email="other@example.pk"))
    doc = deps.applications.docs[first.application_id]
    payload = doc["outbox"][0]["payload"]
    assert key_id_of(doc["pii"]) == f"{first.application_id}.record"
    assert key_id_of(payload["sealed"]) == f"{first.application_id}.identity"
    assert key_id_of(payload["contact"]) == f"{first.application_id}.contact"
    contact = deps.data_keys.keyring().unseal(payload["contact"])
    assert contact == {"full_name": "Ayesha Khan", "email": "a@example.pk", "mobile": "+923001234567"}  # no CNIC
    assert deps.data_keys.key(f"{first.application_id}.identity") != deps.data_keys.key(
        f"{second.application_id}.identity")
    assert deps.data_keys.served_key(f"{first.application_id}.contact", (CONTACT,))
    with pytest.raises(PermissionError):  # notification's token reads contact keys only
        deps.data_keys.served_key(f"{first.application_id}.identity", (CONTACT,))
    with pytest.raises(PermissionError):  # and nobody gets the record key
        deps.data_keys.served_key(f"{first.application_id}.record", (IDENTITY, CONTACT))


def test_destroyed_keys_leave_every_copy_sealed_for_good(deps, application):
    submitted = submissions.submit(deps, application())
    doc = deps.applications.docs[submitted.application_id]
    ring = deps.data_keys.keyring()
    assert deps.data_keys.destroy(submitted.application_id, NOW) is True
    for sealed in (doc["pii"], doc["outbox"][0]["payload"]["sealed"], doc["outbox"][0]["payload"]["contact"]):
        with pytest.raises(KeyErased):
            ring.unseal(sealed)
    other = DataKeys(deps.data_keys.repository, deps.data_keys.wrapping)  # another process, no cache
    with pytest.raises(KeyErased):
        other.key(f"{submitted.application_id}.identity")
    with pytest.raises(KeyErased):  # and no write makes keys for it again
        other.sealer(submitted.application_id, CONTACT)
    with pytest.raises(NoKeys):  # an application that never had keys is told apart (a 404, not a 410)
        other.served_key("nosuchapplication.contact", (CONTACT,))


def test_rotating_the_wrapping_key_rewraps_every_data_key_and_keeps_them(application, deps):
    repository = FakeDataKeyRepository()
    old = DataKeys(repository, {"old": Sealer(b"o" * 32)})
    sealed = {}
    for n in range(7):
        old.create_for(f"app{n}", None)
        sealed[n] = old.sealer(f"app{n}", IDENTITY).seal({"n": n})
    rotated = DataKeys(repository, {"new": Sealer(b"n" * 32), "old": Sealer(b"o" * 32)})
    assert rotated.rewrap_all(batch=3) == 7 and repository.count_wrapped_by_other_than("new") == 0
    assert rotated.rewrap_all() == 0  # repeated: nothing left to do
    only_new = DataKeys(repository, {"new": Sealer(b"n" * 32)})  # the old key can now be retired
    assert [only_new.keyring().unseal(sealed[n]) for n in range(7)] == [{"n": n} for n in range(7)]
