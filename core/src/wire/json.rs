//! Reading and writing the API's JSON: the one serializer of request bodies and the tolerant
//! reader of answers.

use std::fmt;

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
}

/// The answer of operations that return no content (204, or 201 without a body).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoContent;
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
    /// The type is JSON itself (`serde_json::Value`): a call reads such an answer through its
    /// operation's answer model, where a typed answer reads itself.
    const RAW_JSON: bool = false;
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
}
impl Json for bool {
    fn from_json(v: serde_json::Value) -> Result<Self, String> {
        v.as_bool().ok_or_else(|| wrong_type("a boolean", &v))
    }
    fn into_json(self) -> serde_json::Value {
        serde_json::Value::Bool(self)
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
}

/// Whole numbers (the spec types them as `number`; fractions are refused).
impl Json for i64 {
    fn from_json(v: serde_json::Value) -> Result<Self, String> {
        v.as_i64().ok_or_else(|| wrong_type("a whole number", &v))
    }
    fn into_json(self) -> serde_json::Value {
        serde_json::Value::from(self)
    }
}
impl Json for f64 {
    fn from_json(v: serde_json::Value) -> Result<Self, String> {
        v.as_f64().ok_or_else(|| wrong_type("a number", &v))
    }
    fn into_json(self) -> serde_json::Value {
        serde_json::Number::from_f64(self).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null)
    }
}
/// Any JSON, as it is (the JSON entry point's answers before normalisation).
impl Json for serde_json::Value {
    const RAW_JSON: bool = true;
    fn from_json(v: serde_json::Value) -> Result<Self, String> {
        Ok(v)
    }
    fn into_json(self) -> serde_json::Value {
        self
    }
}

/// Takes field `name` out of `rest` and reads it (`null` and absent are `None`); an error
/// names the field. One function per field type, shared by every model.
pub fn take_field<T: Json>(rest: &mut serde_json::Map<String, serde_json::Value>, name: &str) -> Result<Option<T>, String> {
    match rest.remove(name) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(x) => T::from_json(x).map(Some).map_err(|e| super::split::join(&[".", name, &e], "")),
    }
}

/// [`take_field`], keeping the first error of a model's fields in `error` (the field is then `None`).
pub fn take_field_or<T: Json>(
    rest: &mut serde_json::Map<String, serde_json::Value>,
    name: &str,
    error: &mut Option<String>,
) -> Option<T> {
    match take_field(rest, name) {
        Ok(v) => v,
        Err(e) => {
            error.get_or_insert(e);
            None
        }
    }
}

/// Writes field `name` into `map` when it has a value.
pub fn put_field<T: Json>(map: &mut serde_json::Map<String, serde_json::Value>, name: &str, value: Option<T>) {
    if let Some(x) = value {
        map.insert(name.to_string(), x.into_json());
    }
}

/// A JSON array of `f` of each item, built by a loop: `iter().map(f).collect()` compiles to
/// three functions per use (fold, extend, from_iter) where this is one (measured on the npm
/// package's .wasm, 2026-12-07).
pub fn list_of<T>(items: &[T], f: impl Fn(&T) -> serde_json::Value) -> serde_json::Value {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(f(item));
    }
    serde_json::Value::Array(out)
}

/// Why a JSON text could not be read: what is wrong, and where (line and column) when the
/// reader tells.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    /// What is wrong, as "the body is not valid JSON".
    pub what: &'static str,
    /// The line and column (from 1) where reading stopped, when known.
    pub place: Option<(usize, usize)>,
}

/// Reads a JSON text: every JSON text the crate reads goes through here. Natively this is
/// serde_json's reader. In the browser package it is the host's `JSON.parse`, its result
/// walked into a [`serde_json::Value`]: serde_json's reader (its parser, number tables and
/// `Value` visitor) was 6.0 kB of the gzipped package (measured 2026-12-07). Both refuse
/// nesting deeper than 127. The host tells no place; it reads a number written with a fraction
/// or an exponent that is whole (`5.0`, `1e2`, `-0`) as an integer, one above 2^53 rounded to
/// the nearest double (natively exact up to 2^64), and a lone UTF-16 surrogate (`"\ud800"`)
/// as U+FFFD where serde_json refuses the text.
pub fn read(bytes: &[u8]) -> Result<serde_json::Value, Unreadable> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        use serde_json::error::Category;
        serde_json::from_slice(bytes).map_err(|e| Unreadable {
            what: match e.classify() {
                Category::Eof => "the body ends before the JSON value does",
                Category::Syntax => "the body is not valid JSON",
                Category::Data => "the body holds a JSON value of the wrong shape",
                Category::Io => "the body could not be read",
            },
            place: Some((e.line(), e.column())),
        })
    }
    #[cfg(target_arch = "wasm32")]
    {
        let text = std::str::from_utf8(bytes).ok();
        let parsed = text.and_then(|t| js_sys::JSON::parse(t).ok());
        parsed.and_then(|v| from_parsed(&v, 0)).ok_or(Unreadable { what: "the body is not valid JSON", place: None })
    }
}

