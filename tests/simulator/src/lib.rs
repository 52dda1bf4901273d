//! A stateful local simulator of the Webex Emergency Services Settings API, with fault
//! injection, a request journal and a control API under `/_sim/`. Binds 127.0.0.1 only.

pub mod directory;
pub mod limit;
pub mod schema;
pub mod state;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

pub use limit::RateLimit;
use state::{Org, Reply, Rng};

mod interim;

/// The token the simulator accepts unless told otherwise.
pub const DEFAULT_TOKEN: &str = "sim-token";

/// One injected fault, applied to the next API request (a script is a list of these).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Fault {
    /// Answer with this status instead of serving the request.
    pub status: Option<u16>,
    /// Retry-After to send: a number of seconds, or `date:<seconds>` for an HTTP-date that far ahead.
    pub retry_after: Option<String>,
    /// Body of the error: `webex` (default; none for 429), `none`, `html`, or `json:<text>` for
    /// that text as a JSON answer (e.g. a success of the wrong shape).
    pub body: Option<String>,
    /// Close the connection in the middle of the answer.
    pub drop: bool,
    /// Serve the request, then cut the JSON answer in half.
    pub truncate: bool,
    /// Serve the request, then pad the JSON answer to `oversizeBytes` (with `status`: pad the
    /// error page or the Webex error's `message`).
    pub oversize: bool,
    /// Wait this long before answering.
    pub delay_ms: u64,
    /// Send the headers and the start of the body, then nothing more (the connection stays).
    pub stall: bool,
    /// Answer `302 Found` with this `Location` instead of serving the request.
    pub redirect: Option<String>,
}

/// Fault injection settings: a script of exact faults first, then random ones by rate.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Faults {
    /// Seed of the random faults.
    pub seed: u64,
    /// Faults for the next requests, in order.
    pub script: Vec<Fault>,
    /// Share of requests answered 429.
    pub rate429: f64,
    /// Retry-After of random 429s: seconds, or `date:<seconds>`.
    pub retry_after: String,
    /// Share of requests that start a burst of 502/503/504.
    pub rate5xx: f64,
    /// Length of a 5xx burst.
    pub burst: u32,
    /// Share of requests whose connection is dropped.
    pub drop_rate: f64,
    /// Share of answers cut short.
    pub truncate_rate: f64,
    /// Share of answers padded to `oversizeBytes`.
    pub oversize_rate: f64,
    /// Size of padded answers.
    pub oversize_bytes: usize,
    /// Delay added to every answer, in milliseconds.
    pub latency_ms: u64,
    /// Up to this many milliseconds more or less than `latency_ms`, drawn for each answer.
    pub jitter_ms: u64,
    /// A rate limit per access token; refused requests get 429 with Retry-After.
    pub rate_limit: Option<RateLimit>,
    /// Random faults hit only paths containing this text.
    pub path_contains: Option<String>,
    /// Most items a list page holds whatever `max` asks (0: no cap), as servers that cap pages.
    pub page_cap: usize,
    /// Send `Connection: close` with every answer (no connection is reused).
    pub connection_close: bool,
    /// Precede every answer with an interim `103 Early Hints` response.
    pub informational: bool,
    /// Share of entity reads (GETs with an ID in the path) that fail on every attempt, chosen
    /// by a hash of the route and ID with `seed`, so the same reads fail every time.
    pub fail_share: f64,
    /// Status of those failures.
    pub fail_status: u16,
    /// Directory lists link back to their first page (a server that repeats a page).
    pub repeat_page: bool,
    /// IDs that refer to a location (a member's `locationId`, a virtual line's `location.id`,
    /// the compliance status list) are written in another base64 form of the same ID: padded,
    /// with a `urn:TEAM:` cluster, as the API does.
    pub respell_ids: bool,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            seed: 1,
            script: Vec::new(),
            rate429: 0.0,
            retry_after: "0".into(),
            rate5xx: 0.0,
            burst: 1,
            drop_rate: 0.0,
            truncate_rate: 0.0,
            oversize_rate: 0.0,
            oversize_bytes: 12 * 1024 * 1024,
            latency_ms: 0,
            jitter_ms: 0,
            rate_limit: None,
            path_contains: None,
            page_cap: 0,
            connection_close: false,
            informational: false,
            fail_share: 0.0,
            fail_status: 503,
            repeat_page: false,
            respell_ids: false,
        }
    }
}

