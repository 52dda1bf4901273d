"""The audit's report: findings as objects, and the report's JSON, CSV, pandas and notebook forms.
Every rule and the JSON and CSV texts come from the core; this module only presents them."""
from __future__ import annotations

# typing is imported for type checkers only: at run time it costs more than this package.
_TYPE_CHECKING = False
if _TYPE_CHECKING:
    from typing import Any, Dict, List, Optional

from . import _native

#: Rows a notebook's HTML table shows at most (the rest are counted below it).
_HTML_ROWS = 200

#: Every rule of the audit with its severity, in the core's order.
RULES: List[Dict[str, str]] = _native.audit_rules()

_COLOURS = {"error": "#b00020", "warning": "#8a5a00", "info": "#1f5fa8"}


class Entity:
    """What a finding is about: ``kind`` (person, workspace, virtual_line, location, org), ``id``, ``name``."""

    __slots__ = ("kind", "id", "name")

    def __init__(self, data: Dict[str, Any]) -> None:
        self.kind: str = data.get("kind", "")
        self.id: str = data.get("id", "")
        self.name: str = data.get("name", "")

    def __repr__(self) -> str:
        return f"Entity(kind={self.kind!r}, id={self.id!r}, name={self.name!r})"


class Place:
    """A location: ``id`` and ``name``."""

    __slots__ = ("id", "name")

    def __init__(self, data: Dict[str, Any]) -> None:
        self.id: str = data.get("id", "")
        self.name: str = data.get("name", "")

    def __repr__(self) -> str:
        return f"Place(id={self.id!r}, name={self.name!r})"


class Finding:
    """One broken rule for one entity: ``rule``, ``severity``, ``entity``, ``location`` (or None),
    ``message`` (what is wrong, with the values seen) and ``fix`` (what to do)."""

    __slots__ = ("rule", "severity", "entity", "location", "message", "fix")

    def __init__(self, data: Dict[str, Any]) -> None:
        self.rule: str = data["rule"]
        self.severity: str = data["severity"]
        self.entity = Entity(data.get("entity") or {})
        self.location: Optional[Place] = Place(data["location"]) if data.get("location") else None
        self.message: str = data.get("message", "")
        self.fix: str = data.get("fix", "")

    def __repr__(self) -> str:
        return f"Finding(rule={self.rule!r}, severity={self.severity!r}, entity={self.entity!r}, message={self.message!r})"


class AuditReport:
    """The result of ``client.audit()``: ``findings`` in the report's order (severity, location
    name, entity name, rule), ``counts`` per severity, ``audited`` and ``skipped`` per kind,
    ``by_location`` summaries and ``elapsed_ms``."""

    __slots__ = ("_data", "findings")

    def __init__(self, data: Dict[str, Any]) -> None:
        self._data = data
        self.findings: List[Finding] = [Finding(f) for f in data.get("findings", [])]

    @property
    def counts(self) -> Dict[str, int]:
        """Findings per severity: ``{"error": n, "warning": n, "info": n}``."""
        return dict(self._data.get("counts", {}))

    @property
    def audited(self) -> Dict[str, int]:
        """Entities audited per kind (``org``, ``location``, ``person``, ``workspace``, ``virtualLine``)."""
        return dict(self._data.get("audited", {}))

    @property
    def skipped(self) -> Dict[str, int]:
        """Entities listed but not audited (people without calling, workspaces without Webex Calling)."""
        return dict(self._data.get("skipped", {}))

    @property
    def by_location(self) -> List[Dict[str, Any]]:
        """Per location: ``id``, ``name``, ``members`` audited and ``findings`` per severity."""
        return [dict(x) for x in self._data.get("byLocation", [])]

    @property
    def elapsed_ms(self) -> int:
        """How long the audit took, in milliseconds."""
        return int(self._data.get("elapsedMs", 0))

    def to_dict(self) -> Dict[str, Any]:
        """The report as JSON data (camelCase keys), as every language gives it."""
        import copy

        return copy.deepcopy(self._data)

    def to_json(self) -> str:
        """The report as JSON text (the same bytes as the Rust and JavaScript reports)."""
        return str(_native.report_json(self._data))

    def to_csv(self) -> str:
        """The findings as CSV: severity, rule, entityKind, entityId, entityName, locationId,
        locationName, message, fix (cells a spreadsheet would run as formulas start with ')."""
        return str(_native.report_csv(self._data))

    def plan_csv(self) -> str:
        """Proposed changes as a bulk ECBN CSV (kind, id, selected, locationMemberId, name,
        locationName, rules): ``LOCATION_ECBN`` for each member whose ECBN rule fired and whose
        location's own ECBN is RECOMMENDED, for the admin to review and apply in bulk."""
        return str(_native.report_plan_csv(self._data))

    def to_pandas(self) -> Any:
        """The findings as a pandas DataFrame, one row per finding (the CSV columns)."""
        try:
            import pandas  # type: ignore[import-not-found,import-untyped,unused-ignore]
        except ImportError as e:
            raise ImportError("AuditReport.to_pandas() needs the `pandas` package: pip install pandas") from e
        rows = [{"severity": f.severity, "rule": f.rule, "entityKind": f.entity.kind, "entityId": f.entity.id,
                 "entityName": f.entity.name, "locationId": f.location.id if f.location else "",
                 "locationName": f.location.name if f.location else "", "message": f.message, "fix": f.fix}
                for f in self.findings]
        columns = ["severity", "rule", "entityKind", "entityId", "entityName", "locationId", "locationName", "message", "fix"]
        return pandas.DataFrame(rows, columns=columns)

    def _repr_html_(self) -> str:
        import html

        c = self.counts
        head = " · ".join(f'<b style="color:{_COLOURS[s]}">{c.get(s, 0)} {s}</b>' for s in ("error", "warning", "info"))
        # The first rows only (errors come first): a large org's every finding would put
        # megabytes of HTML into the saved notebook.
        rows = "".join(
            f'<tr><td style="color:{_COLOURS.get(f.severity, "inherit")};font-weight:bold">{html.escape(f.severity)}</td>'
            f"<td>{html.escape(f.rule)}</td><td>{html.escape(f.entity.kind)}: {html.escape(f.entity.name or f.entity.id)}</td>"
            f"<td>{html.escape(f.location.name if f.location else '')}</td><td>{html.escape(f.message)}"
            f"<br><i>{html.escape(f.fix)}</i></td></tr>"
            for f in self.findings[:_HTML_ROWS]
        )
        more = len(self.findings) - _HTML_ROWS
        if more > 0:
            rows += f'<tr><td colspan="5">… and {more} more: <code>report.to_pandas()</code> or <code>to_csv()</code> has every finding</td></tr>'
        return (f"<div><p>{head} ({self.elapsed_ms} ms)</p><table><thead><tr><th>severity</th><th>rule</th>"
                f"<th>entity</th><th>location</th><th>message and fix</th></tr></thead><tbody>{rows}</tbody></table></div>")

    def __repr__(self) -> str:
        c = self.counts
        return f"AuditReport(errors={c.get('error', 0)}, warnings={c.get('warning', 0)}, infos={c.get('info', 0)}, findings={len(self.findings)})"
