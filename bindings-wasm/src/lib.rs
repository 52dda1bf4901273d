//! WebAssembly bindings: JS values to the core's JSON arguments and back, core errors to JS
//! `Error` objects whose `name` picks the exported class in `js/index.js`. Every API rule lives
//! in the core.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use futures_util::{Stream, StreamExt};
use js_sys::{Array, Function, Object, Promise, Reflect, JSON};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use webex_emergency::{self as core, dynamic, Error, TransportKind};

// ---------- values ----------

fn to_js(v: &Value) -> JsValue {
    match v {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::String(s) => JsValue::from_str(s),
        Value::Number(n) => JsValue::from_f64(n.as_f64().unwrap_or(f64::NAN)),
        _ => serde_json::to_string(v).ok().and_then(|s| JSON::parse(&s).ok()).unwrap_or(JsValue::NULL),
    }
}

fn from_js(v: &JsValue, path: &str) -> Result<Value, core::FieldError> {
    if v.is_undefined() || v.is_null() {
        return Ok(Value::Null);
    }
    let text = JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| core::FieldError::new(path, "type", "cannot be sent as JSON"))?;
    serde_json::from_str(&text).map_err(|_| core::FieldError::new(path, "type", "cannot be sent as JSON"))
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() {
        Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

fn get_string(obj: &JsValue, key: &str) -> Option<String> {
    get(obj, key).as_string()
}

fn get_u32(obj: &JsValue, key: &str) -> Option<u32> {
    get(obj, key).as_f64().filter(|f| *f >= 0.0 && f.fract() == 0.0 && *f <= u32::MAX as f64).map(|f| f as u32)
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

// ---------- errors ----------

/// A JS `Error` named after the class to throw, carrying the error's data.
fn js_error(err: &Error) -> JsValue {
    let e = js_sys::Error::new(&err.to_string());
    e.set_name(err.class_name());
    let o: &Object = e.as_ref();
    match err {
        Error::Validation(v) => {
            set(o, "operation", &JsValue::from_str(&v.operation));
            let list = Array::new();
            for f in &v.errors {
                let item = Object::new();
                set(&item, "field", &JsValue::from_str(&f.field));
                set(&item, "rule", &JsValue::from_str(&f.rule));
                set(&item, "message", &JsValue::from_str(&f.message));
                list.push(&item);
            }
            set(o, "errors", &list);
        }
        Error::Api(a) => {
            set(o, "operation", &JsValue::from_str(&a.operation));
            set(o, "status", &JsValue::from(a.status));
            set(o, "apiMessage", &JsValue::from_str(&a.message));
            let list = Array::new();
            for item in &a.errors {
                let x = Object::new();
                set(&x, "description", &JsValue::from_str(&item.description));
                set(&x, "errorCode", &item.error_code.as_deref().map(JsValue::from_str).unwrap_or(JsValue::NULL));
                list.push(&x);
            }
            set(o, "errors", &list);
            set(o, "trackingId", &a.tracking_id.as_deref().map(JsValue::from_str).unwrap_or(JsValue::NULL));
            set(o, "retryAfter", &a.retry_after.map(|d| JsValue::from_f64(d.as_secs_f64())).unwrap_or(JsValue::NULL));
            set(o, "bodyExcerpt", &JsValue::from_str(&a.body_excerpt));
        }
        Error::Transport(t) => {
            set(o, "operation", &JsValue::from_str(&t.operation));
            set(o, "kind", &JsValue::from_str(t.kind.as_str()));
        }
        Error::Decode(d) => {
            set(o, "operation", &JsValue::from_str(&d.operation));
            set(o, "status", &JsValue::from(d.status));
            set(o, "bodyExcerpt", &JsValue::from_str(&d.body_excerpt));
            set(o, "trackingId", &d.tracking_id.as_deref().map(JsValue::from_str).unwrap_or(JsValue::NULL));
        }
        Error::Config(_) => {}
    }
    e.into()
}

fn invalid(operation: &str, e: core::FieldError) -> JsValue {
    js_error(&dynamic::invalid(operation, vec![e]))
}

// ---------- token provider, abort ----------

struct JsTokenProvider(Function);

impl core::TokenProvider for JsTokenProvider {
    fn token(&self, refresh: bool) -> core::rt::BoxFuture<'_, Result<String, Error>> {
        let called = self.0.call1(&JsValue::NULL, &JsValue::from_bool(refresh));
        Box::pin(async move {
            let fail = |_| Error::Config("getToken failed".into());
            let mut v = called.map_err(fail)?;
            if let Some(p) = v.dyn_ref::<Promise>() {
                v = JsFuture::from(p.clone()).await.map_err(fail)?;
            }
            v.as_string().ok_or_else(|| Error::Config("getToken must return a string".into()))
        })
    }
}

/// Runs `fut` until it finishes or `signal` aborts (dropping it, which cancels the fetch).
async fn abortable<T>(
    operation: &str,
    signal: Option<web_sys::AbortSignal>,
    fut: impl std::future::Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let aborted = || {
        Error::Transport(core::TransportError {
            operation: operation.to_string(),
            kind: TransportKind::Aborted,
            message: "the AbortSignal fired".into(),
        })
    };
    let Some(signal) = signal else { return fut.await };
    if signal.aborted() {
        return Err(aborted());
    }
    let promise = Promise::new(&mut |resolve, _reject| {
        let opts = web_sys::AddEventListenerOptions::new();
        opts.set_once(true);
        let _ = signal.add_event_listener_with_callback_and_add_event_listener_options("abort", &resolve, &opts);
    });
    let fut = std::pin::pin!(fut);
    match futures_util::future::select(fut, JsFuture::from(promise)).await {
        futures_util::future::Either::Left((out, _)) => out,
        futures_util::future::Either::Right(_) => Err(aborted()),
    }
}

// ---------- client ----------

/// The core client. Use the `Client` class of the package instead.
#[wasm_bindgen]
pub struct NativeClient {
    client: core::Client,
}

fn args(operation: &str, id: Option<String>, body: &JsValue, options: &JsValue) -> Result<dynamic::Args, JsValue> {
    let op = core::ops::find(operation)
        .ok_or_else(|| js_error(&Error::Config(format!("unknown operation `{operation}`"))))?;
    let body = match from_js(body, "body").map_err(|e| invalid(operation, e))? {
        Value::Null => None,
        b => Some(b),
    };
    let mut a = dynamic::args_from_fields(op, id, body, Default::default());
    a.org_id = get_string(options, "orgId");
    a.start = get_u32(options, "start");
    a.max = get_u32(options, "max");
    a.order = get_string(options, "order");
    Ok(a)
}

#[wasm_bindgen]
impl NativeClient {
    /// Options: `{ token | getToken, baseUrl, timeoutMs, maxRetries, orgId }`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<NativeClient, JsValue> {
        let mut b = core::Client::builder();
        if let Some(t) = get_string(&options, "token") {
            b = b.token(t);
        }
        if let Ok(f) = get(&options, "getToken").dyn_into::<Function>() {
            b = b.token_provider(JsTokenProvider(f));
        }
        if let Some(u) = get_string(&options, "baseUrl") {
            b = b.base_url(u);
        }
        if let Some(ms) = get(&options, "timeoutMs").as_f64() {
            if !(ms.is_finite() && ms > 0.0) {
                return Err(js_error(&Error::Config("timeoutMs must be a positive number".into())));
            }
            b = b.timeout(std::time::Duration::from_secs_f64(ms / 1000.0));
        }
        if let Some(n) = get_u32(&options, "maxRetries") {
            b = b.max_retries(n);
        }
        if let Some(o) = get_string(&options, "orgId") {
            b = b.org_id(o);
        }
        b.build().map(|client| NativeClient { client }).map_err(|e| js_error(&e))
    }

    /// Sends an operation; options `{ orgId, signal, start, max, order }`.
    pub fn call(&self, operation: String, id: Option<String>, body: JsValue, options: JsValue) -> Promise {
        let prepared = args(&operation, id, &body, &options)
            .and_then(|a| dynamic::call(&self.client, &operation, a).map_err(|e| js_error(&e)));
        let signal = get(&options, "signal").dyn_into::<web_sys::AbortSignal>().ok();
        future_to_promise(async move {
            let call = prepared?;
            let out = abortable(&operation, signal, async {
                let raw = call.send().await?;
                dynamic::normalize(&operation, raw)
            })
            .await;
            out.map(|v| to_js(&v)).map_err(|e| js_error(&e))
        })
    }

    /// Builds and validates an operation without sending it.
    #[wasm_bindgen(js_name = dryRun)]
    pub fn dry_run(&self, operation: String, id: Option<String>, body: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let a = args(&operation, id, &body, &options)?;
        let call = dynamic::call(&self.client, &operation, a).map_err(|e| js_error(&e))?;
        let prepared = call.dry_run().map_err(|e| js_error(&e))?;
        Ok(to_js(&serde_json::to_value(prepared).unwrap_or_default()))
    }

    /// Every location's compliance status; options `{ pageSize, order, orgId }`.
    pub fn pages(&self, options: JsValue) -> PageIterator {
        let stream = self
            .client
            .redsky()
            .compliance_statuses(
                get_u32(&options, "pageSize"),
                get_string(&options, "order").as_deref(),
                get_string(&options, "orgId").as_deref(),
            )
            .map(|r| r.map(|loc| serde_json::to_value(loc).unwrap_or_default()));
        PageIterator { stream: Rc::new(tokio::sync::Mutex::new(Box::pin(stream))) }
    }

    /// Runs an operation for every item of an array or iterable; options `{ concurrency,
    /// onProgress, orgId, dryRun }`. Resolves to one `{ index, ok, result, error }` per item.
    pub fn bulk(&self, operation: String, items: JsValue, options: JsValue) -> Promise {
        let client = self.client.clone();
        let concurrency = get_u32(&options, "concurrency").unwrap_or(10) as usize;
        let org_id = get_string(&options, "orgId");
        let dry_run = get(&options, "dryRun").as_bool().unwrap_or(false);
        let progress = get(&options, "onProgress").dyn_into::<Function>().ok();
        future_to_promise(async move {
            let op = dynamic::find(&operation).map_err(|e| js_error(&e))?;
            let iter = js_sys::try_iter(&items)
                .ok()
                .flatten()
                .ok_or_else(|| js_error(&Error::Config("items must be an array or an iterable".into())))?;
            let calls = iter.map(move |item| {
                match item
                    .map_err(|_| core::FieldError::new("item", "iterator", "the items iterator threw"))
                    .and_then(|v| from_js(&v, "item"))
                {
                    Ok(v) => dynamic::call_from_item(&client, op, v, org_id.as_deref()),
                    Err(e) => dynamic::failed_call(&client, op, vec![e]),
                }
            });
            let results: Vec<(usize, Result<Value, Error>)> = if dry_run {
                calls
                    .enumerate()
                    .map(|(i, c)| (i, c.dry_run().map(|p| serde_json::to_value(p).unwrap_or_default())))
                    .collect()
            } else {
                let progress = progress.map(|f| -> core::bulk::ProgressFn {
                    std::sync::Arc::new(move |p: core::BulkProgress| {
                        let _ = f.call3(&JsValue::NULL, &JsValue::from_f64(p.done as f64), &JsValue::from_f64(p.succeeded as f64), &JsValue::from_f64(p.failed as f64));
                    })
                });
                let options = core::BulkOptions { concurrency, progress };
                let mut out: Vec<(usize, Result<Value, Error>)> = core::bulk::run_iter(calls, options)
                    .map(|item| (item.index, item.result.and_then(|v| dynamic::normalize(op.name, v))))
                    .collect()
                    .await;
                out.sort_by_key(|(i, _)| *i);
                out
            };
            let array = Array::new();
            for (index, r) in results {
                let o = Object::new();
                set(&o, "index", &JsValue::from(index as u32));
                set(&o, "ok", &JsValue::from_bool(r.is_ok()));
                match r {
                    Ok(v) => {
                        set(&o, "result", &to_js(&v));
                        set(&o, "error", &JsValue::NULL);
                    }
                    Err(e) => {
                        set(&o, "result", &JsValue::NULL);
                        set(&o, "error", &js_error(&e));
                    }
                }
                array.push(&o);
            }
            Ok(array.into())
        })
    }
}

