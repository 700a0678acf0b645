"""Which recipe intake's CNIC indexes are made with, and re-keying them to the current one.

A CNIC claim's key, and each application's `cnic_index`, is the CNIC's blind index. Recipe 1
was HMAC(CNIC_INDEX_KEY, digits); recipe 2 (domainkit.people.cnic_index, shared with
verification) is HMAC(CNIC_INDEX_KEY, "cnic:" + digits). With claims of both recipes, a CNIC
that holds an active application under recipe 1 could apply again under recipe 2, so:

- `rekey_cnic_indexes` (`python -m intake.entrypoints.cli rekey-cnic-index`) reads every
  application's CNIC from its sealed personal data, moves its claim to the new index and sets
  its `cnic_index`, then stamps the database with recipe 2. It is safe to repeat (what is
  re-keyed already is left alone) and to run while this version of intake serves (a claim is
  inserted under the new index before the old one is deleted, each conditioned on its owner; an
  older version still running would go on writing recipe-1 claims, so stop it first);
- until the stamp says recipe 2, intake's /readyz says not ready and submissions are refused
  (`require_current_recipe`), naming the command. A database without applications is stamped
  recipe 2 the first time it is checked.
"""
import sys
import weakref

from domainkit.people import cnic_index
from intake.adapters.applications import CLAIM_CONFLICT, CLAIM_MOVED
from intake.domain import application as lifecycle
from servicekit.progress import Progress

CURRENT_RECIPE = 2
COMMAND = "python -m intake.entrypoints.cli rekey-cnic-index"
BATCH = 500


class CnicIndexRecipeOutdated(RuntimeError):
    """Stored CNIC indexes are made with an older recipe than this version of intake computes."""


class UnreadableApplication(RuntimeError):
    """An application's sealed personal data cannot be read (wrong INTAKE_PII_KEY?)."""


def check_recipe(applications) -> None:
    """Raise CnicIndexRecipeOutdated, saying what to run, unless the stored indexes are of the current recipe;
    a database without applications is stamped current here."""
    version = applications.cnic_index_recipe_version()
    if version is not None and version >= CURRENT_RECIPE:
        return
    if version is None and applications.stamp_cnic_index_recipe_if_no_applications(CURRENT_RECIPE):
        return
    raise CnicIndexRecipeOutdated(
        f"intake's CNIC claims are keyed by recipe {version or 1} and this version of intake computes recipe "
        f"{CURRENT_RECIPE}, so a CNIC could apply twice: run `{COMMAND}` (safe while intake runs)")


_current = weakref.WeakSet()  # repositories seen current: a recipe is never downgraded, so once is enough


def require_current_recipe(applications) -> None:
    """check_recipe, remembered once it passes (submissions call this; it reads the stamp once per process)."""
    if applications in _current:
        return
    check_recipe(applications)
    _current.add(applications)


def rekey_cnic_indexes(intake, out=sys.stderr) -> dict:
    """Re-key every application's CNIC claim and `cnic_index` to the current recipe, then stamp the database.

    Returns counts: applications seen, re-keyed now, current already, claims moved, and the ids of
    applications whose new index another active application holds already (two active applications
    with one CNIC: left for an operator; the stamp is written all the same, every index being current)."""
    repository = intake.applications
    progress = Progress("re-key CNIC indexes", repository.count(), out)
    result = {"applications": 0, "rekeyed": 0, "current": 0, "claims_moved": 0, "conflicts": []}
    after = None
    while batch := repository.cnic_indexes_after(after, BATCH):
        for doc in batch:
            _rekey_one(intake, doc, result)
        after = batch[-1]["_id"]
        result["applications"] += len(batch)
        progress.advance(len(batch))
    progress.finish()
    repository.stamp_cnic_index_recipe(CURRENT_RECIPE, f"re-keyed by {COMMAND}")
    return result


def _rekey_one(intake, doc: dict, result: dict) -> None:
    try:
        cnic = intake.keys.at_rest.unseal(doc["pii"])["cnic"]
    except Exception as exc:  # noqa: BLE001 - say which application, then stop before stamping anything
        raise UnreadableApplication(f"application {doc['_id']}: its personal data cannot be read "
                                    f"({type(exc).__name__}); is INTAKE_PII_KEY the one it was written with?") from exc
    new_index = cnic_index(intake.keys.cnic_index, cnic)
    old_index = doc.get("cnic_index")
    if old_index == new_index:
        result["current"] += 1
        return
    if old_index is not None:
        moved = intake.applications.move_cnic_claim(old_index, new_index, doc["_id"], lifecycle.HOLDS_CNIC)
        if moved == CLAIM_MOVED:
            result["claims_moved"] += 1
        elif moved == CLAIM_CONFLICT:
            result["conflicts"].append(doc["_id"])
    # Only after the claim: a run stopped in between finds the old index here and finishes the move.
    if intake.applications.replace_cnic_index(doc["_id"], old_index, new_index):
        result["rekeyed"] += 1
