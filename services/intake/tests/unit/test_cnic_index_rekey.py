"""Re-keying intake's CNIC indexes and claims to the current version, against the in-memory repository:
every index moves and every application that holds its CNIC gets its claim (from recipe 1, and from
version 2's claims kept apart), a CNIC with an active application cannot apply again afterwards, a second
run changes nothing, and until the database is stamped submissions and readiness are refused."""
import base64
import hashlib
import hmac
import io

import pytest

from domainkit.people import cnic_index
from intake.domain import application as lifecycle
from intake.service_layer import cnic_index as recipe
from intake.service_layer import submissions
from servicekit.crypto import Sealer

INDEX_KEY = bytes(range(32))  # the conftest's key
CNICS = ["3520212345671", "4210198765432", "6110155555553"]


def old_recipe(cnic: str) -> str:
    """Recipe 1, as intake computed it before domainkit.people: HMAC(key, digits)."""
    return hmac.new(INDEX_KEY, cnic.encode(), hashlib.sha256).hexdigest()


def stored_before_the_upgrade(deps, application_id, cnic, status=lifecycle.SUBMITTED, version=1):
    """An application as intake stored it at `version` (its claim was kept in another collection then)."""
    deps.applications.docs[application_id] = {
        "_id": application_id, "status": status,
        "cnic_index": old_recipe(cnic) if version == 1 else cnic_index(INDEX_KEY, cnic),
        "pii": deps.keys.at_rest.seal({"cnic": cnic, "email": "a@example.pk"})}


def rekey(deps):
    out = io.StringIO()
    result = recipe.rekey_cnic_indexes(deps, out=out)
    return result, out.getvalue()


def claims(deps) -> dict:
    return {d["cnic_claim"]: i for i, d in deps.applications.docs.items() if "cnic_claim" in d}


def test_the_old_recipe_is_not_the_new_one():
    assert old_recipe(CNICS[0]) != cnic_index(INDEX_KEY, CNICS[0])


@pytest.mark.parametrize("version", [None, 1, 2])
def test_old_indexes_or_claims_refuse_submissions_until_rekeyed(deps, application, version):
    stored_before_the_upgrade(deps, "a1", CNICS[0], version=version or 1)
    if version:
        deps.applications.meta = {"version": version}
    with pytest.raises(recipe.CnicIndexRecipeOutdated, match="rekey-cnic-index"):
        recipe.check_recipe(deps.applications)
    with pytest.raises(recipe.CnicIndexRecipeOutdated):
        submissions.submit(deps, application(CNICS[1]))
    assert deps.applications.meta.get("version") == version


@pytest.mark.parametrize("version", [1, 2])
def test_rekey_moves_every_index_and_claim_so_an_active_cnic_cannot_apply_again(deps, application, version):
    stored_before_the_upgrade(deps, "a1", CNICS[0], version=version)
    stored_before_the_upgrade(deps, "a2", CNICS[1], status=lifecycle.APPROVED, version=version)
    stored_before_the_upgrade(deps, "a3", CNICS[2], status=lifecycle.WITHDRAWN, version=version)
    result, progress = rekey(deps)
    withdrawn_current = version == 2  # its index was right already, and it holds no claim
    assert result == {"applications": 3, "rekeyed": 3 - withdrawn_current, "current": int(withdrawn_current),
                      "claims_moved": 2, "conflicts": [], "without_cnic": []}
    assert "re-key CNIC indexes" in progress and "3/3" in progress
    for application_id, cnic in (("a1", CNICS[0]), ("a2", CNICS[1]), ("a3", CNICS[2])):
        assert deps.applications.docs[application_id]["cnic_index"] == cnic_index(INDEX_KEY, cnic)
    assert claims(deps) == {cnic_index(INDEX_KEY, CNICS[0]): "a1", cnic_index(INDEX_KEY, CNICS[1]): "a2"}
    assert deps.applications.meta["version"] == recipe.CURRENT_RECIPE
    assert deps.applications.legacy_claims_dropped
    recipe.check_recipe(deps.applications)
    for cnic in CNICS[:2]:
        with pytest.raises(submissions.DuplicateCnic):
            submissions.submit(deps, application(cnic))
    submitted = submissions.submit(deps, application(CNICS[2]))  # its application was withdrawn
    assert claims(deps)[cnic_index(INDEX_KEY, CNICS[2])] == submitted.application_id


def test_running_it_again_changes_nothing(deps):
    stored_before_the_upgrade(deps, "a1", CNICS[0])
    stored_before_the_upgrade(deps, "a2", CNICS[1], status=lifecycle.WITHDRAWN)
    rekey(deps)
    docs = {i: dict(d) for i, d in deps.applications.docs.items()}
    result, _ = rekey(deps)
    assert result == {"applications": 2, "rekeyed": 0, "current": 2, "claims_moved": 0, "conflicts": [],
                      "without_cnic": []}
    assert deps.applications.docs == docs


