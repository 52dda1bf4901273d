//! The client, its builder, its options and where its token comes from.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::platform::{BoxFuture, MaybeSync};
use crate::error::Error;
use crate::wire::split;

/// Default base URL of the Webex API.
pub const DEFAULT_BASE_URL: &str = "https://webexapis.com/v1";
/// Environment variable read for the token when none is given.
pub const TOKEN_ENV: &str = "WEBEX_ACCESS_TOKEN";

/// Something that hands out access tokens, asked again (with `refresh = true`) once after a 401.
pub trait TokenProvider: MaybeSync {
    /// A token; `refresh` is true when the last one was refused.
    fn token(&self, refresh: bool) -> BoxFuture<'_, Result<String, Error>>;
}

#[derive(Clone)]
enum TokenSource {
    Static(Arc<str>),
    Provider(Arc<dyn TokenProvider>),
}

/// When and how often failed requests are sent again.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 2).
    pub max_retries: u32,
    /// First backoff delay (doubled each retry, with jitter).
    pub initial_backoff: Duration,
    /// Largest backoff delay.
    pub max_backoff: Duration,
    /// Longest Retry-After the client will wait; a longer one fails at once.
    pub max_retry_after: Duration,
    /// Limit on one call including all its retries and waits.
    pub total_deadline: Duration,
}

/// Longest timeout, backoff, Retry-After wait or deadline a client takes (a day).
pub const MAX_WAIT: Duration = Duration::from_secs(86_400);
/// Most retries a client takes.
pub const MAX_RETRIES: u32 = 100;

impl RetryPolicy {
    /// Checks every field is in range: waits up to [`MAX_WAIT`], retries up to [`MAX_RETRIES`].
    pub fn check(&self) -> Result<(), Error> {
        let waits = [
            ("initial_backoff", self.initial_backoff),
            ("max_backoff", self.max_backoff),
            ("max_retry_after", self.max_retry_after),
            ("total_deadline", self.total_deadline),
        ];
        if let Some((name, _)) = waits.iter().find(|(_, d)| *d > MAX_WAIT) {
            return Err(Error::Config(format!("RetryPolicy::{name} must be at most a day (86400 s)")));
        }
        if self.total_deadline.is_zero() {
            return Err(Error::Config("RetryPolicy::total_deadline must be greater than zero".into()));
        }
        if self.max_retries > MAX_RETRIES {
            return Err(Error::Config(format!("RetryPolicy::max_retries must be at most {MAX_RETRIES}")));
        }
        Ok(())
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            total_deadline: Duration::from_secs(300),
        }
    }
}

/// One attempt of a request, as a request log shows it: never the token, the body or headers.
#[derive(Debug, Clone)]
pub struct AttemptLog {
    /// Operation name, e.g. `people.update_ecbn`.
    pub operation: &'static str,
    /// HTTP method.
    pub method: &'static str,
    /// Full URL with the query (it holds IDs, never a secret).
    pub url: String,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// The answer's status, or `None` when no answer came.
    pub status: Option<u16>,
    /// Why no answer came (timeout, connection dropped, ...).
    pub error: Option<String>,
    /// How long the attempt took, in milliseconds.
    pub elapsed_ms: f64,
    /// The tracking ID sent (the same on every attempt of one call).
    pub tracking_id: String,
    /// When another attempt follows: the wait before it, in milliseconds.
    pub retry_in_ms: Option<f64>,
}

/// Told of every attempt (`Send + Sync` on native targets).
#[cfg(not(target_arch = "wasm32"))]
pub type AttemptLogFn = Arc<dyn Fn(&AttemptLog) + Send + Sync>;
/// Told of every attempt.
#[cfg(target_arch = "wasm32")]
pub type AttemptLogFn = Arc<dyn Fn(&AttemptLog)>;

pub(crate) struct Inner {
    pub(crate) http: crate::transport::Http,
    pub(crate) pace: Arc<crate::pace::Pacer>,
    pub(crate) log: Option<AttemptLogFn>,
    pub(crate) base_url: String,
    token: Option<TokenSource>,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: String,
    pub(crate) org_id: Option<String>,
}

