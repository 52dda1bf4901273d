//! asyncio: answers handed to the event loop through a pipe.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use futures_util::future::{AbortHandle, Abortable};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use webex_emergency::bindings_api::BulkResults;

use crate::convert::to_py;

use crate::answers::{bulk_answer, lazy, Answer};
use crate::errors::{exception, internal};

/// Answers of asyncio calls, handed to the event loop through a pipe: the loop reads the pipe
/// (`loop.add_reader`) and takes the answers, so the Tokio worker never waits for the GIL.
#[pyclass(frozen, module = "webex_emergency._native")]
pub(crate) struct Completions {
    pub(crate) inner: Arc<CompletionsInner>,
}

/// What an asyncio call hands back: an answer, a bulk run's list, or the next page item (None
/// at the end).
pub(crate) enum Outcome {
    Answer(Answer),
    /// An answer given to Python as plain dicts and lists (an audit report).
    Plain(Answer),
    Bulk(BulkResults),
    Next(Option<Answer>),
    /// The job panicked (a bug): raised as a `WebexError`.
    Panicked(String),
    /// A Python exception to raise as it is (e.g. KeyboardInterrupt from a progress callback).
    Raised(PyErr),
}

pub(crate) struct CompletionsInner {
    done: std::sync::Mutex<Vec<(u64, Outcome)>>,
    signalled: std::sync::atomic::AtomicBool,
    reader: std::sync::Mutex<std::io::PipeReader>,
    writer: std::sync::Mutex<std::io::PipeWriter>,
    /// How to abandon each job in flight, by token (see [`Completions::cancel`]).
    running: std::sync::Mutex<HashMap<u64, AbortHandle>>,
}

impl CompletionsInner {
    /// Makes `job` abandonable under `token`: [`Completions::cancel`] drops it where it stands.
    pub(crate) fn abortable<F: Future>(&self, token: u64, job: F) -> Abortable<F> {
        let (handle, registration) = AbortHandle::new_pair();
        if let Ok(mut running) = self.running.lock() {
            running.insert(token, handle);
        }
        Abortable::new(job, registration)
    }

    /// Forgets the abort handle of a job that ended (finished or abandoned).
    pub(crate) fn ended(&self, token: u64) {
        if let Ok(mut running) = self.running.lock() {
            running.remove(&token);
        }
    }

    pub(crate) fn push(&self, token: u64, r: Outcome) {
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
                running: Default::default(),
            }),
        })
    }
    /// The file descriptor that becomes readable when answers are waiting.
    fn fileno(&self) -> PyResult<i32> {
        use std::os::fd::AsRawFd;
        let r = self.inner.reader.lock().map_err(|_| PyRuntimeError::new_err("poisoned"))?;
        Ok(r.as_raw_fd())
    }
    /// Abandons the job of `token` (its asyncio future was cancelled): requests not sent are
    /// never sent, requests in flight are dropped, and nothing is handed back for it.
    fn cancel(&self, token: u64) {
        let handle = self.inner.running.lock().ok().and_then(|mut running| running.remove(&token));
        if let Some(handle) = handle {
            handle.abort();
        }
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
                Outcome::Plain(Ok(v)) => (to_py(py, &v)?, py.None().into_bound(py)),
                Outcome::Plain(Err(e)) => (py.None().into_bound(py), exception(py, &e).into_value(py).into_bound(py).into_any()),
                Outcome::Bulk(results) => (bulk_answer(py, results)?.into_bound(py), py.None().into_bound(py)),
                Outcome::Next(None) => (py.None().into_bound(py), py.None().into_bound(py)),
                Outcome::Panicked(what) => (py.None().into_bound(py), internal(py, &what).into_value(py).into_bound(py).into_any()),
                Outcome::Raised(e) => (py.None().into_bound(py), e.into_value(py).into_bound(py).into_any()),
            };
            list.append(PyTuple::new(py, [token.into_pyobject(py)?.into_any(), ok, err])?)?;
        }
        Ok(list.into_any().unbind())
    }
}
