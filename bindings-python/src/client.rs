//! The core client for Python: each method converts its arguments and calls one function of
//! the core's `bindings_api`.

use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyIterator, PyList, PyTuple};
use serde_json::Value;
use webex_emergency::bindings_api::{self, BulkArgs, ClientOptions};
use webex_emergency::paging::PageArgs;
use webex_emergency::{Call, Client, Error, FieldError, TokenProvider};

use crate::answers::{answer, bulk_answer};
use crate::asyncio::{Completions, Outcome};
use crate::convert::{count, fields_of, flag, from_py, number, text, to_py};
use crate::errors::{config_error, exception, invalid};
use crate::pages::PageIterator;
use crate::runtime::{block_on, guard, runtime};

/// A Python callable the core client calls back (the token provider, the request log), shared
/// with its `NativeClient` so that Python's garbage collector sees it (`__traverse__`) and can
/// break a cycle through it (`__clear__`): `self.client = Client(token=self.get_token)` would
/// otherwise keep the owner, the client and its connections alive for good.
#[derive(Clone)]
struct Callback(Arc<Mutex<Option<Py<PyAny>>>>);

impl Callback {
    fn new(f: Py<PyAny>) -> Self {
        Callback(Arc::new(Mutex::new(Some(f))))
    }
    /// The callable, unless the garbage collector cleared it.
    fn get(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.0.lock().ok()?.as_ref().map(|f| f.clone_ref(py))
    }
}

/// A token provider that calls a Python callable (with `refresh`, or without arguments).
struct PyTokenProvider(Callback);

impl TokenProvider for PyTokenProvider {
    fn token(&self, refresh: bool) -> webex_emergency::platform::BoxFuture<'_, Result<String, Error>> {
        let got = Python::attach(|py| {
            let Some(f) = self.0.get(py) else { return Err(PyRuntimeError::new_err("cleared")) };
            let f = f.bind(py);
            // A provider that takes no argument was wrapped by the package (`_with_refresh`).
            let v = f.call1((refresh,))?;
            v.extract::<String>()
        });
        // The provider's exception (or the TypeError of a value that is no string) becomes the
        // ConfigError's `__cause__`; its text is not copied into the message.
        let got = got.map_err(|e| Error::token_provider("the token provider failed or returned no string", Some(Arc::new(e))));
        Box::pin(async move { got })
    }
}

/// A request log that calls a Python callable with a dict per attempt (an exception from it is
/// printed; the request goes on).
fn attempt_log(log: Callback) -> webex_emergency::AttemptLogFn {
    Arc::new(move |a: &webex_emergency::AttemptLog| {
        Python::attach(|py| {
            let Some(log) = log.get(py) else { return };
            let entry = PyDict::new(py);
            let filled = (|| -> PyResult<()> {
                entry.set_item("operation", a.operation)?;
                entry.set_item("method", a.method)?;
                entry.set_item("url", &a.url)?;
                entry.set_item("attempt", a.attempt)?;
                entry.set_item("status", a.status)?;
                entry.set_item("error", &a.error)?;
                entry.set_item("elapsed_ms", a.elapsed_ms)?;
                entry.set_item("tracking_id", &a.tracking_id)?;
                entry.set_item("retry_in_ms", a.retry_in_ms)?;
                log.call1(py, (entry,))?;
                Ok(())
            })();
            if let Err(e) = filled {
                e.print(py);
            }
        })
    })
}

/// One validated call, made by `NativeClient.prepare` and used once by `call`, `submit` or
/// `dry_run`.
#[pyclass(frozen, module = "webex_emergency._native")]
pub(crate) struct PreparedCall {
    call: Mutex<Option<Call<Value>>>,
}

impl PreparedCall {
    fn take(&self) -> PyResult<Call<Value>> {
        let taken = self.call.lock().map(|mut c| c.take()).unwrap_or(None);
        taken.ok_or_else(|| PyRuntimeError::new_err("this prepared call was already used"))
    }
}