/// A client of the Emergency Services Settings API. Cheap to clone; clones share connections.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("token", &self.inner.token.as_ref().map(|_| "***"))
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .field("org_id", &self.inner.org_id)
            .finish()
    }
}

/// Builds a [`Client`].
///
/// ```no_run
/// # async fn demo() -> Result<(), webex_emergency::Error> {
/// let client = webex_emergency::Client::builder().token("…").build()?;
/// let ecbn = client.people().get_ecbn("Y2lzY29zcGFyazovL3VzL1BFT1BMRS8x").await?;
/// println!("{:?}", ecbn.selected);
/// # Ok(()) }
/// ```
#[derive(Default)]
pub struct ClientBuilder {
    token: Option<TokenSource>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    user_agent: Option<String>,
    org_id: Option<String>,
    proxy: Option<String>,
    log: Option<AttemptLogFn>,
    pacing: Option<crate::pace::Pacing>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder").field("base_url", &self.base_url).finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A fixed access token.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(TokenSource::Static(Arc::from(token.into())));
        self
    }
    /// A provider asked for each call's token, and again once after a 401.
    pub fn token_provider(mut self, provider: impl TokenProvider + 'static) -> Self {
        self.token = Some(TokenSource::Provider(Arc::new(provider)));
        self
    }
    /// Base URL (default [`DEFAULT_BASE_URL`]); must be https unless on loopback.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }
    /// Limit of one attempt (default 30 s).
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = Some(t);
        self
    }
    /// Retry policy (default [`RetryPolicy::default`]).
    pub fn retry(mut self, r: RetryPolicy) -> Self {
        self.retry = Some(r);
        self
    }
    /// Retries after the first attempt.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.retry.get_or_insert_with(RetryPolicy::default).max_retries = n;
        self
    }
    /// User agent sent on native targets.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }
    /// HTTP proxy for every request on native targets, `http://[user:password@]host:port`,
    /// reached with CONNECT. Without it, https requests use `HTTPS_PROXY` unless the host is
    /// listed in `NO_PROXY`. In the browser package `build` refuses it: `fetch` takes its proxy
    /// from the environment (the browser's settings; in Node, the global dispatcher).
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }
    /// A request log: `log` is told of every attempt of every request (method, URL, status,
    /// time, tracking ID; never the token or a body).
    pub fn attempt_log(mut self, log: AttemptLogFn) -> Self {
        self.log = Some(log);
        self
    }
    /// How requests are paced (default: adaptive, no fixed rate; see [`crate::pace::Pacing`]).
    pub fn pacing(mut self, pacing: crate::pace::Pacing) -> Self {
        self.pacing = Some(pacing);
        self
    }
    /// Default `orgId` for every call (a call's own `orgId` wins).
    pub fn org_id(mut self, org_id: impl Into<String>) -> Self {
        self.org_id = Some(org_id.into());
        self
    }

    /// Checks the options and builds the client. Without a token, reads `WEBEX_ACCESS_TOKEN`.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = self.base_url.unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
        let base_url = split::trim_end_any(&base_url, b"/").to_string();
        check_base_url(&base_url)?;
        let token = match self.token {
            Some(t) => Some(t),
            None => env_token().map(|t| TokenSource::Static(Arc::from(t))),
        };
        if let Some(TokenSource::Static(t)) = &token {
            check_token(t, "the access token")?;
        }
        if let Some(org) = &self.org_id {
            if let Some(e) = crate::ids::check("orgId", org, crate::ids::IdKind::Organization) {
                return Err(Error::Config(format!("orgId: {}", e.message)));
            }
        }
        let timeout = self.timeout.unwrap_or(Duration::from_secs(30));
        if timeout.is_zero() || timeout > MAX_WAIT {
            return Err(Error::Config("timeout must be greater than zero and at most a day (86400 s)".into()));
        }
        let retry = self.retry.unwrap_or_default();
        retry.check()?;
        let pacing = self.pacing.unwrap_or_default();
        pacing.check()?;
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| format!("webex-emergency-rust/{}", env!("CARGO_PKG_VERSION")));
        let http = crate::transport::build(&user_agent, self.proxy.as_deref())?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                pace: crate::pace::Pacer::new(pacing),
                log: self.log,
                base_url,
                token,
                timeout,
                retry,
                user_agent,
                org_id: self.org_id,
            }),
        })
    }
}

