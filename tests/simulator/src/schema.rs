//! Checks request bodies against the official OpenAPI schemas (not against the client's models),
//! so that a mistake in the client's models cannot hide behind the same mistake here.

use serde_json::Value;

static SPEC_TEXT: &str = include_str!("../../spec/emergency-services.openapi.json");

/// The parsed spec.
pub struct Spec {
    doc: Value,
}

impl Spec {
    /// Parses the bundled spec.
    pub fn load() -> Spec {
        Spec { doc: serde_json::from_str(SPEC_TEXT).expect("bundled spec is valid JSON") }
    }

    /// The request body schema of `method` on the spec path `template`.
    pub fn request_schema(&self, method: &str, template: &str) -> Option<&Value> {
        self.doc
            .get("paths")?
            .get(template)?
            .get(method.to_ascii_lowercase())?
            .get("requestBody")?
            .get("content")?
            .get("application/json")?
            .get("schema")
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r.rsplit('/').next().unwrap_or("");
                self.doc.pointer(&format!("/components/schemas/{name}")).unwrap_or(schema)
            }
            None => schema,
        }
    }

    /// Appends a message for every way `value` breaks `schema` (unknown properties included).
    pub fn check(&self, schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
        let schema = self.resolve(schema);
        let name = if path.is_empty() { "body" } else { path };
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            if !allowed.contains(value) {
                errors.push(format!("{name}: {value} is not one of {}", Value::Array(allowed.clone())));
            }
            return;
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("object") => {
                let Some(obj) = value.as_object() else {
                    errors.push(format!("{name}: must be an object"));
                    return;
                };
                let props = schema.get("properties").and_then(Value::as_object);
                for req in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
                    if let Some(r) = req.as_str() {
                        if !obj.contains_key(r) {
                            errors.push(format!("{}: is required", join(path, r)));
                        }
                    }
                }
                for (k, v) in obj {
                    match props.and_then(|p| p.get(k)) {
                        Some(s) => self.check(s, v, &join(path, k), errors),
                        None => errors.push(format!("{}: is not a known field", join(path, k))),
                    }
                }
            }
            Some("string") if !value.is_string() => errors.push(format!("{name}: must be a string")),
            Some("boolean") if !value.is_boolean() => errors.push(format!("{name}: must be a boolean")),
            Some("number") if !value.is_number() => errors.push(format!("{name}: must be a number")),
            _ => {}
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}