/// Start options.
#[derive(Debug, Clone)]
pub struct Config {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Seed of the demo organization.
    pub seed: u64,
    /// Number of members (people, workspaces, virtual lines, hunt groups).
    pub size: usize,
    /// Seed an enabled RedSky account part way through its setup (else none: INITIALISE).
    pub redsky: bool,
    /// Accepted bearer tokens.
    pub tokens: Vec<String>,
    /// List Retry-After, trackingid and Link in Access-Control-Expose-Headers.
    pub expose_headers: bool,
    /// Initial faults.
    pub faults: Faults,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 0,
            seed: 42,
            size: 200,
            redsky: false,
            tokens: vec![DEFAULT_TOKEN.into()],
            expose_headers: true,
            faults: Faults::default(),
        }
    }
}

/// One request as received (the Authorization header left out).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalEntry {
    /// Order of arrival, from 0.
    pub seq: u64,
    /// HTTP method.
    pub method: String,
    /// Path, e.g. `/v1/telephony/config/...`.
    pub path: String,
    /// Query parameters.
    pub query: HashMap<String, String>,
    /// Headers without Authorization.
    pub headers: HashMap<String, String>,
    /// JSON body, or the raw text, or null.
    pub body: Value,
    /// Status answered.
    pub status: u16,
}

struct FaultState {
    faults: Faults,
    script: VecDeque<Fault>,
    rng: Rng,
    burst_left: u32,
    limiter: limit::Limiter,
}

struct Shared {
    org: Mutex<Org>,
    spec: schema::Spec,
    journal: Mutex<Vec<JournalEntry>>,
    faults: Mutex<FaultState>,
    tokens: RwLock<Vec<String>>,
    expose: AtomicBool,
    /// With `expose`: whether Retry-After is among the exposed headers (a server may expose
    /// Link and trackingid but not Retry-After).
    expose_retry_after: AtomicBool,
    seq: AtomicU64,
    config: Mutex<(u64, usize, bool)>,
}

const JOURNAL_LIMIT: usize = 500_000;

/// Whether the read of `route` for `id` fails under `faults` (see [`Faults::fail_share`]).
fn read_fails(faults: &Faults, route: &str, id: &str) -> bool {
    if faults.fail_share <= 0.0 || faults.path_contains.as_deref().is_some_and(|p| !route.contains(p)) {
        return false;
    }
    // FNV-1a over the seed, the route and the ID.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ faults.seed;
    for b in route.bytes().chain([0]).chain(id.bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    Rng(h).chance(faults.fail_share)
}

impl Shared {
    fn set_faults(&self, f: Faults) {
        let mut st = self.faults.lock().unwrap();
        *st = FaultState {
            script: f.script.iter().cloned().collect(),
            rng: Rng(f.seed),
            burst_left: 0,
            limiter: limit::Limiter::default(),
            faults: f,
        };
    }

    /// Counts a request of `token` against the rate limit: the Retry-After seconds of a refusal.
    fn admit(&self, token: &str) -> Option<u64> {
        let st = &mut *self.faults.lock().unwrap();
        let limit = st.faults.rate_limit.as_ref()?;
        st.limiter.admit(limit, token, std::time::Instant::now())
    }

    /// The delay of one answer: the latency with its jitter.
    fn latency(&self) -> u64 {
        let st = &mut *self.faults.lock().unwrap();
        latency_of(&st.faults, &mut st.rng)
    }

    fn next_fault(&self, path: &str) -> Fault {
        let mut st = self.faults.lock().unwrap();
        if let Some(f) = st.script.pop_front() {
            return f;
        }
        let f = st.faults.clone();
        let mut out = Fault { delay_ms: latency_of(&f, &mut st.rng), ..Default::default() };
        if f.path_contains.as_deref().is_some_and(|p| !path.contains(p)) {
            return out;
        }
        if st.burst_left > 0 {
            st.burst_left -= 1;
            out.status = Some([502, 503, 504][st.rng.below(3) as usize]);
            return out;
        }
        let rng = &mut st.rng;
        if rng.chance(f.rate429) {
            out.status = Some(429);
            out.retry_after = Some(f.retry_after.clone());
        } else if rng.chance(f.rate5xx) {
            out.status = Some([502, 503, 504][rng.below(3) as usize]);
            st.burst_left = f.burst.saturating_sub(1);
        } else if rng.chance(f.drop_rate) {
            out.drop = true;
        } else if rng.chance(f.truncate_rate) {
            out.truncate = true;
        } else if rng.chance(f.oversize_rate) {
            out.oversize = true;
        }
        out
    }
}

/// `latency_ms` plus or minus up to `jitter_ms`, never below zero.
fn latency_of(f: &Faults, rng: &mut Rng) -> u64 {
    if f.jitter_ms == 0 {
        return f.latency_ms;
    }
    let offset = rng.below(2 * f.jitter_ms + 1) as i64 - f.jitter_ms as i64;
    (f.latency_ms as i64 + offset).max(0) as u64
}

/// A running simulator; stops when dropped.
pub struct Simulator {
    /// `http://127.0.0.1:<port>/v1`
    pub base_url: String,
    /// The bound address.
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator").field("base_url", &self.base_url).finish()
    }
}