/// What `JSON.parse` returned, as a [`serde_json::Value`]; `None` for a number out of range
/// (`1e400`) or a list or object nested deeper than 127 (`depth` counts the lists and objects
/// around `v`), as serde_json refuses them.
#[cfg(target_arch = "wasm32")]
fn from_parsed(v: &wasm_bindgen::JsValue, depth: u8) -> Option<serde_json::Value> {
    use js_sys::{Array, Object};
    use serde_json::Value;
    use wasm_bindgen::JsCast;
    if let Some(s) = v.as_string() {
        return Some(Value::String(s));
    }
    if let Some(n) = v.as_f64() {
        // Whole numbers as integers, as serde_json reads `5` (from -2^63 up to 2^64, as there).
        return if n.fract() == 0.0 && (-9_223_372_036_854_775_808.0..18_446_744_073_709_551_616.0).contains(&n) {
            Some(if n < 0.0 { Value::from(n as i64) } else { Value::from(n as u64) })
        } else {
            serde_json::Number::from_f64(n).map(Value::Number)
        };
    }
    if let Some(b) = v.as_bool() {
        return Some(Value::Bool(b));
    }
    if v.is_null() {
        return Some(Value::Null);
    }
    if depth >= 127 {
        return None;
    }
    if Array::is_array(v) {
        let mut items = Vec::new();
        for item in v.unchecked_ref::<Array>().iter() {
            items.push(from_parsed(&item, depth + 1)?);
        }
        return Some(Value::Array(items));
    }
    let mut map = serde_json::Map::new();
    for pair in Object::entries(v.unchecked_ref()).iter() {
        let pair = pair.unchecked_into::<Array>();
        map.insert(pair.get(0).as_string()?, from_parsed(&pair.get(1), depth + 1)?);
    }
    Some(Value::Object(map))
}

/// JSON of `v` as UTF-8 bytes (see [`text`]); request bodies take them as they are.
pub fn bytes(v: &serde_json::Value, pretty: bool) -> Vec<u8> {
    text(v, pretty).into_bytes()
}

/// JSON text of `v`: compact, or indented by two spaces. Every JSON text the crate writes goes
/// through here, and it is the text serde_json writes (a property test compares them): keys in
/// their map's order, `"`, `\\` and control characters escaped (`\n`, `\u001f`), nothing else.
/// Written here, not by serde_json's serializer, whose code and two formatters were 1.2 kB of
/// the gzipped npm package (measured 2026-12-07).
pub fn text(v: &serde_json::Value, pretty: bool) -> String {
    let mut out = String::new();
    write_value(&mut out, v, pretty.then_some(0));
    out
}

/// Appends `v` at nesting level `indent` (`None`: compact).
fn write_value(out: &mut String, v: &serde_json::Value, indent: Option<usize>) {
    use serde_json::Value;
    let inner = indent.map(|level| level + 1);
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                separate(out, i, inner);
                write_value(out, item, inner);
            }
            close(out, items.is_empty(), indent, ']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                separate(out, i, inner);
                write_string(out, key);
                out.push_str(if indent.is_some() { ": " } else { ":" });
                write_value(out, item, inner);
            }
            close(out, map.is_empty(), indent, '}');
        }
    }
}

/// Before the `i`th item of a list or object: a comma after the first, then a new line.
fn separate(out: &mut String, i: usize, indent: Option<usize>) {
    if i > 0 {
        out.push(',');
    }
    new_line(out, indent);
}

/// Ends a list or object; a full one closes on a line of its own.
fn close(out: &mut String, empty: bool, indent: Option<usize>, bracket: char) {
    if !empty {
        new_line(out, indent);
    }
    out.push(bracket);
}

fn new_line(out: &mut String, indent: Option<usize>) {
    if let Some(level) = indent {
        out.push('\n');
        for _ in 0..level {
            out.push_str("  ");
        }
    }
}

