//! Building blocks of the request and response models of every area.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::validate::Validator;

/// A request body: JSON, and able to check itself against the spec's rules.
pub trait RequestBody: Json {
    /// Records every rule this value breaks.
    fn validate(&self, v: &mut Validator);
}

/// A request model's fields with their Rust types: what JSON bodies are checked against.
pub trait Fields {
    /// `(snake_case name, Rust type)` of every field.
    const FIELD_TYPES: &'static [(&'static str, &'static str)];
}

/// Reports fields of responses that this version does not know (they are kept, not lost).
pub trait Inspect {
    /// Appends the paths of unknown fields under `path`.
    fn unknown_fields(&self, _path: &str, _out: &mut Vec<String>) {}
}
impl Inspect for String {}
impl Inspect for bool {}
impl Inspect for u64 {}
impl Inspect for serde_json::Value {}
impl<T: Inspect> Inspect for Option<T> {
    fn unknown_fields(&self, path: &str, out: &mut Vec<String>) {
        if let Some(v) = self {
            v.unknown_fields(path, out)
        }
    }
}
impl<T: Inspect> Inspect for Vec<T> {
    fn unknown_fields(&self, path: &str, out: &mut Vec<String>) {
        for (i, v) in self.iter().enumerate() {
            v.unknown_fields(&format!("{path}[{i}]"), out)
        }
    }
}

/// A secret text (a password or key): sent as is, shown as `***` in `Debug` and dry runs.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}
impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}
impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}
impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_string())
    }
}
impl Inspect for Secret {}
impl Json for Secret {
    fn from_json(v: serde_json::Value) -> Result<Self, String> {
        String::from_json(v).map(Secret)
    }
    fn into_json(self) -> serde_json::Value {
        serde_json::Value::String(self.0)
    }
    fn is_canonical(v: &serde_json::Value) -> bool {
        v.is_string()
    }
}

/// The answer of operations that return no content (204, or 201 without a body).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct NoContent;

impl<'de> Deserialize<'de> for NoContent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| NoContent)
    }
}
impl Inspect for NoContent {}
impl Json for NoContent {
    fn from_json(_: serde_json::Value) -> Result<Self, String> {
        Ok(NoContent)
    }
    fn into_json(self) -> serde_json::Value {
        serde_json::Value::Null
    }
}

/// Answer values from and to JSON: tolerant of unknown fields and enum values, strict on JSON
/// types (a string where a number belongs is an error naming the field).
pub trait Json: Sized + Clone {
    /// Reads a value; errors start with `: ` or `.` so that enclosing models can prefix the path.
    fn from_json(v: serde_json::Value) -> Result<Self, String>;
    /// The value as the API's JSON.
    fn into_json(self) -> serde_json::Value;
    /// Whether `v` reads as this type and writes back exactly as it is, so that it can be
    /// passed on without being rebuilt (false when unsure; `from_json` then decides).
    fn is_canonical(_v: &serde_json::Value) -> bool {
        false
    }
}

fn kind_of(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// The error for a value of the wrong JSON type.
pub fn wrong_type(expected: &str, got: &serde_json::Value) -> String {
    format!(": expected {expected}, got {}", kind_of(got))
}

impl Json for String {
    fn from_json(v: serde_json::Value) -> Result<Self, String> {
        match v {
            serde_json::Value::String(s) => Ok(s),
            other => Err(wrong_type("a string", &other)),
        }
    }
    fn into_json(self) -> serde_json::Value {
        serde_json::Value::String(self)
    }
    fn is_canonical(v: &serde_json::Value) -> bool {
        v.is_string()
    }
}
impl Json for bool {
    fn from_json(v: serde_json::Value) -> Result<Self, String> {
        v.as_bool().ok_or_else(|| wrong_type("a boolean", &v))
    }
    fn into_json(self) -> serde_json::Value {
        serde_json::Value::Bool(self)
    }
    fn is_canonical(v: &serde_json::Value) -> bool {
        v.is_boolean()
    }
}
/// Counts, which the spec types as `number`: any non-negative number, rounded down.
impl Json for u64 {
    fn from_json(v: serde_json::Value) -> Result<Self, String> {
        match &v {
            serde_json::Value::Number(n) => Ok(n.as_u64().unwrap_or_else(|| n.as_f64().map(|f| f.max(0.0) as u64).unwrap_or(0))),
            other => Err(wrong_type("a number", other)),
        }
    }
    fn into_json(self) -> serde_json::Value {
        serde_json::Value::from(self)
    }
    fn is_canonical(v: &serde_json::Value) -> bool {
        v.is_u64()
    }
}
impl<T: Json> Json for Vec<T> {
    fn from_json(v: serde_json::Value) -> Result<Self, String> {
        match v {
            serde_json::Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, x)| T::from_json(x).map_err(|e| format!("[{i}]{e}")))
                .collect(),
            other => Err(wrong_type("an array", &other)),
        }
    }
    fn into_json(self) -> serde_json::Value {
        serde_json::Value::Array(self.into_iter().map(Json::into_json).collect())
    }
    fn is_canonical(v: &serde_json::Value) -> bool {
        v.as_array().is_some_and(|items| items.iter().all(T::is_canonical))
    }
}