impl Simulator {
    /// Starts a simulator on its own thread and runtime; works from sync and async code.
    pub fn start(config: Config) -> std::io::Result<Simulator> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", config.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            org: Mutex::new(Org::seed(config.seed, config.size, config.redsky)),
            spec: schema::Spec::load(),
            journal: Mutex::new(Vec::new()),
            faults: Mutex::new(FaultState {
                faults: Faults::default(),
                script: VecDeque::new(),
                rng: Rng(1),
                burst_left: 0,
                limiter: limit::Limiter::default(),
            }),
            tokens: RwLock::new(config.tokens.clone()),
            expose: AtomicBool::new(config.expose_headers),
            expose_retry_after: AtomicBool::new(true),
            seq: AtomicU64::new(0),
            config: Mutex::new((config.seed, config.size, config.redsky)),
        });
        shared.set_faults(config.faults.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = axum::Router::new().fallback(handle).with_state(shared.clone());
        let serve_shared = shared.clone();
        let thread = std::thread::Builder::new().name("webex-emergency-sim".into()).spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("tokio runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let listener = interim::Listener { inner: listener, shared: serve_shared };
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = rx.await;
                    })
                    .await;
            });
            rt.shutdown_timeout(Duration::from_millis(200));
        })?;
        Ok(Simulator {
            base_url: format!("http://{addr}/v1"),
            addr,
            shared,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// Stops the server and waits for its thread.
    pub fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// IDs of the seeded organization (at most `limit` of each kind).
    pub fn directory(&self, limit: usize) -> Value {
        self.shared.org.lock().unwrap().directory(limit)
    }
    /// The findings an audit of the organization must give now (see
    /// [`Org::expected_findings`]), with the reads the fault settings fail.
    pub fn expected_findings(&self) -> Vec<Value> {
        expected(&self.shared)
    }
    /// Replaces the fault settings.
    pub fn set_faults(&self, faults: Faults) {
        self.shared.set_faults(faults)
    }
    /// Every request received since the last reset.
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.shared.journal.lock().unwrap().clone()
    }
    /// Number of requests received since the last reset.
    pub fn journal_len(&self) -> usize {
        self.shared.journal.lock().unwrap().len()
    }
    /// Re-seeds the organization and clears journal and faults.
    pub fn reset(&self) {
        reset(&self.shared, None)
    }
    /// Sets the accepted tokens.
    pub fn set_tokens(&self, tokens: Vec<String>) {
        *self.shared.tokens.write().unwrap() = tokens;
    }
    /// Whether Retry-After, trackingid and Link are exposed to browsers.
    pub fn set_expose_headers(&self, on: bool) {
        self.shared.expose.store(on, Ordering::Relaxed)
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.stop()
    }
}