/// A string in quotes, escaped as serde_json escapes it; runs that need no escape are copied whole.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        run = i + 1;
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xf) as usize] as char);
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// A number as serde_json writes it: whole numbers held as integers in digits, floats natively
/// as serde_json writes them and in the browser package from the host's shortest digits, laid
/// out the same way ([`float_layout`]; serde_json's float writer, zmij with its tables, was
/// 1.8 kB of the gzipped package, 2026-12-06).
fn write_number(out: &mut String, n: &serde_json::Number) {
    use std::fmt::Write;
    if let Some(u) = n.as_u64() {
        let _ = write!(out, "{u}");
    } else if let Some(i) = n.as_i64() {
        let _ = write!(out, "{i}");
    } else {
        #[cfg(not(target_arch = "wasm32"))]
        let _ = write!(out, "{n}");
        #[cfg(target_arch = "wasm32")]
        {
            use wasm_bindgen::JsCast;
            let value = n.as_f64().unwrap_or(0.0);
            let sci = wasm_bindgen::JsValue::from_f64(value.abs()).unchecked_into::<JsNumber>().to_exponential();
            out.push_str(&float_layout(value.is_sign_negative(), &sci));
        }
    }
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// A JS number.
    #[wasm_bindgen(js_name = Number)]
    type JsNumber;
    /// `x.toExponential()`: JS's shortest round-trip digits of `x` (the even ones on a tie, as
    /// zmij picks them), as `1.2345e+2`.
    #[wasm_bindgen(method, js_name = toExponential)]
    fn to_exponential(this: &JsNumber) -> String;
}

