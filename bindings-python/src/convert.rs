//! Python values to the core's JSON and back.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Value};
use webex_emergency::FieldError;

/// Deepest nesting of a value taken from Python (deeper values are refused, not recursed into).
const MAX_DEPTH: usize = 64;

pub(crate) fn to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
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
pub(crate) fn from_py(obj: &Bound<'_, PyAny>, path: &str) -> Result<Value, FieldError> {
    value_of(obj, Place::Root(path), 0)
}

fn value_of(obj: &Bound<'_, PyAny>, place: Place<'_>, depth: usize) -> Result<Value, FieldError> {
    let bad = |what: &str| FieldError::new(place.spell(), "type", what.to_string());
    if depth > MAX_DEPTH {
        // Also what a cyclic container or an object whose `to_dict()` returns itself becomes.
        return Err(FieldError::new(place.spell(), "depth", format!("is nested more than {MAX_DEPTH} levels deep (or contains itself)")));
    }
    // Most common first: text, then objects.
    if let Ok(s) = obj.cast::<PyString>() {
        return s.to_cow().map(|s| Value::String(s.into_owned())).map_err(|_| bad("must be valid text"));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let key = k.cast::<PyString>().ok().and_then(|k| k.to_cow().ok().map(|k| k.into_owned()));
            let key = key.ok_or_else(|| bad("keys must be strings"))?;
            let item = value_of(&v, Place::Key(&place, &key), depth + 1)?;
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
            out.push(value_of(&item, Place::Index(&place, i), depth + 1)?);
        }
        return Ok(Value::Array(out));
    }
    if let Ok(d) = obj.call_method0("to_dict") {
        return value_of(&d, place, depth + 1);
    }
    let type_name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_default();
    Err(bad(&format!("a value of type {type_name} cannot be sent as JSON")))
}

pub(crate) fn fields_of(fields: Option<&Bound<'_, PyDict>>) -> Result<Map<String, Value>, FieldError> {
    match fields {
        None => Ok(Map::new()),
        Some(d) => match from_py(d.as_any(), "")? {
            Value::Object(m) => Ok(m),
            _ => Ok(Map::new()),
        },
    }
}
