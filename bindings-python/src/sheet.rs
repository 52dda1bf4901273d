//! Bulk changes from CSV for Python: a sheet read by the core, and its run, which hands each
//! row's result to a Python callable as it finishes.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use webex_emergency::bindings_api::BulkArgs;
use webex_emergency::sheet::{RowCounts, Sheet};

use crate::client::{Interrupt, NativeClient};
use crate::convert::{count, to_py};
use crate::errors::{config_error, exception};
use crate::asyncio::{Completions, Outcome};
use crate::runtime::{block_on_stoppable, guard, runtime};

/// A bulk sheet (`ecbn` or `notification`) read and checked by the core; `resume` is the text
/// of an earlier results file of the same input, whose `done` rows are kept and not run again.
#[pyclass(frozen, module = "webex_emergency._native")]
pub(crate) struct NativeSheet {
    sheet: Mutex<Option<Sheet>>,
    /// Set by `stop()`: ends the run as Ctrl-C does.
    interrupt: Interrupt,
    stopped: AtomicBool,
    counts: Arc<Mutex<RowCounts>>,
    /// Rows to run.
    #[pyo3(get)]
    rows: usize,
    /// Rows kept as done from the results file resumed.
    #[pyo3(get)]
    kept: usize,
    /// The results file's columns.
    #[pyo3(get)]
    columns: Vec<String>,
    /// The start of the results file: its header and the kept rows.
    #[pyo3(get)]
    head: String,
    /// Every finished row, when the run keeps them (`keep=True`): taken before `on_row` is
    /// called, so that a Ctrl-C arriving inside `on_row` loses none from the results.
    finished: Arc<Mutex<Vec<Finished>>>,
}

/// A finished row as Python gets it: `(line, status, error, record, request)`.
type RowTuple = (u64, &'static str, String, String, Py<PyAny>);

/// A finished row as kept for `results()`.
struct Finished {
    line: u64,
    status: &'static str,
    error: String,
    record: String,
    request: Option<serde_json::Value>,
}

#[pymethods]
impl NativeSheet {
    #[new]
    #[pyo3(signature = (kind, text, resume=None))]
    fn new(py: Python<'_>, kind: &str, text: &str, resume: Option<&str>) -> PyResult<Self> {
        let sheet = guard(py, || Sheet::read_named(kind, text, resume).map_err(|e| exception(py, &e)))?;
        Ok(NativeSheet {
            rows: sheet.len(),
            kept: sheet.kept(),
            columns: sheet.result_columns(),
            head: sheet.head(),
            sheet: Mutex::new(Some(sheet)),
            interrupt: Interrupt::default(),
            stopped: AtomicBool::new(false),
            counts: Arc::default(),
            finished: Arc::default(),
        })
    }

    /// The rows finished so far as `(line, status, error, record, request)`, when the run
    /// keeps them (see `run`'s `keep`); also after a Ctrl-C.
    fn results(&self, py: Python<'_>) -> PyResult<Vec<RowTuple>> {
        let finished = self.finished.lock().map_err(|_| PyRuntimeError::new_err("poisoned"))?;
        finished
            .iter()
            .map(|f| {
                let request = f.request.as_ref().map_or_else(|| Ok(py.None()), |r| to_py(py, r).map(Bound::unbind))?;
                Ok((f.line, f.status, f.error.clone(), f.record.clone(), request))
            })
            .collect()
    }

    /// Stops the run from another thread or a signal handler: requests in flight end, the
    /// remaining rows are `skipped`, and `run` returns normally (see `stopped`).
    fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        self.interrupt.stop.fire();
    }

    /// Rows per status so far (`done`, `failed`, `skipped`, `planned`): the run's counts, also
    /// after it was stopped.
    #[getter]
    fn counts(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let counts = self.counts.lock().map(|c| *c).unwrap_or_default();
        counts_dict(py, counts)
    }

    /// Whether `stop()` was called.
    #[getter]
    fn stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }

    /// Runs every row with `client` (once per sheet). `on_row` (or None) `(line, status, error, record,
    /// request, code)` is called as each row finishes (`record` is its results-file line,
    /// `request` the validated request of a dry run, `code` the error code of a failed row). Ctrl-C or an exception from
    /// `on_row` stops the run: requests in flight end, the remaining rows are `skipped`, then it
    /// is raised. Returns the count of rows per status (also `counts` afterwards).
    #[pyo3(signature = (client, on_row, concurrency=None, org_id=None, dry_run=false, keep=false))]
    #[allow(clippy::too_many_arguments)]
    fn run(
        &self,
        py: Python<'_>,
        client: &NativeClient,
        on_row: Option<Py<PyAny>>,
        concurrency: Option<&Bound<'_, PyAny>>,
        org_id: Option<String>,
        dry_run: bool,
        keep: bool,
    ) -> PyResult<Py<PyAny>> {
        let run = self.rows_run(py, client, on_row, concurrency, org_id, dry_run, keep)?;
        let stopper = self.interrupt.clone();
        block_on_stoppable(py, run, move |e| stopper.set(e))?;
        self.interrupt.raise()?;
        self.counts(py)
    }

    /// [`NativeSheet::run`] for asyncio (not a dry run; rows kept for `results()`): the counts
    /// are handed to `completions` under `token`. `on_row` is called on the I/O thread.
    /// Cancelling the awaiting task abandons the run: rows not sent are never sent.
    #[pyo3(signature = (completions, token, client, on_row, concurrency=None, org_id=None))]
    #[allow(clippy::too_many_arguments)]
    fn submit(
        &self,
        py: Python<'_>,
        completions: &Completions,
        token: u64,
        client: &NativeClient,
        on_row: Option<Py<PyAny>>,
        concurrency: Option<&Bound<'_, PyAny>>,
        org_id: Option<String>,
    ) -> PyResult<()> {
        let run = self.rows_run(py, client, on_row, concurrency, org_id, false, true)?;
        let (interrupt, counts) = (self.interrupt.clone(), self.counts.clone());
        runtime()?.spawn(completions.inner.clone(), token, async move {
            run.await;
            match interrupt.raise() {
                Ok(()) => {
                    let counts = counts.lock().map(|c| *c).unwrap_or_default();
                    let by_status = counts.by_name().into_iter().map(|(status, n)| (status.to_string(), n.into())).collect();
                    Outcome::Plain(Ok(serde_json::Value::Object(by_status)))
                }
                Err(e) => Outcome::Raised(e),
            }
        });
        Ok(())
    }
}

