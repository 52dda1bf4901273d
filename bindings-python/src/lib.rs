//! Python bindings: converts Python values to the core's JSON arguments and back, and core errors
//! to the exception classes of `webex_emergency._errors`. Every API rule lives in the core.
// Python signatures with keyword options map to many Rust arguments.
#![allow(clippy::too_many_arguments)]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::Arc;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Value};
use webex_emergency::{self as core, dynamic, Error};

// mimalloc for the Rust side of the module: glibc's malloc was about 8% of the bulk path's
// instructions (many small short-lived allocations per request).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// ---------- values ----------

fn to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, item) in map {
                dict.set_item(k, to_py(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

/// Where a value sits in what was passed, spelled out only when an error names it.
#[derive(Clone, Copy)]
enum Place<'a> {
    Root(&'a str),
    Key(&'a Place<'a>, &'a str),
    Index(&'a Place<'a>, usize),
}

impl Place<'_> {
    fn spell(&self) -> String {
        match self {
            Place::Root(p) => p.to_string(),
            Place::Key(parent, key) => match parent.spell() {
                p if p.is_empty() => key.to_string(),
                p => format!("{p}.{key}"),
            },
            Place::Index(parent, i) => format!("{}[{i}]", parent.spell()),
        }
    }
}

/// A Python value as JSON; `path` names the place for error messages.
fn from_py(obj: &Bound<'_, PyAny>, path: &str) -> Result<Value, core::FieldError> {
    value_of(obj, Place::Root(path))
}

fn value_of(obj: &Bound<'_, PyAny>, place: Place<'_>) -> Result<Value, core::FieldError> {
    let bad = |what: &str| core::FieldError::new(place.spell(), "type", what.to_string());
    // Most common first: text, then objects.
    if let Ok(s) = obj.cast::<PyString>() {
        return s.to_cow().map(|s| Value::String(s.into_owned())).map_err(|_| bad("must be valid text"));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let key = k.cast::<PyString>().ok().and_then(|k| k.to_cow().ok().map(|k| k.into_owned()));
            let key = key.ok_or_else(|| bad("keys must be strings"))?;
            let item = value_of(&v, Place::Key(&place, &key))?;
            map.insert(key, item);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        return obj.extract::<u64>().map(Value::from).map_err(|_| bad("integer out of range"));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return serde_json::Number::from_f64(f.value()).map(Value::Number).ok_or_else(|| bad("must be a finite number"));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut out = Vec::new();
        for (i, item) in obj.try_iter().map_err(|_| bad("must be a list"))?.enumerate() {
            let item = item.map_err(|_| bad("could not be read"))?;
            out.push(value_of(&item, Place::Index(&place, i))?);
        }
        return Ok(Value::Array(out));
    }
    if let Ok(d) = obj.call_method0("to_dict") {
        return value_of(&d, place);
    }
    let type_name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_default();
    Err(bad(&format!("a value of type {type_name} cannot be sent as JSON")))
}

fn fields_of(fields: Option<&Bound<'_, PyDict>>) -> Result<Map<String, Value>, core::FieldError> {
    match fields {
        None => Ok(Map::new()),
        Some(d) => match from_py(d.as_any(), "")? {
            Value::Object(m) => Ok(m),
            _ => Ok(Map::new()),
        },
    }
}

// ---------- errors ----------

fn exception(py: Python<'_>, err: &Error) -> PyErr {
    match build_exception(py, err) {
        Ok(e) => e,
        Err(e) => e,
    }
}

fn build_exception(py: Python<'_>, err: &Error) -> PyResult<PyErr> {
    let module = PyModule::import(py, "webex_emergency._errors")?;
    let kwargs = PyDict::new(py);
    match err {
        Error::Validation(v) => {
            let list = PyList::empty(py);
            for e in &v.errors {
                let d = PyDict::new(py);
                d.set_item("field", &e.field)?;
                d.set_item("rule", &e.rule)?;
                d.set_item("message", &e.message)?;
                list.append(d)?;
            }
            kwargs.set_item("errors", list)?;
            kwargs.set_item("operation", &v.operation)?;
        }
        Error::Api(a) => {
            let list = PyList::empty(py);
            for e in &a.errors {
                let d = PyDict::new(py);
                d.set_item("description", &e.description)?;
                d.set_item("error_code", &e.error_code)?;
                list.append(d)?;
            }
            kwargs.set_item("status", a.status)?;
            kwargs.set_item("api_message", &a.message)?;
            kwargs.set_item("errors", list)?;
            kwargs.set_item("tracking_id", &a.tracking_id)?;
            kwargs.set_item("retry_after", a.retry_after.map(|d| d.as_secs_f64()))?;
            kwargs.set_item("body_excerpt", &a.body_excerpt)?;
            kwargs.set_item("operation", &a.operation)?;
        }
        Error::Transport(t) => {
            kwargs.set_item("operation", &t.operation)?;
            kwargs.set_item("kind", t.kind.as_str())?;
        }
        Error::Decode(d) => {
            kwargs.set_item("operation", &d.operation)?;
            kwargs.set_item("status", d.status)?;
            kwargs.set_item("body_excerpt", &d.body_excerpt)?;
            kwargs.set_item("tracking_id", &d.tracking_id)?;
        }
        Error::Config(_) => {}
    }
    let class = err.class_name();
    let instance = module.getattr(class)?.call((err.to_string(),), Some(&kwargs))?;
    Ok(PyErr::from_value(instance))
}

fn invalid(py: Python<'_>, operation: &str, e: core::FieldError) -> PyErr {
    exception(py, &dynamic::invalid(operation, vec![e]))
}

// ---------- runtime ----------

/// The Tokio runtime of the process: a single-threaded one. A blocking call drives it on the
/// calling thread, so its request, its connection and the answer all run there with no hand-off
/// between threads. While asyncio calls are in flight a background thread drives it instead (a
/// blocking call made meanwhile waits for that thread's wake-ups).
struct Runtime {
    rt: tokio::runtime::Runtime,
    /// asyncio calls started and not yet finished.
    in_flight: AtomicUsize,
    lock: std::sync::Mutex<()>,
    work: std::sync::Condvar,
    idle: tokio::sync::Notify,
    /// asyncio calls waiting to be spawned by the next pump (see [`Runtime::spawn`]).
    outbox: std::sync::Mutex<Vec<Pin<Box<dyn Future<Output = ()> + Send>>>>,
    pump_queued: AtomicBool,
}

/// Set in a child process right after `fork()` (see `_after_fork`): the parent's runtime, its
/// thread and its connections are not the child's.
static FORKED: AtomicBool = AtomicBool::new(false);

fn runtime() -> PyResult<&'static Runtime> {
    static CURRENT: std::sync::Mutex<Option<&'static Runtime>> = std::sync::Mutex::new(None);
    let mut current = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
    if FORKED.swap(false, SeqCst) {
        // The parent's runtime stays as it is in this process's memory (never dropped: its
        // threads do not exist here); a new one takes over.
        *current = None;
    }
    if let Some(rt) = *current {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start the I/O runtime: {e}")))?;
    let rt: &'static Runtime = Box::leak(Box::new(Runtime {
        rt,
        in_flight: AtomicUsize::new(0),
        lock: Default::default(),
        work: Default::default(),
        idle: Default::default(),
        outbox: Default::default(),
        pump_queued: AtomicBool::new(false),
    }));
    std::thread::Builder::new()
        .name("webex-emergency".into())
        .spawn(|| rt.drive())
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start the I/O thread: {e}")))?;
    *current = Some(rt);
    Ok(rt)
}

