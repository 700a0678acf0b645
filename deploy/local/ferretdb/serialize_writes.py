"""Makes FerretDB v1's single-document updates atomic, as MongoDB's are (run on its source before building).

    python3 serialize_writes.py <FerretDB module source dir>

FerretDB v1.24.2 runs `update` and `findAndModify` as query → modify in Go → write back
by _id, with nothing held in between (FerretDB/FerretDB#3040), so two clients updating
the same document lose one update: measured here, 4 threads × 300 `$inc`s on one
document ended at ~160 per field instead of 600. The registry depends on
single-document atomicity (DESIGN.md §3: outbox, inbox guards, counters), so this
serialises those two read-modify-write paths inside the one FerretDB process with a
package-level mutex. Inserts, deletes and reads are unchanged.
"""
import sys
from pathlib import Path

LOCK_FILE = '''// Code added by the Freelancer Registry's build (deploy/local/ferretdb/serialize_writes.py).

package handler

import "sync"

// readModifyWrite serialises update and findAndModify, whose query and write-back
// are otherwise separate steps that concurrent clients interleave.
var readModifyWrite sync.Mutex
'''

EDITS = {
    "internal/handler/msg_update.go": (
        "func (h *Handler) updateDocument(ctx context.Context, params *common.UpdateParams) (int32, int32, *types.Array, error) {\n",
        "\treadModifyWrite.Lock()\n\tdefer readModifyWrite.Unlock()\n\n",
    ),
    "internal/handler/msg_findandmodify.go": (
        "func (h *Handler) findAndModifyDocument(ctx context.Context, params *common.FindAndModifyParams) (*findAndModifyResult, error) {\n",
        "\treadModifyWrite.Lock()\n\tdefer readModifyWrite.Unlock()\n\n",
    ),
}


def main(source: Path) -> None:
    for relative, (anchor, addition) in EDITS.items():
        path = source / relative
        text = path.read_text()
        if text.count(anchor) != 1:
            sys.exit(f"serialize_writes.py: {relative} no longer has the expected function; review the patch")
        path.write_text(text.replace(anchor, anchor + addition))
    (source / "internal/handler/registry_readmodifywrite.go").write_text(LOCK_FILE)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