impl NativeSheet {
    /// The run of this sheet (once): counts and keeps each row as it finishes, then calls
    /// `on_row` with the GIL; an exception from `on_row` stops the run (see [`Interrupt`]).
    #[allow(clippy::too_many_arguments)]
    fn rows_run(
        &self,
        py: Python<'_>,
        client: &NativeClient,
        on_row: Option<Py<PyAny>>,
        concurrency: Option<&Bound<'_, PyAny>>,
        org_id: Option<String>,
        dry_run: bool,
        keep: bool,
    ) -> PyResult<impl std::future::Future<Output = ()> + Send + 'static> {
        let concurrency = count(concurrency, "concurrency").map_err(|e| config_error(py, e))?;
        let sheet = self.sheet.lock().ok().and_then(|mut s| s.take());
        let sheet = sheet.ok_or_else(|| PyRuntimeError::new_err("this sheet was already run"))?;
        let interrupt = self.interrupt.clone();
        let args = BulkArgs { concurrency, org_id, dry_run, progress: None, cancel: Some(interrupt.stop.clone()) };
        let rows = guard(py, || sheet.run_with(&client.client, args).map_err(|e| exception(py, &e)))?;
        let seen = interrupt.clone();
        let counts = self.counts.clone();
        let finished = keep.then(|| self.finished.clone());
        let run = async move {
            let mut rows = std::pin::pin!(rows);
            while let Some(row) = rows.next().await {
                if let Ok(mut c) = counts.lock() {
                    c.add(row.status);
                }
                if let Some(Ok(mut kept)) = finished.as_ref().map(|f| f.lock()) {
                    kept.push(Finished {
                        line: row.line,
                        status: row.status.as_str(),
                        error: row.error.clone(),
                        record: row.record.clone(),
                        request: row.request.clone(),
                    });
                }
                // Without a callback the GIL is not taken: asyncio calls share this thread.
                let Some(on_row) = &on_row else { continue };
                Python::attach(|py| {
                    let request = row.request.as_ref().map(|r| to_py(py, r)).transpose();
                    let called = request.and_then(|request| {
                        on_row.call1(py, (row.line, row.status.as_str(), row.error, row.record, request, row.code))
                    });
                    if let Err(e) = called {
                        seen.set(e);
                    }
                });
            }
        };
        Ok(run)
    }
}

fn counts_dict(py: Python<'_>, counts: RowCounts) -> PyResult<Py<PyAny>> {
    let out = PyDict::new(py);
    for (status, n) in counts.by_name() {
        out.set_item(status, n)?;
    }
    Ok(out.into_any().unbind())
}