/// Called in a child process after `fork()` (registered with `os.register_at_fork`).
#[pyfunction]
fn _after_fork() {
    FORKED.store(true, SeqCst);
}

/// Counts an asyncio call as finished when dropped.
struct Done(&'static Runtime);

impl Drop for Done {
    fn drop(&mut self) {
        if self.0.in_flight.fetch_sub(1, SeqCst) == 1 {
            self.0.idle.notify_one();
        }
    }
}

impl Runtime {
    /// The background thread: drives the runtime whenever asyncio calls are in flight.
    fn drive(&'static self) {
        loop {
            {
                let mut guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
                while self.in_flight.load(SeqCst) == 0 {
                    guard = self.work.wait(guard).unwrap_or_else(|e| e.into_inner());
                }
            }
            self.rt.block_on(async {
                while self.in_flight.load(SeqCst) > 0 {
                    self.idle.notified().await;
                }
            });
        }
    }

    /// Starts `fut` for asyncio; the background thread drives it until it is done. Calls started
    /// close together are handed over in one batch: waking the runtime from another thread costs
    /// a system call, so only the first call of a batch does it (its pump spawns the others).
    fn spawn(&'static self, fut: impl Future<Output = ()> + Send + 'static) {
        if self.in_flight.fetch_add(1, SeqCst) == 0 {
            let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
            self.work.notify_one();
        }
        let done = Done(self);
        let job = Box::pin(async move {
            let _done = done;
            fut.await
        });
        self.outbox.lock().unwrap_or_else(|e| e.into_inner()).push(job);
        if !self.pump_queued.swap(true, SeqCst) {
            self.rt.spawn(async move {
                // Cleared before taking: a call queued after this point queues another pump.
                self.pump_queued.store(false, SeqCst);
                let jobs = std::mem::take(&mut *self.outbox.lock().unwrap_or_else(|e| e.into_inner()));
                for job in jobs {
                    tokio::spawn(job);
                }
            });
        }
    }
}

/// Runs `fut` on the calling thread without the GIL, checking for Ctrl-C every 50 ms (a
/// KeyboardInterrupt cancels it).
fn block_on<T: Send, F: Future<Output = T> + Send>(py: Python<'_>, fut: F) -> PyResult<T> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(PyRuntimeError::new_err(
            "a blocking call cannot be made from a callback of a running call (use the AsyncClient or call after it returns)",
        ));
    }
    let rt = runtime()?;
    py.detach(|| {
        rt.rt.block_on(async {
            tokio::pin!(fut);
            loop {
                tokio::select! {
                    out = &mut fut => return Ok(out),
                    _ = tokio::time::sleep(Duration::from_millis(50)) => {
                        Python::attach(|py| py.check_signals())?;
                    }
                }
            }
        })
    })
}

