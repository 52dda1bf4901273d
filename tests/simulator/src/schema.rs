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
            Some("string") => match value.as_str() {
                None => errors.push(format!("{name}: must be a string")),
                Some(text) => check_string(schema, text, name, errors),
            },
            Some("boolean") if !value.is_boolean() => errors.push(format!("{name}: must be a boolean")),
            Some("number") if !value.is_number() => errors.push(format!("{name}: must be a number")),
            _ => {}
        }
    }
}

/// `minLength`, `maxLength` (in characters) and the `email` format, when the schema has them
/// (today's spec has none; a spec that adds them is enforced without a change here).
fn check_string(schema: &Value, text: &str, name: &str, errors: &mut Vec<String>) {
    let chars = text.chars().count() as u64;
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64).filter(|min| chars < *min) {
        errors.push(format!("{name}: must be at least {min} characters"));
    }
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64).filter(|max| chars > *max) {
        errors.push(format!("{name}: must be at most {max} characters"));
    }
    if schema.get("format").and_then(Value::as_str) == Some("email") {
        let plausible = text.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !text.contains(' ')
        });
        if !plausible {
            errors.push(format!("{name}: must be an e-mail address"));
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn string_lengths_and_email_format() {
        let spec = Spec { doc: json!({}) };
        let schema = json!({"type": "object", "properties": {
            "code": {"type": "string", "minLength": 2, "maxLength": 3},
            "mail": {"type": "string", "format": "email"}}});
        let errors = |v: Value| {
            let mut e = Vec::new();
            spec.check(&schema, &v, "", &mut e);
            e
        };
        assert!(errors(json!({"code": "ab", "mail": "a@b.example"})).is_empty());
        assert_eq!(errors(json!({"code": "a"})), ["code: must be at least 2 characters"]);
        assert_eq!(errors(json!({"code": "abcé"})), ["code: must be at most 3 characters"]);
        assert_eq!(errors(json!({"mail": "not an email"})), ["mail: must be an e-mail address"]);
    }
}