fn expected(shared: &Shared) -> Vec<Value> {
    let faults = shared.faults.lock().unwrap().faults.clone();
    shared.org.lock().unwrap().expected_findings(&|route, id| read_fails(&faults, route, id))
}

fn reset(shared: &Shared, to: Option<(u64, usize, bool)>) {
    let mut cfg = shared.config.lock().unwrap();
    if let Some(c) = to {
        *cfg = c;
    }
    *shared.org.lock().unwrap() = Org::seed(cfg.0, cfg.1, cfg.2);
    shared.journal.lock().unwrap().clear();
    shared.seq.store(0, Ordering::Relaxed);
    shared.set_faults(Faults::default());
}

fn percent_decode(s: &str) -> String {
    decode_percent(s, false)
}

fn decode_percent(s: &str, plus_is_space: bool) -> String {
    let plus = if plus_is_space { s.replace('+', " ") } else { s.to_string() };
    percent_encoding::percent_decode_str(&plus).decode_utf8_lossy().into_owned()
}

/// An ID as the API would accept it in a path: the base64/base64url alphabet that Webex IDs
/// are written in, at most 1,024 characters (so `..`, `%2e%2e` or `a b` is no ID).
fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 1024
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_'))
}

fn parse_query(q: Option<&str>) -> HashMap<String, String> {
    q.unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode_percent(k, true), decode_percent(v, true))
        })
        .collect()
}

/// Finds the spec path template for `path` (under /v1) and its one parameter.
fn route(path: &str) -> Option<(&'static str, Option<String>)> {
    const TEMPLATES: [&str; 22] = [
        "/locations",
        "/people",
        "/workspaces",
        "/telephony/config/virtualLines",
        "/telephony/config/locations/{locationId}/features/emergencyCallbackNumber",
        "/telephony/config/redSky/serviceSettings",
        "/telephony/config/redSky",
        "/telephony/config/redSky/status",
        "/telephony/config/redSky/complianceStatus",
        "/telephony/config/redSky/actions/login/invoke",
        "/telephony/config/locations/{locationId}/redSky",
        "/telephony/config/locations/{locationId}/redSky/status",
        "/telephony/config/locations/{locationId}/redSky/building",
        "/telephony/config/emergencyCallNotification",
        "/telephony/config/locations/{locationId}/emergencyCallNotification",
        "/telephony/config/huntGroups/{huntGroupId}/emergencyCallbackNumber/dependencies",
        "/telephony/config/people/{personId}/emergencyCallbackNumber",
        "/telephony/config/people/{personId}/emergencyCallbackNumber/dependencies",
        "/telephony/config/workspaces/{workspaceId}/emergencyCallbackNumber",
        "/telephony/config/workspaces/{workspaceId}/emergencyCallbackNumber/dependencies",
        "/telephony/config/virtualLines/{virtualLineId}/emergencyCallbackNumber/dependencies",
        "/telephony/config/virtualLines/{virtualLineId}/emergencyCallbackNumber",
    ];
    let segs: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    for t in TEMPLATES {
        let tsegs: Vec<&str> = t.split('/').collect();
        if tsegs.len() != segs.len() {
            continue;
        }
        let mut param = None;
        let matched = tsegs.iter().zip(&segs).all(|(t, s)| {
            if t.starts_with('{') {
                let id = percent_decode(s);
                let ok = is_id(&id);
                param = Some(id);
                ok
            } else {
                t == s
            }
        });
        if matched {
            return Some((t, param));
        }
    }
    None
}

fn allowed_methods(template: &str) -> &'static [&'static str] {
    match template {
        "/telephony/config/redSky" | "/telephony/config/locations/{locationId}/redSky/building" => {
            if template.ends_with("building") {
                &["POST", "PUT"]
            } else {
                &["GET", "POST"]
            }
        }
        "/telephony/config/redSky/serviceSettings" => &["PUT"],
        "/telephony/config/redSky/actions/login/invoke" => &["POST"],
        "/telephony/config/redSky/complianceStatus"
        | "/telephony/config/locations/{locationId}/redSky"
        | "/telephony/config/huntGroups/{huntGroupId}/emergencyCallbackNumber/dependencies"
        | "/locations"
        | "/people"
        | "/workspaces"
        | "/telephony/config/virtualLines" => &["GET"],
        t if t.ends_with("/dependencies") => &["GET"],
        _ => &["GET", "PUT"],
    }
}