struct PyTokenProvider(Py<PyAny>);

impl core::TokenProvider for PyTokenProvider {
    fn token(&self, refresh: bool) -> core::rt::BoxFuture<'_, Result<String, Error>> {
        let got = Python::attach(|py| {
            let f = self.0.bind(py);
            let v = match f.call1((refresh,)) {
                Err(e) if e.is_instance_of::<PyTypeError>(py) => f.call0(),
                other => other,
            }?;
            v.extract::<String>()
        });
        Box::pin(async move {
            got.map_err(|e| Error::Config(format!("the token provider failed: {e}")))
        })
    }
}

// ---------- client ----------

/// The core client, shared by the blocking and the asyncio clients.
#[pyclass(frozen, module = "webex_emergency._native")]
struct NativeClient {
    client: core::Client,
}

type Result2 = Result<Value, Error>;

impl NativeClient {
    fn prepare(
        &self,
        py: Python<'_>,
        operation: &str,
        id: Option<String>,
        body: Option<&Bound<'_, PyAny>>,
        fields: Option<&Bound<'_, PyDict>>,
        org_id: Option<String>,
        paging: (Option<u32>, Option<u32>, Option<String>),
    ) -> PyResult<core::Call<Value>> {
        let op = core::ops::find(operation)
            .ok_or_else(|| exception(py, &Error::Config(format!("unknown operation `{operation}`"))))?;
        let body = match body {
            Some(b) if !b.is_none() => Some(from_py(b, "").map_err(|e| invalid(py, operation, e))?),
            _ => None,
        };
        let fields = fields_of(fields).map_err(|e| invalid(py, operation, e))?;
        let mut args = dynamic::args_from_fields(op, id, body, fields);
        args.org_id = org_id;
        (args.start, args.max, args.order) = paging;
        dynamic::call(&self.client, operation, args).map_err(|e| exception(py, &e))
    }
}

async fn send(call: core::Call<Value>) -> Result2 {
    let name = call.operation().name;
    let raw = call.send().await?;
    dynamic::normalize(name, raw)
}

fn answer(py: Python<'_>, r: Result2) -> PyResult<Py<PyAny>> {
    match r {
        Ok(v) => lazy(py, v),
        Err(e) => Err(exception(py, &e)),
    }
}

/// An answer for Python: objects stay in Rust as a [`JsonObject`] until a field is read.
fn lazy(py: Python<'_>, v: Value) -> PyResult<Py<PyAny>> {
    match v {
        Value::Object(_) => Ok(Py::new(py, JsonObject { root: Arc::new(v), path: Vec::new() })?.into_any()),
        other => Ok(to_py(py, &other)?.unbind()),
    }
}

enum Step {
    Key(String),
    Index(usize),
}

/// A JSON object of an answer, kept in Rust: fields become Python objects when read.
#[pyclass(frozen, module = "webex_emergency._native")]
struct JsonObject {
    root: Arc<Value>,
    path: Vec<Step>,
}

