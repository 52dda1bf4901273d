//! Building blocks of the request and response models of every area.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::validate::Validator;

/// A request body: serializable, and able to check itself against the spec's rules.
pub trait RequestBody: Serialize {
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

/// The answer of operations that return no content (204, or 201 without a body).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct NoContent;

impl<'de> Deserialize<'de> for NoContent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| NoContent)
    }
}
impl Inspect for NoContent {}

/// Reads a count the spec types as `number`: any non-negative JSON number, rounded down.
pub fn lenient_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(Option::<serde_json::Number>::deserialize(d)?.map(|n| {
        n.as_u64().unwrap_or_else(|| n.as_f64().map(|f| f.max(0.0) as u64).unwrap_or(0))
    }))
}

/// Defines a response model: every field optional, camelCase, unknown fields kept in `extra`.
#[macro_export]
#[doc(hidden)]
macro_rules! response_model {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            $($(#[$fm])* #[serde(default, skip_serializing_if = "Option::is_none")] pub $field: Option<$ty>,)+
            /// Fields this version of the library does not know, kept as received.
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }
        impl $name {
            /// The snake_case names of the fields this version knows.
            pub const FIELDS: &'static [&'static str] = &[$(stringify!($field)),+];
            /// The fields with their Rust types (for generated type stubs).
            pub const FIELD_TYPES: &'static [(&'static str, &'static str)] = &[$((stringify!($field), stringify!($ty))),+];
        }
        impl $crate::models::Inspect for $name {
            fn unknown_fields(&self, path: &str, out: &mut Vec<String>) {
                for k in self.extra.keys() { out.push(format!("{path}.{k}")); }
                $($crate::models::Inspect::unknown_fields(&self.$field, &format!("{path}.{}", stringify!($field)), out);)+
            }
        }
    };
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
    };
}

/// Implements [`Inspect`] (no unknown fields possible) for API enums.
#[macro_export]
#[doc(hidden)]
macro_rules! inspect_leaf {
    ($($t:ty),+) => { $(impl $crate::models::Inspect for $t {})+ };
}
