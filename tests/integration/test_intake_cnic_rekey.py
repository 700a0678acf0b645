"""Intake's re-key of CNIC indexes and claims to the current version, with the real repository against a
real MongoDB-protocol server (DocumentDB locally): indexes move, every application that holds its CNIC
gets its claim under the unique index, the old `cnic_claims` collection goes, a second run changes
nothing, a conflict is reported, and a fresh database is stamped at its first check."""
import datetime as dt
import hashlib
import hmac
import io
from types import SimpleNamespace

import pytest

from domainkit.people import cnic_index
from eventkit.indexes import ensure_indexes
from intake.adapters.applications import ApplicationRepository
from intake.adapters.indexes import INDEXES
from intake.domain import application as lifecycle
from intake.service_layer import cnic_index as recipe
from intake.service_layer.dependencies import Keys
from servicekit.crypto import Sealer

INDEX_KEY = bytes(range(32))
CNICS = ["3520212345671", "4210198765432", "6110155555553"]
CLAIMED_AT = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def old_recipe(cnic: str) -> str:
    return hmac.new(INDEX_KEY, cnic.encode(), hashlib.sha256).hexdigest()


@pytest.fixture
def deps(database):
    ensure_indexes(database, INDEXES)
    keys = Keys(at_rest=Sealer(bytes(32)), in_events=Sealer(bytes(32)), cnic_index=INDEX_KEY)
    return SimpleNamespace(keys=keys, applications=ApplicationRepository(database), db=database,
                           unseal_record=keys.at_rest.unseal)  # applications stored before per-applicant keys


def stored_before_the_upgrade(deps, application_id, cnic, status=lifecycle.SUBMITTED, claimed=True):
    """An application, and its claim in the `cnic_claims` collection, as intake stored them at recipe 1."""
    index = old_recipe(cnic)
    deps.db["applications"].insert_one({"_id": application_id, "status": status, "cnic_index": index,
                                        "pii": deps.keys.at_rest.seal({"cnic": cnic}), "outbox": [],
                                        "outbox_pending": False, "revision": 1})
    if claimed:
        deps.db["cnic_claims"].insert_one({"_id": index, "application_id": application_id, "claimed_at": CLAIMED_AT})


def snapshot(deps):
    return list(deps.db["applications"].find({}, {"cnic_index": 1, "cnic_claim": 1}).sort("_id"))


def new_application(application_id, cnic):
    return {"_id": application_id, "status": lifecycle.SUBMITTED, "cnic_index": cnic_index(INDEX_KEY, cnic),
            "pii": Sealer(bytes(32)).seal({"cnic": cnic})}


def test_rekey_moves_indexes_and_claims_and_a_second_run_changes_nothing(deps, monkeypatch):
    monkeypatch.setattr(recipe, "BATCH", 2)  # several batches
    stored_before_the_upgrade(deps, "a1", CNICS[0])
    stored_before_the_upgrade(deps, "a2", CNICS[1], status=lifecycle.APPROVED)
    stored_before_the_upgrade(deps, "a3", CNICS[2], status=lifecycle.WITHDRAWN, claimed=False)
    deps.db["applications"].create_index("cnic_index")  # as earlier versions made it
    with pytest.raises(recipe.CnicIndexRecipeOutdated, match="rekey-cnic-index"):
        recipe.check_recipe(deps.applications)

    result = recipe.rekey_cnic_indexes(deps, out=io.StringIO())
    assert result == {"applications": 3, "rekeyed": 3, "current": 0, "claims_moved": 2, "conflicts": [],
                      "without_cnic": []}
    docs = {d["_id"]: d for d in snapshot(deps)}
    assert {i: d["cnic_index"] for i, d in docs.items()} == {
        f"a{n + 1}": cnic_index(INDEX_KEY, cnic) for n, cnic in enumerate(CNICS)}
    assert {i: d.get("cnic_claim") for i, d in docs.items()} == {
        "a1": cnic_index(INDEX_KEY, CNICS[0]), "a2": cnic_index(INDEX_KEY, CNICS[1]), "a3": None}
    assert "cnic_claims" not in deps.db.list_collection_names()
    assert "cnic_index_1" not in deps.db["applications"].index_information()
    assert deps.applications.cnic_index_recipe_version() == recipe.CURRENT_RECIPE
    recipe.check_recipe(deps.applications)
    for n, cnic in enumerate(CNICS[:2]):
        with pytest.raises(lifecycle.DuplicateCnic):
            deps.applications.add(new_application(f"new{n}", cnic), [])
    deps.applications.add(new_application("new3", CNICS[2]), [])  # its application was withdrawn

    before = snapshot(deps)
    again = recipe.rekey_cnic_indexes(deps, out=io.StringIO())
    assert again == {"applications": 4, "rekeyed": 0, "current": 4, "claims_moved": 0, "conflicts": [],
                     "without_cnic": []}
    assert snapshot(deps) == before


def test_rekey_moves_each_index_only_from_the_one_read(deps):
    stored_before_the_upgrade(deps, "a1", CNICS[0])
    old, new = old_recipe(CNICS[0]), cnic_index(INDEX_KEY, CNICS[0])
    repo = deps.applications
    assert repo.rekey_cnic("a1", "not-its-index", new) == lifecycle.CHANGED_MEANWHILE
    assert repo.rekey_cnic("a1", old, new) == lifecycle.CLAIM_MOVED
    assert repo.rekey_cnic("a1", old, new) == lifecycle.CHANGED_MEANWHILE
    deps.db["applications"].update_one({"_id": "a1"}, {"$set": {"status": lifecycle.REJECTED}})
    assert repo.rekey_cnic("a1", new, new) == lifecycle.INDEX_MOVED
    assert "cnic_claim" not in repo.get("a1")


def test_a_new_index_held_by_another_active_application_is_a_conflict(deps):
    stored_before_the_upgrade(deps, "a1", CNICS[0])
    deps.applications.add(new_application("b1", CNICS[0]), [])
    result = recipe.rekey_cnic_indexes(deps, out=io.StringIO())
    assert result["conflicts"] == ["a1"]
    assert deps.applications.get("a1")["cnic_index"] == cnic_index(INDEX_KEY, CNICS[0])
    assert "cnic_claim" not in deps.applications.get("a1")
    assert deps.applications.get("b1")["cnic_claim"] == cnic_index(INDEX_KEY, CNICS[0])


def test_a_fresh_database_is_stamped_current_at_its_first_check(deps):
    assert deps.applications.cnic_index_recipe_version() is None
    recipe.check_recipe(deps.applications)
    assert deps.applications.cnic_index_recipe_version() == recipe.CURRENT_RECIPE
    recipe.check_recipe(deps.applications)


def test_an_older_stamp_on_a_database_without_applications_is_raised_never_lowered(deps):
    deps.applications.stamp_cnic_index_recipe(2, "an earlier intake")
    recipe.check_recipe(deps.applications)
    assert deps.applications.cnic_index_recipe_version() == recipe.CURRENT_RECIPE
    deps.applications.stamp_cnic_index_recipe(recipe.CURRENT_RECIPE + 1, "a later intake")
    assert deps.applications.stamp_cnic_index_recipe_if_no_applications(recipe.CURRENT_RECIPE)
    assert deps.applications.cnic_index_recipe_version() == recipe.CURRENT_RECIPE + 1