/// The core client, shared by the blocking and the asyncio clients.
#[pyclass(frozen, module = "webex_emergency._native")]
pub(crate) struct NativeClient {
    pub(crate) client: Client,
    /// The Python callables the client holds, for the garbage collector.
    callbacks: Vec<Callback>,
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (token=None, token_provider=None, base_url=None, timeout=None, max_retries=None, org_id=None, user_agent=None, proxy=None, request_log=None, max_rate=None, adaptive_pacing=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        token: Option<&Bound<'_, PyAny>>,
        token_provider: Option<Py<PyAny>>,
        base_url: Option<&Bound<'_, PyAny>>,
        timeout: Option<&Bound<'_, PyAny>>,
        max_retries: Option<&Bound<'_, PyAny>>,
        org_id: Option<&Bound<'_, PyAny>>,
        user_agent: Option<&Bound<'_, PyAny>>,
        proxy: Option<&Bound<'_, PyAny>>,
        request_log: Option<Py<PyAny>>,
        max_rate: Option<&Bound<'_, PyAny>>,
        adaptive_pacing: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        // Options of the wrong type are a ConfigError naming the option, as in the npm package.
        let options = ClientOptions {
            token: text(token, "token")?,
            base_url: text(base_url, "base_url")?,
            timeout: number(timeout, "timeout")?,
            max_retries: number(max_retries, "max_retries")?,
            org_id: text(org_id, "org_id")?,
            user_agent: text(user_agent, "user_agent")?,
            proxy: text(proxy, "proxy")?,
            max_rate: number(max_rate, "max_rate")?,
            adaptive_pacing: flag(adaptive_pacing, "adaptive_pacing")?,
        };
        let rt = runtime()?;
        let (token_provider, request_log) = (token_provider.map(Callback::new), request_log.map(Callback::new));
        let callbacks = token_provider.iter().chain(&request_log).cloned().collect();
        let client = guard(py, || {
            Ok(py.detach(|| {
                let _guard = rt.rt.enter();
                let mut builder = options.builder()?;
                if let Some(provider) = token_provider {
                    builder = builder.token_provider(PyTokenProvider(provider));
                }
                if let Some(log) = request_log {
                    builder = builder.attempt_log(attempt_log(log));
                }
                builder.build()
            }))
        })?;
        Ok(NativeClient { client: client.map_err(|e| exception(py, &e))?, callbacks })
    }

    fn __traverse__(&self, visit: pyo3::PyVisit<'_>) -> Result<(), pyo3::PyTraverseError> {
        for callback in &self.callbacks {
            // Never waits: a callable being taken or cleared right now is skipped.
            if let Ok(f) = callback.0.try_lock() {
                if let Some(f) = &*f {
                    visit.call(f)?;
                }
            }
        }
        Ok(())
    }

    fn __clear__(&self) {
        for callback in &self.callbacks {
            let f = callback.0.lock().ok().and_then(|mut f| f.take());
            drop(f);
        }
    }

    fn __repr__(&self) -> String {
        format!("Client(base_url={:?}, org_id={:?})", self.client.base_url(), self.client.org_id())
    }

