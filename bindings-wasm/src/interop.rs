//! Conversions between JS values and the core's JSON, and core errors as JS `Error` objects.

use js_sys::{Array, Object, Reflect, JSON};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use webex_emergency::wire::split::join;
use webex_emergency::{bindings_api, Error, FieldError};

/// JSON as a JS value (objects and arrays as plain JS objects and arrays).
pub(crate) fn to_js(v: &Value) -> JsValue {
    match v {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::String(s) => JsValue::from_str(s),
        Value::Number(n) => JsValue::from_f64(n.as_f64().unwrap_or(f64::NAN)),
        _ => JSON::parse(&webex_emergency::wire::json::text(v, false)).unwrap_or(JsValue::NULL),
    }
}

/// A JS value as JSON (what `JSON.stringify` keeps); `undefined` and `null` are `null`.
pub(crate) fn from_js(v: &JsValue, path: &str) -> Result<Value, FieldError> {
    if v.is_undefined() || v.is_null() {
        return Ok(Value::Null);
    }
    // JSON.stringify would turn NaN and ±Infinity into null silently: the replacer refuses
    // them, throwing the key that holds one.
    thread_local! {
        static FINITE_ONLY: Closure<dyn Fn(JsValue, JsValue) -> Result<JsValue, JsValue>> =
            Closure::new(|key, value: JsValue| match value.as_f64() {
                Some(f) if !f.is_finite() => Err(key),
                _ => Ok(value),
            });
    }
    let text = FINITE_ONLY
        .with(|replacer| JSON::stringify_with_replacer(v, replacer.as_ref()))
        .map_err(|thrown| match thrown.as_string() {
            Some(key) if key.is_empty() => FieldError::new(path, "type", "is NaN or Infinity, which JSON cannot carry"),
            Some(key) => FieldError::new(path, "type", join(&["`", &key, "` is NaN or Infinity, which JSON cannot carry"], "")),
            None => FieldError::new(path, "type", "cannot be sent as JSON"),
        })?
        .as_string()
        .ok_or_else(|| FieldError::new(path, "type", "cannot be sent as JSON"))?;
    // The reader would take a lone surrogate as U+FFFD: a password would be changed unseen.
    if has_lone_surrogate(&text) {
        return Err(FieldError::new(path, "type", "holds a lone UTF-16 surrogate (half a character), which JSON cannot carry"));
    }
    // Read back as answers are read: one JSON reader in the package.
    webex_emergency::wire::json::read(text.as_bytes()).map_err(|_| FieldError::new(path, "type", "cannot be sent as JSON"))
}

/// Whether `JSON.stringify`'s text holds a lone UTF-16 surrogate: it writes one as an escape
/// from `\ud800` to `\udfff` (a surrogate pair is written as its character, escaped
/// backslashes as `\\`).
fn has_lone_surrogate(json: &str) -> bool {
    let bytes = json.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        if matches!(bytes.get(i + 1..i + 4), Some([b'u', b'd', b'8'..=b'9' | b'a'..=b'f'])) {
            return true;
        }
        i += 2;
    }
    false
}

/// `obj[key]`, or `undefined` when `obj` is not an object.
pub(crate) fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() {
        Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// `obj[key]` as text: absent (`undefined` or `null`) is `None`, anything else but a string a
/// configuration error naming the option. Not ignored: an `orgId` given as a number and dropped
/// would send the call to the token's own organization.
pub(crate) fn get_string(obj: &JsValue, key: &str) -> Result<Option<String>, JsValue> {
    let v = get(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| js_error(&Error::Config(join(&["option `", key, "` must be a string"], ""))))
}

/// `obj[key]` as a count: absent (`undefined` or `null`) is `None`, anything but a whole
/// number from 0 to 2^32-1 is a configuration error naming the option.
pub(crate) fn get_count(obj: &JsValue, key: &str) -> Result<Option<u32>, JsValue> {
    let v = get(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    match v.as_f64() {
        Some(f) if f >= 0.0 && f.fract() == 0.0 && f <= f64::from(u32::MAX) => Ok(Some(f as u32)),
        _ => Err(js_error(&Error::Config(format!("option `{key}` must be a whole number")))),
    }
}

/// A JS array of strings.
pub(crate) fn strings(list: &[String]) -> Array {
    let array = Array::new();
    for s in list {
        array.push(&JsValue::from_str(s));
    }
    array
}

/// `obj[key] = value`.
pub(crate) fn set(obj: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// A JS `Error` named after the class to throw (the core's class for the error's code),
/// carrying the error's data (`code`, `operation`, `errors`, `status`, ...) as properties.
pub(crate) fn js_error(err: &Error) -> JsValue {
    let e = js_sys::Error::new(&err.to_string());
    e.set_name(err.class_name());
    let o: &Object = e.as_ref();
    if let Value::Object(data) = err.data() {
        for (key, value) in &data {
            if key != "message" {
                set(o, key, &to_js(value));
            }
        }
    }
    if let Some(cause) = err.provider_cause().and_then(|c| c.downcast_ref::<JsValue>()) {
        set(o, "cause", cause);
    }
    e.into()
}

/// The validation error of `operation` for a value that could not be converted.
pub(crate) fn invalid(operation: &str, e: FieldError) -> JsValue {
    js_error(&bindings_api::invalid(operation, vec![e]))
}


#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(e: &JsValue);
}

/// An exception from a callback (`onProgress`, `onRow`) is written to the console and the run
/// goes on (as Python prints one from `progress`): callbacks are told of a run, they do not
/// hold it; the run's result holds every row and item.
pub(crate) fn told(called: Result<JsValue, JsValue>) {
    if let Err(e) = called {
        console_error(&e);
    }
}

/// Refuses an options object holding a name the call does not take (`dry_run`, `org_id`: the
/// Python spellings would otherwise be ignored, and a write sent for real, to the token's own
/// organization), or options that are not an object (an ID given to `getOrg(id)`).
pub(crate) fn known_options(options: &JsValue, names: &[&str]) -> Result<(), JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(());
    }
    if !options.is_object() {
        return Err(js_error(&Error::Config("the options must be an object".into())));
    }
    for key in Object::keys(options.unchecked_ref::<Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        if !names.contains(&key.as_str()) {
            let message = join(&["unknown option `", &key, "`; the options are ", &join(names, ", ")], "");
            return Err(js_error(&Error::Config(message)));
        }
    }
    Ok(())
}

/// `options.signal`: absent is `None`; anything but an `AbortSignal` is refused (dropped, an
/// abort button would do nothing).
pub(crate) fn get_signal(options: &JsValue) -> Result<Option<web_sys::AbortSignal>, JsValue> {
    let v = get(options, "signal");
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.dyn_into().map(Some).map_err(|_| js_error(&Error::Config("option `signal` must be an AbortSignal".into())))
}
