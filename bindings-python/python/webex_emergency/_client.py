"""The blocking ``Client`` and the asyncio ``AsyncClient``. Their resource methods are made from
the core's operation table, so both clients have exactly the core's operations (the spec's 26 and
the directory operations the audit reads)."""
from __future__ import annotations

import os
import sys
import weakref
# typing is imported for type checkers only: at run time it costs more than this package.
_TYPE_CHECKING = False
if _TYPE_CHECKING:
    from typing import Any, Callable, Dict, Iterable, List, Optional, Union

from . import _native, _progress
from ._audit import AuditReport
from ._models import MODELS, BulkResult, BulkResults, ModelList, PreparedRequest
from ._sheet import SheetResults, SheetRow

TokenSource = "Union[str, Callable[[], str], Callable[[bool], str], None]"
# A forked child gets its own I/O runtime and connections (the parent's are not its own).
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_native._after_fork)
_OPERATIONS: List[Dict[str, Any]] = _native.operations()
_RESOURCES: Dict[str, str] = {r["name"]: r["class"] for r in _native.resources()}
_WAITERS: "weakref.WeakKeyDictionary[Any, _Waiter]" = weakref.WeakKeyDictionary()


def _result(model: Optional[str], data: Any) -> Any:
    return MODELS[model](data) if model and data is not None else None


def _method_source(op: Dict[str, Any], is_async: bool, fname: str) -> str:
    """The source of one operation's method, so that its signature is a plain Python signature
    (fast to call, and exact for ``help()`` and stub checks)."""
    name = op["name"]
    path_param = _native.camel_to_snake(op["pathParam"]) if op["pathParam"] else None
    has_body = op["request"] is not None
    params = ["self"]
    if path_param:
        params.append(path_param)
    params += [f"{q}=None" for q in op["query"]]
    if has_body:
        params.append("body=None")
    params += ["*", "org_id=None", "dry_run=False"]
    if has_body:
        params.append("**fields")
    args = [repr(name), path_param or "None", "body" if has_body else "None",
            "fields or None" if has_body else "None", "org_id"]
    args += [f"{q}={q}" for q in op["query"]]
    prepare = f"self._native.prepare({', '.join(args)})"
    send = f"await self._submit({prepare})" if is_async else f"self._native.call({prepare})"
    return (
        f"{'async ' if is_async else ''}def {fname}({', '.join(params)}):\n"
        f"    if dry_run:\n"
        f"        return PreparedRequest(self._native.dry_run({prepare}))\n"
        f"    return _result({op['result']!r}, {send})\n"
    )


def _make_methods() -> Dict[Any, Callable[..., Any]]:
    """Every operation's method, blocking and asyncio, compiled together (one `compile` call
    costs about as much as fifty small ones)."""
    plan = [(op, is_async, f"_m{i}_{int(is_async)}") for i, op in enumerate(_OPERATIONS) for is_async in (False, True)]
    ns: Dict[str, Any] = {"PreparedRequest": PreparedRequest, "_result": _result}
    src = "".join(_method_source(op, is_async, fname) for op, is_async, fname in plan)
    exec(compile(src, "<webex_emergency operations>", "exec"), ns)
    out: Dict[Any, Callable[..., Any]] = {}
    for op, is_async, fname in plan:
        method = ns[fname]
        meth = op["methodName"]
        code = method.__code__.replace(co_name=meth)
        method.__code__ = code.replace(co_qualname=meth) if sys.version_info >= (3, 11) else code
        method.__name__ = method.__qualname__ = meth
        method.__doc__ = f"{op['summary']} ({op['method']} {op['path']})."
        out[(op["name"], is_async)] = method
    return out


def _progress_callback(progress: Any, items: Any) -> Optional[Callable[[int, int, int], None]]:
    if progress is None or progress is False:
        return None
    if callable(progress):
        return progress  # type: ignore[no-any-return]
    total = len(items) if hasattr(items, "__len__") else None
    show = _progress.callback(total, "item", "failed")
    return None if show is None else (lambda done, succeeded, failed: show(done, total, failed))


def _sheet_rows(sheet: Any) -> List[SheetRow]:
    """A finished sheet's rows, as the sheet kept them."""
    return [SheetRow(*row) for row in sheet.results()]


def _bulk_results(model: Optional[str], raw: List[Any], dry_run: bool) -> BulkResults:
    out = BulkResults()
    for index, data, error in raw:
        value = PreparedRequest(data) if dry_run and error is None else _result(model, data)
        out.append(BulkResult(index, value, error))
    return out


