"""Each service declares its indexes in one place and creates them at start.

A service's `adapters/indexes.py` holds `INDEXES = {"collection": [IndexModel(...), ...]}`;
its bootstrap calls `ensure_indexes(database, INDEXES)` before it serves or consumes. Creating
an index that exists with the same keys and options does nothing, so every process may do it.
An index whose options changed (say a TTL) is dropped and made again: the declaration wins.
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
                name = model.document["name"]
                log.warning("index %s.%s changed its options; making it again", collection_name, name)
                collection.drop_index(name)
                collection.create_indexes([model])