/// A token must be non-empty printable ASCII without spaces (it goes into a header); the
/// message never shows it.
fn check_token(token: &str, what: &str) -> Result<(), Error> {
    if token.is_empty() || !split::all_bytes(token, |b| b.is_ascii_graphic()) {
        return Err(Error::Config(format!("{what} is empty or has spaces, control or non-ASCII characters")));
    }
    Ok(())
}

#[cfg(not(target_arch = "wasm32"))]
fn env_token() -> Option<String> {
    // Surrounding whitespace dropped (a line break from a file or a `.env`), as the CLI does.
    std::env::var(TOKEN_ENV).ok().map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}
#[cfg(target_arch = "wasm32")]
fn env_token() -> Option<String> {
    None
}

/// https everywhere, http only for loopback hosts (local simulators and proxies).
fn check_base_url(url: &str) -> Result<(), Error> {
    // Split at the first ':' (a byte: a `"://"` search costs 1.5 kB of wasm).
    let (scheme, rest) = match split::split_once_at(url, b':') {
        Some((scheme, rest)) if rest.starts_with("//") => (scheme, &rest[2..]),
        // Not echoed: a token given as the base URL by mistake would be shown.
        _ => return Err(Error::Config("the base URL has no scheme (it starts with https://)".into())),
    };
    let host = split::before_any(rest, b"/?#");
    if host.as_bytes().contains(&b'@') {
        // Never echo the URL: the part before `@` is a user name and password. (One holding `/`
        // or `?` ends the host early: its port is then no number, refused below, unechoed.)
        return Err(Error::Config(
            "the base URL must not hold a user name or password; pass the access token as the token".into(),
        ));
    }
    let (host_only, port) = match host.strip_prefix("[") {
        Some(h) => split::split_once_at(h, b']').map_or((h, ""), |(h, after)| (h, after.strip_prefix(":").unwrap_or(after))),
        None => split::rsplit_once_at(host, b':').unwrap_or((host, "")),
    };
    if !split::all_bytes(port, |b| b.is_ascii_digit()) {
        // Not echoed: `https://user:pa/ss@host` reaches here with a password's start as its port.
        return Err(Error::Config("the base URL's port is not a number".into()));
    }
    if split::before_any(rest, b"?#") != rest {
        return Err(Error::Config(format!("base URL `{}` must not have a query or fragment", split::before_any(url, b"?#"))));
    }
    if host_only.is_empty() {
        return Err(Error::Config(format!("base URL `{url}` has no host")));
    }
    if !host.is_ascii() {
        return Err(Error::Config(format!("base URL `{url}`: write the host in its ASCII (punycode) form")));
    }
    let loopback = host_only == "localhost"
        || host_only == "::1"
        || is_loopback_ipv4(host_only);
    match scheme {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        "http" => Err(Error::Config(format!(
            "base URL `{url}` must use https (plain http is allowed only for loopback hosts)"
        ))),
        _ => Err(Error::Config(format!("base URL `{url}` must use https"))),
    }
}

