"""Re-keying intake's CNIC claims to the current blind-index recipe, against an in-memory repository:
every claim and `cnic_index` moves, a CNIC with an active application cannot apply again afterwards,
a second run changes nothing, and until the database is stamped submissions are refused."""
import base64
import copy
import datetime as dt
import hashlib
import hmac
import io
from types import SimpleNamespace

import pytest

from domainkit.people import cnic_index
from intake.adapters.applications import CLAIM_CONFLICT, CLAIM_MOVED, NO_CLAIM
from intake.bootstrap import Keys
from intake.domain import application as lifecycle
from intake.service_layer import cnic_index as recipe
from intake.service_layer import submissions
from servicekit.crypto import Sealer

INDEX_KEY = bytes(range(32))
CNICS = ["3520212345671", "4210198765432", "6110155555553"]


def old_recipe(cnic: str) -> str:
    """Recipe 1, as intake computed it before domainkit.people: HMAC(key, digits)."""
    return hmac.new(INDEX_KEY, cnic.encode(), hashlib.sha256).hexdigest()


class FakeApplications:
    """ApplicationRepository's contract for submissions and the re-key, in memory."""

    def __init__(self):
        self.docs, self.claims, self.meta = {}, {}, {}

    def get(self, application_id, projection=None):
        return copy.deepcopy(self.docs.get(application_id))

    def insert(self, document, events):
        self.docs[document["_id"]] = copy.deepcopy(document)

    def claim_cnic(self, index, application_id, holds_cnic):
        return self._claim(index, application_id, holds_cnic, dt.datetime.now(dt.timezone.utc))

    def _claim(self, index, application_id, holds_cnic, claimed_at):
        claim = self.claims.get(index)
        if claim is not None and claim["application_id"] != application_id:
            holder = self.docs.get(claim["application_id"])
            if holder is None or holder["status"] in holds_cnic:
                return False
        self.claims[index] = {"application_id": application_id, "claimed_at": claimed_at}
        return True

    def release_cnic(self, index, application_id):
        if self.claims.get(index, {}).get("application_id") == application_id:
            del self.claims[index]

    def count(self):
        return len(self.docs)

    def cnic_indexes_after(self, after_id, limit):
        ids = sorted(i for i in self.docs if after_id is None or i > after_id)[:limit]
        return [{k: self.docs[i][k] for k in ("_id", "status", "cnic_index", "pii") if k in self.docs[i]}
                for i in ids]

    def move_cnic_claim(self, old_index, new_index, application_id, holds_cnic):
        old = self.claims.get(old_index)
        if old is None or old["application_id"] != application_id:
            mine = self.claims.get(new_index, {}).get("application_id") == application_id
            return CLAIM_MOVED if mine else NO_CLAIM
        if not self._claim(new_index, application_id, holds_cnic, old["claimed_at"]):
            return CLAIM_CONFLICT
        del self.claims[old_index]
        return CLAIM_MOVED

    def replace_cnic_index(self, application_id, old_index, new_index):
        doc = self.docs.get(application_id)
        if doc is None or doc.get("cnic_index") != old_index:
            return False
        doc["cnic_index"] = new_index
        return True

    def cnic_index_recipe_version(self):
        return self.meta.get("version")

    def stamp_cnic_index_recipe(self, version, how):
        self.meta = {"version": version, "how": how}

    def stamp_cnic_index_recipe_if_no_applications(self, version):
        if self.docs:
            return False
        self.meta.setdefault("version", version)
        return True


@pytest.fixture
def intake():
    keys = Keys(at_rest=Sealer(bytes(32)), in_events=Sealer(bytes(reversed(range(32)))), cnic_index=INDEX_KEY)
    return SimpleNamespace(keys=keys, applications=FakeApplications())


def stored_before_the_upgrade(intake, application_id, cnic, status=lifecycle.SUBMITTED, claimed=True):
    """An application (and its claim) as intake stored them under recipe 1."""
    index = old_recipe(cnic)
    intake.applications.docs[application_id] = {
        "_id": application_id, "status": status, "cnic_index": index,
        "pii": intake.keys.at_rest.seal({"cnic": cnic, "email": "a@example.pk"})}
    if claimed:
        intake.applications.claims[index] = {"application_id": application_id,
                                             "claimed_at": dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)}


