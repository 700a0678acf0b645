"""How intake's CNIC indexes and claims are made (the "recipe" version), and re-keying them to the current one.

Each application's `cnic_index` is its CNIC's blind index; while it holds the CNIC it also
carries that index as its claim. The versions, as stamped in the database:

1. claims in a `cnic_claims` collection, indexes HMAC(CNIC_INDEX_KEY, digits);
2. claims in `cnic_claims`, indexes of domainkit.people.cnic_index (HMAC of "cnic:" + digits,
   shared with verification);
3. (current) indexes as in 2; the claim is the application's own `cnic_claim` field, under a
   unique index, so a submission is one write (adapters/applications.py).

With indexes or claims of an older version a CNIC that holds an active application could apply
again (recipe 1 computes other indexes; claims in `cnic_claims` are not seen by the unique index), so:

- `rekey_cnic_indexes` (`python -m intake.entrypoints.cli rekey-cnic-index`) reads every
  application's CNIC from its sealed personal data and sets its `cnic_index`, and, while it
  holds the CNIC, its claim, in one conditional write; then it drops the old `cnic_claims`
  collection and stamps the database current. It is safe to repeat (what is current is left
  alone) and to run while this version of intake serves (each write is conditioned on the
  index it read; an older version still running would go on writing old claims, so stop it first);
- until the stamp says current, intake's /readyz says not ready and submissions are refused
  (`require_current_recipe`), naming the command. A database without applications is stamped
  current the first time it is checked.
"""
import sys
import weakref

from domainkit.people import cnic_index
from intake.domain import application as lifecycle
from intake.domain.application import CHANGED_MEANWHILE, CLAIM_CONFLICT, CLAIM_MOVED
from servicekit.progress import Progress

CURRENT_RECIPE = 3
COMMAND = "python -m intake.entrypoints.cli rekey-cnic-index"
BATCH = 500


class CnicIndexRecipeOutdated(RuntimeError):
    """Stored CNIC indexes or claims are made as an older version of intake made them."""


class UnreadableApplication(RuntimeError):
    """An application's sealed personal data cannot be read (wrong INTAKE_PII_KEY?)."""


def check_recipe(applications) -> None:
    """Raise CnicIndexRecipeOutdated, saying what to run, unless the stored indexes and claims are current;
    a database without applications is stamped current here."""
    version = applications.cnic_index_recipe_version()
    if version is not None and version >= CURRENT_RECIPE:
        return
    if applications.stamp_cnic_index_recipe_if_no_applications(CURRENT_RECIPE):
        return
    raise CnicIndexRecipeOutdated(
        f"intake's CNIC indexes and claims are stored as version {version or 1} and this version of intake needs "
        f"version {CURRENT_RECIPE}, so a CNIC could apply twice: run `{COMMAND}` (safe while intake runs)")


_current = weakref.WeakSet()  # repositories seen current: a recipe is never downgraded, so once is enough


def require_current_recipe(applications) -> None:
    """check_recipe, remembered once it passes (submissions call this; it reads the stamp once per process)."""
    if applications in _current:
        return
    check_recipe(applications)
    _current.add(applications)


def rekey_cnic_indexes(deps, out=sys.stderr) -> dict:
    """Re-key every application's `cnic_index` and claim to the current version, then stamp the database.

    Returns counts: applications seen, re-keyed now, current already, claims moved (holders whose claim is
    now under the new index); the ids of applications whose new index another active application holds
    already (two active applications with one CNIC: left for an operator; the stamp is written all the same,
    every index being current), and of documents without any personal data (nothing to re-key)."""
    repository = deps.applications
    progress = Progress("re-key CNIC indexes", repository.count(), out)
    result = {"applications": 0, "rekeyed": 0, "current": 0, "claims_moved": 0, "conflicts": [], "without_cnic": []}
    after = None
    while batch := repository.cnic_indexes_after(after, BATCH):
        for doc in batch:
            _rekey_one(deps, doc, result)
        after = batch[-1]["_id"]
        result["applications"] += len(batch)
        progress.advance(len(batch))
    progress.finish()
    repository.drop_legacy_claims()
    repository.stamp_cnic_index_recipe(CURRENT_RECIPE, f"re-keyed by {COMMAND}")
    return result


def _is_current(doc: dict, new_index: str) -> bool:
    if doc.get("cnic_index") != new_index:
        return False
    if doc["status"] in lifecycle.HOLDS_CNIC:
        return doc.get("cnic_claim") == new_index
    return "cnic_claim" not in doc


def _rekey_one(deps, doc: dict, result: dict) -> None:
    if "pii" not in doc:
        # No personal data at all, so no CNIC to index nor claim: not an application intake stored (a test's
        # outbox fixture, say). A document whose data cannot be read is another matter: that stops the run.
        result["without_cnic"].append(doc["_id"])
        return
    try:
        cnic = deps.unseal_record(doc["pii"])["cnic"]
    except Exception as exc:  # noqa: BLE001 - say which application, then stop before stamping anything
        raise UnreadableApplication(f"application {doc['_id']}: its personal data cannot be read "
                                    f"({type(exc).__name__}); is INTAKE_PII_KEY the one it was written with?") from exc
    new_index = cnic_index(deps.keys.cnic_index, cnic)
    if _is_current(doc, new_index):
        result["current"] += 1
        return
    outcome = deps.applications.rekey_cnic(doc["_id"], doc.get("cnic_index"), new_index)
    if outcome == CHANGED_MEANWHILE:
        return  # another run re-keyed it since it was read
    result["rekeyed"] += 1
    if outcome == CLAIM_MOVED:
        result["claims_moved"] += 1
    elif outcome == CLAIM_CONFLICT:
        result["conflicts"].append(doc["_id"])