def test_an_application_withdrawn_while_the_run_reads_it_gets_its_index_and_no_claim(deps):
    stored_before_the_upgrade(deps, "a1", CNICS[0])
    read = deps.applications.cnic_indexes_after

    def withdrawn_just_after_reading(after_id, limit):
        batch = read(after_id, limit)
        for doc in batch:
            deps.applications.docs[doc["_id"]]["status"] = lifecycle.WITHDRAWN
        return batch
    deps.applications.cnic_indexes_after = withdrawn_just_after_reading
    result, _ = rekey(deps)
    assert result["rekeyed"] == 1 and result["claims_moved"] == 0
    assert deps.applications.docs["a1"]["cnic_index"] == cnic_index(INDEX_KEY, CNICS[0]) and claims(deps) == {}


def test_a_cnic_that_applied_again_before_the_rekey_is_reported_not_overwritten(deps, application):
    stored_before_the_upgrade(deps, "a1", CNICS[0])
    deps.applications.meta = {"version": recipe.CURRENT_RECIPE}  # as if an older recipe's duplicate slipped in
    duplicate = submissions.submit(deps, application(CNICS[0])).application_id
    deps.applications.meta = {}
    result, _ = rekey(deps)
    assert result["conflicts"] == ["a1"]
    assert claims(deps) == {cnic_index(INDEX_KEY, CNICS[0]): duplicate}  # the duplicate keeps its claim
    again, _ = rekey(deps)
    assert again["conflicts"] == ["a1"]  # still there for the operator


def test_a_fresh_database_is_stamped_current_at_its_first_check(deps, application):
    recipe.check_recipe(deps.applications)
    assert deps.applications.meta["version"] == recipe.CURRENT_RECIPE
    submitted = submissions.submit(deps, application(CNICS[0]))
    assert deps.applications.docs[submitted.application_id]["cnic_claim"] == cnic_index(INDEX_KEY, CNICS[0])


def test_a_database_stamped_older_but_without_applications_is_stamped_current(deps):
    deps.applications.meta = {"version": 2}
    recipe.check_recipe(deps.applications)
    assert deps.applications.meta["version"] == recipe.CURRENT_RECIPE


def test_an_unreadable_application_stops_the_run_before_the_stamp(deps):
    stored_before_the_upgrade(deps, "a1", CNICS[0])
    deps.applications.docs["a1"]["pii"] = Sealer(bytes(range(1, 33))).seal({"cnic": CNICS[0]})
    with pytest.raises(recipe.UnreadableApplication, match="a1.*INTAKE_PII_KEY"):
        rekey(deps)
    assert deps.applications.meta == {} and not deps.applications.legacy_claims_dropped


def test_a_document_without_personal_data_is_reported_and_left_alone(deps):
    stored_before_the_upgrade(deps, "a1", CNICS[0])
    deps.applications.docs["t1"] = {"_id": "t1", "status": lifecycle.SUBMITTED, "outbox": []}  # a test's fixture
    result, _ = rekey(deps)
    assert result["without_cnic"] == ["t1"] and result["rekeyed"] == 1
    assert deps.applications.docs["t1"] == {"_id": "t1", "status": lifecycle.SUBMITTED, "outbox": []}
    assert deps.applications.meta["version"] == recipe.CURRENT_RECIPE


def test_batches_cover_every_application(deps, monkeypatch):
    monkeypatch.setattr(recipe, "BATCH", 2)
    for n in range(5):
        stored_before_the_upgrade(deps, f"a{n}", f"35202{n:08d}")
    result, _ = rekey(deps)
    assert result["applications"] == 5 and result["rekeyed"] == 5


def test_readyz_says_not_ready_naming_the_command_until_the_recipe_is_current(deps, monkeypatch):
    import servicekit.web
    from intake.entrypoints import app as intake_app

    monkeypatch.setattr(servicekit.web, "check_mongodb", lambda uri: None)
    monkeypatch.setattr(servicekit.web, "check_kafka", lambda servers: None)
    monkeypatch.setattr(intake_app, "intake_for", lambda config: deps)
    key = base64.b64encode(bytes(32)).decode()
    client = intake_app.create_app({"TESTING": True, "SETTINGS": {
        "pii_key": key, "event_pii_key": key, "cnic_index_key": key, "secret_key": "s"}}).test_client()
    stored_before_the_upgrade(deps, "a1", CNICS[0])

    response = client.get("/readyz")
    assert response.status_code == 503
    assert "CnicIndexRecipeOutdated" in response.json["checks"]["cnic_index_recipe"]
    assert "rekey-cnic-index" in response.json["checks"]["cnic_index_recipe"]

    rekey(deps)
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json["checks"]["cnic_index_recipe"] == "ok"