    /// Validates a call of `operation` from its path ID, body and keyword fields; nothing is
    /// sent yet (broken rules are raised when it is used).
    #[pyo3(signature = (operation, id=None, body=None, fields=None, org_id=None, start=None, max=None, order=None))]
    #[allow(clippy::too_many_arguments)]
    fn prepare(
        &self,
        py: Python<'_>,
        operation: &str,
        id: Option<&Bound<'_, PyAny>>,
        body: Option<&Bound<'_, PyAny>>,
        fields: Option<&Bound<'_, PyDict>>,
        org_id: Option<String>,
        start: Option<&Bound<'_, PyAny>>,
        max: Option<&Bound<'_, PyAny>>,
        order: Option<String>,
    ) -> PyResult<PreparedCall> {
        guard(py, || {
            let op = bindings_api::find(operation).map_err(|e| exception(py, &e))?;
            // An ID that is not text is a validation error naming the parameter (`personId`), as
            // in JS, not a TypeError naming the method's `id`.
            let id = match id.filter(|id| !id.is_none()) {
                Some(id) => Some(
                    id.cast::<pyo3::types::PyString>()
                        .ok()
                        .and_then(|s| s.to_cow().ok().map(|c| c.into_owned()))
                        .ok_or_else(|| invalid(py, operation, bindings_api::id_not_text(op)))?,
                ),
                None => None,
            };
            let body = match body {
                Some(b) if !b.is_none() => Some(from_py(b, "").map_err(|e| invalid(py, operation, e))?),
                _ => None,
            };
            let fields = fields_of(fields).map_err(|e| invalid(py, operation, e))?;
            let start = count(start, "start").map_err(|e| invalid(py, operation, e))?;
            let max = count(max, "max").map_err(|e| invalid(py, operation, e))?;
            let mut args = bindings_api::args_from_fields(op, id, body, fields);
            (args.org_id, args.start, args.max, args.order) = (org_id, start, max, order);
            let call = bindings_api::call_op(&self.client, op, args);
            Ok(PreparedCall { call: Mutex::new(Some(call)) })
        })
    }

    /// Sends a prepared call and waits for its answer (the GIL is released meanwhile).
    fn call(&self, py: Python<'_>, prepared: &PreparedCall) -> PyResult<Py<PyAny>> {
        let call = prepared.take()?;
        let r = block_on(py, bindings_api::send(call))?;
        answer(py, r)
    }

    /// Starts a prepared call for asyncio: its answer is handed to `completions` under `token`.
    fn submit(&self, completions: &Completions, token: u64, prepared: &PreparedCall) -> PyResult<()> {
        let call = prepared.take()?;
        runtime()?.spawn(completions.inner.clone(), token, async move { Outcome::Answer(bindings_api::send(call).await) });
        Ok(())
    }

    /// What a prepared call would send (token and secrets masked); nothing is sent.
    fn dry_run(&self, py: Python<'_>, prepared: &PreparedCall) -> PyResult<Py<PyAny>> {
        let shown = guard(py, || bindings_api::dry_run(&prepared.take()?).map_err(|e| exception(py, &e)))?;
        Ok(to_py(py, &shown)?.unbind())
    }

    /// Every item of a paged operation, one page at a time as needed.
    #[pyo3(signature = (operation, page_size=None, order=None, org_id=None))]
    fn pages(
        &self,
        py: Python<'_>,
        operation: &str,
        page_size: Option<&Bound<'_, PyAny>>,
        order: Option<String>,
        org_id: Option<String>,
    ) -> PyResult<PageIterator> {
        let page_size = count(page_size, "page_size").map_err(|e| config_error(py, e))?;
        let args = PageArgs { page_size, order, org_id };
        let stream = guard(py, || bindings_api::pages(&self.client, operation, args).map_err(|e| exception(py, &e)))?;
        Ok(PageIterator { stream: Arc::new(tokio::sync::Mutex::new(Box::pin(stream))) })
    }

    /// Runs `operation` for every item of `items` with at most `concurrency` requests in
    /// flight; returns `(index, answer, exception)` for every item, in input order.
    #[pyo3(signature = (operation, items, concurrency=None, progress=None, org_id=None, dry_run=false))]
    #[allow(clippy::too_many_arguments)]
    fn bulk(
        &self,
        py: Python<'_>,
        operation: &str,
        items: &Bound<'_, PyAny>,
        concurrency: Option<&Bound<'_, PyAny>>,
        progress: Option<Py<PyAny>>,
        org_id: Option<String>,
        dry_run: bool,
    ) -> PyResult<Py<PyAny>> {
        let (args, interrupt) = bulk_args(py, concurrency, progress, org_id, dry_run)?;
        let run = self.bulk_run(py, operation, items, args, &interrupt)?;
        let results = block_on(py, run)?;
        interrupt.raise()?;
        bulk_answer(py, results)
    }

