//! The bundled simulator, for tests and demos without a token.

use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;

use crate::convert::{from_py, to_py};
use crate::errors::{config_error, invalid};
use webex_emergency::FieldError;

/// The bundled simulator of the API, on 127.0.0.1.
#[pyclass(module = "webex_emergency._native")]
pub(crate) struct NativeSimulator {
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
    #[pyo3(signature = (seed, size, faults=None, port=0, tokens=None, expose_headers=true, redsky=false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        seed: &Bound<'_, PyAny>,
        size: &Bound<'_, PyAny>,
        faults: Option<&Bound<'_, PyAny>>,
        port: u16,
        tokens: Option<Vec<String>>,
        expose_headers: bool,
        redsky: bool,
    ) -> PyResult<Self> {
        let (seed, size) = (whole(py, seed, "seed")?, whole(py, size, "size")?);
        let faults = parse_faults(py, faults)?;
        let config = webex_emergency_sim::Config {
            port,
            seed,
            size,
            redsky,
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
    fn expected_findings(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(to_py(py, &serde_json::Value::from(self.sim()?.expected_findings()))?.unbind())
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

/// A whole number from 0 (`seed`, `size`); anything else is a `ConfigError` naming it.
fn whole<T: for<'a, 'py> FromPyObject<'a, 'py>>(py: Python<'_>, value: &Bound<'_, PyAny>, name: &str) -> PyResult<T> {
    let fits = value.is_instance_of::<pyo3::types::PyInt>() && !value.is_instance_of::<pyo3::types::PyBool>();
    match value.extract::<T>() {
        Ok(n) if fits => Ok(n),
        _ => Err(config_error(py, FieldError::new(name, "type", "must be a whole number from 0"))),
    }
}