def application_data(cnic):
    return {"full_name": "Ayesha Khan", "city": "Lahore", "province": "Punjab", "skills": ["python"],
            "platforms": [], "headline": "Developer", "listed": True, "education": "bachelors",
            "experience_years": 3, "cnic": cnic, "father_name": "Khan", "date_of_birth": "1990-01-01",
            "gender": "female", "email": "a@example.pk", "mobile": "+923001234567", "address": "Lahore",
            "portfolio_url": None, "language": "en"}


def rekey(intake):
    out = io.StringIO()
    result = recipe.rekey_cnic_indexes(intake, out=out)
    return result, out.getvalue()


def test_the_old_recipe_is_not_the_new_one():
    assert old_recipe(CNICS[0]) != cnic_index(INDEX_KEY, CNICS[0])


def test_old_claims_refuse_submissions_and_readiness_until_rekeyed(intake):
    stored_before_the_upgrade(intake, "a1", CNICS[0])
    with pytest.raises(recipe.CnicIndexRecipeOutdated, match="rekey-cnic-index"):
        recipe.check_recipe(intake.applications)
    with pytest.raises(recipe.CnicIndexRecipeOutdated):
        submissions.submit(intake, application_data(CNICS[1]))
    assert intake.applications.meta == {}


def test_rekey_moves_every_claim_and_index_so_an_active_cnic_cannot_apply_again(intake):
    stored_before_the_upgrade(intake, "a1", CNICS[0])
    stored_before_the_upgrade(intake, "a2", CNICS[1], status=lifecycle.APPROVED)
    stored_before_the_upgrade(intake, "a3", CNICS[2], status=lifecycle.WITHDRAWN, claimed=False)
    result, progress = rekey(intake)
    assert result == {"applications": 3, "rekeyed": 3, "current": 0, "claims_moved": 2, "conflicts": []}
    assert "re-key CNIC indexes" in progress and "3/3" in progress
    for application_id, cnic in (("a1", CNICS[0]), ("a2", CNICS[1]), ("a3", CNICS[2])):
        assert intake.applications.docs[application_id]["cnic_index"] == cnic_index(INDEX_KEY, cnic)
    assert intake.applications.claims.keys() == {cnic_index(INDEX_KEY, CNICS[0]), cnic_index(INDEX_KEY, CNICS[1])}
    assert intake.applications.meta["version"] == recipe.CURRENT_RECIPE
    recipe.check_recipe(intake.applications)
    for cnic in CNICS[:2]:
        with pytest.raises(submissions.DuplicateCnic):
            submissions.submit(intake, application_data(cnic))
    application_id, _ = submissions.submit(intake, application_data(CNICS[2]))  # its application was withdrawn
    assert intake.applications.docs[application_id]["cnic_index"] == cnic_index(INDEX_KEY, CNICS[2])


def test_running_it_again_changes_nothing(intake):
    stored_before_the_upgrade(intake, "a1", CNICS[0])
    stored_before_the_upgrade(intake, "a2", CNICS[1], status=lifecycle.WITHDRAWN, claimed=False)
    rekey(intake)
    docs, claims = copy.deepcopy(intake.applications.docs), copy.deepcopy(intake.applications.claims)
    result, _ = rekey(intake)
    assert result == {"applications": 2, "rekeyed": 0, "current": 2, "claims_moved": 0, "conflicts": []}
    assert intake.applications.docs == docs and intake.applications.claims == claims


def test_a_run_stopped_between_the_claim_and_the_index_is_finished_by_the_next(intake):
    stored_before_the_upgrade(intake, "a1", CNICS[0])
    intake.applications.move_cnic_claim(old_recipe(CNICS[0]), cnic_index(INDEX_KEY, CNICS[0]), "a1",
                                        lifecycle.HOLDS_CNIC)  # then the run died
    result, _ = rekey(intake)
    assert result["rekeyed"] == 1 and result["claims_moved"] == 1
    assert intake.applications.docs["a1"]["cnic_index"] == cnic_index(INDEX_KEY, CNICS[0])
    assert list(intake.applications.claims) == [cnic_index(INDEX_KEY, CNICS[0])]


