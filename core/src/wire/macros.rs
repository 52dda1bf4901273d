//! The macros that define models: one declaration gives the struct, its JSON reading and
//! writing, and its description ([`ModelInfo`](crate::wire::ModelInfo)).

/// Defines a response model: every field optional, the API's names, unknown fields kept in
/// `extra`. It reads and writes JSON through [`Json`](crate::wire::Json) (no per-model serde code).
#[macro_export]
#[doc(hidden)]
macro_rules! response_model {
    ($(#[doc = $doc:literal])* $name:ident { $($(#[doc = $fdoc:literal])* $field:ident : $ty:ty),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name {
            $($(#[doc = $fdoc])* pub $field: Option<$ty>,)+
            /// Fields this version of the library does not know, kept as received.
            pub extra: serde_json::Map<String, serde_json::Value>,
        }
        $crate::model_info!($name; false; [$($doc),*]; $($field: $ty [$($fdoc),*]),+);
        $crate::json_impl!($name; extra; $($field: $ty),+);
        impl $crate::wire::Inspect for $name {
            fn unknown_fields(&self, path: &str, out: &mut Vec<String>) {
                for k in self.extra.keys() { out.push(format!("{path}.{k}")); }
                $($crate::wire::Inspect::unknown_fields(&self.$field, &format!("{path}.{}", stringify!($field)), out);)+
            }
        }
    };
}

/// Defines a request model: every field optional (the rules say which are required),
/// the API's names, unknown fields refused.
#[macro_export]
#[doc(hidden)]
macro_rules! request_model {
    ($(#[doc = $doc:literal])* $name:ident { $($(#[doc = $fdoc:literal])* $field:ident : $ty:ty),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name {
            $($(#[doc = $fdoc])* pub $field: Option<$ty>,)+
        }
        $crate::model_info!($name; true; [$($doc),*]; $($field: $ty [$($fdoc),*]),+);
        $crate::json_impl!($name; strict; $($field: $ty),+);
    };
}

/// Implements [`Model`](crate::wire::Model) and [`HasKind`](crate::wire::HasKind) for a model:
/// its name, doc comment and fields with their kinds. The doc texts are left out of the
/// WebAssembly build, which never shows them.
#[macro_export]
#[doc(hidden)]
macro_rules! model_info {
    ($name:ident; $request:literal; [$($doc:literal),*]; $($field:ident : $ty:ty [$($fdoc:literal),*]),+) => {
        impl $crate::wire::Model for $name {
            fn info() -> &'static $crate::wire::ModelInfo {
                static INFO: $crate::wire::ModelInfo = $crate::wire::ModelInfo {
                    name: stringify!($name),
                    doc: $crate::doc_text!($($doc),*),
                    request: $request,
                    fields: &[$($crate::wire::FieldInfo {
                        name: stringify!($field),
                        kind: <$ty as $crate::wire::HasKind>::KIND,
                        doc: $crate::doc_text!($($fdoc),*),
                    }),+],
                    json_names: std::sync::OnceLock::new(),
                };
                &INFO
            }
        }
        impl $crate::wire::HasKind for $name {
            const KIND: $crate::wire::FieldKind = $crate::wire::FieldKind::Object(<$name as $crate::wire::Model>::info);
        }
    };
}

/// The lines of a doc comment as one text (empty in the WebAssembly build).
#[macro_export]
#[doc(hidden)]
macro_rules! doc_text {
    ($($line:literal),*) => {
        if cfg!(target_arch = "wasm32") { "" } else { concat!($($line, "\n"),*) }
    };
}

/// Implements [`Json`](crate::wire::Json) for a model: fields by their API names; the rest kept in `extra`, or
/// refused (`strict`) for requests.
#[macro_export]
#[doc(hidden)]
macro_rules! json_impl {
    ($name:ident; $mode:ident; $($field:ident : $ty:ty),+) => {
        impl $crate::wire::Json for $name {
            #[allow(unused_assignments)]
            fn from_json(v: serde_json::Value) -> Result<Self, String> {
                let serde_json::Value::Object(mut rest) = v else {
                    return Err($crate::wire::wrong_type("an object", &v));
                };
                let names = <$name as $crate::wire::Model>::info().json_names();
                // Every field is read and the first error kept, rather than returning at the
                // first one: one exit instead of one per field (each dropping the fields read
                // before it), which made these functions several times larger.
                let mut error = None;
                let mut i = 0;
                $(
                    let $field = $crate::wire::json::take_field_or::<$ty>(&mut rest, &names[i], &mut error);
                    i += 1;
                )+
                if let Some(e) = error {
                    return Err(e);
                }
                $crate::json_impl!(@finish $name; $mode; rest; $($field),+)
            }
            #[allow(unused_assignments)]
            fn into_json(self) -> serde_json::Value {
                let names = <$name as $crate::wire::Model>::info().json_names();
                let mut map = $crate::json_impl!(@start self; $mode);
                let mut i = 0;
                $(
                    $crate::wire::json::put_field(&mut map, &names[i], self.$field);
                    i += 1;
                )+
                serde_json::Value::Object(map)
            }
        }
    };
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

/// Implements [`Inspect`](crate::wire::Inspect) (no unknown fields possible) for API enums.
#[macro_export]
#[doc(hidden)]
macro_rules! inspect_leaf {
    ($($t:ty),+) => { $(impl $crate::wire::Inspect for $t {})+ };
}
