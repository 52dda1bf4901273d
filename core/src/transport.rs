//! One HTTP exchange: hyper (HTTP/1.1, rustls) on native targets, the fetch API in browsers
//! and Node.

use crate::api::Method;
use crate::error::{Error, TransportKind};

/// Largest success answer the client reads; a larger one fails with a decode error.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// Most of an error answer's body the client reads (its message, `errors[]` and excerpt come
/// from this start): an error is classified by its status whatever its body's size.
pub const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// The most of a body read for `status`.
fn body_limit(status: u16) -> usize {
    if (200..300).contains(&status) {
        MAX_BODY_BYTES
    } else {
        MAX_ERROR_BODY_BYTES
    }
}

/// What came back: status, the two headers the client reads, and the body (or, for a success
/// status, its size once it passed [`MAX_BODY_BYTES`]; an error body is cut at
/// [`MAX_ERROR_BODY_BYTES`]).
pub(crate) struct Exchange {
    pub status: u16,
    pub retry_after: Option<String>,
    pub tracking_id: Option<String>,
    /// The `Link` header (RFC 8288), which paged lists follow.
    pub link: Option<String>,
    pub body: Result<Vec<u8>, usize>,
}

/// Why no answer came back.
pub(crate) type Failure = (TransportKind, String);

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    //! hyper-util's pooled client: `HttpConnector` (Happy Eyeballs, connect timeout), the proxy
    //! matcher (HTTPS_PROXY, NO_PROXY with CIDR ranges and subdomains, percent-decoded
    //! credentials) and its CONNECT tunnel, rustls through hyper-rustls. What is ours: the pool
    //! is per process (a forked child never touches its parent's connections), NO_PROXY entries
    //! with a port, bounded bodies, and messages without credentials.
    use super::*;
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::{Arc, Mutex, OnceLock};
    use std::task::{Context, Poll};
    use std::time::Duration;

    use bytes::Bytes;
    use http_body_util::{BodyExt, Full};
    use hyper::header::{self, HeaderName, HeaderValue};
    use hyper::http::uri::{Scheme, Uri};
    use hyper_rustls::{HttpsConnector, MaybeHttpsStream};
    use hyper_util::client::legacy::connect::proxy::Tunnel;
    use hyper_util::client::legacy::connect::HttpConnector;
    use hyper_util::client::legacy;
    use hyper_util::client::proxy::matcher::{Intercept, Matcher};
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use tower_service::Service;

    /// Idle connections older than this are closed rather than reused (servers and load
    /// balancers commonly drop them after 60 s).
    const IDLE_FOR: Duration = Duration::from_secs(50);
    /// Idle connections kept per host at most.
    const MAX_IDLE: usize = 64;
    /// Longest wait for a TCP connection (shared by the addresses a name resolves to).
    const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    /// How long the first address family gets before the other is tried too (RFC 8305).
    const HAPPY_EYEBALLS: Duration = Duration::from_millis(300);

    type BoxError = Box<dyn std::error::Error + Send + Sync>;
    type Stream = MaybeHttpsStream<TokioIo<tokio::net::TcpStream>>;
    /// hyper-util's pooled client over our connector.
    type Pool = legacy::Client<Connect, Full<Bytes>>;

    /// Which proxy a request goes through.
    struct Proxies {
        /// The `proxy` option: every request goes through it.
        explicit: Option<Intercept>,
        /// HTTPS_PROXY / NO_PROXY, for https targets.
        env: Matcher,
        /// Why HTTPS_PROXY cannot be used (an unsupported scheme), told to requests it applies to.
        env_unusable: Option<String>,
        /// NO_PROXY entries with a port (`host:port`), which the matcher does not read.
        no_proxy_ports: Vec<(String, u16)>,
    }

    impl Proxies {
        fn from_env(explicit: Option<Intercept>) -> Proxies {
            let https = env(&["HTTPS_PROXY", "https_proxy"]).unwrap_or_default();
            let mut no = Vec::new();
            let mut no_proxy_ports = Vec::new();
            let no_proxy = env(&["NO_PROXY", "no_proxy"]).unwrap_or_default();
            for entry in no_proxy.split(',').map(str::trim) {
                // `*.example.com` means what `.example.com` means.
                let entry = entry.strip_prefix('*').filter(|e| e.starts_with('.')).unwrap_or(entry);
                match host_and_port(entry) {
                    Some((host, port)) => no_proxy_ports.push((host.trim_start_matches('.').to_ascii_lowercase(), port)),
                    None => no.push(entry),
                }
            }
            let env_unusable = (!https.is_empty()).then(|| check_http(&https).err()).flatten().map(|e| format!("HTTPS_PROXY: {e}"));
            let env = Matcher::builder().https(https).no(no.join(",")).build();
            Proxies { explicit, env, env_unusable, no_proxy_ports }
        }

        /// The proxy for `dst`: the `proxy` option always; HTTPS_PROXY for https targets that
        /// NO_PROXY does not list.
        fn proxy_for(&self, dst: &Uri) -> Result<Option<Intercept>, String> {
            if let Some(p) = &self.explicit {
                return Ok(Some(p.clone()));
            }
            if dst.scheme() != Some(&Scheme::HTTPS) {
                return Ok(None);
            }
            let host = dst.host().unwrap_or_default().trim_matches(['[', ']']).to_ascii_lowercase();
            let port = dst.port_u16().unwrap_or(443);
            let listed = self.no_proxy_ports.iter().any(|(h, p)| {
                *p == port && (host == *h || host.strip_suffix(h.as_str()).is_some_and(|rest| rest.ends_with('.')))
            });
            match (self.env.intercept(dst).filter(|_| !listed), &self.env_unusable) {
                (Some(_), Some(why)) => Err(why.clone()),
                (found, _) => Ok(found),
            }
        }
    }

    /// `host:port` with a numeric port (not an IPv6 address, a CIDR range or a bare host).
    fn host_and_port(entry: &str) -> Option<(&str, u16)> {
        let (host, port) = entry.rsplit_once(':')?;
        let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
        (!host.is_empty() && !host.contains(':') && !entry.contains('/')).then_some(())?;
        Some((host, port.parse().ok()?))
    }

    /// Opens connections: directly or through a CONNECT tunnel, then TLS for https.
    #[derive(Clone)]
    struct Connect {
        tcp: HttpConnector,
        tls: Arc<OnceLock<Result<Arc<rustls::ClientConfig>, String>>>,
        proxies: Arc<Proxies>,
    }

    impl Service<Uri> for Connect {
        type Response = Stream;
        type Error = BoxError;
        type Future = Pin<Box<dyn Future<Output = Result<Stream, BoxError>> + Send>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, dst: Uri) -> Self::Future {
            let tls = match self.tls.get_or_init(tls_config) {
                Ok(c) => c.clone(),
                Err(e) => {
                    let e = format!("cannot set up TLS: {e}");
                    return Box::pin(async move { Err(e.into()) });
                }
            };
            match self.proxies.proxy_for(&dst) {
                Err(e) => Box::pin(async move { Err(e.into()) }),
                Ok(None) => HttpsConnector::from((self.tcp.clone(), tls)).call(dst),
                Ok(Some(p)) => {
                    let mut tunnel = Tunnel::new(p.uri().clone(), self.tcp.clone());
                    if let Some(auth) = p.basic_auth() {
                        tunnel = tunnel.with_auth(auth.clone());
                    }
                    let dst = with_port(dst);
                    let connecting = HttpsConnector::from((tunnel, tls)).call(dst);
                    let proxy = p.uri().authority().map_or(String::new(), |a| a.as_str().rsplit('@').next().unwrap_or("").to_string());
                    Box::pin(async move { connecting.await.map_err(|e| format!("proxy {proxy}: {}", chain(&*e)).into()) })
                }
            }
        }
    }

    /// The tunnel asks for port 443 when the target names none: name the port for http.
    fn with_port(dst: Uri) -> Uri {
        if dst.port().is_some() || dst.scheme() != Some(&Scheme::HTTP) {
            return dst;
        }
        let host = dst.host().unwrap_or_default();
        Uri::try_from(format!("http://{host}:80/")).unwrap_or(dst)
    }

    fn tls_config() -> Result<Arc<rustls::ClientConfig>, String> {
        use rustls_platform_verifier::BuilderVerifierExt;
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_platform_verifier()
            .map_err(|e| e.to_string())?
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }

    /// The HTTP side of a client: its options and the pool of the process that uses it.
    pub(crate) struct Http {
        user_agent: HeaderValue,
        proxies: Arc<Proxies>,
        /// The pool and the process it belongs to: after `fork()` a child must not write to its
        /// parent's sockets, so it makes its own pool and leaves the parent's alone.
        slot: Mutex<Option<(u32, Pool)>>,
    }

    impl Http {
        fn pool(&self) -> Pool {
            let pid = std::process::id();
            let mut slot = self.slot.lock().unwrap_or_else(|e| e.into_inner());
            match slot.take() {
                Some((p, pool)) if p == pid => {
                    *slot = Some((p, pool.clone()));
                    return pool;
                }
                // A forked child: the parent's pool is not dropped (its tasks are the parent's).
                Some(parents) => std::mem::forget(parents),
                None => {}
            }
            let mut tcp = HttpConnector::new();
            tcp.enforce_http(false);
            tcp.set_nodelay(true);
            tcp.set_connect_timeout(Some(CONNECT_TIMEOUT));
            tcp.set_happy_eyeballs_timeout(Some(HAPPY_EYEBALLS));
            let connect = Connect { tcp, tls: Arc::default(), proxies: self.proxies.clone() };
            let pool = legacy::Client::builder(TokioExecutor::new())
                .pool_timer(TokioTimer::new())
                .pool_idle_timeout(IDLE_FOR)
                .pool_max_idle_per_host(MAX_IDLE)
                .build(connect);
            *slot = Some((pid, pool.clone()));
            pool
        }
    }

    impl Drop for Http {
        fn drop(&mut self) {
            let slot = self.slot.get_mut().unwrap_or_else(|e| e.into_inner());
            if let Some((pid, pool)) = slot.take() {
                if pid != std::process::id() {
                    std::mem::forget(pool);
                }
            }
        }
    }

    /// A proxy URL we can use: `http://[user:password@]host[:port]` (the message never holds
    /// the credentials).
    fn check_http(url: &str) -> Result<(), String> {
        if let Some((scheme, _)) = url.split_once("://") {
            if scheme != "http" {
                return Err(format!("proxy scheme `{scheme}` is not supported (use http://host:port)"));
            }
        }
        let invalid = || "the proxy has no valid host and port".to_string();
        let with_scheme = if url.contains("://") { url.to_string() } else { format!("http://{url}") };
        let uri: Uri = with_scheme.parse().map_err(|_| invalid())?;
        let authority = uri.authority().ok_or_else(invalid)?.as_str();
        let host_port = authority.rsplit('@').next().unwrap_or("");
        let port_ok = match host_port.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(':') && !port.contains(']') => port.parse::<u16>().is_ok(),
            _ => true,
        };
        match uri.host() {
            Some(h) if !h.is_empty() && port_ok => Ok(()),
            Some(h) if !h.is_empty() => Err(invalid()),
            _ => Err("the proxy has no host".into()),
        }
    }

    fn env(names: &[&str]) -> Option<String> {
        names.iter().find_map(|n| std::env::var(n).ok()).filter(|v| !v.trim().is_empty())
    }

    pub(crate) fn build(user_agent: &str, proxy: Option<&str>) -> Result<Http, Error> {
        let user_agent = HeaderValue::from_str(user_agent)
            .map_err(|_| Error::Config("the user agent has characters HTTP headers do not allow".into()))?;
        let explicit = match proxy {
            Some(url) => {
                check_http(url).map_err(|e| Error::Config(format!("proxy: {e}")))?;
                let with_scheme = if url.contains("://") { url.to_string() } else { format!("http://{url}") };
                let matcher = Matcher::builder().all(with_scheme).build();
                let any = Uri::from_static("https://webexapis.com/");
                Some(matcher.intercept(&any).ok_or_else(|| Error::Config("proxy: the proxy has no valid host and port".into()))?)
            }
            None => None,
        };
        let proxies = Arc::new(Proxies::from_env(explicit));
        Ok(Http { user_agent, proxies, slot: Mutex::new(None) })
    }

    /// An error's message with its causes (hyper's never hold header values, so never the token).
    fn chain(e: &(dyn std::error::Error + 'static)) -> String {
        let mut msg = e.to_string();
        let mut src = e.source();
        while let Some(s) = src {
            let text = s.to_string();
            if !msg.ends_with(&text) {
                msg.push_str(": ");
                msg.push_str(&text);
            }
            src = s.source();
        }
        // hyper-util's tunnel error names no status; 407 is the one it tells apart.
        if msg.contains("proxy authorization required") {
            msg.push_str(" (407)");
        }
        msg
    }

    fn timed_out(e: &(dyn std::error::Error + 'static)) -> bool {
        let mut cur = Some(e);
        while let Some(s) = cur {
            if s.downcast_ref::<hyper::Error>().is_some_and(hyper::Error::is_timeout)
                || s.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
            {
                return true;
            }
            cur = s.source();
        }
        false
    }

    fn failure(e: &(dyn std::error::Error + 'static)) -> Failure {
        let kind = if timed_out(e) { TransportKind::Timeout } else { TransportKind::Connect };
        // "client error (Connect)" says less than its causes: start from them.
        let shown = match e.downcast_ref::<legacy::Error>() {
            Some(_) => e.source().unwrap_or(e),
            None => e,
        };
        (kind, chain(shown))
    }

    pub(crate) async fn exchange(
        http: &Http,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Result<Exchange, Failure> {
        // The http crate's messages name no value; say which inputs can cause them.
        let bad = || (TransportKind::Other, "a header value or the path has characters HTTP does not allow".to_string());
        let uri = Uri::try_from(url).map_err(|_| bad())?;
        if uri.host().is_none() {
            return Err((TransportKind::Other, "the URL is not an http(s) URL with a host".to_string()));
        }
        // Built in place (the request builder moves a large value at every step).
        let mut req = hyper::Request::new(Full::new(body.map(Bytes::copy_from_slice).unwrap_or_default()));
        *req.method_mut() = match method {
            Method::Get => hyper::Method::GET,
            Method::Put => hyper::Method::PUT,
            Method::Post => hyper::Method::POST,
        };
        *req.uri_mut() = uri;
        let h = req.headers_mut();
        h.reserve(headers.len() + 2);
        h.insert(header::USER_AGENT, http.user_agent.clone());
        for (k, v) in headers {
            let name = match *k {
                "Authorization" => header::AUTHORIZATION,
                "Accept" => header::ACCEPT,
                "Content-Type" => header::CONTENT_TYPE,
                "TrackingID" => HeaderName::from_static("trackingid"),
                other => HeaderName::from_bytes(other.as_bytes()).map_err(|_| bad())?,
            };
            let mut value = HeaderValue::from_str(v).map_err(|_| bad())?;
            value.set_sensitive(name == header::AUTHORIZATION);
            h.append(name, value);
        }
        let resp = http.pool().request(req).await.map_err(|e| failure(&e))?;
        let header = |name| resp.headers().get(name).and_then(|v: &HeaderValue| v.to_str().ok()).map(str::to_string);
        let (retry_after, tracking_id, link) = (header("retry-after"), header("trackingid"), header("link"));
        let status = resp.status().as_u16();
        let mut body = resp.into_body();
        let mut bytes = Vec::new();
        let limit = body_limit(status);
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| failure(&e))?;
            if let Ok(chunk) = frame.into_data() {
                if bytes.len() + chunk.len() > limit {
                    // Dropping the body unread closes its connection (it is not pooled again).
                    if limit == MAX_BODY_BYTES {
                        let size = bytes.len() + chunk.len();
                        return Ok(Exchange { status, retry_after, tracking_id, link, body: Err(size) });
                    }
                    bytes.extend_from_slice(&chunk[..limit - bytes.len()]);
                    return Ok(Exchange { status, retry_after, tracking_id, link, body: Ok(bytes) });
                }
                bytes.extend_from_slice(&chunk);
            }
        }
        Ok(Exchange { status, retry_after, tracking_id, link, body: Ok(bytes) })
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

    /// A `proxy` is refused rather than ignored: `fetch` takes its proxy from the environment
    /// (the browser's settings; in Node, the global dispatcher), and a caller who asked for one
    /// must not be sent around it unknowing.
    pub(crate) fn build(_user_agent: &str, proxy: Option<&str>) -> Result<Http, Error> {
        match proxy {
            Some(_) => Err(Error::Config(
                "the `proxy` option is not available in the browser package: fetch uses the environment's proxy settings".into(),
            )),
            None => Ok(Http),
        }
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
            // The platform's message quotes the value, which may be the token: not copied.
            h.set(k, v).map_err(|_| (TransportKind::Other, crate::wire::split::join(&["this environment refused the ", k, " header"], "")))?;
        }
        init.set_headers(&h);
        // Redirects are not followed (as natively): the token stays with the API's host.
        init.set_redirect(web_sys::RequestRedirect::Manual);
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
        if status == 0 {
            // A browser's answer to a redirect under `redirect: "manual"` hides its status.
            return Err((TransportKind::Other, "the server answered with a redirect, which is not followed".into()));
        }
        let hdrs = resp.headers();
        let retry_after = hdrs.get("retry-after").ok().flatten();
        let tracking_id = hdrs.get("trackingid").ok().flatten();
        // Readable in browsers only when the server lists it in Access-Control-Expose-Headers.
        let link = hdrs.get("link").ok().flatten();
        let declared = hdrs.get("content-length").ok().flatten().and_then(|v| v.parse::<usize>().ok());
        let limit = body_limit(status);
        if let Some(n) = declared.filter(|n| *n > limit) {
            // Not read: a success is refused by size, an error is classified by its status.
            let body = if limit == MAX_BODY_BYTES { Err(n) } else { Ok(Vec::new()) };
            return Ok(Exchange { status, retry_after, tracking_id, link, body });
        }
        let buffer = resp.array_buffer().map_err(|e| fail(TransportKind::Connect, "reading the answer failed", e))?;
        let buffer = JsFuture::from(buffer)
            .await
            .map_err(|e| fail(TransportKind::Connect, "reading the answer failed", e))?;
        guard.0 = None;
        let array = Uint8Array::new(&buffer);
        let size = array.length() as usize;
        let body = match size > limit {
            true if limit == MAX_BODY_BYTES => Err(size),
            true => Ok(array.subarray(0, limit as u32).to_vec()),
            false => Ok(array.to_vec()),
        };
        Ok(Exchange { status, retry_after, tracking_id, link, body })
    }
}

pub(crate) use imp::{build, exchange, Http};
