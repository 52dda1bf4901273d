//! What kind of JSON value each field of a model holds: read by the request shape check, the
//! dry run's secret masking and the type information that the Python stubs and the TypeScript
//! declarations are generated from.

use serde_json::Value;

use super::naming::is_camel_of;

/// The kind of one field's value.
#[derive(Debug, Clone, Copy)]
pub enum FieldKind {
    /// Text.
    String,
    /// Text that is a password or key: sent as is, masked in dry runs and `Debug`.
    Secret,
    /// `true` or `false`.
    Bool,
    /// A count: a whole number from 0 (`u64`; the API types it as `number`, so fractions
    /// are rounded down when read).
    Integer,
    /// Any number.
    Number,
    /// One of an API enum's values (text).
    Enum(&'static EnumInfo),
    /// A nested model.
    Object(fn() -> &'static ModelInfo),
    /// A list of values of one kind.
    List(&'static FieldKind),
    /// Any JSON value.
    Any,
}

impl FieldKind {
    /// Whether `v` has the JSON type of this kind (nested objects are checked field by field
    /// by the caller; `null` is never checked here).
    pub fn accepts(&self, v: &Value) -> bool {
        match self {
            FieldKind::String | FieldKind::Secret | FieldKind::Enum(_) => v.is_string(),
            FieldKind::Bool => v.is_boolean(),
            FieldKind::Integer => v.is_i64() || v.is_u64(),
            FieldKind::Number => v.is_number(),
            FieldKind::Object(_) => v.is_object(),
            FieldKind::List(_) => v.is_array(),
            FieldKind::Any => true,
        }
    }
    /// What a value of this kind must be, for messages: `must be a string`, ...
    pub fn expectation(&self) -> &'static str {
        match self {
            FieldKind::String | FieldKind::Secret | FieldKind::Enum(_) => "must be a string",
            FieldKind::Bool => "must be true or false",
            FieldKind::Integer => "must be a whole number",
            FieldKind::Number => "must be a number",
            FieldKind::Object(_) => "must be an object",
            FieldKind::List(_) => "must be a list",
            FieldKind::Any => "must be JSON",
        }
    }
    /// A value of this kind from text typed by a person (a CSV cell, a command-line flag):
    /// `true`/`false` in any case for booleans, digits for numbers, the text itself otherwise
    /// (its rules are checked later, with the model's). Objects and lists are not written as text.
    pub fn from_text(&self, text: &str) -> Result<Value, &'static str> {
        match self {
            FieldKind::String | FieldKind::Secret | FieldKind::Enum(_) | FieldKind::Any => Ok(Value::from(text)),
            FieldKind::Bool if text.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            FieldKind::Bool if text.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            FieldKind::Integer => text.parse::<i64>().map(Value::from).map_err(|_| self.expectation()),
            // A JSON number, read by the JSON reader (`f64::from_str` would add core's float
            // parser and its tables to the browser package).
            FieldKind::Number => match crate::wire::json::read(text.as_bytes()) {
                Ok(n @ Value::Number(_)) => Ok(n),
                _ => Err(self.expectation()),
            },
            FieldKind::Bool => Err(self.expectation()),
            FieldKind::Object(_) | FieldKind::List(_) => Err("cannot be given as text"),
        }
    }
    /// The kind as JSON for generated declarations: `{"type": "string"}`, `{"type": "enum",
    /// "name": "EcbnQuality"}`, `{"type": "object", "model": "Address"}`, `{"type": "list", "of": ...}`.
    pub fn describe(&self) -> Value {
        match self {
            FieldKind::String => object!{"type" => "string"},
            FieldKind::Secret => object!{"type" => "secret"},
            FieldKind::Bool => object!{"type" => "bool"},
            FieldKind::Integer => object!{"type" => "integer"},
            FieldKind::Number => object!{"type" => "number"},
            FieldKind::Enum(e) => object!{"type" => "enum", "name" => e.name},
            FieldKind::Object(m) => object!{"type" => "object", "model" => m().name},
            FieldKind::List(k) => object!{"type" => "list", "of" => k.describe()},
            FieldKind::Any => object!{"type" => "any"},
        }
    }
    /// The model of an object field, or of the items of a list of objects.
    pub fn model(&self) -> Option<&'static ModelInfo> {
        match self {
            FieldKind::Object(m) => Some(m()),
            FieldKind::List(k) => k.model(),
            _ => None,
        }
    }
}

/// An API enum: its name and the values the spec lists.
#[derive(Debug)]
pub struct EnumInfo {
    /// Type name, e.g. `EcbnQuality`.
    pub name: &'static str,
    /// The values the spec lists.
    pub values: &'static [&'static str],
}

/// One field of a model.
#[derive(Debug)]
pub struct FieldInfo {
    /// snake_case name (the JSON name is [`super::snake_to_camel`] of it).
    pub name: &'static str,
    /// What it holds.
    pub kind: FieldKind,
    /// Its doc comment.
    pub doc: &'static str,
}

/// A request or answer model: its name, doc comment and fields.
#[derive(Debug)]
pub struct ModelInfo {
    /// Type name, e.g. `PersonEcbnUpdate`.
    pub name: &'static str,
    /// Its doc comment.
    pub doc: &'static str,
    /// A request model (unknown fields refused) rather than an answer (unknown fields kept).
    pub request: bool,
    /// Its fields, in declaration order.
    pub fields: &'static [FieldInfo],
    #[doc(hidden)]
    pub json_names: std::sync::OnceLock<Vec<String>>,
}