def test_a_cnic_that_applied_again_after_the_upgrade_is_reported_not_overwritten(intake):
    stored_before_the_upgrade(intake, "a1", CNICS[0])
    intake.applications.meta = {"version": recipe.CURRENT_RECIPE}  # as if the bug had let it through
    duplicate, _ = submissions.submit(intake, application_data(CNICS[0]))
    intake.applications.meta = {}
    result, _ = rekey(intake)
    assert result["conflicts"] == ["a1"]
    assert intake.applications.claims[cnic_index(INDEX_KEY, CNICS[0])]["application_id"] == duplicate
    assert intake.applications.claims[old_recipe(CNICS[0])]["application_id"] == "a1"  # left for the operator


def test_a_new_claim_of_an_application_that_no_longer_holds_the_cnic_is_taken_over(intake):
    stored_before_the_upgrade(intake, "a1", CNICS[0])
    intake.applications.docs["w1"] = {"_id": "w1", "status": lifecycle.WITHDRAWN,
                                      "cnic_index": cnic_index(INDEX_KEY, CNICS[0]),
                                      "pii": intake.keys.at_rest.seal({"cnic": CNICS[0]})}
    intake.applications.claims[cnic_index(INDEX_KEY, CNICS[0])] = {"application_id": "w1", "claimed_at": None}
    result, _ = rekey(intake)
    assert result["conflicts"] == [] and result["claims_moved"] == 1
    assert intake.applications.claims == {cnic_index(INDEX_KEY, CNICS[0]): {
        "application_id": "a1", "claimed_at": dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)}}


def test_a_fresh_database_is_stamped_current_at_its_first_check(intake):
    recipe.check_recipe(intake.applications)
    assert intake.applications.meta["version"] == recipe.CURRENT_RECIPE
    application_id, _ = submissions.submit(intake, application_data(CNICS[0]))
    assert intake.applications.docs[application_id]["cnic_index"] == cnic_index(INDEX_KEY, CNICS[0])


def test_an_unreadable_application_stops_the_run_before_the_stamp(intake):
    stored_before_the_upgrade(intake, "a1", CNICS[0])
    intake.applications.docs["a1"]["pii"] = Sealer(bytes(range(1, 33))).seal({"cnic": CNICS[0]})
    with pytest.raises(recipe.UnreadableApplication, match="a1.*INTAKE_PII_KEY"):
        rekey(intake)
    assert intake.applications.meta == {}


def test_batches_cover_every_application(intake, monkeypatch):
    monkeypatch.setattr(recipe, "BATCH", 2)
    for n in range(5):
        stored_before_the_upgrade(intake, f"a{n}", f"35202{n:08d}")
    result, _ = rekey(intake)
    assert result["applications"] == 5 and result["rekeyed"] == 5


def test_readyz_says_not_ready_naming_the_command_until_the_recipe_is_current(intake, monkeypatch):
    import servicekit.web
    from intake.entrypoints import app as intake_app

    monkeypatch.setattr(servicekit.web, "check_mongodb", lambda uri: None)
    monkeypatch.setattr(servicekit.web, "check_kafka", lambda servers: None)
    monkeypatch.setattr(intake_app, "intake_for", lambda config: intake)
    key = base64.b64encode(bytes(32)).decode()
    client = intake_app.create_app({"TESTING": True, "SETTINGS": {
        "pii_key": key, "event_pii_key": key, "cnic_index_key": key, "secret_key": "s"}}).test_client()
    stored_before_the_upgrade(intake, "a1", CNICS[0])

    response = client.get("/readyz")
    assert response.status_code == 503
    assert "CnicIndexRecipeOutdated" in response.json["checks"]["cnic_index_recipe"]
    assert "rekey-cnic-index" in response.json["checks"]["cnic_index_recipe"]

    rekey(intake)
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json["checks"]["cnic_index_recipe"] == "ok"
