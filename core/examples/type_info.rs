//! Prints the core's operations, models, fields, Rust types and enums as JSON: what the Python
//! stubs and the TypeScript declarations are generated from.
fn main() {
    println!("{}", serde_json::to_string_pretty(&webex_emergency::bindings_api::type_info()).unwrap_or_default());
}
