//! The bottom layer: the API's JSON names, reading and writing JSON, writing CSV rows, what
//! kind each model field is, and text split at ASCII bytes. Nothing here knows about
//! operations, errors or HTTP.

pub mod csv_row;
pub mod json;
pub mod kinds;
mod macros;
pub mod naming;
pub mod split;

pub use json::{wrong_type, Inspect, Json, NoContent, Secret};
pub use kinds::{EnumInfo, FieldInfo, FieldKind, HasKind, Model, ModelInfo, Schema};
pub use naming::{camel_to_snake, is_camel_of, snake_to_camel};
