//! Python bindings: convert Python values to the core's JSON arguments and back, and core errors
//! to the exception classes of `webex_emergency._errors`. Every API rule lives in the core
//! (`webex_emergency::bindings_api`); each module here does one job:
//! `convert` (values), `errors` (exceptions), `runtime` (Tokio, blocking calls, fork),
//! `answers` (lazy answer objects), `client` (the client class), `asyncio` (the completions
//! pipe), `pages` (paged lists), `sheet` (bulk changes from CSV), `simulator` (the bundled simulator).

mod answers;
mod asyncio;
mod client;
mod convert;
mod errors;
mod pages;
mod runtime;
mod sheet;
mod simulator;

use pyo3::prelude::*;
use webex_emergency::{bindings_api, retry, wire};

use crate::answers::answer;
use crate::convert::{from_py, report_from_py, to_py};
use crate::errors::{exception, invalid};

// mimalloc for the Rust side of the module: glibc's malloc was about 8% of the bulk path's
// instructions (many small short-lived allocations per request).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The core's operations table (the same one the npm package reads).
#[pyfunction]
fn operations(py: Python<'_>) -> PyResult<Py<PyAny>> {
    Ok(to_py(py, &bindings_api::operations())?.unbind())
}

/// A report (as `NativeClient.audit` gives it) as JSON text: the same bytes in every language.
#[pyfunction]
fn report_json(py: Python<'_>, report: &Bound<'_, PyAny>) -> PyResult<String> {
    let v = report_from_py(report).map_err(|e| invalid(py, "audit", e))?;
    Ok(bindings_api::report_json(&v))
}

/// A report's findings as CSV text.
#[pyfunction]
fn report_csv(py: Python<'_>, report: &Bound<'_, PyAny>) -> PyResult<String> {
    let v = report_from_py(report).map_err(|e| invalid(py, "audit", e))?;
    Ok(bindings_api::report_csv(&v))
}

/// A report's plan as a bulk ECBN CSV.
#[pyfunction]
fn report_plan_csv(py: Python<'_>, report: &Bound<'_, PyAny>) -> PyResult<String> {
    let v = report_from_py(report).map_err(|e| invalid(py, "audit", e))?;
    Ok(bindings_api::report_plan_csv(&v))
}

/// A request body of `operation` from `(field, text)` pairs (`address.city` for a nested
/// field), each text converted by its field's type, as a command line's flags give them.
#[pyfunction]
fn text_body(py: Python<'_>, operation: &str, fields: Vec<(String, String)>) -> PyResult<Py<PyAny>> {
    let body = webex_emergency::sheet::operation_text_body(operation, &fields).map_err(|e| exception(py, &e))?;
    Ok(to_py(py, &body)?.unbind())
}

/// The audit's rules: `[{rule, severity}]`.
#[pyfunction]
fn audit_rules(py: Python<'_>) -> PyResult<Py<PyAny>> {
    Ok(to_py(py, &bindings_api::audit_rules())?.unbind())
}

/// Answer models: `{name: {doc, fields, nested}}`.
#[pyfunction]
fn models(py: Python<'_>) -> PyResult<Py<PyAny>> {
    Ok(to_py(py, &bindings_api::models())?.unbind())
}

/// Models, field kinds, enums, operations, resources and error classes of the core (what the
/// type stubs are generated from).
#[pyfunction]
fn type_info(py: Python<'_>) -> PyResult<Py<PyAny>> {
    Ok(to_py(py, &bindings_api::type_info())?.unbind())
}

/// The client's resources: `[{name, class}]`.
#[pyfunction]
fn resources(py: Python<'_>) -> PyResult<Py<PyAny>> {
    Ok(to_py(py, &bindings_api::resources())?.unbind())
}

/// The core's error classes: `[{class, parent, code, doc}]`.
#[pyfunction]
fn error_classes(py: Python<'_>) -> PyResult<Py<PyAny>> {
    Ok(to_py(py, &bindings_api::error_classes())?.unbind())
}

/// Reads an answer of `operation` through the core's typed model (used by the shared vectors).
#[pyfunction]
fn normalize(py: Python<'_>, operation: &str, data: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    runtime::guard(py, || {
        let v = from_py(data, "").map_err(|e| invalid(py, operation, e))?;
        let v = bindings_api::normalize(operation, v).map_err(|e| exception(py, &e))?;
        Ok(to_py(py, &v)?.unbind())
    })
}

/// Reads the raw JSON body of an answer of `operation` (bytes) through the core's typed model.
#[pyfunction]
fn decode(py: Python<'_>, operation: &str, body: &[u8]) -> PyResult<Py<PyAny>> {
    runtime::guard(py, || {
        let v = retry::decode_body::<serde_json::Value>(operation, 200, body, None).map_err(|e| exception(py, &e))?;
        answer(py, bindings_api::normalize(operation, v))
    })
}

/// The API's JSON name of a snake_case name.
#[pyfunction]
fn snake_to_camel(name: &str) -> String {
    wire::snake_to_camel(name)
}

/// The snake_case name of an API JSON name.
#[pyfunction]
fn camel_to_snake(name: &str) -> String {
    wire::camel_to_snake(name)
}

/// Panics on purpose, for the tests that check a panic becomes a `WebexError`: `where` is
/// `call` (in the calling thread), `block_on` (inside a blocking call's future).
#[pyfunction]
fn _panic_for_tests(py: Python<'_>, r#where: &str) -> PyResult<()> {
    match r#where {
        "call" => runtime::guard(py, || panic!("deliberate panic for tests")),
        _ => runtime::block_on(py, async { panic!("deliberate panic for tests") }),
    }
}

/// [`_panic_for_tests`] in an asyncio job: `completions` must still get an outcome.
#[pyfunction]
fn _submit_panic_for_tests(completions: &asyncio::Completions, token: u64) -> PyResult<()> {
    runtime::runtime()?.spawn(completions.inner.clone(), token, async { panic!("deliberate panic for tests") });
    Ok(())
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<client::NativeClient>()?;
    m.add_class::<client::PreparedCall>()?;
    m.add_class::<pages::PageIterator>()?;
    m.add_class::<sheet::NativeSheet>()?;
    m.add_class::<simulator::NativeSimulator>()?;
    m.add_class::<asyncio::Completions>()?;
    m.add_class::<answers::JsonObject>()?;
    m.add_function(wrap_pyfunction!(operations, m)?)?;
    m.add_function(wrap_pyfunction!(models, m)?)?;
    m.add_function(wrap_pyfunction!(report_json, m)?)?;
    m.add_function(wrap_pyfunction!(report_csv, m)?)?;
    m.add_function(wrap_pyfunction!(report_plan_csv, m)?)?;
    m.add_function(wrap_pyfunction!(audit_rules, m)?)?;
    m.add_function(wrap_pyfunction!(type_info, m)?)?;
    m.add_function(wrap_pyfunction!(text_body, m)?)?;
    m.add_function(wrap_pyfunction!(error_classes, m)?)?;
    m.add_function(wrap_pyfunction!(resources, m)?)?;
    m.add_function(wrap_pyfunction!(normalize, m)?)?;
    m.add_function(wrap_pyfunction!(decode, m)?)?;
    m.add_function(wrap_pyfunction!(snake_to_camel, m)?)?;
    m.add_function(wrap_pyfunction!(camel_to_snake, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::_after_fork, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    m.add_function(wrap_pyfunction!(_submit_panic_for_tests, m)?)?;
    m.add("DEFAULT_SIM_TOKEN", webex_emergency_sim::DEFAULT_TOKEN)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