/// Whether `host` is an IPv4 address in 127.0.0.0/8, in the form std's `Ipv4Addr` parser takes
/// (four decimal octets up to 255, no leading zeros). By hand: std's address parser was 0.55 kB
/// of the browser package's .wasm raw, 0.1 kB gzipped (2026-12-07); a test compares the two.
fn is_loopback_ipv4(host: &str) -> bool {
    let mut octets = 0;
    for part in split::pieces(host, b'.') {
        if !(1..=3).contains(&part.len()) || !split::all_bytes(part, |b| b.is_ascii_digit()) || (part.len() > 1 && part.starts_with('0')) {
            return false;
        }
        let mut value = 0u32;
        for b in part.bytes() {
            value = value * 10 + u32::from(b - b'0');
        }
        if value > 255 || (octets == 0 && value != 127) {
            return false;
        }
        octets += 1;
    }
    octets == 4
}

impl Client {
    /// A builder with default options.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }
    /// The base URL in use.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }
    /// The retry policy in use.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }
    /// Requests per second the client's pacer allows now; `None` while it is not limiting.
    pub fn pace_rate(&self) -> Option<f64> {
        self.inner.pace.rate()
    }
    /// The default `orgId`, if any.
    pub fn org_id(&self) -> Option<&str> {
        self.inner.org_id.as_deref()
    }
    pub(crate) fn has_token_provider(&self) -> bool {
        matches!(self.inner.token, Some(TokenSource::Provider(_)))
    }
    pub(crate) async fn token(&self, refresh: bool) -> Result<Arc<str>, Error> {
        match &self.inner.token {
            Some(TokenSource::Static(t)) => Ok(t.clone()),
            Some(TokenSource::Provider(p)) => {
                let t = p.token(refresh).await?;
                check_token(&t, "the token provider's token")?;
                Ok(Arc::from(t))
            }
            None => Err(Error::Config(format!(
                "no access token: pass one to the client or set {TOKEN_ENV}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_addresses_are_those_of_std_s_parser() {
        let samples = [
            "127.0.0.1", "127.1.2.3", "127.255.255.255", "127.0.0.01", "127.0.0.256", "127.0.0", "127.0.0.1.", "127..0.1",
            "0127.0.0.1", "127.0.0.1 ", "+127.0.0.1", "127.0.0.-1", "128.0.0.1", "10.0.0.1", "127.000.0.1", "127.0.0.1a",
            "", "127", "localhost", "127.0.0.1:80", "1.2.3.4", "127.00.0.1", "255.255.255.255", "127.0.0.0", "127.0.0.999",
            "127.0.0.1000", "127.0.0.٣", "127.0.0.0x1",
        ];
        for host in samples {
            let by_std = host.parse::<std::net::Ipv4Addr>().is_ok_and(|a| a.is_loopback());
            assert_eq!(is_loopback_ipv4(host), by_std, "{host}");
        }
    }

    #[test]
    fn base_urls() {
        for ok in ["https://webexapis.com/v1", "http://127.0.0.1:8080/v1", "http://localhost:1/v1", "http://[::1]:9/v1"] {
            assert!(check_base_url(ok).is_ok(), "{ok}");
        }
        for bad in ["http://webexapis.com/v1", "ftp://x/v1", "webexapis.com", "https:///v1", "http://127.example.com/v1"] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
        assert!(check_base_url("https://gw.example.com/@tenant/v1").is_ok(), "an @ in the path");
        for bad in ["https://h:8o/v1", "https://h:-1/v1", "http://[::1]x/v1"] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
        for bad in [
            "https://user:hunter2@webexapis.com/v1",
            "https://:hunter2@h/v1",
            "https://webexapis.com/v1?hunter2",
            "https://h/v1#hunter2",
            "https://user:hun?ter2@h/v1",
            "https://user:hun/ter2@h/v1",
            "https://user:hunter2#@h/v1",
            "hunter2-a-token-given-as-the-base-url",
        ] {
            let message = check_base_url(bad).unwrap_err().to_string();
            assert!(!message.contains("hunter") && !message.contains("ter2"), "{message}");
        }
    }

    #[test]
    fn debug_hides_token() {
        let c = Client::builder().token("super-secret-token-123").build().unwrap();
        let text = format!("{c:?}");
        assert!(!text.contains("super-secret-token-123"), "{text}");
        assert!(text.contains("***"));
    }
}
