"""Each service declares its indexes in one place and creates them at start.

A service's `adapters/indexes.py` holds `INDEXES = {"collection": [IndexModel(...), ...]}`;
its bootstrap calls `ensure_indexes(database, INDEXES)` before it serves or consumes. Creating
an index that exists with the same keys and options does nothing, so every process may do it.
An index whose options changed (say a TTL) is dropped and made again: the declaration wins,
whether the old one has the declared name or the same keys under another name (an earlier
version's `create_index` default name, say).
"""
import logging
from typing import Mapping, Sequence

from pymongo import IndexModel
from pymongo.database import Database
from pymongo.errors import OperationFailure

log = logging.getLogger(__name__)
OPTIONS_CONFLICT = {85, 86}  # IndexOptionsConflict, IndexKeySpecsConflict


def ensure_indexes(database: Database, declared: Mapping[str, Sequence[IndexModel]]) -> None:
    """Create every declared index that is missing (idempotent)."""
    for collection_name, models in declared.items():
        collection = database[collection_name]
        for model in models:
            try:
                collection.create_indexes([model])
            except OperationFailure as exc:
                if exc.code not in OPTIONS_CONFLICT:
                    raise
                for name in _clashing_indexes(collection.index_information(), model.document):
                    log.warning("index %s.%s differs from the declaration; making it again",
                                collection_name, name)
                    collection.drop_index(name)
                collection.create_indexes([model])


def _key_pairs(key) -> list[tuple[str, object]]:
    """An index key as (field, direction) pairs, with 1.0 and 1 the same."""
    return [(field, int(d) if isinstance(d, (int, float)) else d) for field, d in dict(key).items()]


def _clashing_indexes(existing: Mapping[str, dict], declared: Mapping) -> list[str]:
    """The existing indexes that stop the declared one being made: the one holding its name,
    and any holding its keys under another name."""
    keys = _key_pairs(declared["key"])
    return [name for name, info in existing.items()
            if name != "_id_" and (name == declared["name"] or _key_pairs(info["key"]) == keys)]
