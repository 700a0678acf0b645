"""Two fixes to FerretDB v1.24.2's source, applied before building it (deploy/local/install.sh).

    python3 patch_source.py <FerretDB module source dir>

1. Atomic single-document updates. `update` and `findAndModify` run as query → modify
   in Go → write back by _id with nothing held in between (FerretDB/FerretDB#3040), so
   two clients updating one document lose an update: measured here, 4 threads × 300
   `$inc`s on one document ended at ~160 per field instead of 600. The registry depends
   on single-document atomicity (outbox, inbox guards, counters), so those
   two read-modify-write paths are serialised inside the one FerretDB process.

2. Lookups by _id use the _id index. The SQLite backend filters on
   `_ferretdb_sjson->'$._id'` while the unique index is on `_ferretdb_sjson->"_id"`;
   SQLite does not see them as the same expression, so every lookup, update and delete
   by _id scanned the whole table (measured: 30 ms per lookup at 450 documents, growing
   with the table). The filter is written as the index is, and a query whose filter
   names an _id (with other conditions too) is narrowed to it; FerretDB's handlers
   apply the whole filter to what the backend returns, as they always do.

Each edit must match the source exactly once, so a different FerretDB version fails
loudly here instead of building something unpatched.
"""
import sys
from pathlib import Path

LOCK_FILE = '''// Added by the Freelancer Registry's build (deploy/local/ferretdb/patch_source.py).

package handler

import "sync"

// readModifyWrite serialises update and findAndModify, whose query and write-back
// are otherwise separate steps that concurrent clients interleave.
var readModifyWrite sync.Mutex
'''

LOCK = "\treadModifyWrite.Lock()\n\tdefer readModifyWrite.Unlock()\n\n"
UPDATE = "func (h *Handler) updateDocument(ctx context.Context, params *common.UpdateParams) (int32, int32, *types.Array, error) {\n"
FIND_AND_MODIFY = ("func (h *Handler) findAndModifyDocument(ctx context.Context, params *common.FindAndModifyParams) "
                   "(*findAndModifyResult, error) {\n")
ID_FILTER = "\tif params.Filter.Len() == 1 {\n\t\tv, _ := params.Filter.Get(\"_id\")\n"

EDITS = [
    # (file, old, new, how many times old must occur)
    ("internal/handler/msg_update.go", UPDATE, UPDATE + LOCK, 1),
    ("internal/handler/msg_findandmodify.go", FIND_AND_MODIFY, FIND_AND_MODIFY + LOCK, 1),
    ("internal/backends/sqlite/metadata/metadata.go", "IDColumn = DefaultColumn + \"->'$._id'\"",
     "IDColumn = DefaultColumn + \"->'_id'\"", 1),
    ("internal/backends/sqlite/collection.go", ID_FILTER, ID_FILTER.replace("Len() == 1", "Len() >= 1"), 2),
]


def main(source: Path) -> None:
    for relative, old, new, times in EDITS:
        path = source / relative
        text = path.read_text()
        if text.count(old) != times:
            sys.exit(f"patch_source.py: {relative} does not look as expected ({text.count(old)} matches, "
                     f"wanted {times}); review the patch for this FerretDB version")
        path.write_text(text.replace(old, new))
    (source / "internal/handler/registry_readmodifywrite.go").write_text(LOCK_FILE)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