impl ModelInfo {
    /// The field whose JSON name is `json`.
    pub fn field(&self, json: &str) -> Option<&'static FieldInfo> {
        self.fields.iter().find(|f| is_camel_of(json, f.name))
    }
    /// The JSON names of its fields, in declaration order (computed once).
    pub fn json_names(&self) -> &[String] {
        self.json_names.get_or_init(|| {
            let mut names = Vec::with_capacity(self.fields.len());
            for f in self.fields {
                names.push(super::snake_to_camel(f.name));
            }
            names
        })
    }
    /// Reads an answer of this model in place, as the typed model reads it and writes it back
    /// (tested against it for every answer model): each known field of the wrong JSON type is
    /// an error naming its path (`.field[2].other: expected a string, got a number`), `null`
    /// fields are dropped, counts are rounded down to whole non-negative numbers, and unknown
    /// fields and enum values are kept. One function for every model, rather than a copy per
    /// model type: the browser package is short of space.
    pub fn read_answer(&self, v: &mut Value) -> Result<(), String> {
        let Value::Object(map) = v else { return Err(super::wrong_type("an object", v)) };
        let mut nulls = false;
        for (field, name) in self.fields.iter().zip(self.json_names()) {
            let Some(x) = map.get_mut(name.as_str()) else { continue };
            if x.is_null() {
                nulls = true;
                continue;
            }
            read_kind(&field.kind, x).map_err(|e| super::split::join(&[".", name, &e], ""))?;
        }
        // Rebuilt rather than `remove`d from, as in `bindings_api::args_from_item` (size).
        if nulls {
            let known = |k: &str| self.json_names().iter().any(|n| n == k);
            for (k, x) in std::mem::take(map) {
                if !(x.is_null() && known(&k)) {
                    map.insert(k, x);
                }
            }
        }
        Ok(())
    }
    /// Replaces the value of every secret field, at any depth, by `***`.
    pub fn mask_secrets(&self, v: &mut Value) {
        let Value::Object(map) = v else { return };
        for (key, value) in map.iter_mut() {
            let Some(field) = self.field(key) else { continue };
            mask(&field.kind, value);
        }
    }
    /// Every model reachable from this one through its fields, this one first, each once.
    pub fn with_nested(&'static self, out: &mut Vec<&'static ModelInfo>) {
        if out.iter().any(|m| std::ptr::eq(*m, self)) {
            return;
        }
        out.push(self);
        for f in self.fields {
            if let Some(m) = f.kind.model() {
                m.with_nested(out);
            }
        }
    }
}

/// [`ModelInfo::read_answer`] for one value of `kind` (not `null`).
fn read_kind(kind: &FieldKind, x: &mut Value) -> Result<(), String> {
    use super::Json;
    let expected = match kind {
        FieldKind::String | FieldKind::Secret | FieldKind::Enum(_) if x.is_string() => return Ok(()),
        FieldKind::String | FieldKind::Secret | FieldKind::Enum(_) => "a string",
        FieldKind::Bool if x.is_boolean() => return Ok(()),
        FieldKind::Bool => "a boolean",
        FieldKind::Integer => {
            *x = u64::from_json(std::mem::take(x))?.into_json();
            return Ok(());
        }
        FieldKind::Number => {
            *x = f64::from_json(std::mem::take(x))?.into_json();
            return Ok(());
        }
        FieldKind::Any => return Ok(()),
        FieldKind::Object(model) => return model().read_answer(x),
        FieldKind::List(item) => {
            let Value::Array(items) = x else { return Err(super::wrong_type("an array", x)) };
            for (i, v) in items.iter_mut().enumerate() {
                read_kind(item, v).map_err(|e| format!("[{i}]{e}"))?;
            }
            return Ok(());
        }
    };
    Err(super::wrong_type(expected, x))
}

fn mask(kind: &FieldKind, value: &mut Value) {
    match kind {
        FieldKind::Secret if !value.is_null() => *value = Value::String("***".into()),
        FieldKind::Object(m) => m().mask_secrets(value),
        FieldKind::List(k) => {
            if let Value::Array(items) = value {
                items.iter_mut().for_each(|item| mask(k, item));
            }
        }
        _ => {}
    }
}

/// The kind of a Rust field type.
pub trait HasKind {
    /// The kind of its values.
    const KIND: FieldKind;
}

impl HasKind for String {
    const KIND: FieldKind = FieldKind::String;
}
impl HasKind for bool {
    const KIND: FieldKind = FieldKind::Bool;
}
impl HasKind for u64 {
    const KIND: FieldKind = FieldKind::Integer;
}
impl HasKind for f64 {
    const KIND: FieldKind = FieldKind::Number;
}
impl HasKind for Value {
    const KIND: FieldKind = FieldKind::Any;
}
impl HasKind for super::Secret {
    const KIND: FieldKind = FieldKind::Secret;
}
impl<T: HasKind> HasKind for Vec<T> {
    const KIND: FieldKind = FieldKind::List(&T::KIND);
}

/// A model type (made by `request_model!` or `response_model!`).
pub trait Model {
    /// Its description.
    fn info() -> &'static ModelInfo;
}

/// What an operation sends or answers: a model, or nothing ([`super::NoContent`]).
pub trait Schema {
    /// The model, or `None` for no content.
    fn model() -> Option<&'static ModelInfo>;
}

impl<T: Model> Schema for T {
    fn model() -> Option<&'static ModelInfo> {
        Some(T::info())
    }
}
impl Schema for super::NoContent {
    fn model() -> Option<&'static ModelInfo> {
        None
    }
}