impl JsonObject {
    fn node(&self) -> &Value {
        let mut v = &*self.root;
        for step in &self.path {
            v = match step {
                Step::Key(k) => &v[k.as_str()],
                Step::Index(i) => &v[*i],
            };
        }
        v
    }
    fn child(&self, step: Step) -> JsonObject {
        let mut path: Vec<Step> = self
            .path
            .iter()
            .map(|s| match s {
                Step::Key(k) => Step::Key(k.clone()),
                Step::Index(i) => Step::Index(*i),
            })
            .collect();
        path.push(step);
        JsonObject { root: self.root.clone(), path }
    }
    fn wrap<'py>(&self, py: Python<'py>, v: &Value, step: Step) -> PyResult<Bound<'py, PyAny>> {
        Ok(match v {
            Value::Object(_) => Bound::new(py, self.child(step))?.into_any(),
            Value::Array(items) => {
                let base = self.child(step);
                let list = PyList::empty(py);
                for (i, item) in items.iter().enumerate() {
                    list.append(base.wrap(py, item, Step::Index(i))?)?;
                }
                list.into_any()
            }
            scalar => to_py(py, scalar)?,
        })
    }
}

#[pymethods]
impl JsonObject {
    /// The field `key` (objects stay lazy), or None.
    fn get<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Bound<'py, PyAny>> {
        match self.node().get(key) {
            None => Ok(py.None().into_bound(py)),
            Some(v) => self.wrap(py, v, Step::Key(key.to_string())),
        }
    }
    /// The field names, as the API sent them.
    fn keys(&self) -> Vec<String> {
        self.node().as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default()
    }
    fn __contains__(&self, key: &str) -> bool {
        self.node().get(key).is_some()
    }
    /// The whole object as plain Python values (the API's JSON).
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(to_py(py, self.node())?.unbind())
    }
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (token=None, token_provider=None, base_url=None, timeout=None, max_retries=None, org_id=None, user_agent=None, proxy=None))]
    fn new(
        py: Python<'_>,
        token: Option<String>,
        token_provider: Option<Py<PyAny>>,
        base_url: Option<String>,
        timeout: Option<f64>,
        max_retries: Option<u32>,
        org_id: Option<String>,
        user_agent: Option<String>,
        proxy: Option<String>,
    ) -> PyResult<Self> {
        let mut b = core::Client::builder();
        if let Some(t) = token {
            b = b.token(t);
        }
        if let Some(p) = token_provider {
            b = b.token_provider(PyTokenProvider(p));
        }
        if let Some(u) = base_url {
            b = b.base_url(u);
        }
        if let Some(t) = timeout {
            if !(t.is_finite() && t > 0.0) {
                return Err(exception(py, &Error::Config("timeout must be a positive number of seconds".into())));
            }
            b = b.timeout(Duration::from_secs_f64(t));
        }
        if let Some(n) = max_retries {
            b = b.max_retries(n);
        }
        if let Some(o) = org_id {
            b = b.org_id(o);
        }
        if let Some(ua) = user_agent {
            b = b.user_agent(ua);
        }
        if let Some(p) = proxy {
            b = b.proxy(p);
        }
        let rt = runtime()?;
        let client = py.detach(|| {
            let _guard = rt.rt.enter();
            b.build()
        });

        Ok(NativeClient { client: client.map_err(|e| exception(py, &e))? })
    }

    fn __repr__(&self) -> String {
        format!("Client(base_url={:?}, org_id={:?})", self.client.base_url(), self.client.org_id())
    }

    /// Sends an operation and waits for its answer (the GIL is released meanwhile).
    #[pyo3(signature = (operation, id=None, body=None, fields=None, org_id=None, start=None, max=None, order=None))]
    fn call(
        &self,
        py: Python<'_>,
        operation: &str,
        id: Option<String>,
        body: Option<&Bound<'_, PyAny>>,
        fields: Option<&Bound<'_, PyDict>>,
        org_id: Option<String>,
        start: Option<u32>,
        max: Option<u32>,
        order: Option<String>,
    ) -> PyResult<Py<PyAny>> {
        let call = self.prepare(py, operation, id, body, fields, org_id, (start, max, order))?;
        let r = block_on(py, send(call))?;
        answer(py, r)
    }

    /// Starts an operation for asyncio: its answer is handed to `completions` under `token`.
    #[pyo3(signature = (completions, token, operation, id=None, body=None, fields=None, org_id=None, start=None, max=None, order=None))]
    fn submit(
        &self,
        py: Python<'_>,
        completions: &Completions,
        token: u64,
        operation: &str,
        id: Option<String>,
        body: Option<&Bound<'_, PyAny>>,
        fields: Option<&Bound<'_, PyDict>>,
        org_id: Option<String>,
        start: Option<u32>,
        max: Option<u32>,
        order: Option<String>,
    ) -> PyResult<()> {
        let call = self.prepare(py, operation, id, body, fields, org_id, (start, max, order))?;
        let inner = completions.inner.clone();
        runtime()?.spawn(async move {
            let r = send(call).await;
            inner.push(token, Outcome::Answer(r));
        });
        Ok(())
    }

    /// Builds and validates an operation without sending it.
    #[pyo3(signature = (operation, id=None, body=None, fields=None, org_id=None, start=None, max=None, order=None))]
    fn dry_run(
        &self,
        py: Python<'_>,
        operation: &str,
        id: Option<String>,
        body: Option<&Bound<'_, PyAny>>,
        fields: Option<&Bound<'_, PyDict>>,
        org_id: Option<String>,
        start: Option<u32>,
        max: Option<u32>,
        order: Option<String>,
    ) -> PyResult<Py<PyAny>> {
        let call = self.prepare(py, operation, id, body, fields, org_id, (start, max, order))?;
        let prepared = call.dry_run().map_err(|e| exception(py, &e))?;
        Ok(to_py(py, &serde_json::to_value(prepared).unwrap_or_default())?.unbind())
    }

    /// Every location's compliance status, one page at a time as needed.
    #[pyo3(signature = (page_size=None, order=None, org_id=None))]
    fn pages(&self, page_size: Option<u32>, order: Option<String>, org_id: Option<String>) -> PageIterator {
        let stream = self
            .client
            .redsky()
            .compliance_statuses(page_size, order.as_deref(), org_id.as_deref())
            .map(|r| r.and_then(|loc| serde_json::to_value(loc).map_err(|e| Error::Config(e.to_string()))));
        PageIterator { stream: Arc::new(tokio::sync::Mutex::new(Box::pin(stream))) }
    }

    /// Runs `operation` for every item of `items` with at most `concurrency` requests in
    /// flight; returns `(index, answer, exception)` for every item, in input order.
    #[pyo3(signature = (operation, items, concurrency=10, progress=None, org_id=None, dry_run=false))]
    fn bulk(
        &self,
        py: Python<'_>,
        operation: &str,
        items: &Bound<'_, PyAny>,
        concurrency: usize,
        progress: Option<Py<PyAny>>,
        org_id: Option<String>,
        dry_run: bool,
    ) -> PyResult<Py<PyAny>> {
        let calls = self.item_calls(py, operation, items, org_id)?;
        if dry_run {
            let out = calls.map(|c| c.dry_run().map(|p| serde_json::to_value(p).unwrap_or_default()));
            let results: Vec<Result2> = py.detach(|| out.collect());
            return bulk_answer(py, results.into_iter().enumerate().collect());
        }
        let run = run_bulk(calls, concurrency, progress);
        let results = block_on(py, run)?;
        bulk_answer(py, results)
    }

    /// [`bulk`] for asyncio: the same list is handed to `completions` under `token`.
    #[pyo3(signature = (completions, token, operation, items, concurrency=10, progress=None, org_id=None))]
    fn submit_bulk(
        &self,
        py: Python<'_>,
        completions: &Completions,
        token: u64,
        operation: &str,
        items: &Bound<'_, PyAny>,
        concurrency: usize,
        progress: Option<Py<PyAny>>,
        org_id: Option<String>,
    ) -> PyResult<()> {
        let calls = self.item_calls(py, operation, items, org_id)?;
        let inner = completions.inner.clone();
        runtime()?.spawn(async move {
            let results = run_bulk(calls, concurrency, progress).await;
            inner.push(token, Outcome::Bulk(results));
        });
        Ok(())
    }
}