/// Largest request body the simulator reads; a larger one is answered 413.
const MAX_REQUEST_BYTES: usize = 4 * 1024 * 1024;

/// Whether the Content-Type is `application/json` (parameters such as `charset` allowed).
fn is_json(headers: &HeaderMap) -> bool {
    let ct = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    ct.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/json")
}

/// The body fields that hold secrets (the spec's RedSky `password` and service `secret`).
const SECRET_FIELDS: [&str; 2] = ["password", "secret"];

/// Replaces every secret value in a journalled body (RedSky passwords and secrets never stay).
fn mask_secrets(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if SECRET_FIELDS.iter().any(|s| key.eq_ignore_ascii_case(s)) && !value.is_null() {
                    *value = json!("***");
                } else {
                    mask_secrets(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_secrets),
        _ => {}
    }
}

fn cors(shared: &Shared, h: &mut HeaderMap) {
    h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    if shared.expose.load(Ordering::Relaxed) {
        let exposed = if shared.expose_retry_after.load(Ordering::Relaxed) { "Retry-After, trackingid, Link" } else { "trackingid, Link" };
        h.insert("access-control-expose-headers", HeaderValue::from_static(exposed));
    }
}

fn json_response(status: u16, body: &Value) -> Response {
    let mut r = Response::new(Body::from(serde_json::to_vec(body).unwrap_or_default()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
    r
}

fn retry_after_value(spec: &str) -> Option<String> {
    if let Some(secs) = spec.strip_prefix("date:") {
        // Clamped to a century: HTTP-dates end at year 9999 (httpdate panics past it).
        let secs: f64 = secs.parse().ok()?;
        let ahead = Duration::try_from_secs_f64(secs.clamp(0.0, 100.0 * 365.0 * 86400.0)).ok()?;
        Some(httpdate::fmt_http_date(SystemTime::now().checked_add(ahead)?))
    } else if spec.is_empty() || spec == "none" {
        None
    } else {
        Some(spec.to_string())
    }
}

/// The answer of a status fault; with `oversize`, the HTML page or the Webex `message` is
/// padded to `pad` bytes.
fn fault_response(status: u16, fault: &Fault, tracking: &str, pad: usize) -> Response {
    let pad = if fault.oversize { pad } else { 0 };
    let kind = fault.body.clone().unwrap_or_else(|| {
        match status {
            429 => "none",
            502 => "html",
            _ => "webex",
        }
        .to_string()
    });
    let mut resp = match kind.as_str() {
        "none" => {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            r
        }
        "html" => {
            let mut r = Response::new(Body::from(format!(
                "<html><head><title>{status} Bad Gateway</title></head><body><center><h1>{status} Bad Gateway</h1></center><hr><center>proxy</center>{}</body></html>",
                " ".repeat(pad)
            )));
            *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            r.headers_mut().insert("content-type", HeaderValue::from_static("text/html"));
            r
        }
        literal if literal.starts_with("json:") => {
            let mut r = Response::new(Body::from(literal["json:".len()..].to_string()));
            *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            r.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
            r
        }
        _ => json_response(
            status,
            &json!({"message": format!("Injected fault{}", "!".repeat(pad)), "errors": [{"description": "Injected fault", "errorCode": 0}], "trackingId": tracking}),
        ),
    };
    if let Some(ra) = fault.retry_after.as_deref().and_then(retry_after_value) {
        if let Ok(v) = HeaderValue::from_str(&ra) {
            resp.headers_mut().insert("retry-after", v);
        }
    }
    resp
}

/// The answer to a request over the rate limit: 429, Retry-After and the Webex error body.
fn rate_limited(seconds: u64, tracking: &str) -> Response {
    let message = "Too many requests have been sent in a given amount of time and the request has been rate limited.";
    let mut r = json_response(429, &json!({"message": message, "errors": [{"description": message}], "trackingId": tracking}));
    r.headers_mut().insert("retry-after", HeaderValue::from(seconds));
    r
}

async fn control(shared: &Shared, method: &Method, path: &str, query: &HashMap<String, String>, body: &Bytes) -> Response {
    let parsed: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    match (method.as_str(), path) {
        ("GET", "/_sim/directory") => {
            let limit = query.get("limit").and_then(|l| l.parse().ok()).unwrap_or(1000);
            json_response(200, &shared.org.lock().unwrap().directory(limit))
        }
        ("GET", "/_sim/journal") => {
            let since: usize = query.get("since").and_then(|l| l.parse().ok()).unwrap_or(0);
            let j = shared.journal.lock().unwrap();
            let items: Vec<&JournalEntry> = j.iter().skip(since).collect();
            json_response(200, &json!({"count": j.len(), "items": items}))
        }
        ("DELETE", "/_sim/journal") => {
            shared.journal.lock().unwrap().clear();
            json_response(200, &json!({"ok": true}))
        }
        ("GET", "/_sim/faults") => json_response(200, &serde_json::to_value(&shared.faults.lock().unwrap().faults).unwrap_or_default()),
        ("GET", "/_sim/stats") => {
            let j = shared.journal.lock().unwrap();
            let mut statuses: HashMap<String, u64> = HashMap::new();
            for e in j.iter() {
                *statuses.entry(e.status.to_string()).or_default() += 1;
            }
            json_response(200, &json!({"requests": j.len(), "statuses": statuses}))
        }
        ("PUT", "/_sim/faults") | ("POST", "/_sim/faults") => match serde_json::from_value::<Faults>(parsed) {
            Ok(f) if f.rate_limit.as_ref().is_some_and(|l| l.check().is_err()) => {
                let why = f.rate_limit.as_ref().and_then(|l| l.check().err()).unwrap_or_default();
                json_response(400, &json!({"message": format!("bad faults: {why}")}))
            }
            Ok(f) => {
                shared.set_faults(f);
                json_response(200, &json!({"ok": true}))
            }
            Err(e) => json_response(400, &json!({"message": format!("bad faults: {e}")})),
        },
        ("GET", "/_sim/expected-findings") => {
            let items = expected(shared);
            json_response(200, &json!({"count": items.len(), "items": items}))
        }
        ("POST", "/_sim/reset") => {
            let (seed, size) = (parsed.get("seed").and_then(Value::as_u64), parsed.get("size").and_then(Value::as_u64));
            let redsky = parsed.get("redsky").and_then(Value::as_bool);
            let to = match (seed, size, redsky) {
                (None, None, None) => None,
                (s, n, r) => {
                    let cur = *shared.config.lock().unwrap();
                    Some((s.unwrap_or(cur.0), n.map(|n| n as usize).unwrap_or(cur.1), r.unwrap_or(cur.2)))
                }
            };
            reset(shared, to);
            json_response(200, &json!({"ok": true}))
        }
        ("PUT", "/_sim/config") | ("POST", "/_sim/config") => {
            if let Some(b) = parsed.get("exposeHeaders").and_then(Value::as_bool) {
                shared.expose.store(b, Ordering::Relaxed);
            }
            if let Some(b) = parsed.get("exposeRetryAfter").and_then(Value::as_bool) {
                shared.expose_retry_after.store(b, Ordering::Relaxed);
            }
            if let Some(t) = parsed.get("tokens").and_then(Value::as_array) {
                *shared.tokens.write().unwrap() = t.iter().filter_map(|x| x.as_str().map(String::from)).collect();
            }
            json_response(200, &json!({"ok": true, "exposeHeaders": shared.expose.load(Ordering::Relaxed),
                "exposeRetryAfter": shared.expose_retry_after.load(Ordering::Relaxed)}))
        }
        _ => json_response(404, &json!({"message": "unknown control endpoint"})),
    }
}

async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let method = parts.method.clone();
    let path = parts.uri.path().to_string();
    let query = parse_query(parts.uri.query());
    let Ok(body) = axum::body::to_bytes(body, MAX_REQUEST_BYTES).await else {
        // The rest of the body is not read: the connection cannot carry another request.
        let mut r = json_response(413, &json!({"message": "The request body is too large", "errors": [{"description": "The request body is too large", "errorCode": 4013}]}));
        r.headers_mut().insert("connection", HeaderValue::from_static("close"));
        return r;
    };

    if method == Method::OPTIONS && !path.starts_with("/_sim/") {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NO_CONTENT;
        let h = r.headers_mut();
        cors(&shared, h);
        h.insert("access-control-allow-methods", HeaderValue::from_static("GET, PUT, POST, DELETE, OPTIONS"));
        h.insert(
            "access-control-allow-headers",
            HeaderValue::from_static("Authorization, Content-Type, TrackingID, Accept"),
        );
        h.insert("access-control-max-age", HeaderValue::from_static("600"));
        return r;
    }
    if path.starts_with("/_sim/") {
        // No CORS for the control API, and changes only with a JSON content type (which a web
        // page can send only after a preflight that fails): no site can reset or read it.
        if method != Method::GET && !is_json(&parts.headers) {
            return json_response(415, &json!({"message": "control requests need Content-Type: application/json"}));
        }
        return control(&shared, &method, &path, &query, &body).await;
    }

    let seq = shared.seq.fetch_add(1, Ordering::Relaxed);
    let tracking = parts
        .headers
        .get("trackingid")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .unwrap_or_else(|| format!("SIM_{seq}"));
    let token = parts.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
    let limited = shared.admit(token.strip_prefix("Bearer ").unwrap_or(token));
    let fault = match limited {
        Some(_) => Fault { delay_ms: shared.latency(), ..Default::default() },
        None => shared.next_fault(&path),
    };
    if fault.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
    }

    let mut status_for_journal = 0u16;
    let mut resp = if let Some(seconds) = limited {
        rate_limited(seconds, &tracking)
    } else if let Some(location) = &fault.redirect {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::FOUND;
        if let Ok(v) = HeaderValue::from_str(location) {
            r.headers_mut().insert("location", v);
        }
        r
    } else if fault.stall {
        let start = futures_util_stream_once(Bytes::from_static(b"{\"selected\":"));
        let mut r = Response::new(Body::from_stream(start));
        r.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
        r
    } else if let Some(st) = fault.status {
        let pad = shared.faults.lock().unwrap().faults.oversize_bytes;
        fault_response(st, &fault, &tracking, pad)
    } else if fault.drop {
        let stream = futures_stream_error();
        let mut r = Response::new(Body::from_stream(stream));
        r.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
        r
    } else {
        let host = parts.headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
        serve_api(&shared, &parts.headers, &method, &path, &query, &body, &tracking, &fault, host)
    };
    if status_for_journal == 0 {
        status_for_journal = if fault.drop { 0 } else { resp.status().as_u16() };
    }
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&tracking) {
        h.insert("trackingid", v);
    }
    cors(&shared, h);
    if shared.faults.lock().unwrap().faults.connection_close {
        h.insert("connection", HeaderValue::from_static("close"));
    }

    let headers = parts
        .headers
        .iter()
        .filter(|(k, _)| k.as_str() != "authorization")
        .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let mut jbody = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()))
    };
    mask_secrets(&mut jbody);
    let mut j = shared.journal.lock().unwrap();
    if j.len() < JOURNAL_LIMIT {
        j.push(JournalEntry { seq, method: method.to_string(), path, query, headers, body: jbody, status: status_for_journal });
    }
    resp
}

