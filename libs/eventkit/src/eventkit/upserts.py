"""Upserting one document by its `_id` without losing concurrent updates.

DocumentDB (the local stack's engine; upstream issue microsoft/documentdb#295) loses updates
when several upserts filtered only by `{"_id": k}` meet on a document that does not exist yet:
each takes its "insert" path, and all but one increment vanish without an error. Adding a second
condition on `_id` sends the upsert down the ordinary query path, where the losers of the race
get a duplicate-key error instead; they are retried, and then find the document and update it.
MongoDB behaves the same with or without the extra condition, so the code keeps to one form.
Measured by tests/integration/test_mongodb_atomicity.py.
"""
from pymongo import ReturnDocument
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

ATTEMPTS = 3  # a duplicate key can only happen once per racing insert; three is ample


def by_id_for_upsert(document_id) -> dict:
    """The filter for an upsert of the document `document_id` (see the module's docstring)."""
    return {"$and": [{"_id": document_id}, {"_id": {"$exists": True}}]}


def upsert_by_id(collection: Collection, document_id, update: dict, *, return_after: bool = False, session=None):
    """Apply `update` to the document `document_id`, creating it if missing.

    Returns the document after the update when `return_after`, else the UpdateResult."""
    for attempt in range(ATTEMPTS):
        try:
            if return_after:
                return collection.find_one_and_update(by_id_for_upsert(document_id), update, upsert=True,
                                                      return_document=ReturnDocument.AFTER, session=session)
            return collection.update_one(by_id_for_upsert(document_id), update, upsert=True, session=session)
        except DuplicateKeyError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