impl NativeClient {
    fn item_calls(
        &self,
        py: Python<'_>,
        operation: &str,
        items: &Bound<'_, PyAny>,
        org_id: Option<String>,
    ) -> PyResult<ItemCalls> {
        let op = dynamic::find(operation).map_err(|e| exception(py, &e))?;
        Ok(ItemCalls { iter: Some(items.try_iter()?.unbind()), client: self.client.clone(), op, org_id })
    }
}

/// Pulls items from a Python iterator one at a time (memory stays flat) and turns each into a
/// call; an item that cannot be read, or an iterator that raises, becomes a failed item.
struct ItemCalls {
    iter: Option<Py<pyo3::types::PyIterator>>,
    client: core::Client,
    op: &'static core::ops::Operation,
    org_id: Option<String>,
}

impl Iterator for ItemCalls {
    type Item = core::Call<Value>;
    fn next(&mut self) -> Option<Self::Item> {
        let iter = self.iter.as_ref()?;
        let got = Python::attach(|py| match iter.bind(py).clone().next() {
            None => None,
            Some(Err(e)) => Some(Err(core::FieldError::new("item", "iterator", format!("the items iterator raised: {e}")))),
            Some(Ok(obj)) => Some(from_py(&obj, "item")),
        });
        match got {
            None => {
                self.iter = None;
                None
            }
            Some(Ok(v)) => Some(dynamic::call_from_item(&self.client, self.op, v, self.org_id.as_deref())),
            Some(Err(e)) => {
                if e.rule == "iterator" {
                    self.iter = None;
                }
                Some(dynamic::failed_call(&self.client, self.op, vec![e]))
            }
        }
    }
}

