"""Bulk changes from a CSV sheet for Python code and notebooks (``Client.bulk_csv``): the core
reads and checks the rows and makes the results rows; this module keeps them."""
from __future__ import annotations

_TYPE_CHECKING = False
if _TYPE_CHECKING:
    from typing import Any, Dict, List, Optional


class SheetRow:
    """One input row's outcome: its ``line`` in the file, ``status`` (done, failed, skipped or
    planned), ``error`` (line, column and rule, or the API's answer) and, for a dry run, the
    ``request`` that would be sent."""

    __slots__ = ("line", "status", "error", "record", "request")

    def __init__(self, line: int, status: str, error: str, record: str, request: Optional[Dict[str, Any]]) -> None:
        self.line = line
        self.status = status
        self.error = error
        self.record = record
        self.request = request

    def __repr__(self) -> str:
        error = f", error={self.error!r}" if self.error else ""
        return f"SheetRow(line={self.line}, status={self.status!r}{error})"


class SheetResults(list):  # type: ignore[type-arg]
    """One ``SheetRow`` per row run, in line order; ``counts`` per status, ``kept`` rows done
    before (resume), ``stopped`` when Ctrl-C ended the run early (rows it did not finish are
    ``skipped``: run again with ``resume=results.to_csv()``), and ``to_csv()``: the results file (the
    input columns plus status and error)."""

    def __init__(self, rows: List[SheetRow], counts: Dict[str, int], head: str, kept: int, *,
                 stopped: bool = False) -> None:
        super().__init__(sorted(rows, key=lambda r: r.line))
        self.counts = counts
        self.kept = kept
        self.stopped = stopped
        self._head = head

    @property
    def failed(self) -> List[SheetRow]:
        """Rows that failed, each with its error."""
        return [r for r in self if r.status == "failed"]

    def to_csv(self) -> str:
        """The results file: header, rows kept from the resumed file, then every row run."""
        return self._head + "".join(r.record for r in self)

    def __repr__(self) -> str:
        shown = ", ".join(f"{s}={n}" for s, n in self.counts.items() if n)
        stopped = ", stopped" if self.stopped else ""
        return f"SheetResults({shown or 'no rows'}{stopped})"

    def _repr_html_(self) -> str:
        import html

        from ._audit import _HTML_ROWS

        colours = {"done": "#1a7f37", "failed": "#cf222e", "skipped": "#9a6700", "planned": "#0969da"}
        # Failed and skipped rows first (in line order), then the rest, up to _HTML_ROWS.
        rank = {"failed": 0, "skipped": 1}
        shown = sorted(self, key=lambda r: (rank.get(r.status, 2), r.line))[:_HTML_ROWS]
        rows = "".join(
            f'<tr><td>{r.line}</td><td style="color:{colours.get(r.status, "inherit")};font-weight:bold">'
            f"{html.escape(r.status)}</td><td>{html.escape(r.error)}</td></tr>"
            for r in shown
        )
        if len(self) > _HTML_ROWS:
            rows += (f'<tr><td colspan="3">… and {len(self) - _HTML_ROWS} more (failed and skipped rows come first): '
                     "<code>to_csv()</code> has every row</td></tr>")
        return (f"<div><p>{html.escape(repr(self))}</p><table><thead><tr><th>line</th><th>status</th>"
                f"<th>error</th></tr></thead><tbody>{rows}</tbody></table></div>")