def _make_bulk(op: Dict[str, Any], is_async: bool) -> Callable[..., Any]:
    name, model = op["name"], op["result"]
    doc = (f"Runs {name} for every item of ``items`` (an iterable of dicts holding "
           f"``{_native.camel_to_snake(op['pathParam'])}`` and the fields, or ``(id, fields)`` pairs) with at most "
           "``concurrency`` requests in flight. Returns one BulkResult per item, in input order.")

    if is_async:
        async def bulk(self: Any, items: Iterable[Any], *, concurrency: int = 10, progress: Any = None,
                       org_id: Optional[str] = None, dry_run: bool = False) -> BulkResults:
            cb = _progress_callback(progress, items)
            if dry_run:
                raw = self._native.bulk(name, items, concurrency, None, org_id, True)
            else:
                raw = await _waiter().run(self._native.submit_bulk, name, items, concurrency, cb, org_id)
            return _bulk_results(model, raw, dry_run)
    else:
        def bulk(self: Any, items: Iterable[Any], *, concurrency: int = 10, progress: Any = None,
                 org_id: Optional[str] = None, dry_run: bool = False) -> BulkResults:
            cb = _progress_callback(progress, items)
            raw = self._native.bulk(name, items, concurrency, cb, org_id, bool(dry_run))
            return _bulk_results(model, raw, dry_run)

    bulk.__name__ = bulk.__qualname__ = "bulk_" + op["methodName"]
    bulk.__doc__ = doc
    return bulk


class _Resource:
    __slots__ = ("_native",)

    def __init__(self, native: Any) -> None:
        self._native = native

    def __repr__(self) -> str:
        return f"<{type(self).__name__} operations>"

    def _submit(self, prepared: Any) -> Any:
        return _waiter().run(self._native.submit, prepared)


def _waiter() -> "_Waiter":
    import asyncio

    loop = asyncio.get_running_loop()
    waiter = _WAITERS.get(loop)
    if waiter is None:
        waiter = _WAITERS[loop] = _Waiter(loop)
    return waiter


class _Waiter:
    """The answers of asyncio calls on one event loop, read from the core's pipe. It holds its
    loop weakly (it is the value of a weak map keyed by the loop), so a finished
    ``asyncio.run()`` frees the loop, this waiter and its pipe."""

    def __init__(self, loop: Any) -> None:
        self.completions = _native.Completions()
        self.futures: Dict[int, Any] = {}
        self.token = 0
        self.loop = weakref.ref(loop)
        loop.add_reader(self.completions.fileno(), self.drain)

    async def run(self, start: Callable[..., None], *args: Any) -> Any:
        """Calls ``start(completions, token, *args)`` and waits for what it hands back;
        cancelling the awaiting task abandons the job (no more requests; those in flight
        dropped). No done callback: this coroutine is the only one that awaits the future."""
        self.token += 1
        token = self.token
        future = self.loop().create_future()  # type: ignore[union-attr]
        start(self.completions, token, *args)
        self.futures[token] = future
        try:
            return await future
        finally:
            if future.cancelled():
                self.futures.pop(token, None)
                self.completions.cancel(token)

    def drain(self) -> None:
        for token, value, error in self.completions.take():
            future = self.futures.pop(token, None)
            if future is None or future.done():
                continue
            if error is None:
                future.set_result(value)
            else:
                future.set_exception(error)


_METHODS = _make_methods()


def _resource(resource: str, class_name: str, is_async: bool) -> type:
    ns: Dict[str, Any] = {"__slots__": (), "__doc__": f"The `{resource}` operations."}
    for op in _OPERATIONS:
        if op["resource"] != resource:
            continue
        ns[op["methodName"]] = _METHODS[(op["name"], is_async)]
        if op["bulk"]:
            b = _make_bulk(op, is_async)
            ns[b.__name__] = b
        if op["stream"]:
            ns[op["stream"]] = _make_stream(op, is_async)
    cls = type(class_name, (_Resource,), ns)
    cls.__module__ = "webex_emergency"
    return cls


def _make_stream(op: Dict[str, Any], is_async: bool) -> Callable[..., Any]:
    """The method that streams every item of a paged operation (``compliance_statuses``, ``list``)."""
    name, item = op["name"], MODELS[op["item"]]
    doc = f"Every item of {name}, fetching pages of ``page_size`` as needed."
    if is_async:
        async def stream(self: Any, *, page_size: Optional[int] = None, order: Optional[str] = None,
                         org_id: Optional[str] = None) -> Any:
            pages = self._native.pages(name, page_size, order, org_id)
            while True:
                got = await _waiter().run(pages.submit_next)
                if got is None:
                    return
                yield item(got)
    else:
        def stream(self: Any, *, page_size: Optional[int] = None, order: Optional[str] = None,  # type: ignore[misc]
                   org_id: Optional[str] = None) -> Any:
            for got in self._native.pages(name, page_size, order, org_id):
                yield item(got)
    stream.__name__ = stream.__qualname__ = op["stream"]
    stream.__doc__ = doc
    return stream