async fn run_bulk(calls: ItemCalls, concurrency: usize, progress: Option<Py<PyAny>>) -> Vec<(usize, Result2)> {
    let progress = progress.map(|cb| -> core::bulk::ProgressFn {
        Arc::new(move |p: core::BulkProgress| {
            Python::attach(|py| {
                if let Err(e) = cb.call1(py, (p.done, p.succeeded, p.failed)) {
                    e.print(py);
                }
            })
        })
    });
    let options = core::BulkOptions { concurrency, progress };
    let operation = calls.op.name;
    let mut results: Vec<(usize, Result2)> = core::bulk::run_iter(calls, options)
        .map(|item| (item.index, item.result.and_then(|v| dynamic::normalize(operation, v))))
        .collect()
        .await;
    results.sort_by_key(|(i, _)| *i);
    results
}

fn bulk_answer(py: Python<'_>, results: Vec<(usize, Result2)>) -> PyResult<Py<PyAny>> {
    let list = PyList::empty(py);
    for (i, r) in results {
        let (ok, err) = match r {
            Ok(v) => (lazy(py, v)?.into_bound(py), py.None().into_bound(py)),
            Err(e) => (py.None().into_bound(py), exception(py, &e).into_value(py).into_bound(py).into_any()),
        };
        list.append(PyTuple::new(py, [i.into_pyobject(py)?.into_any(), ok, err])?)?;
    }
    Ok(list.into_any().unbind())
}

/// Answers of asyncio calls, handed to the event loop through a pipe: the loop reads the pipe
/// (`loop.add_reader`) and takes the answers, so the Tokio worker never waits for the GIL.
#[pyclass(frozen, module = "webex_emergency._native")]
struct Completions {
    inner: Arc<CompletionsInner>,
}

/// What an asyncio call hands back: an answer, a bulk run's list, or the next page item (None
/// at the end).
enum Outcome {
    Answer(Result2),
    Bulk(Vec<(usize, Result2)>),
    Next(Option<Result2>),
}

struct CompletionsInner {
    done: std::sync::Mutex<Vec<(u64, Outcome)>>,
    signalled: std::sync::atomic::AtomicBool,
    reader: std::sync::Mutex<std::io::PipeReader>,
    writer: std::sync::Mutex<std::io::PipeWriter>,
}

impl CompletionsInner {
    fn push(&self, token: u64, r: Outcome) {
        use std::io::Write;
        if let Ok(mut done) = self.done.lock() {
            done.push((token, r));
        }
        // One byte per wake-up: the loop consumes one per `take`.
        if !self.signalled.swap(true, std::sync::atomic::Ordering::AcqRel) {
            if let Ok(mut w) = self.writer.lock() {
                let _ = w.write_all(b"x");
            }
        }
    }
}

