"""Intake's re-key of CNIC claims to the current blind-index recipe, with the real repository against a
real MongoDB-protocol server (FerretDB locally): claims and `cnic_index` move, a second run changes
nothing, the recipe stamp is written, and a fresh database is stamped at its first check."""
import datetime as dt
import hashlib
import hmac
import io
from types import SimpleNamespace

import pytest

from domainkit.people import cnic_index
from intake.adapters.applications import CLAIM_CONFLICT, CLAIM_MOVED, NO_CLAIM, ApplicationRepository
from intake.bootstrap import Keys
from intake.domain import application as lifecycle
from intake.service_layer import cnic_index as recipe
from servicekit.crypto import Sealer

INDEX_KEY = bytes(range(32))
CNICS = ["3520212345671", "4210198765432", "6110155555553"]
CLAIMED_AT = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def old_recipe(cnic: str) -> str:
    return hmac.new(INDEX_KEY, cnic.encode(), hashlib.sha256).hexdigest()


@pytest.fixture
def intake(database):
    applications = ApplicationRepository(database)
    applications.ensure_indexes()
    keys = Keys(at_rest=Sealer(bytes(32)), in_events=Sealer(bytes(32)), cnic_index=INDEX_KEY)
    return SimpleNamespace(keys=keys, applications=applications, db=database)


def stored_before_the_upgrade(intake, application_id, cnic, status=lifecycle.SUBMITTED, claimed=True):
    index = old_recipe(cnic)
    intake.db["applications"].insert_one({"_id": application_id, "status": status, "cnic_index": index,
                                          "pii": intake.keys.at_rest.seal({"cnic": cnic}), "outbox": [],
                                          "outbox_pending": False, "revision": 1})
    if claimed:
        intake.db["cnic_claims"].insert_one({"_id": index, "application_id": application_id, "claimed_at": CLAIMED_AT})


def snapshot(intake):
    return (list(intake.db["applications"].find({}, {"cnic_index": 1}).sort("_id")),
            list(intake.db["cnic_claims"].find().sort("_id")))


def test_rekey_moves_claims_and_indexes_and_a_second_run_changes_nothing(intake, monkeypatch):
    monkeypatch.setattr(recipe, "BATCH", 2)  # several batches
    stored_before_the_upgrade(intake, "a1", CNICS[0])
    stored_before_the_upgrade(intake, "a2", CNICS[1], status=lifecycle.APPROVED)
    stored_before_the_upgrade(intake, "a3", CNICS[2], status=lifecycle.WITHDRAWN, claimed=False)
    with pytest.raises(recipe.CnicIndexRecipeOutdated, match="rekey-cnic-index"):
        recipe.check_recipe(intake.applications)

    result = recipe.rekey_cnic_indexes(intake, out=io.StringIO())
    assert result == {"applications": 3, "rekeyed": 3, "current": 0, "claims_moved": 2, "conflicts": []}
    docs, claims = snapshot(intake)
    assert {d["_id"]: d["cnic_index"] for d in docs} == {
        f"a{n + 1}": cnic_index(INDEX_KEY, cnic) for n, cnic in enumerate(CNICS)}
    assert {c["_id"]: (c["application_id"], c["claimed_at"]) for c in claims} == {
        cnic_index(INDEX_KEY, CNICS[0]): ("a1", CLAIMED_AT), cnic_index(INDEX_KEY, CNICS[1]): ("a2", CLAIMED_AT)}
    assert intake.applications.cnic_index_recipe_version() == recipe.CURRENT_RECIPE
    recipe.check_recipe(intake.applications)
    assert not intake.applications.claim_cnic(cnic_index(INDEX_KEY, CNICS[0]), "new", lifecycle.HOLDS_CNIC)
    assert not intake.applications.claim_cnic(cnic_index(INDEX_KEY, CNICS[1]), "new", lifecycle.HOLDS_CNIC)

    before = snapshot(intake)
    again = recipe.rekey_cnic_indexes(intake, out=io.StringIO())
    assert again == {"applications": 3, "rekeyed": 0, "current": 3, "claims_moved": 0, "conflicts": []}
    assert snapshot(intake) == before


def test_a_claim_moves_only_for_its_owner_and_a_repeat_finishes_a_half_done_move(intake):
    stored_before_the_upgrade(intake, "a1", CNICS[0])
    old, new = old_recipe(CNICS[0]), cnic_index(INDEX_KEY, CNICS[0])
    repo = intake.applications
    assert repo.move_cnic_claim(old, new, "someone-else", lifecycle.HOLDS_CNIC) == NO_CLAIM
    intake.db["cnic_claims"].insert_one({"_id": new, "application_id": "a1", "claimed_at": CLAIMED_AT})  # died here
    assert repo.move_cnic_claim(old, new, "a1", lifecycle.HOLDS_CNIC) == CLAIM_MOVED
    assert [c["_id"] for c in intake.db["cnic_claims"].find()] == [new]
    assert repo.move_cnic_claim(old, new, "a1", lifecycle.HOLDS_CNIC) == CLAIM_MOVED
    assert not repo.replace_cnic_index("a1", "not-its-index", new)
    assert repo.replace_cnic_index("a1", old, new) and not repo.replace_cnic_index("a1", old, new)


def test_a_new_index_held_by_another_active_application_is_a_conflict(intake):
    stored_before_the_upgrade(intake, "a1", CNICS[0])
    intake.db["applications"].insert_one({"_id": "b1", "status": lifecycle.SUBMITTED})
    intake.db["cnic_claims"].insert_one({"_id": cnic_index(INDEX_KEY, CNICS[0]), "application_id": "b1",
                                         "claimed_at": CLAIMED_AT})
    assert intake.applications.move_cnic_claim(old_recipe(CNICS[0]), cnic_index(INDEX_KEY, CNICS[0]), "a1",
                                               lifecycle.HOLDS_CNIC) == CLAIM_CONFLICT
    assert intake.db["cnic_claims"].count_documents({}) == 2


def test_a_fresh_database_is_stamped_current_at_its_first_check(intake):
    assert intake.applications.cnic_index_recipe_version() is None
    recipe.check_recipe(intake.applications)
    assert intake.applications.cnic_index_recipe_version() == recipe.CURRENT_RECIPE
    recipe.check_recipe(intake.applications)