    /// [`NativeClient::bulk`] for asyncio: the results are handed to `completions` under `token`.
    #[pyo3(signature = (completions, token, operation, items, concurrency=None, progress=None, org_id=None))]
    #[allow(clippy::too_many_arguments)]
    fn submit_bulk(
        &self,
        py: Python<'_>,
        completions: &Completions,
        token: u64,
        operation: &str,
        items: &Bound<'_, PyAny>,
        concurrency: Option<&Bound<'_, PyAny>>,
        progress: Option<Py<PyAny>>,
        org_id: Option<String>,
    ) -> PyResult<()> {
        let (args, interrupt) = bulk_args(py, concurrency, progress, org_id, false)?;
        let run = self.bulk_run(py, operation, items, args, &interrupt)?;
        runtime()?.spawn(completions.inner.clone(), token, async move {
            let results = run.await;
            match interrupt.raise() {
                Ok(()) => Outcome::Bulk(results),
                Err(e) => Outcome::Raised(e),
            }
        });
        Ok(())
    }

    /// Audits the organization's emergency readiness; returns the report as dicts and lists.
    /// `progress` is called with `(done, total or None, failed)` after each entity.
    #[pyo3(signature = (concurrency=None, locations=None, org_id=None, progress=None))]
    fn audit(
        &self,
        py: Python<'_>,
        concurrency: Option<&Bound<'_, PyAny>>,
        locations: Option<Vec<String>>,
        org_id: Option<String>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let (args, interrupt) = audit_args(py, concurrency, locations, org_id, progress)?;
        let report = block_on(py, bindings_api::audit(&self.client, args))?;
        interrupt.raise()?;
        match report {
            Ok(v) => Ok(to_py(py, &v)?.unbind()),
            Err(e) => Err(exception(py, &e)),
        }
    }

    /// [`NativeClient::audit`] for asyncio: the report is handed to `completions` under `token`.
    #[pyo3(signature = (completions, token, concurrency=None, locations=None, org_id=None, progress=None))]
    #[allow(clippy::too_many_arguments)]
    fn submit_audit(
        &self,
        py: Python<'_>,
        completions: &Completions,
        token: u64,
        concurrency: Option<&Bound<'_, PyAny>>,
        locations: Option<Vec<String>>,
        org_id: Option<String>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<()> {
        let (args, interrupt) = audit_args(py, concurrency, locations, org_id, progress)?;
        let run = bindings_api::audit(&self.client, args);
        runtime()?.spawn(completions.inner.clone(), token, async move {
            let report = run.await;
            match interrupt.raise() {
                Ok(()) => Outcome::Plain(report),
                Err(e) => Outcome::Raised(e),
            }
        });
        Ok(())
    }
}

/// Audit options, with a progress callback as for bulk runs (an exception that is not an
/// `Exception` is raised once the audit has stopped; the audit itself runs to its end).
fn audit_args(
    py: Python<'_>,
    concurrency: Option<&Bound<'_, PyAny>>,
    locations: Option<Vec<String>>,
    org_id: Option<String>,
    progress: Option<Py<PyAny>>,
) -> PyResult<(bindings_api::AuditArgs, Interrupt)> {
    let concurrency = count(concurrency, "concurrency").map_err(|e| config_error(py, e))?;
    let interrupt = Interrupt::default();
    let seen = interrupt.clone();
    let progress = progress.map(|cb| -> webex_emergency::audit::AuditProgressFn {
        Arc::new(move |p: webex_emergency::AuditProgress| {
            Python::attach(|py| match cb.call1(py, (p.done, p.total, p.failed)) {
                Ok(_) => {}
                Err(e) if e.is_instance_of::<pyo3::exceptions::PyException>(py) => e.print(py),
                Err(e) => seen.set(e),
            })
        })
    });
    let locations = locations.unwrap_or_default();
    Ok((bindings_api::AuditArgs { concurrency, locations, org_id, progress }, interrupt))
}

impl NativeClient {
    fn bulk_run(
        &self,
        py: Python<'_>,
        operation: &str,
        items: &Bound<'_, PyAny>,
        args: BulkArgs,
        interrupt: &Interrupt,
    ) -> PyResult<impl std::future::Future<Output = bindings_api::BulkResults> + Send + 'static> {
        let op = bindings_api::find(operation).map_err(|e| exception(py, &e))?;
        // A list's or tuple's length is known: after a cancel its items not taken yet are still
        // reported (aborted); a generator is read no further (see `bulk::run`).
        let sized = items.is_instance_of::<PyList>() || items.is_instance_of::<PyTuple>();
        let length = if sized { items.len().ok() } else { None };
        let items = Items { iter: Some(items.try_iter()?.unbind()), interrupt: interrupt.clone(), length };
        guard(py, || bindings_api::bulk(self.client.clone(), op, items, args).map_err(|e| exception(py, &e)))
    }
}

