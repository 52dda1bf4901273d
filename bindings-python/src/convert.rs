//! Python values to the core's JSON and back.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};
use serde_json::{Map, Value};
use webex_emergency::FieldError;

use crate::errors::config_error;

/// Deepest nesting of a value taken from Python (deeper values are refused, not recursed into).
const MAX_DEPTH: usize = 64;
/// Most values (containers, keys and scalars) in one value taken from Python.
const MAX_VALUES: usize = 100_000;
/// Most bytes of text (strings and keys) in one value taken from Python.
const MAX_TEXT_BYTES: usize = 4 * 1024 * 1024;

/// What a value taken from Python may still hold.
struct Budget {
    values: usize,
    text_bytes: usize,
}

impl Budget {
    /// Counts one value with `text` bytes of text; false once a limit is passed.
    fn take(&mut self, text: usize) -> bool {
        self.values = self.values.saturating_sub(1);
        self.text_bytes = self.text_bytes.saturating_sub(text);
        self.values > 0 && self.text_bytes > 0
    }
}

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
/// Larger values (over 100,000 values or 4 MiB of text) are refused with rule `size`.
pub(crate) fn from_py(obj: &Bound<'_, PyAny>, path: &str) -> Result<Value, FieldError> {
    value_of(obj, Place::Root(path), 0, &mut Budget { values: MAX_VALUES, text_bytes: MAX_TEXT_BYTES })
}

/// [`from_py`] for an audit report given back to be written out (JSON, CSV, a plan): nothing
/// is sent, and a large org's report holds far more than a request's 100,000 values (about 23
/// a finding), so only the depth is limited.
pub(crate) fn report_from_py(obj: &Bound<'_, PyAny>) -> Result<Value, FieldError> {
    value_of(obj, Place::Root("report"), 0, &mut Budget { values: usize::MAX, text_bytes: usize::MAX })
}

fn value_of(obj: &Bound<'_, PyAny>, place: Place<'_>, depth: usize, budget: &mut Budget) -> Result<Value, FieldError> {
    let bad = |what: &str| FieldError::new(place.spell(), "type", what.to_string());
    let too_large = || {
        let what = format!("makes the value larger than {MAX_VALUES} values or {} MiB of text", MAX_TEXT_BYTES >> 20);
        FieldError::new(place.spell(), "size", what)
    };
    if depth > MAX_DEPTH {
        // Also what a cyclic container or an object whose `to_dict()` returns itself becomes.
        return Err(FieldError::new(place.spell(), "depth", format!("is nested more than {MAX_DEPTH} levels deep (or contains itself)")));
    }
    // Most common first: text, then objects.
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_cow().map_err(|_| bad("must be valid text"))?;
        if !budget.take(text.len()) {
            return Err(too_large());
        }
        return Ok(Value::String(text.into_owned()));
    }
    if !budget.take(0) {
        return Err(too_large());
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let key = k.cast::<PyString>().ok().and_then(|k| k.to_cow().ok().map(|k| k.into_owned()));
            let key = key.ok_or_else(|| bad("keys must be strings"))?;
            if !budget.take(key.len()) {
                return Err(too_large());
            }
            let item = value_of(&v, Place::Key(&place, &key), depth + 1, budget)?;
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
            out.push(value_of(&item, Place::Index(&place, i), depth + 1, budget)?);
        }
        return Ok(Value::Array(out));
    }
    if let Ok(d) = obj.call_method0("to_dict") {
        return value_of(&d, place, depth + 1, budget);
    }
    // Any other mapping (UserDict, ChainMap, MappingProxyType), as the stubs' `Mapping` says.
    if let Ok(m) = obj.cast::<PyMapping>() {
        let d = PyDict::new(obj.py());
        d.update(m).map_err(|_| bad("could not be read"))?;
        return value_of(d.as_any(), place, depth + 1, budget);
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

/// A count argument (`concurrency`, `page_size`, `start`, `max`): `None` is "not given";
/// anything but a whole number from 0 to 2^32-1 is refused (the core checks the real range).
pub(crate) fn count(obj: Option<&Bound<'_, PyAny>>, name: &str) -> Result<Option<u32>, FieldError> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else { return Ok(None) };
    let whole = obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<PyBool>();
    match obj.extract::<u32>() {
        Ok(n) if whole => Ok(Some(n)),
        _ => Err(FieldError::new(name, "type", "must be a whole number from 0 to 4294967295")),
    }
}

/// A text option (`base_url`, `org_id`, ...): `None` is "not given"; anything but a `str` is a
/// `ConfigError` naming the option, never showing the value (a proxy URL may hold a password).
/// A `str` that is not UTF-8 (lone surrogates, from undecodable bytes) raises Python's own
/// `UnicodeEncodeError`.
pub(crate) fn text(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<String>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else { return Ok(None) };
    if !obj.is_instance_of::<PyString>() {
        return Err(config_error(obj.py(), FieldError::new(name, "type", "must be a string")));
    }
    obj.extract::<String>().map(Some)
}

/// A number option (`timeout`, `max_rate`): an `int` or a `float`, not a `bool` (the core
/// checks the range); anything else is a `ConfigError` naming the option.
pub(crate) fn number(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<f64>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else { return Ok(None) };
    let numeric = (obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyFloat>()) && !obj.is_instance_of::<PyBool>();
    match obj.extract::<f64>() {
        Ok(n) if numeric => Ok(Some(n)),
        _ => Err(config_error(obj.py(), FieldError::new(name, "type", "must be a number"))),
    }
}

/// A `True`/`False` option; anything else is a `ConfigError` naming the option.
pub(crate) fn flag(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<bool>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else { return Ok(None) };
    obj.extract::<bool>().map(Some).map_err(|_| config_error(obj.py(), FieldError::new(name, "type", "must be True or False")))
}
