//! Paged lists as Python iterators and async iterators.

use std::pin::Pin;
use std::sync::Arc;

use futures_util::{Stream, StreamExt};
use pyo3::prelude::*;

use crate::answers::{answer, Answer};
use crate::asyncio::{Completions, Outcome};
use crate::runtime::{block_on, runtime};

pub(crate) type LocationStream = Pin<Box<dyn Stream<Item = Answer> + Send>>;

/// Iterator (and async iterator) over every location's compliance status.
#[pyclass(module = "webex_emergency._native")]
pub(crate) struct PageIterator {
    pub(crate) stream: Arc<tokio::sync::Mutex<LocationStream>>,
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
        runtime()?.spawn(completions.inner.clone(), token, async move { Outcome::Next(stream.lock().await.next().await) });
        Ok(())
    }
}
