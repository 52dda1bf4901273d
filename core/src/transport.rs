//! One HTTP exchange: reqwest on native targets, the fetch API in browsers and Node (smaller
//! than reqwest's wasm client, and fetch is what it used anyway).

use crate::ops::Method;
use crate::{Error, TransportKind};

/// Largest answer the client reads; a larger one fails with a decode error.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// What came back: status, the two headers the client reads, and the body (or its size once
/// it passed [`MAX_BODY_BYTES`]).
pub(crate) struct Exchange {
    pub status: u16,
    pub retry_after: Option<String>,
    pub tracking_id: Option<String>,
    pub body: Result<Vec<u8>, usize>,
}

/// Why no answer came back.
pub(crate) type Failure = (TransportKind, String);

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use super::*;
    use std::time::Duration;

    pub(crate) type Http = reqwest::Client;

    pub(crate) fn build(user_agent: &str) -> Result<Http, Error> {
        reqwest::Client::builder()
            .user_agent(user_agent)
            .pool_idle_timeout(Duration::from_secs(60))
            .tcp_nodelay(true)
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
    }

    fn failure(e: reqwest::Error) -> Failure {
        let kind = if e.is_timeout() {
            TransportKind::Timeout
        } else if e.is_connect() || e.is_request() || e.is_body() {
            TransportKind::Connect
        } else {
            TransportKind::Other
        };
        // reqwest's message with its causes (it never holds headers, so never the token).
        let mut msg = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            msg.push_str(": ");
            msg.push_str(&s.to_string());
            src = s.source();
        }
        (kind, msg)
    }

    pub(crate) async fn exchange(
        http: &Http,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Result<Exchange, Failure> {
        let mut req = match method {
            Method::Get => http.get(url),
            Method::Put => http.put(url),
            Method::Post => http.post(url),
        };
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.body(b.to_vec());
        }
        let mut resp = req.send().await.map_err(failure)?;
        let header = |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let (retry_after, tracking_id) = (header("retry-after"), header("trackingid"));
        let status = resp.status().as_u16();
        let mut bytes = Vec::with_capacity(resp.content_length().unwrap_or(0).min(65536) as usize);
        while let Some(chunk) = resp.chunk().await.map_err(failure)? {
            if bytes.len() + chunk.len() > MAX_BODY_BYTES {
                let size = bytes.len() + chunk.len();
                return Ok(Exchange { status, retry_after, tracking_id, body: Err(size) });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Exchange { status, retry_after, tracking_id, body: Ok(bytes) })
    }
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use super::*;
    use js_sys::{Function, Promise, Reflect, Uint8Array};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    /// Nothing to keep: the environment's `fetch` pools connections itself.
    #[derive(Clone, Copy, Default)]
    pub(crate) struct Http;

    pub(crate) fn build(_user_agent: &str) -> Result<Http, Error> {
        Ok(Http)
    }

    /// Aborts the fetch when the exchange is dropped (timeout or caller's abort).
    struct AbortOnDrop(Option<web_sys::AbortController>);
    impl Drop for AbortOnDrop {
        fn drop(&mut self) {
            if let Some(c) = &self.0 {
                c.abort();
            }
        }
    }

    fn message(e: &JsValue) -> String {
        Reflect::get(e, &JsValue::from_str("message"))
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| "unknown error".into())
    }

    pub(crate) async fn exchange(
        _http: &Http,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Result<Exchange, Failure> {
        let fail = |kind: TransportKind, what: &str, e: JsValue| (kind, format!("{what}: {}", message(&e)));
        let init = web_sys::RequestInit::new();
        init.set_method(method.as_str());
        let h = web_sys::Headers::new().map_err(|e| fail(TransportKind::Other, "headers", e))?;
        for (k, v) in headers {
            h.set(k, v).map_err(|e| fail(TransportKind::Other, "header", e))?;
        }
        init.set_headers(&h);
        if let Some(b) = body {
            init.set_body(&Uint8Array::from(b).into());
        }
        let mut guard = AbortOnDrop(web_sys::AbortController::new().ok());
        if let Some(c) = &guard.0 {
            init.set_signal(Some(&c.signal()));
        }
        let global = js_sys::global();
        let fetch = Reflect::get(&global, &JsValue::from_str("fetch"))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or((TransportKind::Other, "this environment has no fetch".to_string()))?;
        let promise = fetch
            .call2(&global, &JsValue::from_str(url), &init)
            .map_err(|e| fail(TransportKind::Connect, "fetch failed", e))?;
        let promise: Promise = promise.unchecked_into();
        let resp: web_sys::Response = JsFuture::from(promise)
            .await
            .map_err(|e| fail(TransportKind::Connect, "fetch failed", e))?
            .unchecked_into();
        let status = resp.status();
        let hdrs = resp.headers();
        let retry_after = hdrs.get("retry-after").ok().flatten();
        let tracking_id = hdrs.get("trackingid").ok().flatten();
        let declared = hdrs.get("content-length").ok().flatten().and_then(|v| v.parse::<usize>().ok());
        if let Some(n) = declared.filter(|n| *n > MAX_BODY_BYTES) {
            return Ok(Exchange { status, retry_after, tracking_id, body: Err(n) });
        }
        let buffer = resp.array_buffer().map_err(|e| fail(TransportKind::Connect, "reading the answer failed", e))?;
        let buffer = JsFuture::from(buffer)
            .await
            .map_err(|e| fail(TransportKind::Connect, "reading the answer failed", e))?;
        guard.0 = None;
        let bytes = Uint8Array::new(&buffer).to_vec();
        let body = if bytes.len() > MAX_BODY_BYTES { Err(bytes.len()) } else { Ok(bytes) };
        Ok(Exchange { status, retry_after, tracking_id, body })
    }
}

pub(crate) use imp::{build, exchange, Http};
