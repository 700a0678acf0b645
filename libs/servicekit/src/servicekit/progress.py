"""A one-line progress bar on stderr, for operator commands that walk a whole collection."""
import sys
import time


class Progress:
    """`label [#####.....] done/total  rate/s`, redrawn in place; `finish()` ends the line."""

    def __init__(self, label: str, total: int, out=sys.stderr):
        self.label, self.total, self.out = label, total, out
        self.done, self.started = 0, time.monotonic()

    def advance(self, n: int) -> None:
        self.done += n
        width = 30
        filled = int(width * min(self.done, self.total) / self.total) if self.total else width
        rate = self.done / max(time.monotonic() - self.started, 1e-6)
        self.out.write(f"\r  {self.label:<22} [{'#' * filled}{'.' * (width - filled)}] "
                       f"{self.done:,}/{self.total:,}  {rate:,.0f}/s")
        self.out.flush()

    def finish(self) -> None:
        self.advance(0)
        self.out.write("\n")