/// A finite float's text as serde_json writes it natively (zmij), from `sci`, the shortest
/// round-trip digits of its absolute value in exponent form (`1.2345e+2`, `5e-7`, `0e+0`, as
/// JS's `toExponential()` and Rust's `{:e}` write them): `-` for a negative number (and -0),
/// then plain digits with a `.` when the exponent is from -5 to 15 (`3.0`, `0.00001`, `123.45`),
/// else one digit, the others after a `.`, and `e+N` or `e-N` (`1e+16`, `1.5e-7`).
// `split_at` below cannot panic: the all-zero test catches empty digits, and the plain layout
// with a point inside the digits is taken only when `exp + 1 < digits.len()`.
#[cfg(any(test, target_arch = "wasm32"))]
fn float_layout(negative: bool, sci: &str) -> String {
    let (mantissa, exp) = super::split::split_once_at(sci, b'e').unwrap_or((sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits = Vec::with_capacity(mantissa.len());
    for b in mantissa.bytes() {
        if b.is_ascii_digit() {
            digits.push(b);
        }
    }
    let mut out: Vec<u8> = Vec::with_capacity(digits.len() + 8);
    if negative {
        out.push(b'-');
    }
    let n = digits.len() as i32;
    if digits.iter().all(|&d| d == b'0') {
        out.extend_from_slice(b"0.0");
    } else if (-5..=15).contains(&exp) && exp >= n - 1 {
        // 1234e7 -> 12340000000.0
        out.extend_from_slice(&digits);
        out.resize(out.len() + (exp - (n - 1)) as usize, b'0');
        out.extend_from_slice(b".0");
    } else if (0..=15).contains(&exp) {
        // 1234e1 -> 12.34
        let (whole, fraction) = digits.split_at(exp as usize + 1);
        out.extend_from_slice(whole);
        out.push(b'.');
        out.extend_from_slice(fraction);
    } else if (-5..0).contains(&exp) {
        // 1234e-3 -> 0.001234
        out.extend_from_slice(b"0.");
        out.resize(out.len() + (-exp - 1) as usize, b'0');
        out.extend_from_slice(&digits);
    } else {
        // 1234e30 -> 1.234e+30
        let (first, rest) = digits.split_at(1);
        out.extend_from_slice(first);
        if !rest.is_empty() {
            out.push(b'.');
            out.extend_from_slice(rest);
        }
        out.extend_from_slice(if exp >= 0 { b"e+" } else { b"e-" });
        out.extend_from_slice(exp.unsigned_abs().to_string().as_bytes());
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// What the browser package writes for `x`, given the shortest digits in exponent form.
    fn laid_out(x: f64, sci: &str) -> String {
        super::float_layout(x.is_sign_negative(), sci)
    }

    /// serde_json's digits of `|x|` in exponent form, as JS's `toExponential()` writes them
    /// (JS and zmij pick the same shortest digits, the even ones on a tie; Rust's `{:e}` does
    /// not always, e.g. 1157192752980184.25).
    fn sci_of(x: f64) -> String {
        let text = serde_json::to_string(&x.abs()).unwrap();
        let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
        let exp: i32 = exp.parse().unwrap();
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all = [whole, fraction].concat();
        let zeros = all.bytes().take_while(|&b| b == b'0').count();
        let digits = all[zeros..].trim_end_matches('0');
        if digits.is_empty() {
            return "0e+0".into();
        }
        let exp = whole.len() as i32 - 1 - zeros as i32 + exp;
        let (first, rest) = digits.split_at(1);
        format!("{first}{}{rest}e{}{}", if rest.is_empty() { "" } else { "." }, if exp < 0 { "-" } else { "+" }, exp.abs())
    }

    #[test]
    fn floats_are_laid_out_as_serde_json_lays_them_out() {
        // JS's toExponential() and Rust's {:e} forms.
        let forms = [(1e-6, "1e-6"), (1e21, "1e+21"), (1e16, "1e16"), (123.45, "1.2345e+2"), (1.5e-7, "1.5e-7"), (0.0, "0e+0"), (-0.0, "0e0")];
        for (x, sci) in forms {
            assert_eq!(laid_out(x, sci), serde_json::to_string(&x).unwrap(), "{sci}");
        }
        for x in [0.0, -0.0, 3.0, -17.5, 0.1, 1e-5, 1e-6, 1e15, 1e16, 123456789.25, 1157192752980184.2, f64::MAX, f64::MIN_POSITIVE, 5e-324, 1e21] {
            assert_eq!(laid_out(x, &sci_of(x)), serde_json::to_string(&x).unwrap(), "{x:e}");
        }
    }

    proptest! {
        #[test]
        fn any_finite_float_is_laid_out_as_serde_json_lays_it_out(x in any::<f64>().prop_filter("finite", |x| x.is_finite())) {
            prop_assert_eq!(laid_out(x, &sci_of(x)), serde_json::to_string(&x).unwrap());
        }
    }

    #[test]
    fn numbers_are_written_as_the_browser_package_writes_them() {
        // bindings-wasm/tests/audit.test.mjs checks the same text from the browser package.
        let numbers = serde_json::json!({"a": 0.1, "b": -2.5, "c": 1e-7, "d": 123456789.25, "e": 3, "f": -17, "g": [0.5, 2], "h": 1e-6, "i": 1e21, "j": -1.5e300});
        let want = "{\n  \"a\": 0.1,\n  \"b\": -2.5,\n  \"c\": 1e-7,\n  \"d\": 123456789.25,\n  \"e\": 3,\n  \"f\": -17,\n  \"g\": [\n    0.5,\n    2\n  ],\n  \"h\": 1e-6,\n  \"i\": 1e+21,\n  \"j\": -1.5e+300\n}";
        assert_eq!(super::text(&numbers, true), want);
        assert_eq!(super::text(&numbers, false), r#"{"a":0.1,"b":-2.5,"c":1e-7,"d":123456789.25,"e":3,"f":-17,"g":[0.5,2],"h":1e-6,"i":1e+21,"j":-1.5e+300}"#);
    }

    #[test]
    fn nesting_deeper_than_127_is_refused() {
        // The browser package's reader refuses the same depth (bindings-wasm/tests/client.test.mjs).
        let nested = |n: usize| ["[".repeat(n), "]".repeat(n)].concat();
        assert!(super::read(nested(127).as_bytes()).is_ok());
        assert_eq!(super::read(nested(128).as_bytes()).unwrap_err().what, "the body is not valid JSON");
    }

    /// Any JSON value: every kind of number, strings with every control character, quotes,
    /// backslashes and non-ASCII text, nested lists and objects (empty ones too).
    fn any_json() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<u64>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_filter_map("finite", |x| serde_json::Number::from_f64(x).map(Value::Number)),
            "[\\x00-\\x20\"\\\\/a-z\\x7f\u{e9}\u{2028}\u{1f600}]{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map("[a-z\"\\n\\\\]{0,4}", inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    // Natively, where floats are written by serde_json's own `Display`; the browser package's
    // float layout is checked by the float tests above and by bindings-wasm/tests/audit.test.mjs.
    proptest! {
        #[test]
        fn any_value_is_written_as_serde_json_writes_it(v in any_json()) {
            prop_assert_eq!(super::text(&v, false), serde_json::to_string(&v).unwrap());
            prop_assert_eq!(super::text(&v, true), serde_json::to_string_pretty(&v).unwrap());
        }
    }
}