# The core's resources, in its order (the names are spelled out here for readers and type
# checkers; the assert below ties them to the core's list).
People, Workspaces, VirtualLines, HuntGroups, Notifications, RedSky, Locations = (
    _resource(r, c, False) for r, c in _RESOURCES.items())
(AsyncPeople, AsyncWorkspaces, AsyncVirtualLines, AsyncHuntGroups, AsyncNotifications, AsyncRedSky,
 AsyncLocations) = (_resource(r, "Async" + c, True) for r, c in _RESOURCES.items())
assert [c.__name__ for c in (People, Workspaces, VirtualLines, HuntGroups, Notifications, RedSky, Locations)] == list(
    _RESOURCES.values()), "resources of the core and of the package differ"


def _with_refresh(provider: Callable[..., str]) -> Callable[[bool], str]:
    """The token provider as a callable of ``refresh``: one that takes no argument is wrapped.
    Decided once from its signature: retrying a call without the argument after a TypeError
    would ask a vault twice and hide the provider's own TypeError."""
    import inspect

    try:
        inspect.signature(provider).bind(False)
    except TypeError:
        return lambda refresh: provider()
    except ValueError:
        pass  # no signature to read (some builtins): it is given the argument
    return provider


def _native_client(token: TokenSource, base_url: Optional[str], timeout: Optional[float],
                   max_retries: Optional[int], org_id: Optional[str], user_agent: Optional[str],
                   proxy: Optional[str], request_log: Any, max_rate: Optional[float],
                   adaptive_pacing: Optional[bool]) -> Any:
    provider = _with_refresh(token) if callable(token) else None
    return _native.NativeClient(None if provider else token, provider, base_url, timeout, max_retries, org_id,
                                user_agent, proxy, request_log, max_rate, adaptive_pacing)


class _ClientBase:
    # The resource classes of this kind of client, by attribute name.
    _resources: Dict[str, type] = {}

    def __init__(self, token: TokenSource = None, *, base_url: Optional[str] = None,
                 timeout: Optional[float] = None, max_retries: Optional[int] = None,
                 org_id: Optional[str] = None, user_agent: Optional[str] = None,
                 proxy: Optional[str] = None,
                 request_log: Optional[Callable[[Dict[str, Any]], None]] = None,
                 max_rate: Optional[float] = None, adaptive_pacing: Optional[bool] = None) -> None:
        self._native = _native_client(token, base_url, timeout, max_retries, org_id,
                                      user_agent or f"webex-emergency-python/{_version()}", proxy, request_log,
                                      max_rate, adaptive_pacing)
        for name, cls in self._resources.items():
            setattr(self, name, cls(self._native))

    def __repr__(self) -> str:
        return repr(self._native).replace("Client(", f"{type(self).__name__}(", 1)


