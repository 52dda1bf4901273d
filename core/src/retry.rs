//! The retry engine: sends one prepared request with bounded retries (Retry-After, backoff
//! with jitter, total deadline) and gives back the success answer; and the answer decoder.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::api::Method;
use crate::client::{AttemptLog, Client};
use crate::error::{excerpt, parse_error_body, status_text, ApiError, ApiErrorKind, DecodeError};
use crate::platform as rt;
use crate::transport;
use crate::wire::Json;
use crate::error::{Error, TransportError, TransportKind};

/// A request ready to be sent: what the retry engine needs and nothing more.
#[derive(Clone)]
pub struct Request {
    /// Operation name, for errors.
    pub operation: &'static str,
    /// HTTP method (POST is never retried).
    pub method: Method,
    /// Full URL with the query.
    pub url: String,
    /// JSON body, as sent.
    pub body: Option<Vec<u8>>,
    /// Each attempt waits for a permit of this gate (bulk runs cap requests in flight with it;
    /// a request waiting to retry holds no permit).
    pub gate: Option<Arc<crate::sync::Semaphore>>,
    /// Takes the pacer's next turn ahead of the calls waiting for theirs (a list's pages, which
    /// the reads of its items wait for; see [`crate::pace`]).
    pub ahead: bool,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The body may hold passwords: only its size is shown.
        f.debug_struct("Request")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("url", &self.url)
            .field("body_bytes", &self.body.as_ref().map(Vec::len))
            .finish_non_exhaustive()
    }
}

/// A success answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// HTTP status (2xx).
    pub status: u16,
    /// The body as received.
    pub body: Vec<u8>,
    /// The `trackingid` header.
    pub tracking_id: Option<String>,
    /// The `Link` header, which paged lists follow.
    pub link: Option<String>,
}

/// A unique tracking ID for one call.
pub fn new_tracking_id() -> String {
    // A random UUID (version 4) after the prefix, written without the formatting machinery.
    let (a, b) = (rt::random_u64(), rt::random_u64());
    let b = (b & !0xc000_0000_0000_0000) | 0x8000_0000_0000_0000;
    let a = (a & !0xf000) | 0x4000;
    let mut out = String::with_capacity(52);
    out.push_str("WEBEX-EMERGENCY_");
    for i in 0..32 {
        let shift = (31 - i) * 4;
        if matches!(i, 8 | 12 | 16 | 20) {
            out.push('-');
        }
        let word = if shift >= 64 { a >> (shift - 64) } else { b >> shift };
        out.push(char::from(b"0123456789abcdef"[(word & 0xf) as usize]));
    }
    out
}

/// Seconds as a duration, rounded up to whole microseconds (so a positive time is never zero):
/// negative and NaN are zero, too large is `u64::MAX` microseconds (`as` saturates). Not
/// `Duration::try_from_secs_f64`, whose exact conversion was 0.5 kB of the browser package's code.
pub(crate) fn duration_of(secs: f64) -> Duration {
    Duration::from_micros((secs.max(0.0) * 1e6).ceil() as u64)
}

/// Reads Retry-After: delay-seconds (fractions tolerated) or an HTTP-date relative to `now_ms`.
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<Duration> {
    let v = value.trim();
    if let Some(delay) = delay_seconds(v) {
        return Some(delay);
    }
    let at_ms = rt::http_date_ms(v)?;
    Some(duration_of(((at_ms - now_ms) / 1000.0).min(1e9)))
}