#[pymethods]
impl Completions {
    #[new]
    fn new() -> PyResult<Self> {
        let (reader, writer) = std::io::pipe()?;
        Ok(Completions {
            inner: Arc::new(CompletionsInner {
                done: std::sync::Mutex::new(Vec::new()),
                signalled: std::sync::atomic::AtomicBool::new(false),
                reader: std::sync::Mutex::new(reader),
                writer: std::sync::Mutex::new(writer),
            }),
        })
    }
    /// The file descriptor that becomes readable when answers are waiting.
    fn fileno(&self) -> PyResult<i32> {
        use std::os::fd::AsRawFd;
        let r = self.inner.reader.lock().map_err(|_| PyRuntimeError::new_err("poisoned"))?;
        Ok(r.as_raw_fd())
    }
    /// The waiting answers as `(token, answer, exception)`; call when `fileno()` is readable.
    fn take(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        use std::io::Read;
        self.inner.signalled.store(false, std::sync::atomic::Ordering::Release);
        if let Ok(mut r) = self.inner.reader.lock() {
            let mut byte = [0u8; 1];
            let _ = r.read(&mut byte);
        }
        let items = std::mem::take(&mut *self.inner.done.lock().map_err(|_| PyRuntimeError::new_err("poisoned"))?);
        let list = PyList::empty(py);
        for (token, r) in items {
            let (ok, err) = match r {
                Outcome::Answer(Ok(v)) | Outcome::Next(Some(Ok(v))) => (lazy(py, v)?.into_bound(py), py.None().into_bound(py)),
                Outcome::Answer(Err(e)) | Outcome::Next(Some(Err(e))) => {
                    (py.None().into_bound(py), exception(py, &e).into_value(py).into_bound(py).into_any())
                }
                Outcome::Bulk(results) => (bulk_answer(py, results)?.into_bound(py), py.None().into_bound(py)),
                Outcome::Next(None) => (py.None().into_bound(py), py.None().into_bound(py)),
            };
            list.append(PyTuple::new(py, [token.into_pyobject(py)?.into_any(), ok, err])?)?;
        }
        Ok(list.into_any().unbind())
    }
}

type LocationStream = Pin<Box<dyn Stream<Item = Result2> + Send>>;

/// Iterator (and async iterator) over every location's compliance status.
#[pyclass(module = "webex_emergency._native")]
struct PageIterator {
    stream: Arc<tokio::sync::Mutex<LocationStream>>,
}

#[pymethods]
impl PageIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }
    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        let stream = self.stream.clone();
        let next = block_on(py, async move { stream.lock().await.next().await })?;
        next.map(|r| answer(py, r)).transpose()
    }
    /// For asyncio: the next item is handed to `completions` under `token` (None at the end).
    fn submit_next(&self, completions: &Completions, token: u64) -> PyResult<()> {
        let stream = self.stream.clone();
        let inner = completions.inner.clone();
        runtime()?.spawn(async move {
            let next = stream.lock().await.next().await;
            inner.push(token, Outcome::Next(next));
        });
        Ok(())
    }
}

// ---------- simulator ----------

/// The bundled simulator of the API, on 127.0.0.1.
#[pyclass(module = "webex_emergency._native")]
struct NativeSimulator {
    sim: Option<webex_emergency_sim::Simulator>,
}

impl NativeSimulator {
    fn sim(&self) -> PyResult<&webex_emergency_sim::Simulator> {
        self.sim.as_ref().ok_or_else(|| PyRuntimeError::new_err("the simulator was stopped"))
    }
}

#[pymethods]
impl NativeSimulator {
    #[new]
    #[pyo3(signature = (seed=42, size=200, faults=None, port=0, tokens=None, expose_headers=true))]
    fn new(
        py: Python<'_>,
        seed: u64,
        size: usize,
        faults: Option<&Bound<'_, PyAny>>,
        port: u16,
        tokens: Option<Vec<String>>,
        expose_headers: bool,
    ) -> PyResult<Self> {
        let faults = parse_faults(py, faults)?;
        let config = webex_emergency_sim::Config {
            port,
            seed,
            size,
            tokens: tokens.unwrap_or_else(|| vec![webex_emergency_sim::DEFAULT_TOKEN.into()]),
            expose_headers,
            faults,
        };
        let sim = py.detach(|| webex_emergency_sim::Simulator::start(config));
        Ok(NativeSimulator { sim: Some(sim.map_err(|e| PyRuntimeError::new_err(format!("cannot start the simulator: {e}")))?) })
    }
    #[getter]
    fn base_url(&self) -> PyResult<String> {
        Ok(self.sim()?.base_url.clone())
    }
    fn directory(&self, py: Python<'_>, limit: usize) -> PyResult<Py<PyAny>> {
        Ok(to_py(py, &self.sim()?.directory(limit))?.unbind())
    }
    fn set_faults(&self, py: Python<'_>, faults: &Bound<'_, PyAny>) -> PyResult<()> {
        let f = parse_faults(py, Some(faults))?;
        self.sim()?.set_faults(f);
        Ok(())
    }
    fn journal(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let j = serde_json::to_value(self.sim()?.journal()).unwrap_or_default();
        Ok(to_py(py, &j)?.unbind())
    }
    fn reset(&self) -> PyResult<()> {
        self.sim()?.reset();
        Ok(())
    }
    fn set_tokens(&self, tokens: Vec<String>) -> PyResult<()> {
        self.sim()?.set_tokens(tokens);
        Ok(())
    }
    fn set_expose_headers(&self, on: bool) -> PyResult<()> {
        self.sim()?.set_expose_headers(on);
        Ok(())
    }
    fn stop(&mut self, py: Python<'_>) {
        if let Some(mut s) = self.sim.take() {
            py.detach(|| s.stop());
        }
    }
}