type LocationStream = std::pin::Pin<Box<dyn Stream<Item = Result<Value, Error>>>>;

/// Iterator over every location's compliance status: `next()` resolves to `{ done, value }`.
#[wasm_bindgen]
pub struct PageIterator {
    stream: Rc<tokio::sync::Mutex<LocationStream>>,
}

#[wasm_bindgen]
impl PageIterator {
    /// The next location, fetching a page when needed.
    pub fn next(&self) -> Promise {
        let stream = self.stream.clone();
        future_to_promise(async move {
            let item = stream.lock().await.next().await;
            let out = Object::new();
            match item {
                None => {
                    set(&out, "done", &JsValue::TRUE);
                    set(&out, "value", &JsValue::UNDEFINED);
                }
                Some(Ok(v)) => {
                    set(&out, "done", &JsValue::FALSE);
                    set(&out, "value", &to_js(&v));
                }
                Some(Err(e)) => return Err(js_error(&e)),
            }
            Ok(out.into())
        })
    }
}

/// The core's operations: name, summary, method, path, path parameter, query, models.
#[wasm_bindgen]
pub fn operations() -> JsValue {
    to_js(&dynamic::operations())
}

/// Reads an answer of `operation` through the core's typed model (used by the shared vectors).
#[wasm_bindgen]
pub fn normalize(operation: String, data: JsValue) -> Result<JsValue, JsValue> {
    let v = from_js(&data, "").map_err(|e| invalid(&operation, e))?;
    dynamic::normalize(&operation, v).map(|v| to_js(&v)).map_err(|e| js_error(&e))
}