/// An exception that is not an `Exception` (KeyboardInterrupt, SystemExit) raised by a
/// progress callback: it stops the run and is raised by the bulk call once the run has stopped.
#[derive(Clone, Default)]
pub(crate) struct Interrupt {
    raised: Arc<std::sync::Mutex<Option<PyErr>>>,
    /// Fired with the interrupt (and by a sheet's `stop()`).
    pub(crate) stop: webex_emergency::bulk::Cancel,
}

impl Interrupt {
    pub(crate) fn set(&self, e: PyErr) {
        if let Ok(mut raised) = self.raised.lock() {
            raised.get_or_insert(e);
        }
        self.stop.fire();
    }
    /// The interrupt, if one was raised.
    pub(crate) fn raise(&self) -> PyResult<()> {
        match self.raised.lock().ok().and_then(|mut r| r.take()) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// Bulk options, with a progress callback that calls a Python callable with
/// `(done, succeeded, failed)`. An ordinary exception from the callback is printed and the run
/// goes on; KeyboardInterrupt or SystemExit stops it (see [`Interrupt`]).
fn bulk_args(
    py: Python<'_>,
    concurrency: Option<&Bound<'_, PyAny>>,
    progress: Option<Py<PyAny>>,
    org_id: Option<String>,
    dry_run: bool,
) -> PyResult<(BulkArgs, Interrupt)> {
    let concurrency = count(concurrency, "concurrency").map_err(|e| config_error(py, e))?;
    let interrupt = Interrupt::default();
    let cancel = progress.is_some().then(|| interrupt.stop.clone());
    let seen = interrupt.clone();
    let progress = progress.map(|cb| -> webex_emergency::bulk::ProgressFn {
        Arc::new(move |p: webex_emergency::BulkProgress| {
            Python::attach(|py| match cb.call1(py, (p.done, p.succeeded, p.failed)) {
                Ok(_) => {}
                Err(e) if e.is_instance_of::<pyo3::exceptions::PyException>(py) => e.print(py),
                Err(e) => seen.set(e),
            })
        })
    });
    Ok((BulkArgs { concurrency, org_id, dry_run, progress, cancel }, interrupt))
}

/// Items pulled from a Python iterator one at a time (memory stays flat); an iterator that
/// raises gives one failed item and ends. KeyboardInterrupt or SystemExit raised in it (Ctrl-C
/// while a generator runs) ends the items and is raised by the run (see [`Interrupt`]).
struct Items {
    iter: Option<Py<PyIterator>>,
    interrupt: Interrupt,
    /// The length of a list or tuple.
    length: Option<usize>,
}

impl Iterator for Items {
    type Item = Result<Value, FieldError>;
    fn next(&mut self) -> Option<Self::Item> {
        let iter = self.iter.as_ref()?;
        let got = Python::attach(|py| match iter.bind(py).clone().next() {
            None => None,
            Some(Err(e)) if !e.is_instance_of::<pyo3::exceptions::PyException>(py) => {
                self.interrupt.set(e);
                None
            }
            Some(Err(e)) => Some(Err(FieldError::new("item", "iterator", format!("the items iterator raised: {e}")))),
            Some(Ok(obj)) => Some(from_py(&obj, "item")),
        });
        let ended = match &got {
            None => true,
            Some(Err(e)) => e.rule == "iterator",
            Some(Ok(_)) => false,
        };
        if ended {
            self.iter = None;
        }
        got
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, self.length)
    }
}
