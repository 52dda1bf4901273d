//! The process's Tokio runtime, how blocking calls drive it, and `fork()` safety.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::time::Duration;

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures_util::FutureExt;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::asyncio::{CompletionsInner, Outcome};
use crate::errors::internal;

/// The Tokio runtime of the process: a single-threaded one. A blocking call drives it on the
/// calling thread, so its request, its connection and the answer all run there with no hand-off
/// between threads. While asyncio calls are in flight a background thread drives it instead (a
/// blocking call made meanwhile waits for that thread's wake-ups).
pub(crate) struct Runtime {
    pub(crate) rt: tokio::runtime::Runtime,
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

pub(crate) fn runtime() -> PyResult<&'static Runtime> {
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
pub(crate) fn _after_fork() {
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
    /// The job's outcome is handed to `completions` under `token`; a job that panics hands
    /// over [`Outcome::Panicked`] instead, so the awaiting coroutine is always resumed. The job
    /// can be abandoned with `Completions.cancel(token)` until it ends.
    pub(crate) fn spawn(
        &'static self,
        completions: Arc<CompletionsInner>,
        token: u64,
        fut: impl Future<Output = Outcome> + Send + 'static,
    ) {
        if self.in_flight.fetch_add(1, SeqCst) == 0 {
            let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
            self.work.notify_one();
        }
        let done = Done(self);
        let fut = completions.abortable(token, AssertUnwindSafe(fut).catch_unwind());
        let job = Box::pin(async move {
            let _done = done;
            let outcome = fut.await;
            completions.ended(token);
            // Abandoned (cancelled from asyncio): nobody waits for an answer.
            if let Ok(outcome) = outcome {
                completions.push(token, outcome.unwrap_or_else(|p| Outcome::Panicked(panic_text(&p))));
            }
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
pub(crate) fn block_on<T: Send, F: Future<Output = T> + Send>(py: Python<'_>, fut: F) -> PyResult<T> {
    drive(py, fut, Some)
}

/// [`block_on`] for a run that stops cleanly: the first Ctrl-C is handed to `stop` (which ends
/// the run: requests in flight finish, the rest are skipped) and the run is driven to its end;
/// a second Ctrl-C raises at once.
pub(crate) fn block_on_stoppable<T: Send, F: Future<Output = T> + Send>(
    py: Python<'_>,
    fut: F,
    stop: impl Fn(PyErr) + Send,
) -> PyResult<T> {
    let mut stopped = false;
    drive(py, fut, move |e| {
        if stopped {
            return Some(e);
        }
        stopped = true;
        stop(e);
        None
    })
}

/// Drives `fut` to its end without the GIL; a signal's exception is given to `on_signal`,
/// and raised (cancelling `fut`) when it hands it back.
fn drive<T: Send, F: Future<Output = T> + Send>(
    py: Python<'_>,
    fut: F,
    mut on_signal: impl FnMut(PyErr) -> Option<PyErr> + Send,
) -> PyResult<T> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(PyRuntimeError::new_err(
            "a blocking call cannot be made from a callback of a running call (use the AsyncClient or call after it returns)",
        ));
    }
    let rt = runtime()?;
    let fut = AssertUnwindSafe(fut).catch_unwind();
    let out = py.detach(|| {
        rt.rt.block_on(async {
            tokio::pin!(fut);
            loop {
                tokio::select! {
                    out = &mut fut => return PyResult::Ok(out),
                    _ = tokio::time::sleep(Duration::from_millis(50)) => {
                        if let Err(e) = Python::attach(|py| py.check_signals()) {
                            if let Some(e) = on_signal(e) {
                                return Err(e);
                            }
                        }
                    }
                }
            }
        })
    })?;
    out.map_err(|p| internal(py, &panic_text(&p)))
}

/// Runs `f`, turning a panic (a bug in this package) into a `WebexError` instead of
/// pyo3's `PanicException`, which `except Exception` does not catch.
pub(crate) fn guard<T>(py: Python<'_>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| Err(internal(py, &panic_text(&p))))
}

/// The text of a panic when it is a fixed message (a formatted one may hold data).
fn panic_text(payload: &Box<dyn std::any::Any + Send>) -> String {
    payload.downcast_ref::<&str>().map_or_else(|| "a panic".to_string(), |s| s.to_string())
}