/// delay-seconds (`1*DIGIT`, RFC 9110), with a fraction of up to millisecond precision
/// tolerated; digits only, so no sign, exponent, `inf` or `NaN`. Read by hand: `f64::from_str`
/// and its tables cost 14 kB of the gzipped browser package (twiggy, 2026-12-03), and it
/// accepts forms the header does not have.
fn delay_seconds(v: &str) -> Option<Duration> {
    let (whole, fraction) = crate::wire::split::split_once_at(v, b'.').unwrap_or((v, ""));
    let digits = |s: &str| crate::wire::split::all_bytes(s, |b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || (v.as_bytes().contains(&b'.') && fraction.is_empty()) {
        return None;
    }
    // Past a day the value is clamped by the policy anyway; 1e9 s keeps the sum in range.
    let mut secs = 0u64;
    for b in whole.bytes() {
        secs = (secs * 10 + u64::from(b - b'0')).min(1_000_000_000);
    }
    let mut millis = 0u64;
    for i in 0..3 {
        millis = millis * 10 + fraction.as_bytes().get(i).map_or(0, |b| u64::from(b - b'0'));
    }
    Some(Duration::from_secs(secs) + Duration::from_millis(millis))
}

/// Exponential backoff with full jitter for retry `n` (0-based).
fn backoff(policy: &crate::client::RetryPolicy, n: u32) -> Duration {
    let base = policy.initial_backoff.as_secs_f64() * 2f64.powi(n.min(20) as i32);
    let cap = base.min(policy.max_backoff.as_secs_f64());
    let jitter = (rt::random_u64() % 1000) as f64 / 1000.0;
    duration_of(cap * (0.5 + 0.5 * jitter))
}

enum Attempt {
    Done(Answer),
    Status { status: u16, body: Vec<u8>, retry_after: Option<Duration>, tracking_id: Option<String> },
    Failed(TransportKind, String),
    TooLarge { status: u16, size: usize, tracking_id: Option<String> },
}

pub use crate::transport::{MAX_BODY_BYTES, MAX_ERROR_BODY_BYTES};

async fn attempt(
    client: &Client,
    method: Method,
    url: &str,
    body: Option<&[u8]>,
    token: &str,
    tracking_id: &str,
    limit: Duration,
) -> Attempt {
    let auth = crate::wire::split::join(&["Bearer ", token], "");
    let mut headers: Vec<(&str, &str)> =
        vec![("Authorization", &auth), ("TrackingID", tracking_id), ("Accept", "application/json")];
    if body.is_some() {
        headers.push(("Content-Type", "application/json"));
    }
    // Boxed: the exchange's state is several kB, and futures holding it inline get copied.
    let exchange = Box::pin(transport::exchange(&client.inner.http, method, url, &headers, body));
    match rt::timeout(limit, exchange).await {
        None => Attempt::Failed(
            TransportKind::Timeout,
            format!("no complete answer within {}", crate::error::seconds(limit)),
        ),
        Some(Err((kind, message))) => Attempt::Failed(kind, message),
        Some(Ok(x)) => match x.body {
            Err(size) => Attempt::TooLarge { status: x.status, size, tracking_id: x.tracking_id },
            Ok(body) if (200..300).contains(&x.status) => {
                Attempt::Done(Answer { status: x.status, body, tracking_id: x.tracking_id, link: x.link })
            }
            Ok(body) => Attempt::Status {
                status: x.status,
                body,
                retry_after: x.retry_after.and_then(|v| parse_retry_after(&v, rt::now_ms())),
                tracking_id: x.tracking_id,
            },
        },
    }
}

fn api_error(
    operation: &str,
    status: u16,
    body: &[u8],
    retry_after: Option<Duration>,
    header_tracking: Option<String>,
    sent_tracking: &str,
) -> ApiError {
    let parsed = parse_error_body(body);
    ApiError {
        operation: operation.to_string(),
        status,
        kind: ApiErrorKind::from_status(status),
        message: parsed.message.unwrap_or_else(|| status_text(status).to_string()),
        errors: parsed.errors,
        tracking_id: header_tracking.or(parsed.tracking_id).or_else(|| Some(sent_tracking.to_string())),
        retry_after,
        body_excerpt: excerpt(body),
        note: None,
    }
}

/// Whether an error status may be retried for this method.
fn retryable_status(status: u16, idempotent: bool, retry_after: Option<Duration>) -> bool {
    if !idempotent {
        return false;
    }
    match status {
        429 | 502 | 504 => true,
        503 => true,
        423 => retry_after.is_some(),
        _ => false,
    }
}

/// Sends a request with the client's retry policy; returns the success answer. The request's
/// URL must be under the client's base URL: the client's token is sent nowhere else.
pub async fn execute(client: &Client, request: &Request) -> Result<Answer, Error> {
    // The token goes to the client's base URL only (a public entry point: any URL could be given).
    if !request.url.strip_prefix(client.base_url()).is_some_and(|rest| rest.starts_with("/")) {
        return Err(Error::Config("a request's URL must be under the client's base URL (the token goes nowhere else)".into()));
    }
    let name = request.operation;
    let method = request.method;
    let policy = &client.inner.retry;
    let url = &request.url;
    let tracking_id = new_tracking_id();
    let started = rt::now_ms();
    let deadline_ms = started + policy.total_deadline.as_secs_f64() * 1000.0;
    let mut retries = 0u32;
    // Every attempt sent, for the request log (a token refresh is an attempt, not a retry).
    let mut attempts = 0u32;
    // A token provider is asked for a new token once after a 401, for the attempt right after.
    let mut refreshed = false;
    let mut refresh_now = false;
    loop {
        // Waits for the token provider and for a bulk slot count against the deadline too.
        let remaining = || duration_of(((deadline_ms - rt::now_ms()) / 1000.0).max(0.001));
        let past_deadline = |waiting: &str| {
            let message = crate::wire::split::join(&["the ", &crate::error::seconds(policy.total_deadline), " deadline passed while waiting for ", waiting], "");
            Error::Transport(Box::new(TransportError { operation: name.into(), kind: TransportKind::Timeout, message }))
        };
        let attempt_started;
        let result = {
            // The token, a bulk slot (held for the attempt) and the client pacer's turn (under
            // a rate limit, calls take turns at the rate it allows), waited for in that order
            // under one timer; `stage` names the wait the deadline passed in.
            let stage = AtomicUsize::new(0);
            if let Some(err) = held_off(client, name, policy, remaining()).await {
                return Err(err);
            }
            let refresh = std::mem::take(&mut refresh_now);
            let ready = rt::timeout(remaining(), async {
                let token = client.token(refresh).await?;
                stage.store(1, Ordering::Relaxed);
                let permit = match &request.gate {
                    Some(g) => g.acquire().await.ok(),
                    None => None,
                };
                stage.store(2, Ordering::Relaxed);
                client.inner.pace.turn(request.ahead).await;
                Ok::<_, Error>((token, permit))
            });
            let (token, _permit) = match ready.await {
                Some(ready) => ready?,
                None => {
                    return Err(past_deadline(match stage.load(Ordering::Relaxed) {
                        0 => "the token provider",
                        1 => "a free request slot",
                        _ => "a turn under the server's rate limit",
                    }))
                }
            };
            // Held off meanwhile (checked again after the waits): failed unsent, or slept out.
            if let Some(err) = held_off(client, name, policy, remaining()).await {
                return Err(err);
            }
            let limit = client.inner.timeout.min(remaining());
            attempt_started = rt::now_ms();
            attempts += 1;
            attempt(client, method, url, request.body.as_deref(), &token, &tracking_id, limit).await
        };
        let log = |status: Option<u16>, error: Option<&str>, retry_in: Option<Duration>| {
            if let Some(log) = &client.inner.log {
                log(&AttemptLog {
                    operation: name,
                    method: method.as_str(),
                    url: url.clone(),
                    attempt: attempts,
                    status,
                    error: error.map(str::to_string),
                    elapsed_ms: rt::now_ms() - attempt_started,
                    tracking_id: tracking_id.clone(),
                    retry_in_ms: retry_in.map(|d| d.as_secs_f64() * 1000.0),
                })
            }
        };
        let (status, failure) = match &result {
            Attempt::Done(a) => (Some(a.status), None),
            Attempt::Status { status, .. } | Attempt::TooLarge { status, .. } => (Some(*status), None),
            Attempt::Failed(_, message) => (None, Some(message.clone())),
        };
        let (wait, err) = match result {
            Attempt::Done(answer) => {
                client.inner.pace.succeeded(attempt_started, rt::now_ms() - attempt_started);
                log(status, None, None);
                return Ok(answer);
            }
            Attempt::TooLarge { status, size, tracking_id } => {
                log(Some(status), None, None);
                return Err(Error::Decode(Box::new(DecodeError {
                    operation: name.into(),
                    status,
                    message: format!(
                        "the answer is larger than {} MiB (over {size} bytes read); refusing to read it",
                        MAX_BODY_BYTES / (1024 * 1024)
                    ),
                    body_excerpt: String::new(),
                    tracking_id,
                })))
            }
            Attempt::Status { status, body, retry_after, tracking_id: tid } => {
                let mut err = api_error(name, status, &body, retry_after, tid, &tracking_id);
                if status == 429 {
                    match retry_after {
                        Some(ra) if ra > policy.max_retry_after => {
                            client.inner.pace.hold_off(rt::now_ms() + ra.as_secs_f64() * 1000.0)
                        }
                        _ => client.inner.pace.refused(attempt_started, retry_after),
                    }
                }
                if status == 401 && client.has_token_provider() && !refreshed {
                    log(Some(status), None, Some(Duration::ZERO));
                    refreshed = true;
                    refresh_now = true;
                    continue;
                }
                if !retryable_status(status, method.is_idempotent(), retry_after) {
                    log(Some(status), None, None);
                    if !method.is_idempotent() && matches!(status, 429 | 502 | 503 | 504) {
                        err.note = Some("POST requests are never replayed automatically".into());
                    }
                    return Err(Error::Api(Box::new(err)));
                }
                if let Some(ra) = retry_after {
                    if ra > policy.max_retry_after {
                        log(Some(status), None, None);
                        err.note = Some(format!(
                            "the server asked to wait {}, more than the {} this client waits (RetryPolicy::max_retry_after)",
                            crate::error::seconds(ra),
                            crate::error::seconds(policy.max_retry_after)
                        ));
                        return Err(Error::Api(Box::new(err)));
                    }
                }
                // `Retry-After: 0` (or a date already past) asks for no wait: it paces nothing, so
                // the attempt counts as a retry and backs off as without the header (sent again at
                // once, it would be sent again and again until the deadline).
                let wait = retry_after.filter(|ra| !ra.is_zero()).unwrap_or_else(|| backoff(policy, retries));
                (wait, Error::Api(Box::new(err)))
            }
            Attempt::Failed(kind, message) => {
                let err = Error::Transport(Box::new(TransportError { operation: name.into(), kind, message }));
                if !method.is_idempotent() {
                    log(None, failure.as_deref(), None);
                    return Err(err);
                }
                (backoff(policy, retries), err)
            }
        };
        // A 429 with Retry-After is pacing, not failure: it uses up no retries, only time (the total
        // deadline). Without the header (a browser the server does not expose it to) it counts as a retry.
        let paced = status == Some(429) && matches!(&err, Error::Api(e) if e.retry_after.is_some_and(|ra| !ra.is_zero()));
        let out_of_retries = !paced && retries >= policy.max_retries;
        let gives_up = out_of_retries || rt::now_ms() + wait.as_secs_f64() * 1000.0 > deadline_ms;
        log(status, failure.as_deref(), (!gives_up).then_some(wait));
        if out_of_retries {
            return Err(with_note(err, format!("gave up after {} attempt(s)", retries + 1)));
        }
        if rt::now_ms() + wait.as_secs_f64() * 1000.0 > deadline_ms {
            return Err(with_note(
                err,
                format!("retrying would pass the {} deadline", crate::error::seconds(policy.total_deadline)),
            ));
        }
        rt::sleep(wait).await;
        if !paced {
            retries += 1;
        }
    }
}

/// The server asked (refusing another call of this client with a 429) to wait longer than the
/// client waits: while the wait left is longer than `max_retry_after` (or than `remaining`, the
/// call's deadline), the call fails at once, unsent; once it is not, the rest is slept out
/// before the call is sent.
async fn held_off(client: &Client, name: &str, policy: &crate::client::RetryPolicy, remaining: Duration) -> Option<Error> {
    let until_ms = client.inner.pace.held_off_until_ms();
    if until_ms == 0.0 {
        return None; // never held off: no clock read
    }
    let held = duration_of((until_ms - rt::now_ms()) / 1000.0);
    if held.is_zero() {
        return None;
    }
    if held <= policy.max_retry_after && held < remaining {
        rt::sleep(held).await;
        return None;
    }
    Some(Error::Api(Box::new(ApiError {
        operation: name.into(),
        status: 429,
        kind: ApiErrorKind::RateLimited,
        message: status_text(429).into(),
        errors: Vec::new(),
        tracking_id: None,
        retry_after: Some(held),
        body_excerpt: String::new(),
        note: Some(
            crate::wire::split::join(
                &[
                    "not sent: the server asked this client to wait ",
                    &crate::error::seconds(held),
                    ", more than it waits (RetryPolicy::max_retry_after or the deadline)",
                ],
                "",
            ),
        ),
    })))
}

fn with_note(err: Error, note: String) -> Error {
    match err {
        Error::Api(mut e) => {
            e.note = Some(note);
            Error::Api(e)
        }
        Error::Transport(mut e) => {
            e.message = format!("{}; {note}", e.message);
            Error::Transport(e)
        }
        other => other,
    }
}

/// Decodes a success answer of `operation` as `R`.
pub fn decode<R: Json>(operation: &str, answer: &Answer) -> Result<R, Error> {
    decode_body(operation, answer.status, &answer.body, answer.tracking_id.clone())
}

/// The decode error of a success answer that did not read as its model.
pub(crate) fn decode_failure(operation: &str, answer: &Answer, message: String) -> Error {
    Error::Decode(Box::new(DecodeError {
        operation: operation.to_string(),
        status: answer.status,
        message,
        body_excerpt: excerpt(&answer.body),
        tracking_id: answer.tracking_id.clone(),
    }))
}

/// The message of a body that is not JSON, in our own words (serde_json's `Display` would pull
/// its and std::io's message tables into the wasm package): what is wrong, and where when known.
fn unreadable_message(e: &crate::wire::json::Unreadable) -> String {
    match e.place {
        Some((line, column)) => format!("{} (line {line}, column {column})", e.what),
        None => e.what.to_string(),
    }
}

/// Decodes a success body of an operation as `R`; an empty body reads as JSON `null`.
pub fn decode_body<R: Json>(
    operation: &str,
    status: u16,
    body: &[u8],
    tracking_id: Option<String>,
) -> Result<R, Error> {
    let is_empty = body.iter().all(|b| b.is_ascii_whitespace());
    let bytes: &[u8] = if is_empty { b"null" } else { body };
    let fail = |message: String, tracking_id| {
        Error::Decode(Box::new(DecodeError { operation: operation.to_string(), status, message, body_excerpt: excerpt(body), tracking_id }))
    };
    let value = match crate::wire::json::read(bytes) {
        Ok(v) => v,
        Err(e) => return Err(fail(unreadable_message(&e), tracking_id)),
    };
    R::from_json(value).map_err(|e| fail(crate::error::bare_message(&e), tracking_id))
}
