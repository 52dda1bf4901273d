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
    pub body: Result<Vec<u8>, usize>,
}

/// Why no answer came back.
pub(crate) type Failure = (TransportKind, String);

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    //! hyper's HTTP/1.1 connections with a small pool of our own: one client talks to one host,
    //! so the pool is a list of idle connections, and a request skips the URL parsing, redirect
    //! and layering work a general-purpose client does per call (the bulk path's main cost).
    use super::*;
    use std::sync::{Arc, Mutex, OnceLock};
    use std::time::{Duration, Instant};

    use bytes::Bytes;
    use http_body_util::{BodyExt, Full};
    use hyper::client::conn::http1::{self, SendRequest};
    use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
    use tokio::net::TcpStream;

    /// Idle connections older than this are closed rather than reused (servers and load
    /// balancers commonly drop them after 60 s).
    const IDLE_FOR: Duration = Duration::from_secs(50);
    /// Idle connections kept at most.
    const MAX_IDLE: usize = 64;

    /// A keep-alive connection, the origin (`scheme://host:port`) it leads to, and the process
    /// that opened it: after `fork()` a child must not write to its parent's sockets.
    struct Conn {
        origin: Arc<str>,
        sender: SendRequest<Full<Bytes>>,
        pid: u32,
        /// The task driving the connection: stopped when the connection is dropped, so a body
        /// left unread (an error page cut at its limit) closes the socket instead of keeping it.
        task: tokio::task::AbortHandle,
    }

    impl Drop for Conn {
        fn drop(&mut self) {
            // Not in a forked child: the task belongs to the parent's runtime.
            if self.pid == std::process::id() {
                self.task.abort();
            }
        }
    }

    /// The HTTP side of a client: options and the idle connections.
    pub(crate) struct Http {
        user_agent: hyper::header::HeaderValue,
        proxy: Option<Proxy>,
        no_proxy: Vec<String>,
        env_proxy: Option<Proxy>,
        idle: Mutex<Vec<(Conn, Instant)>>,
        tls: OnceLock<Result<tokio_rustls::TlsConnector, String>>,
    }

    /// An HTTP proxy reached with CONNECT. Its credentials never appear in messages.
    #[derive(Clone)]
    pub(crate) struct Proxy {
        host: String,
        port: u16,
        authorization: Option<String>,
    }

    impl std::fmt::Debug for Proxy {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{}:{}", self.host, self.port)
        }
    }

    /// Reads `http://[user:password@]host[:port]` (or `host:port`).
    pub(crate) fn parse_proxy(url: &str) -> Result<Proxy, String> {
        let rest = match url.split_once("://") {
            Some(("http", rest)) => rest,
            Some((scheme, _)) => return Err(format!("proxy scheme `{scheme}` is not supported (use http://host:port)")),
            None => url,
        };
        let authority = rest.split('/').next().unwrap_or("");
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let (host, port) = split_host_port(hostport, 80).ok_or("the proxy has no valid host and port")?;
        if host.is_empty() {
            return Err("the proxy has no host".into());
        }
        use base64::Engine;
        let authorization =
            userinfo.map(|u| format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(u)));
        Ok(Proxy { host: host.to_string(), port, authorization })
    }

    /// `host[:port]` or `[v6][:port]`, with `default` when no port is given.
    fn split_host_port(authority: &str, default: u16) -> Option<(&str, u16)> {
        if let Some(v6) = authority.strip_prefix('[') {
            let (host, after) = v6.split_once(']')?;
            let port = match after.strip_prefix(':') {
                Some(p) => p.parse().ok()?,
                None if after.is_empty() => default,
                None => return None,
            };
            return Some((host, port));
        }
        match authority.rsplit_once(':') {
            Some((host, port)) => Some((host, port.parse().ok()?)),
            None => Some((authority, default)),
        }
    }

    fn env(names: &[&str]) -> Option<String> {
        names.iter().find_map(|n| std::env::var(n).ok()).filter(|v| !v.trim().is_empty())
    }

    pub(crate) fn build(user_agent: &str, proxy: Option<&str>) -> Result<Http, Error> {
        let user_agent = hyper::header::HeaderValue::from_str(user_agent)
            .map_err(|_| Error::Config("the user agent has characters HTTP headers do not allow".into()))?;
        let proxy = proxy.map(parse_proxy).transpose().map_err(|e| Error::Config(format!("proxy: {e}")))?;
        let env_proxy = env(&["HTTPS_PROXY", "https_proxy"])
            .map(|v| parse_proxy(&v))
            .transpose()
            .map_err(|e| Error::Config(format!("HTTPS_PROXY: {e}")))?;
        let no_proxy = env(&["NO_PROXY", "no_proxy"])
            .map(|v| v.split(',').map(|s| s.trim().trim_start_matches('.').to_ascii_lowercase()).collect())
            .unwrap_or_default();
        Ok(Http { user_agent, proxy, no_proxy, env_proxy, idle: Mutex::new(Vec::new()), tls: OnceLock::new() })
    }

    /// Where a URL leads.
    struct Target<'a> {
        tls: bool,
        origin: &'a str,
        authority: &'a str,
        host: &'a str,
        port: u16,
        path: &'a str,
    }

    fn target(url: &str) -> Result<Target<'_>, Failure> {
        let bad = || (TransportKind::Other, "the URL is not an http(s) URL with a host".to_string());
        let (tls, rest) = if let Some(r) = url.strip_prefix("https://") {
            (true, r)
        } else if let Some(r) = url.strip_prefix("http://") {
            (false, r)
        } else {
            return Err(bad());
        };
        let cut = rest.find(['/', '?']).unwrap_or(rest.len());
        let authority = &rest[..cut];
        let origin = &url[..url.len() - rest.len() + cut];
        let path = if cut == rest.len() { "/" } else { &rest[cut..] };
        let (host, port) = split_host_port(authority, if tls { 443 } else { 80 }).ok_or_else(bad)?;
        Ok(Target { tls, origin, authority, host, port, path })
    }

    impl Http {
        /// The proxy for a target: the `proxy` option always; HTTPS_PROXY for https targets
        /// not listed in NO_PROXY.
        fn proxy_for(&self, t: &Target<'_>) -> Option<&Proxy> {
            if self.proxy.is_some() {
                return self.proxy.as_ref();
            }
            let host = t.host.to_ascii_lowercase();
            let listed = self.no_proxy.iter().any(|n| {
                n == "*" || (!n.is_empty() && (host == *n || host.ends_with(&format!(".{n}"))))
            });
            self.env_proxy.as_ref().filter(|_| t.tls && !listed)
        }

        fn take_idle(&self, origin: &str) -> Option<Conn> {
            let mut idle = self.idle.lock().ok()?;
            let (now, pid) = (Instant::now(), std::process::id());
            if idle.iter().any(|(c, _)| c.pid != pid) {
                // A forked child: the parent's connections are left alone, not even closed (their
                // tasks belong to the parent's runtime).
                let (ours, parents): (Vec<_>, Vec<_>) = idle.drain(..).partition(|(c, _)| c.pid == pid);
                std::mem::forget(parents);
                *idle = ours;
            }
            idle.retain(|(c, since)| now.duration_since(*since) < IDLE_FOR && !c.sender.is_closed());
            let at = idle.iter().rposition(|(c, _)| &*c.origin == origin)?;
            Some(idle.swap_remove(at).0)
        }

        fn put_idle(&self, conn: Conn) {
            if let Ok(mut idle) = self.idle.lock() {
                if idle.len() < MAX_IDLE {
                    idle.push((conn, Instant::now()));
                }
            }
        }

        fn tls(&self) -> Result<tokio_rustls::TlsConnector, Failure> {
            let made = self.tls.get_or_init(|| {
                use rustls_platform_verifier::BuilderVerifierExt;
                let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
                let mut config = rustls::ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .map_err(|e| e.to_string())?
                    .with_platform_verifier()
                    .map_err(|e| e.to_string())?
                    .with_no_client_auth();
                config.alpn_protocols = vec![b"http/1.1".to_vec()];
                Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
            });
            made.clone().map_err(|e| (TransportKind::Other, format!("cannot set up TLS: {e}")))
        }

        async fn connect(&self, t: &Target<'_>) -> Result<Conn, Failure> {
            let proxy = self.proxy_for(t);
            let (host, port) = proxy.map_or((t.host, t.port), |p| (p.host.as_str(), p.port));
            let refused = |e: std::io::Error| (TransportKind::Connect, format!("cannot connect to {host}:{port}: {e}"));
            let mut tcp = TcpStream::connect((host, port)).await.map_err(refused)?;
            let _ = tcp.set_nodelay(true);
            if let Some(p) = proxy {
                tunnel(&mut tcp, p, t).await?;
            }
            let sender = if t.tls {
                let name = rustls::pki_types::ServerName::try_from(t.host.to_string())
                    .map_err(|_| (TransportKind::Other, format!("`{}` is not a valid TLS server name", t.host)))?;
                let stream = self.tls()?.connect(name, tcp).await.map_err(|e| {
                    (TransportKind::Connect, format!("TLS handshake with {} failed: {e}", t.authority))
                })?;
                handshake(stream).await?
            } else {
                handshake(tcp).await?
            };
            let (sender, task) = sender;
            Ok(Conn { origin: Arc::from(t.origin), sender, pid: std::process::id(), task })
        }
    }

    async fn handshake<S>(io: S) -> Result<(SendRequest<Full<Bytes>>, tokio::task::AbortHandle), Failure>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let (sender, conn) =
            http1::handshake(hyper_util::rt::TokioIo::new(io)).await.map_err(|e| failure(&e))?;
        let task = tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok((sender, task.abort_handle()))
    }

    /// Asks the proxy for a tunnel to the target (CONNECT) and reads its answer.
    async fn tunnel(tcp: &mut TcpStream, proxy: &Proxy, t: &Target<'_>) -> Result<(), Failure> {
        let fail = |what: String| (TransportKind::Connect, format!("proxy {proxy:?}: {what}"));
        let target = format!("{}:{}", t.host, t.port);
        let mut req = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
        if let Some(a) = &proxy.authorization {
            req.push_str(&format!("Proxy-Authorization: {a}\r\n"));
        }
        req.push_str("\r\n");
        tcp.write_all(req.as_bytes()).await.map_err(|e| fail(e.to_string()))?;
        let mut head = Vec::with_capacity(256);
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            if head.len() > 8192 || tcp.read(&mut byte).await.map_err(|e| fail(e.to_string()))? == 0 {
                return Err(fail("closed the connection before answering CONNECT".into()));
            }
            head.push(byte[0]);
        }
        let status_line = String::from_utf8_lossy(&head[..head.iter().position(|b| *b == b'\r').unwrap_or(0)]).into_owned();
        match status_line.split(' ').nth(1) {
            Some(code) if code.starts_with('2') => Ok(()),
            _ => Err(fail(format!("refused the tunnel to {target}: {status_line}"))),
        }
    }

    fn failure(e: &hyper::Error) -> Failure {
        let kind = if e.is_timeout() { TransportKind::Timeout } else { TransportKind::Connect };
        // hyper's message with its causes (they never hold headers, so never the token).
        let mut msg = e.to_string();
        let mut src = std::error::Error::source(e);
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
        use hyper::header::{self, HeaderName, HeaderValue};
        let t = target(url)?;
        // The http crate's messages name no value; say which inputs can cause them.
        let bad = || (TransportKind::Other, "a header value or the path has characters HTTP does not allow".to_string());
        // Built in place (the request builder moves a large value at every step).
        let mut req = hyper::Request::new(Full::new(body.map(Bytes::copy_from_slice).unwrap_or_default()));
        *req.method_mut() = match method {
            Method::Get => hyper::Method::GET,
            Method::Put => hyper::Method::PUT,
            Method::Post => hyper::Method::POST,
        };
        *req.uri_mut() = t.path.parse().map_err(|_| bad())?;
        let h = req.headers_mut();
        h.reserve(headers.len() + 2);
        h.insert(header::HOST, HeaderValue::from_str(t.authority).map_err(|_| bad())?);
        h.insert(header::USER_AGENT, http.user_agent.clone());
        for (k, v) in headers {
            let name = match *k {
                "Authorization" => header::AUTHORIZATION,
                "Accept" => header::ACCEPT,
                "Content-Type" => header::CONTENT_TYPE,
                "TrackingID" => HeaderName::from_static("trackingid"),
                other => HeaderName::from_bytes(other.as_bytes()).map_err(|_| bad())?,
            };
            h.append(name, HeaderValue::from_str(v).map_err(|_| bad())?);
        }
        // A pooled connection the server closed gives the request back unsent: try the next one.
        loop {
            let (mut conn, reused) = match http.take_idle(t.origin) {
                Some(c) => (c, true),
                None => (http.connect(&t).await?, false),
            };
            if let Err(e) = conn.sender.ready().await {
                if reused {
                    continue;
                }
                return Err(failure(&e));
            }
            let resp = match conn.sender.try_send_request(req).await {
                Ok(resp) => resp,
                Err(mut e) => match e.take_message() {
                    Some(back) if reused => {
                        req = back;
                        continue;
                    }
                    _ => return Err(failure(e.error())),
                },
            };
            let header = |name| resp.headers().get(name).and_then(|v: &hyper::header::HeaderValue| v.to_str().ok()).map(str::to_string);
            let (retry_after, tracking_id) = (header("retry-after"), header("trackingid"));
            let status = resp.status().as_u16();
            let mut body = resp.into_body();
            let mut bytes = Vec::new();
            let limit = body_limit(status);
            while let Some(frame) = body.frame().await {
                let frame = frame.map_err(|e| failure(&e))?;
                if let Ok(chunk) = frame.into_data() {
                    if bytes.len() + chunk.len() > limit {
                        // The connection is dropped with the rest of the body unread.
                        if limit == MAX_BODY_BYTES {
                            let size = bytes.len() + chunk.len();
                            return Ok(Exchange { status, retry_after, tracking_id, body: Err(size) });
                        }
                        bytes.extend_from_slice(&chunk[..limit - bytes.len()]);
                        return Ok(Exchange { status, retry_after, tracking_id, body: Ok(bytes) });
                    }
                    bytes.extend_from_slice(&chunk);
                }
            }
            http.put_idle(conn);
            return Ok(Exchange { status, retry_after, tracking_id, body: Ok(bytes) });
        }
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

    pub(crate) fn build(_user_agent: &str, _proxy: Option<&str>) -> Result<Http, Error> {
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
            // The platform's message quotes the value, which may be the token: not copied.
            h.set(k, v).map_err(|_| (TransportKind::Other, ["this environment refused the ", k, " header"].concat()))?;
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
        let declared = hdrs.get("content-length").ok().flatten().and_then(|v| v.parse::<usize>().ok());
        let limit = body_limit(status);
        if let Some(n) = declared.filter(|n| *n > limit) {
            // Not read: a success is refused by size, an error is classified by its status.
            let body = if limit == MAX_BODY_BYTES { Err(n) } else { Ok(Vec::new()) };
            return Ok(Exchange { status, retry_after, tracking_id, body });
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
        Ok(Exchange { status, retry_after, tracking_id, body })
    }
}

pub(crate) use imp::{build, exchange, Http};