/// The API's JSON names of a model's fields, computed once.
pub fn json_names(cell: &'static std::sync::OnceLock<Vec<String>>, fields: &[&str]) -> &'static [String] {
    cell.get_or_init(|| fields.iter().map(|f| crate::dynamic::snake_to_camel(f)).collect())
}

/// Defines a response model: every field optional, the API's names, unknown fields kept in
/// `extra`. It reads and writes JSON through [`Json`] (no per-model serde code).
#[macro_export]
#[doc(hidden)]
macro_rules! response_model {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name {
            $($(#[$fm])* pub $field: Option<$ty>,)+
            /// Fields this version of the library does not know, kept as received.
            pub extra: serde_json::Map<String, serde_json::Value>,
        }
        impl $name {
            /// The snake_case names of the fields this version knows.
            pub const FIELDS: &'static [&'static str] = &[$(stringify!($field)),+];
            /// The fields with their Rust types (for generated type stubs).
            pub const FIELD_TYPES: &'static [(&'static str, &'static str)] = &[$((stringify!($field), stringify!($ty))),+];
        }
        $crate::json_impl!($name; extra; $($field: $ty),+);
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                serde::Serialize::serialize(&$crate::models::Json::into_json(self.clone()), s)
            }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = <serde_json::Value as serde::Deserialize>::deserialize(d)?;
                <Self as $crate::models::Json>::from_json(v)
                    .map_err(|e| <D::Error as serde::de::Error>::custom(e.trim_start_matches(['.', ':', ' '])))
            }
        }
        impl $crate::models::Inspect for $name {
            fn unknown_fields(&self, path: &str, out: &mut Vec<String>) {
                for k in self.extra.keys() { out.push(format!("{path}.{k}")); }
                $($crate::models::Inspect::unknown_fields(&self.$field, &format!("{path}.{}", stringify!($field)), out);)+
            }
        }
    };
}

/// Implements [`Json`] for a model: fields by their API names; the rest kept in `extra`, or
/// refused (`strict`) for requests.
#[macro_export]
#[doc(hidden)]
macro_rules! json_impl {
    ($name:ident; $mode:ident; $($field:ident : $ty:ty),+) => {
        impl $crate::models::Json for $name {
            #[allow(unused_assignments)]
            fn from_json(v: serde_json::Value) -> Result<Self, String> {
                static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
                let serde_json::Value::Object(mut rest) = v else {
                    return Err($crate::models::wrong_type("an object", &v));
                };
                let names = $crate::models::json_names(&NAMES, &[$(stringify!($field)),+]);
                let mut i = 0;
                $(
                    let $field = match rest.remove(&names[i]) {
                        None | Some(serde_json::Value::Null) => None,
                        Some(x) => Some(<$ty as $crate::models::Json>::from_json(x).map_err(|e| format!(".{}{}", names[i], e))?),
                    };
                    i += 1;
                )+
                $crate::json_impl!(@finish $name; $mode; rest; $($field),+)
            }
            #[allow(unused_assignments)]
            fn into_json(self) -> serde_json::Value {
                static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
                let names = $crate::models::json_names(&NAMES, &[$(stringify!($field)),+]);
                let mut map = $crate::json_impl!(@start self; $mode);
                let mut i = 0;
                $(
                    if let Some(x) = self.$field {
                        map.insert(names[i].clone(), $crate::models::Json::into_json(x));
                    }
                    i += 1;
                )+
                serde_json::Value::Object(map)
            }
            fn is_canonical(v: &serde_json::Value) -> bool {
                static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
                let Some(map) = v.as_object() else { return false };
                let names = $crate::models::json_names(&NAMES, &[$(stringify!($field)),+]);
                let mut known = 0;
                let mut i = 0;
                $(
                    match map.get(&names[i]) {
                        None => {}
                        Some(x) if !x.is_null() && <$ty as $crate::models::Json>::is_canonical(x) => known += 1,
                        Some(_) => return false,
                    }
                    i += 1;
                )+
                let _ = i;
                $crate::json_impl!(@all_known $mode; map; known)
            }
        }
    };
    (@all_known extra; $map:ident; $known:ident) => { { let _ = $known; true } };
    (@all_known strict; $map:ident; $known:ident) => { $known == $map.len() };
    (@finish $name:ident; extra; $rest:ident; $($field:ident),+) => {
        Ok($name { $($field,)+ extra: $rest })
    };
    (@finish $name:ident; strict; $rest:ident; $($field:ident),+) => {
        match $rest.keys().next() {
            Some(k) => Err(format!(".{k}: is not a field of this request")),
            None => Ok($name { $($field),+ }),
        }
    };
    (@start $self:ident; extra) => { $self.extra };
    (@start $self:ident; strict) => { serde_json::Map::new() };
}

/// Defines a request model: every field optional (the rules say which are required),
/// camelCase, unknown fields refused.
#[macro_export]
#[doc(hidden)]
macro_rules! request_model {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct $name {
            $($(#[$fm])* #[serde(default, skip_serializing_if = "Option::is_none")] pub $field: Option<$ty>,)+
        }
        impl $name {
            /// The fields with their Rust types (for generated type stubs).
            pub const FIELD_TYPES: &'static [(&'static str, &'static str)] = &[$((stringify!($field), stringify!($ty))),+];
        }
        impl $crate::models::Fields for $name {
            const FIELD_TYPES: &'static [(&'static str, &'static str)] = $name::FIELD_TYPES;
        }
        $crate::json_impl!($name; strict; $($field: $ty),+);
    };
}

/// Implements [`Inspect`] (no unknown fields possible) for API enums.
#[macro_export]
#[doc(hidden)]
macro_rules! inspect_leaf {
    ($($t:ty),+) => { $(impl $crate::models::Inspect for $t {})+ };
}