fn parse_faults(py: Python<'_>, faults: Option<&Bound<'_, PyAny>>) -> PyResult<webex_emergency_sim::Faults> {
    let Some(f) = faults.filter(|f| !f.is_none()) else { return Ok(Default::default()) };
    let v = from_py(f, "faults").map_err(|e| invalid(py, "simulator", e))?;
    serde_json::from_value(v).map_err(|e| PyTypeError::new_err(format!("bad faults: {e}")))
}

// ---------- module ----------

/// The operations table of the core: name, method, path, path parameter, body, query, result model.
#[pyfunction]
fn operations(py: Python<'_>) -> PyResult<Py<PyAny>> {
    let list = PyList::empty(py);
    for op in core::ops::OPERATIONS {
        let d = PyDict::new(py);
        d.set_item("name", op.name)?;
        d.set_item("summary", op.summary)?;
        d.set_item("method", op.method.as_str())?;
        d.set_item("path", op.path)?;
        d.set_item("path_param", op.path_param.map(|p| dynamic::camel_to_snake(p.0)))?;
        d.set_item("has_body", op.has_body)?;
        d.set_item("query", op.query.to_vec())?;
        d.set_item("result_model", dynamic::result_model(op.name))?;
        list.append(d)?;
    }
    Ok(list.into_any().unbind())
}

/// Reads an answer of `operation` through the core's typed model (used by the shared vectors).
#[pyfunction]
fn normalize(py: Python<'_>, operation: &str, data: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let v = from_py(data, "").map_err(|e| invalid(py, operation, e))?;
    let v = dynamic::normalize(operation, v).map_err(|e| exception(py, &e))?;
    Ok(to_py(py, &v)?.unbind())
}

/// Reads the raw JSON body of an answer of `operation` (bytes) through the core's typed model.
#[pyfunction]
fn decode(py: Python<'_>, operation: &str, body: &[u8]) -> PyResult<Py<PyAny>> {
    let v = core::http::decode_body::<Value>(operation, 200, body, None).map_err(|e| exception(py, &e))?;
    answer(py, dynamic::normalize(operation, v))
}

/// The model type name of a nested answer field, if it has one.
#[pyfunction]
fn nested_model(field: &str) -> Option<&'static str> {
    dynamic::nested_model(field)
}

/// Answer model names and their snake_case fields.
#[pyfunction]
fn models(py: Python<'_>) -> PyResult<Py<PyAny>> {
    let d = PyDict::new(py);
    for name in dynamic::MODELS {
        d.set_item(*name, dynamic::model_fields(name).unwrap_or_default().to_vec())?;
    }
    Ok(d.into_any().unbind())
}

/// Models, fields, Rust types, enums and operations of the core (for generated type stubs).
#[pyfunction]
fn type_info(py: Python<'_>) -> PyResult<Py<PyAny>> {
    Ok(to_py(py, &dynamic::type_info())?.unbind())
}

/// The API's JSON name of a snake_case name.
#[pyfunction]
fn snake_to_camel(name: &str) -> String {
    dynamic::snake_to_camel(name)
}

/// The snake_case name of an API JSON name.
#[pyfunction]
fn camel_to_snake(name: &str) -> String {
    dynamic::camel_to_snake(name)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeClient>()?;
    m.add_class::<PageIterator>()?;
    m.add_class::<NativeSimulator>()?;
    m.add_class::<Completions>()?;
    m.add_class::<JsonObject>()?;
    m.add_function(wrap_pyfunction!(operations, m)?)?;
    m.add_function(wrap_pyfunction!(nested_model, m)?)?;
    m.add_function(wrap_pyfunction!(models, m)?)?;
    m.add_function(wrap_pyfunction!(normalize, m)?)?;
    m.add_function(wrap_pyfunction!(decode, m)?)?;
    m.add_function(wrap_pyfunction!(type_info, m)?)?;
    m.add_function(wrap_pyfunction!(snake_to_camel, m)?)?;
    m.add_function(wrap_pyfunction!(camel_to_snake, m)?)?;
    m.add_function(wrap_pyfunction!(_after_fork, m)?)?;
    m.add("DEFAULT_SIM_TOKEN", webex_emergency_sim::DEFAULT_TOKEN)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
