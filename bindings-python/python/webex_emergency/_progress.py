"""Progress bars (tqdm): a notebook bar under a Jupyter kernel, a terminal bar on a terminal
(rows or entities done, failures, rate, ETA), nothing otherwise; and text made safe for a
terminal (``printable``)."""
from __future__ import annotations

import sys

# typing is imported for type checkers only: at run time it costs more than this package.
_TYPE_CHECKING = False
if _TYPE_CHECKING:
    from typing import Any, Callable, Optional


def _in_notebook() -> bool:
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return type(shell).__name__ == "ZMQInteractiveShell"


# Control characters (C0, DEL and C1: escape sequences start with one) as `\x1b`.
_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0))}


def printable(text: str) -> str:
    """``text`` for a terminal: its control characters written as ``\\x1b``, so that data from the
    API (a name, a server's error message) cannot move the cursor, clear or retitle the screen."""
    return text.translate(_CONTROLS)


class Bar:
    """Told cumulative counts (``show(done, total, failed)``); draws nothing when there is
    neither a terminal on stderr nor a notebook."""

    def __init__(self, total: Optional[int], unit: str, failures: str) -> None:
        self.failures = failures
        self.failed = 0
        self.bar: Any = None
        if _in_notebook():
            from tqdm.auto import tqdm  # type: ignore[import-untyped,unused-ignore]
        elif sys.stderr.isatty():
            from tqdm import tqdm  # type: ignore[import-untyped,unused-ignore]
        else:
            return
        self.bar = tqdm(total=total, unit=unit, file=sys.stderr, dynamic_ncols=True)

    def show(self, done: int, total: Optional[int], failed: int) -> None:
        if self.bar is None:
            return
        if total is not None and self.bar.total != total:
            self.bar.total = total
        if failed != self.failed:
            self.failed = failed
            self.bar.set_postfix({self.failures: failed}, refresh=False)
        self.bar.update(done - self.bar.n)
        if total is not None and done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def callback(total: Optional[int], unit: str, failures: str) -> Optional[Callable[[int, Optional[int], int], None]]:
    """A ``(done, total, failed)`` callback drawing a bar, or None when nothing would be drawn."""
    bar = Bar(total, unit, failures)
    return bar.show if bar.bar is not None else None
