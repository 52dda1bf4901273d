//! Answers for Python: JSON objects stay in Rust until a field is read.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyList;
use serde_json::Value;
use webex_emergency::Error;

use crate::convert::to_py;
use crate::errors::exception;

/// What the core hands back for one call.
pub(crate) type Answer = Result<Value, Error>;

/// An answer, or its exception.
pub(crate) fn answer(py: Python<'_>, r: Answer) -> PyResult<Py<PyAny>> {
    match r {
        Ok(v) => lazy(py, v),
        Err(e) => Err(exception(py, &e)),
    }
}

/// An answer for Python: objects stay in Rust as a [`JsonObject`] until a field is read.
pub(crate) fn lazy(py: Python<'_>, v: Value) -> PyResult<Py<PyAny>> {
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
pub(crate) struct JsonObject {
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

/// Bulk results as `(index, answer, exception)` tuples, in input order.
pub(crate) fn bulk_answer(py: Python<'_>, results: webex_emergency::bindings_api::BulkResults) -> PyResult<Py<PyAny>> {
    let list = PyList::empty(py);
    for (i, r) in results {
        let (ok, err) = match r {
            Ok(v) => (lazy(py, v)?.into_bound(py), py.None().into_bound(py)),
            Err(e) => (py.None().into_bound(py), exception(py, &e).into_value(py).into_bound(py).into_any()),
        };
        list.append(pyo3::types::PyTuple::new(py, [i.into_pyobject(py)?.into_any(), ok, err])?)?;
    }
    Ok(list.into_any().unbind())
}