/// A body stream that yields `first` and then never ends (a stalled answer).
fn futures_util_stream_once(first: Bytes) -> impl futures_core::Stream<Item = Result<Bytes, std::io::Error>> + Send {
    struct Stall(Option<Bytes>);
    impl futures_core::Stream for Stall {
        type Item = Result<Bytes, std::io::Error>;
        fn poll_next(mut self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
            match self.0.take() {
                Some(b) => std::task::Poll::Ready(Some(Ok(b))),
                None => std::task::Poll::Pending,
            }
        }
    }
    Stall(Some(first))
}

fn futures_stream_error() -> impl futures_core::Stream<Item = Result<Bytes, std::io::Error>> + Send {
    struct Fail(bool);
    impl futures_core::Stream for Fail {
        type Item = Result<Bytes, std::io::Error>;
        fn poll_next(mut self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
            if self.0 {
                return std::task::Poll::Ready(None);
            }
            self.0 = true;
            std::task::Poll::Ready(Some(Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "injected drop"))))
        }
    }
    Fail(false)
}

#[allow(clippy::too_many_arguments)]
fn serve_api(
    shared: &Shared,
    headers: &HeaderMap,
    method: &Method,
    path: &str,
    query: &HashMap<String, String>,
    body: &Bytes,
    tracking: &str,
    fault: &Fault,
    host: &str,
) -> Response {
    let with_tracking = |reply: Reply| -> Response {
        match reply.body {
            Some(mut b) => {
                if reply.status >= 400 {
                    b["trackingId"] = json!(tracking);
                }
                json_response(reply.status, &b)
            }
            None => {
                let mut r = Response::new(Body::empty());
                *r.status_mut() = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::OK);
                r
            }
        }
    };
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
    let token_ok = auth
        .strip_prefix("Bearer ")
        .is_some_and(|t| shared.tokens.read().unwrap().iter().any(|k| k == t));
    if !token_ok {
        return with_tracking(state::error(401, 4011, "The request requires a valid access token set in the Authorization request header."));
    }
    let Some(api_path) = path.strip_prefix("/v1") else {
        return with_tracking(state::error(404, 4004, "Unknown path"));
    };
    let Some((template, param)) = route(api_path) else {
        return with_tracking(state::error(404, 4004, "Unknown path"));
    };
    if !allowed_methods(template).contains(&method.as_str()) {
        return with_tracking(state::error(405, 4005, "Method not allowed"));
    }
    let json_body = if body.is_empty() {
        None
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(v) => Some(v),
            Err(_) => return with_tracking(state::error(400, 25009, "The body is not valid JSON")),
        }
    };
    if json_body.is_some() && !is_json(headers) {
        return with_tracking(state::error(415, 4015, "Content-Type must be application/json"));
    }
    let (cap, repeat_page, respell_ids) = {
        let faults = &shared.faults.lock().unwrap().faults;
        if method == Method::GET && param.as_deref().is_some_and(|id| read_fails(faults, template, id)) {
            let status = faults.fail_status;
            return with_tracking(state::error(status, 4500, "Injected read failure"));
        }
        (faults.page_cap, faults.repeat_page, faults.respell_ids)
    };
    let capped;
    let query = if cap > 0 {
        let mut q = query.clone();
        let max = q.get("max").and_then(|m| m.parse::<usize>().ok()).unwrap_or(usize::MAX);
        q.insert("max".into(), max.min(cap).to_string());
        capped = q;
        &capped
    } else {
        query
    };
    let mut reply = {
        let mut org = shared.org.lock().unwrap();
        org.origin = format!("http://{host}");
        org.repeat_page = repeat_page;
        org.respell_ids = respell_ids;
        org.handle(&shared.spec, method.as_str(), template, param.as_deref(), query, json_body.as_ref())
    };
    let link = reply.body.as_mut().and_then(directory::take_link);
    if reply.status < 300 {
        if let Some(b) = &reply.body {
            if fault.truncate {
                let text = serde_json::to_vec(b).unwrap_or_default();
                let cut = text[..text.len() / 2].to_vec();
                let mut r = Response::new(Body::from(cut));
                r.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
                return r;
            }
            if fault.oversize {
                let mut b = b.clone();
                let pad = shared.faults.lock().unwrap().faults.oversize_bytes;
                b["padding"] = json!("x".repeat(pad));
                return json_response(200, &b);
            }
        }
    }
    let mut resp = with_tracking(reply);
    if let Some(v) = link.and_then(|l| HeaderValue::from_str(&l).ok()) {
        resp.headers_mut().insert("link", v);
    }
    resp
}