class Client(_ClientBase):
    """Blocking client; safe to share between threads. Token from ``token=`` (a string or a
    callable returning one, asked again once after a 401) or ``WEBEX_ACCESS_TOKEN``. ``proxy=``
    (``http://[user:password@]host:port``) is used for every request; without it https requests
    use ``HTTPS_PROXY`` unless the host is in ``NO_PROXY``. ``request_log`` is called with a dict
    for every attempt of every request (operation, method, url, attempt, status, error,
    elapsed_ms, tracking_id, retry_in_ms; never the token or a body). Under a server's rate limit
    the client paces itself after a 429 (see README, "Pacing"); ``max_rate`` (requests per second)
    paces from the start, ``adaptive_pacing=False`` turns the adaptation off."""

    _resources = dict(zip(_RESOURCES, (People, Workspaces, VirtualLines, HuntGroups, Notifications, RedSky, Locations)))

    def audit(self, *, concurrency: int = 10, locations: Optional[Iterable[str]] = None,
              org_id: Optional[str] = None, progress: Any = None) -> AuditReport:
        """Audits the organization's emergency readiness: every person, workspace, virtual line and
        location, with a fix for every gap. ``progress``: a callable ``(done, total or None, failed)``,
        or True for a bar on a terminal. Raises only when the credentials are refused or the API
        cannot be reached; a failed read is a ``read-failed`` finding."""
        cb = _audit_progress(progress)
        return AuditReport(self._native.audit(concurrency, _locations(locations), org_id, cb))

    def bulk_csv(self, kind: str, text: str, *, resume: Optional[str] = None, concurrency: int = 10,
                 dry_run: bool = False, org_id: Optional[str] = None, progress: Any = None) -> SheetResults:
        """Runs a bulk CSV sheet (the command line's ``bulk`` format): ``kind`` ``"ecbn"`` (columns
        kind, id, selected, locationMemberId, optional elinEnabled; ``AuditReport.plan_csv()`` is
        one) or ``"notification"`` (locationId, enabled, email). Every row is checked by the core;
        a malformed row fails alone, naming its line and column. ``resume``: the text of an
        earlier results file of the same input, whose done rows are not run again. ``progress``:
        True for a bar (terminal or notebook), or a callable ``(done, total, failed)``. Ctrl-C (or
        a notebook's interrupt) stops the run: the rows so far are returned, ``stopped`` set."""
        sheet = _native.NativeSheet(kind, text, resume)
        try:
            counts = sheet.run(self._native, _row_progress(sheet, progress), concurrency, org_id, bool(dry_run), True)
        except KeyboardInterrupt:
            # The run stopped cleanly (rows not finished are skipped): the rows are kept.
            return SheetResults(_sheet_rows(sheet), sheet.counts, sheet.head, sheet.kept, stopped=True)
        return SheetResults(_sheet_rows(sheet), counts, sheet.head, sheet.kept)

    def close(self) -> None:
        """Releases nothing yet (connections close with the process); kept for `with`."""

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _row_progress(sheet: Any, progress: Any) -> Optional[Callable[..., None]]:
    """The sheet run's `on_row`, which shows progress (a callable or True for a bar), or None
    without progress. The rows themselves are kept by the sheet (`keep=True`) before it is
    called, so that a Ctrl-C arriving in it loses none of them."""
    show = progress if callable(progress) else _progress.callback(sheet.rows, "row", "failed") if progress else None
    if show is None:
        return None
    bar: Callable[[int, int, int], Any] = show
    finished = failed = 0

    def on_row(line: int, status: str, error: str, record: str, request: Any, code: Optional[str]) -> None:
        nonlocal finished, failed
        finished += 1
        failed += status == "failed"
        # As for bulk runs: progress is for display; an exception from it is printed and the
        # run goes on (the rows are what must not be lost).
        try:
            bar(finished, sheet.rows, failed)
        except Exception:
            import traceback

            traceback.print_exc()

    return on_row


class AsyncClient(_ClientBase):
    """asyncio client: every operation is a coroutine; ``asyncio.gather`` runs them together."""

    _resources = dict(zip(_RESOURCES, (AsyncPeople, AsyncWorkspaces, AsyncVirtualLines, AsyncHuntGroups,
                                       AsyncNotifications, AsyncRedSky, AsyncLocations)))

    async def audit(self, *, concurrency: int = 10, locations: Optional[Iterable[str]] = None,
                    org_id: Optional[str] = None, progress: Any = None) -> AuditReport:
        """Audits the organization's emergency readiness (see ``Client.audit``); cancelling the
        task stops its reads."""
        cb = _audit_progress(progress)
        raw = await _waiter().run(self._native.submit_audit, concurrency, _locations(locations), org_id, cb)
        return AuditReport(raw)

    async def bulk_csv(self, kind: str, text: str, *, resume: Optional[str] = None, concurrency: int = 10,
                       dry_run: bool = False, org_id: Optional[str] = None, progress: Any = None) -> SheetResults:
        """Runs a bulk CSV sheet (see ``Client.bulk_csv``). ``progress`` is called on the I/O
        thread; a KeyboardInterrupt from it stops the run as Ctrl-C stops ``Client.bulk_csv``.
        Cancelling the task abandons the run: rows not sent are never sent, and the cancellation
        is raised (the rows are not returned; the results file of an earlier run resumes)."""
        sheet = _native.NativeSheet(kind, text, resume)
        on_row = _row_progress(sheet, progress)
        try:
            if dry_run:
                # Sends nothing: checked here, as bulk runs' dry runs are.
                counts = sheet.run(self._native, on_row, concurrency, org_id, True, True)
            else:
                counts = await _waiter().run(sheet.submit, self._native, on_row, concurrency, org_id)
        except KeyboardInterrupt:
            return SheetResults(_sheet_rows(sheet), sheet.counts, sheet.head, sheet.kept, stopped=True)
        return SheetResults(_sheet_rows(sheet), counts, sheet.head, sheet.kept)

    async def aclose(self) -> None:
        """Releases nothing yet; kept for `async with`."""

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()


def _locations(locations: Optional[Iterable[str]]) -> Optional[List[str]]:
    if locations is None:
        return None
    if isinstance(locations, str):
        return [locations]
    return list(locations)


def _audit_progress(progress: Any) -> Optional[Callable[[int, Optional[int], int], None]]:
    if progress is None or progress is False:
        return None
    if callable(progress):
        return progress  # type: ignore[no-any-return]
    return _progress.callback(None, "entity", "read failures")


def _version() -> str:
    return str(_native.__version__)


__all__ = ["Client", "AsyncClient", "ModelList"]
