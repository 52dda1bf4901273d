//! Core errors as instances of the classes of `webex_emergency._errors`: the class is the one
//! the core's error code names, its attributes the error's data with snake_case names.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::Value;
use webex_emergency::wire::camel_to_snake;
use webex_emergency::{bindings_api, Error, FieldError};

use crate::convert::to_py;

/// The Python exception for a core error.
pub(crate) fn exception(py: Python<'_>, err: &Error) -> PyErr {
    match build_exception(py, err) {
        Ok(e) => e,
        Err(e) => e,
    }
}

/// JSON with snake_case keys, as Python values.
fn snake_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Object(map) => {
            let d = PyDict::new(py);
            for (k, item) in map {
                d.set_item(camel_to_snake(k), snake_py(py, item)?)?;
            }
            d.into_any()
        }
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(snake_py(py, item)?)?;
            }
            list.into_any()
        }
        other => to_py(py, other)?,
    })
}

fn build_exception(py: Python<'_>, err: &Error) -> PyResult<PyErr> {
    let module = PyModule::import(py, "webex_emergency._errors")?;
    let kwargs = PyDict::new(py);
    let Value::Object(data) = err.data() else { return Err(pyo3::exceptions::PyRuntimeError::new_err("error data")) };
    for (key, value) in &data {
        // The code picks the class (which carries it); the message is the first argument.
        if key != "code" && key != "message" {
            kwargs.set_item(camel_to_snake(key), snake_py(py, value)?)?;
        }
    }
    let instance = module.getattr(err.class_name())?.call((err.to_string(),), Some(&kwargs))?;
    let made = PyErr::from_value(instance);
    if let Some(cause) = err.provider_cause().and_then(|c| c.downcast_ref::<PyErr>()) {
        made.set_cause(py, Some(cause.clone_ref(py)));
    }
    Ok(made)
}

/// The validation error of `operation` for a value that could not be converted.
pub(crate) fn invalid(py: Python<'_>, operation: &str, e: FieldError) -> PyErr {
    exception(py, &bindings_api::invalid(operation, vec![e]))
}

/// A `WebexError` for a bug inside this package (a caught panic), with its fixed text.
pub(crate) fn internal(py: Python<'_>, what: &str) -> PyErr {
    let text = ["internal error in webex-emergency (please report it): ", what].concat();
    match PyModule::import(py, "webex_emergency._errors").and_then(|m| m.getattr("WebexError")?.call1((text.clone(),))) {
        Ok(instance) => PyErr::from_value(instance),
        Err(_) => pyo3::exceptions::PyRuntimeError::new_err(text),
    }
}

/// A `ConfigError` for an option that could not be converted.
pub(crate) fn config_error(py: Python<'_>, e: FieldError) -> PyErr {
    exception(py, &Error::Config(format!("`{}` {}", e.field, e.message)))
}
