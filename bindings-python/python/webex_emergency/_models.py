"""Answer models: attribute access over the API's JSON, which is kept whole (unknown fields too)."""
from __future__ import annotations

# typing is imported for type checkers only: at run time it costs more than this package.
_TYPE_CHECKING = False
if _TYPE_CHECKING:
    from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Type

from . import _native

_INFO: Dict[str, Dict[str, Any]] = _native.models()
_CAMEL: Dict[str, str] = {}


def _camel(name: str) -> str:
    c = _CAMEL.get(name)
    if c is None:
        c = _CAMEL[name] = _native.snake_to_camel(name)
    return c


_JsonObject = _native.JsonObject


def _wrap(model: Optional[str], value: Any) -> Any:
    if model is None:
        return value.to_py() if isinstance(value, _JsonObject) else value
    cls = MODELS[model]
    if isinstance(value, (dict, _JsonObject)):
        return cls(value)
    if isinstance(value, list):
        return ModelList(cls(v) if isinstance(v, (dict, _JsonObject)) else v for v in value)
    return value


class Model:
    """An answer of the API. Fields are attributes (snake_case); ``to_dict()`` gives the JSON."""

    __slots__ = ("_data",)
    _fields: Tuple[str, ...] = ()
    _nested: Dict[str, str] = {}

    def __init__(self, data: Optional[Mapping[str, Any]] = None, **fields: Any) -> None:
        if isinstance(data, _JsonObject) and not fields:
            # An answer: fields stay in Rust until read.
            object.__setattr__(self, "_data", data)
            return
        d: Dict[str, Any] = (data.to_py() if isinstance(data, _JsonObject) else dict(data)) if data else {}
        for k, v in fields.items():
            d[_camel(k)] = v
        object.__setattr__(self, "_data", d)

    def __getattr__(self, name: str) -> Any:
        if name in self._fields:
            key = _camel(name)
            value = self._data.get(key)
            return None if value is None else _wrap(self._nested.get(key), value)
        raise AttributeError(f"{type(self).__name__} has no field {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only; build an update instead")

    @property
    def extra(self) -> Dict[str, Any]:
        """Fields this version of the library does not know, as received."""
        known = {_camel(f) for f in self._fields}
        data = self.to_dict()
        return {k: v for k, v in data.items() if k not in known}

    def to_dict(self) -> Dict[str, Any]:
        """The answer as the API sent it (camelCase keys, unknown fields included)."""
        if isinstance(self._data, _JsonObject):
            return self._data.to_py()  # type: ignore[no-any-return]
        import copy

        return copy.deepcopy(self._data)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.to_dict() == self.to_dict()  # type: ignore[attr-defined]

    def __reduce__(self) -> Tuple[Any, ...]:
        # Pickled and copied as its JSON (an answer's fields live in Rust, which pickle cannot see).
        return (type(self), (self.to_dict(),))

    def __hash__(self) -> int:
        return hash((type(self).__name__, repr(self.to_dict())))

    def __dir__(self) -> Iterable[str]:
        return [*super().__dir__(), *self._fields]

    def __repr__(self) -> str:
        parts = []
        for f in self._fields:
            v = getattr(self, f)
            if v is not None:
                parts.append(f"{f}={v!r}")
        if self.extra:
            parts.append(f"extra={self.extra!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def _repr_html_(self) -> str:
        return ModelList([self])._repr_html_()


class ModelList(list):  # type: ignore[type-arg]
    """A list of answers; shows as a table in notebooks."""

    def _repr_html_(self) -> str:
        import html

        from ._audit import _HTML_ROWS

        models = [m for m in self if isinstance(m, Model)]
        rows = models[:_HTML_ROWS]
        cols: List[str] = []
        for m in rows:
            for k in m.to_dict():
                if k not in cols:
                    cols.append(k)
        head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(_cell(m.to_dict().get(c)))}</td>" for c in cols) + "</tr>"
            for m in rows
        )
        if len(models) > _HTML_ROWS:
            body += f'<tr><td colspan="{max(len(cols), 1)}">… and {len(models) - _HTML_ROWS} more</td></tr>'
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, dict):
        return ", ".join(f"{k}={_cell(x)}" for k, x in v.items())
    return str(v)




def _model_class(name: str, info: Dict[str, Any]) -> Type[Model]:
    ns = {"__slots__": (), "__doc__": info["doc"], "_fields": tuple(info["fields"]), "_nested": info["nested"],
          "__module__": __name__, "__qualname__": name}
    return type(name, (Model,), ns)


# One class per answer model of the core, with its fields and doc comment.
MODELS: Dict[str, Type[Model]] = {name: _model_class(name, info) for name, info in _INFO.items()}
globals().update(MODELS)


class PreparedRequest(Model):
    """What a dry run would send: method, url, path, query, headers (token masked), body."""
    __slots__ = ()
    _fields = ("operation", "method", "url", "path", "query", "headers", "body")


class BulkResult:
    """The outcome of one bulk item: its input ``index`` and its ``result`` or ``error``."""

    __slots__ = ("index", "result", "error")

    def __init__(self, index: int, result: Any, error: Optional[BaseException]) -> None:
        self.index = index
        self.result = result
        self.error = error

    @property
    def ok(self) -> bool:
        """Whether the item succeeded."""
        return self.error is None

    def __repr__(self) -> str:
        if self.error is None:
            return f"BulkResult(index={self.index}, ok=True, result={self.result!r})"
        return f"BulkResult(index={self.index}, ok=False, error={self.error!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BulkResult) and (self.index, self.result, repr(self.error)) == (
            other.index, other.result, repr(other.error))

    def __hash__(self) -> int:
        return hash((self.index, repr(self.error)))


class BulkResults(list):  # type: ignore[type-arg]
    """One ``BulkResult`` per input item, in input order."""

    @property
    def succeeded(self) -> List[BulkResult]:
        """Items that succeeded."""
        return [r for r in self if r.ok]

    @property
    def failed(self) -> List[BulkResult]:
        """Items that failed, each with its exception."""
        return [r for r in self if not r.ok]

    def _repr_html_(self) -> str:
        import html

        from ._audit import _HTML_ROWS

        # Failed items first, then the rest, up to _HTML_ROWS (a notebook saves what it shows).
        shown = sorted(self, key=lambda r: (r.ok, r.index))[:_HTML_ROWS]
        rows = "".join(
            f"<tr><td>{r.index}</td><td>{'ok' if r.ok else 'failed'}</td>"
            f"<td>{html.escape('' if r.ok else str(r.error))}</td></tr>"
            for r in shown
        )
        if len(self) > _HTML_ROWS:
            rows += f'<tr><td colspan="3">… and {len(self) - _HTML_ROWS} more (failed items come first)</td></tr>'
        return f"<table><thead><tr><th>index</th><th>status</th><th>error</th></tr></thead><tbody>{rows}</tbody></table>"
